"""Name and place pools, built once from Faker's own word lists and from ``places.yaml``.

Drawing a name is then an index into a numpy array, not a Faker call per field per patient.
Faker is imported only here, on first use.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.generate.params import params

LUT_BITS = 16


@dataclass(frozen=True)
class Pool:
    """Strings with cumulative weights, for weighted draws from uniforms.

    Draws go through a lookup table of 2**16 cells (the weighted inverse CDF at each cell's
    midpoint): one multiply and one gather per draw, exact to 1/65,536 of the probability mass.
    """

    values: np.ndarray
    cum: np.ndarray
    lut: np.ndarray

    def draw(self, u: np.ndarray) -> np.ndarray:
        """Indices drawn from uniforms ``u`` (any shape)."""
        return self.lut[(u * (1 << LUT_BITS)).astype(np.int64)]


def _pool(names: Iterable[str] | Mapping[str, float]) -> Pool:
    if isinstance(names, dict):
        values, weights = list(names.keys()), [float(w) for w in names.values()]
    else:
        values = list(dict.fromkeys(names))
        weights = [1.0] * len(values)
    cum = np.cumsum(weights)
    mid = (np.arange(1 << LUT_BITS) + 0.5) / (1 << LUT_BITS) * cum[-1]
    lut = np.minimum(np.searchsorted(cum, mid, side="right"), len(values) - 1).astype(np.int64)
    return Pool(np.array(values, dtype=object), cum, lut)


@dataclass(frozen=True)
class Pools:
    """Given-name pools by sex (0 female, 1 male) and family-name pools, for two name traditions
    (0 English-language US names, 1 Spanish-language names), plus places."""

    given: tuple[tuple[Pool, Pool], tuple[Pool, Pool]]
    family: tuple[Pool, Pool]
    email_given: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    email_family: tuple[np.ndarray, np.ndarray]
    given_categories: np.ndarray
    given_code: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    family_categories: np.ndarray
    family_code: tuple[np.ndarray, np.ndarray]


def _codes(arrays: list[np.ndarray]) -> tuple[np.ndarray, list[np.ndarray]]:
    """Unique sorted values of several string arrays, and each array's positions in them."""
    categories = np.array(sorted({str(v) for a in arrays for v in a}), dtype=object)
    lookup = {v: i for i, v in enumerate(categories)}
    return categories, [np.array([lookup[str(v)] for v in a], dtype=np.int64) for a in arrays]


def _ascii_lower(values: np.ndarray) -> np.ndarray:
    import unicodedata

    out = []
    for v in values:
        s = unicodedata.normalize("NFKD", str(v)).encode("ascii", "ignore").decode().lower()
        out.append("".join(ch for ch in s if ch.isalnum()) or "person")
    return np.array(out, dtype=object)


@lru_cache(maxsize=1)
def pools() -> Pools:
    """Name pools from Faker's en_US and es_MX person providers (built once, cached)."""
    from faker.providers.person.en_US import Provider as En
    from faker.providers.person.es_MX import Provider as Es

    given = ((_pool(En.first_names_female), _pool(En.first_names_male)),
             (_pool(Es.first_names_female), _pool(Es.first_names_male)))
    family = (_pool(En.last_names), _pool(Es.last_names))
    def email(pool: Pool) -> np.ndarray:
        return _ascii_lower(pool.values) + "."

    email_given = ((email(given[0][0]), email(given[0][1])), (email(given[1][0]), email(given[1][1])))
    email_family = (_ascii_lower(family[0].values), _ascii_lower(family[1].values))
    g_cat, g_codes = _codes([given[t][x].values for t in (0, 1) for x in (0, 1)])
    f_cat, f_codes = _codes([family[0].values, family[1].values])
    return Pools(given, family, email_given, email_family, g_cat,
                 ((g_codes[0], g_codes[1]), (g_codes[2], g_codes[3])), f_cat, (f_codes[0], f_codes[1]))


@dataclass(frozen=True)
class Places:
    """Fictional places; ``town_code``/``area_code_code`` map (county, index) to unique categories."""

    county: np.ndarray
    state: np.ndarray
    zip_lo: np.ndarray
    zip_hi: np.ndarray
    towns: list[np.ndarray]
    area_codes: list[np.ndarray]
    streets: np.ndarray
    suffixes: np.ndarray
    town_categories: np.ndarray
    town_code: list[np.ndarray]
    phone_categories: np.ndarray
    phone_code: list[np.ndarray]
    zip_min: int
    zip_categories: np.ndarray


@lru_cache(maxsize=1)
def places() -> Places:
    """Fictional counties, towns and streets from ``places.yaml``."""
    t = params().places
    towns = [np.array(c.towns, dtype=object) for c in t.counties]
    town_cat, town_code = _codes(towns)
    areas = sorted({a for c in t.counties for a in c.area_codes})
    phone_cat = np.array([f"({a}) 555-01{k:02d}" for a in areas for k in range(100)], dtype=object)
    phone_code = [np.array([areas.index(a) * 100 for a in c.area_codes], dtype=np.int64) for c in t.counties]
    zmin = min(c.zip[0] for c in t.counties)
    zmax = max(c.zip[1] for c in t.counties)
    return Places(
        county=np.array([c.name for c in t.counties], dtype=object),
        state=np.array([c.state for c in t.counties], dtype=object),
        zip_lo=np.array([c.zip[0] for c in t.counties]),
        zip_hi=np.array([c.zip[1] for c in t.counties]),
        towns=towns,
        area_codes=[np.array(c.area_codes, dtype=object) for c in t.counties],
        streets=np.array(t.street_names, dtype=object),
        suffixes=np.array(t.street_suffixes, dtype=object),
        town_categories=town_cat, town_code=town_code, phone_categories=phone_cat, phone_code=phone_code,
        zip_min=zmin, zip_categories=np.array([f"{z:05d}" for z in range(zmin, zmax + 1)], dtype=object),
    )
