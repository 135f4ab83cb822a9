"""Name and place pools, built once from Faker's own word lists and from ``places.yaml``.

Drawing a name is then an index into a numpy array, not a Faker call per field per patient.
Faker is imported only here, on first use.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from sim.generate.params import params


@dataclass(frozen=True)
class Pool:
    """Strings with cumulative weights, for weighted draws from uniforms."""

    values: np.ndarray
    cum: np.ndarray

    def draw(self, u: np.ndarray) -> np.ndarray:
        """Indices drawn from uniforms ``u`` (any shape)."""
        return np.minimum(np.searchsorted(self.cum, u * self.cum[-1], side="right"), len(self.values) - 1)


def _pool(names: object) -> Pool:
    if isinstance(names, dict):
        values, weights = list(names.keys()), [float(w) for w in names.values()]
    else:
        values = list(dict.fromkeys(names))
        weights = [1.0] * len(values)
    return Pool(np.array(values, dtype=object), np.cumsum(weights))


@dataclass(frozen=True)
class Pools:
    """Given-name pools by sex (0 female, 1 male) and family-name pools, for two name traditions
    (0 English-language US names, 1 Spanish-language names), plus places."""

    given: tuple[tuple[Pool, Pool], tuple[Pool, Pool]]
    family: tuple[Pool, Pool]
    email_given: tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
    email_family: tuple[np.ndarray, np.ndarray]


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
    email_given = tuple(tuple(_ascii_lower(p.values) for p in pair) for pair in given)
    email_family = tuple(_ascii_lower(p.values) for p in family)
    return Pools(given, family, email_given, email_family)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Places:
    county: np.ndarray
    state: np.ndarray
    zip_lo: np.ndarray
    zip_hi: np.ndarray
    towns: list[np.ndarray]
    area_codes: list[np.ndarray]
    streets: np.ndarray
    suffixes: np.ndarray


@lru_cache(maxsize=1)
def places() -> Places:
    """Fictional counties, towns and streets from ``places.yaml``."""
    t = params().places
    return Places(
        county=np.array([c.name for c in t.counties], dtype=object),
        state=np.array([c.state for c in t.counties], dtype=object),
        zip_lo=np.array([c.zip[0] for c in t.counties]),
        zip_hi=np.array([c.zip[1] for c in t.counties]),
        towns=[np.array(c.towns, dtype=object) for c in t.counties],
        area_codes=[np.array(c.area_codes, dtype=object) for c in t.counties],
        streets=np.array(t.street_names, dtype=object),
        suffixes=np.array(t.street_suffixes, dtype=object),
    )
