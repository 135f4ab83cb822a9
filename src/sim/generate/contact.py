"""Stage 7: names (patient and family), fictional address, phone (555-01xx) and e-mail (example.org),
strengths. Pools are built once (see :mod:`sim.generate.names`); here we only index them."""
from __future__ import annotations

import numpy as np

from sim.generate.batch import Batch
from sim.generate.names import places, pools
from sim.generate.params import params

TWO_DIGITS = np.array([f"{i:02d}" for i in range(100)], dtype=object)


def draw_names(b: Batch) -> None:
    """The patient's given and family names (index into the pools) and name tradition."""
    pl = pools()
    n = b.n
    spanish = params().population.names["p_spanish_names_if_hispanic"]
    tradition = (b["hispanic"] & (b.rs.u("name_tradition") < spanish)).astype(np.int64)
    female_name = np.isin(b["gender"], (0, 2, 5)) | ((b["gender"] == 4) & (b.rs.u("nb_name") < 0.5))
    u_given, u_family = b.rs.u("given_name"), b.rs.u("family_name")
    given = np.zeros(n, dtype=np.int64)
    family = np.zeros(n, dtype=np.int64)
    for t in (0, 1):
        for sx, pool in ((0, pl.given[t][0]), (1, pl.given[t][1])):
            m = (tradition == t) & (female_name == (sx == 0))
            given[m] = pool.draw(u_given[m])
        m = tradition == t
        family[m] = pl.family[t].draw(u_family[m])
    b["name_tradition"], b["given_idx"], b["family_idx"] = tradition, given, family
    b["given_is_female"] = female_name


def draw_family_names(b: Batch) -> None:
    """Names of family members: given names by their sex, family names shared with the patient
    or their own (only for Patient objects; cohorts do not show them)."""
    pl = pools()
    n, S = b.n, b["f_exists"].shape[1]
    tradition, family = b["name_tradition"], b["family_idx"]
    fu = b.rs.u("family_given", S)
    f_given = np.zeros((n, S), dtype=np.int64)
    for t in (0, 1):
        for sx in (0, 1):
            m = (tradition[:, None] == t) & (b["f_sex"] == sx)
            f_given[m] = pl.given[t][sx].draw(fu[m])
    own = b.rs.u("family_own_name", S)
    share_p = np.array(params().family.same_family_name)
    same = own < share_p[None, :]
    f_family = np.where(same, family[:, None], 0)
    fam_u = b.rs.u("family_other_name", S)
    for t in (0, 1):
        m = (tradition[:, None] == t) & ~same
        f_family[m] = pl.family[t].draw(fam_u[m])
    # a relative never bears the patient's full name (a case could not tell the two apart): the next name
    patient_pool = np.where(b["given_is_female"], 0, 1)
    clash = ((f_given == b["given_idx"][:, None]) & (f_family == family[:, None])
             & (b["f_sex"] == patient_pool[:, None]))
    if clash.any():
        sizes = np.array([[len(pl.given[t][sx].values) for sx in (0, 1)] for t in (0, 1)])
        size = sizes[np.broadcast_to(tradition[:, None], clash.shape), b["f_sex"]]
        f_given = np.where(clash, (f_given + 1) % size, f_given)
    b["f_given_idx"], b["f_family_idx"] = f_given, f_family


def draw_county(b: Batch) -> None:
    """Fictional county and town (drawn before insurance: the state decides Medicaid expansion)."""
    pc = places()
    county = b.rs.index("county", len(pc.county))
    b["county"], b["town"] = county, _town_vectorized(county, b.rs.u("town"))


def draw_address_contact(b: Batch) -> None:
    """Street, ZIP, phone (555-01xx) and e-mail parts in the county of :func:`draw_county`."""
    pc = places()
    rs = b.rs
    county = b["county"]
    b["street_idx"] = rs.index("street", len(pc.streets))
    b["suffix_idx"] = rs.index("street_suffix", len(pc.suffixes))
    b["house_number"] = 1 + (rs.u("house_number") ** 2 * 9998).astype(np.int64)
    span = pc.zip_hi[county] - pc.zip_lo[county] + 1
    b["zip"] = pc.zip_lo[county] + (rs.u("zip") * span).astype(np.int64)
    n_area = np.array([len(a) for a in pc.area_codes])[county]
    b["area_idx"] = (rs.u("area_code") * n_area).astype(np.int64)
    b["phone_last"] = rs.index("phone", 100)
    b["email_num"] = rs.index("email_number", 100)


def draw_strengths(b: Batch) -> None:
    """Two or three distinct strengths (only for Patient objects)."""
    rs = b.rs
    m = len(params().population.strengths["pool"])
    u = rs.u("strengths", 3)
    first = (u[:, 0] * m).astype(np.int64)
    second = (u[:, 1] * (m - 1)).astype(np.int64)
    second += second >= first
    lo, hi = np.minimum(first, second), np.maximum(first, second)
    third = (u[:, 2] * (m - 2)).astype(np.int64)
    third += third >= lo
    third += third >= hi
    b["strengths"] = np.stack([first, second, third], axis=1)  # three distinct picks
    b["n_strengths"] = 2 + (rs.u("n_strengths") < 0.5).astype(np.int64)


def _town_vectorized(county: np.ndarray, u: np.ndarray) -> np.ndarray:
    sizes = np.array([len(t) for t in places().towns])[county]
    return np.minimum((u * sizes).astype(np.int64), sizes - 1)


FAMILY_EMAIL_BELOW = 13  # a child's contact e-mail is the family's (COPPA sets 13 for accounts)


def email_local(age: np.ndarray, given: np.ndarray, family: np.ndarray) -> np.ndarray:
    """E-mail local parts: 'given.family' (``given`` ends in '.'); a child's is 'family.family'."""
    child = age < FAMILY_EMAIL_BELOW
    return np.where(child, family + ".family", given + family)


def patient_ids(seeds: np.ndarray) -> list[str]:
    """Patient ids: 'P-' and the seed in 16 hex digits."""
    return [f"P-{int(s):016x}" for s in seeds]


def text_columns(b: Batch) -> dict[str, np.ndarray]:
    """Names, address, phone and e-mail as object arrays (vectorized string building)."""
    pl, pc = pools(), places()
    n = b.n
    given = np.empty(n, dtype=object)
    family = np.empty(n, dtype=object)
    e_given = np.empty(n, dtype=object)
    e_family = np.empty(n, dtype=object)
    female_name = b["given_is_female"]
    for t in (0, 1):
        for sx in (0, 1):
            m = (b["name_tradition"] == t) & (female_name == (sx == 0))
            given[m] = pl.given[t][sx].values[b["given_idx"][m]]
            e_given[m] = pl.email_given[t][sx][b["given_idx"][m]]
        m = b["name_tradition"] == t
        family[m] = pl.family[t].values[b["family_idx"][m]]
        e_family[m] = pl.email_family[t][b["family_idx"][m]]
    county = b["county"]
    towns = np.empty(n, dtype=object)
    areas = np.empty(n, dtype=object)
    for c in range(len(pc.county)):
        m = county == c
        towns[m] = pc.towns[c][b["town"][m]]
        areas[m] = pc.area_codes[c][b["area_idx"][m]]
    street = (
        b["house_number"].astype(str).astype(object)
        + " "
        + pc.streets[b["street_idx"]]
        + " "
        + pc.suffixes[b["suffix_idx"]]
    )
    return {
        "given_name": given,
        "family_name": family,
        "phone": "(" + areas + ") 555-01" + TWO_DIGITS[b["phone_last"]],
        "email": email_local(b["age"], e_given, e_family) + TWO_DIGITS[b["email_num"]] + "@example.org",
        "street": street,
        "city": towns,
        "county": pc.county[county],
        "state": pc.state[county],
        "zip_code": b["zip"].astype(str).astype(object),
    }
