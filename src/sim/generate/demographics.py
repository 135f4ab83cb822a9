"""Stage 1: setting, age, sex and identity (race, ethnicity, language, veteran status, religion)."""
from __future__ import annotations

import numpy as np

from sim.generate.batch import Batch, band_index
from sim.generate.params import params
from sim.generate.sampling import categorical

GENDERS = ("woman", "man", "transgender woman", "transgender man", "non-binary", "girl", "boy")
PRONOUNS = ("she/her", "he/him", "she/her", "he/him", "they/them", "she/her", "he/him")
LANG_GROUPS = ("hispanic", "asian", "other")
AGE_BANDS = [(0, 17), (18, 44), (45, 64), (65, 79), (80, 120)]


def setting_names() -> list[str]:
    """Setting ids in data-file order (codes index this list)."""
    return list(params().settings.settings)


def _age_bins(setting: str, lo: int, hi: int, under_65_weight: float) -> list[tuple[int, int, float]]:
    """The setting's age bands clipped to [lo, hi], weighted by the share of each band kept."""
    bins = []
    for a, b, w in params().settings.settings[setting].age_bands:
        pieces = [(a, b)] if under_65_weight == 1.0 or b < 65 or a >= 65 else [(a, 64), (65, b)]
        for pa, pb in pieces:
            ca, cb = max(pa, lo), min(pb, hi)
            if ca > cb:
                continue
            weight = w * (cb - ca + 1) / (b - a + 1) * (under_65_weight if pb < 65 else 1.0)
            bins.append((ca, cb, weight))
    return bins


def draw_setting_age_sex(b: Batch) -> None:
    """Setting (weighted by how many patients it has in the allowed ages and sex), then age and sex."""
    p = params()
    plan = b.plan
    names = setting_names()
    sex_fixed = plan.constraints.sex
    weights = np.zeros(len(names))
    bins_by_setting: dict[int, list[tuple[int, int, float]]] = {}
    for name in plan.settings:
        s = p.settings.settings[name]
        bins = _age_bins(name, plan.age_lo, plan.age_hi, plan.under_65_weight)
        i = names.index(name)
        bins_by_setting[i] = bins
        sex_p = 1.0
        if sex_fixed == "female":
            sex_p = s.female_share
        elif sex_fixed == "male":
            sex_p = 1.0 - s.female_share
        total_band = sum(w for _, _, w in s.age_bands)
        weights[i] = s.weight * sum(w for _, _, w in bins) / total_band * sex_p
    setting = categorical(b.rs.u("setting"), weights)
    age = np.zeros(b.n, dtype=np.int64)
    u_band, u_age = b.rs.u("age_band"), b.rs.u("age")
    for i, bins in bins_by_setting.items():
        m = setting == i
        if not m.any():
            continue
        k = categorical(u_band[m], [w for _, _, w in bins])
        lo = np.array([x[0] for x in bins])[k]
        hi = np.array([x[1] for x in bins])[k]
        age[m] = lo + np.minimum((u_age[m] * (hi - lo + 1)).astype(np.int64), hi - lo)
    if sex_fixed is not None:
        sex = np.full(b.n, ("female", "male", "intersex").index(sex_fixed), dtype=np.int64)
    else:
        share = np.array([p.settings.settings[s].female_share for s in names])[setting]
        sex = (b.rs.u("sex") >= share).astype(np.int64)
    b["setting"], b["age"], b["sex"] = setting, age, sex
    b["age_band"] = band_index(age, AGE_BANDS)
    b["dob_day"] = b.rs.index("dob_day", 365)


def draw_identity(b: Batch) -> None:
    """Language group, language, interpreter, race, ethnicity, veteran status, gender identity, religion."""
    pop = params().population
    age, sex = b["age"], b["sex"]
    lang_tables = [pop.language[g] for g in LANG_GROUPS]
    languages = sorted({k for t in lang_tables for k in t})
    race_w = dict(pop.race["weights"])
    asian_share = race_w["Asian"] / sum(race_w.values())
    group_w = np.array([pop.hispanic["p"], (1 - pop.hispanic["p"]) * asian_share,
                        (1 - pop.hispanic["p"]) * (1 - asian_share)])
    fixed = b.plan.constraints.language
    if fixed is not None:
        group_w = group_w * np.array([t.get(fixed, 0) / sum(t.values()) for t in lang_tables])
    group = categorical(b.rs.u("lang_group"), group_w)
    lang = np.zeros(b.n, dtype=np.int64)
    if fixed is not None:
        lang[:] = languages.index(fixed)
    else:
        u = b.rs.u("language")
        for g, table in enumerate(lang_tables):
            m = group == g
            lang[m] = np.array([languages.index(k) for k in table])[categorical(u[m], list(table.values()))]
    lep = np.array([pop.language["lep"].get(k, 0.3) for k in languages])[lang]
    interpreter = (b.rs.u("interpreter") < lep) & (age >= 5)
    races = list(race_w)
    u_race = b.rs.u("race")
    no_asian = [0 if r == "Asian" else w for r, w in race_w.items()]
    race = np.where(group == 1, races.index("Asian"), categorical(u_race, no_asian))
    vet = pop.veteran
    p_vet = np.where(sex == 1, np.array(vet["p_male_by_age"])[b["age_band"]],
                     np.array(vet["p_female_by_age"])[b["age_band"]])
    veteran = (b.rs.u("veteran") < p_vet) & (age >= 18)
    if b.plan.force_veteran:
        veteran = np.ones(b.n, dtype=bool)
    gi = pop.gender_identity
    u_g = b.rs.u("gender")
    female_like = np.where(sex == 2, b.rs.u("intersex_gender") < 0.5, sex == 0)
    cis = np.where(age >= 18, np.where(female_like, 0, 1), np.where(female_like, 5, 6))
    gender = np.where((age >= 13) & (u_g < gi["p_transgender"]), np.where(female_like, 3, 2), cis)
    gender = np.where((age >= 13) & (u_g >= gi["p_transgender"]) & (u_g < gi["p_transgender"] + gi["p_nonbinary"]),
                      4, gender)
    rel = pop.religion
    b["lang_group"], b["language"], b["interpreter"] = group, lang, interpreter
    b["race"], b["hispanic"], b["veteran"], b["gender"] = race, group == 0, veteran, gender
    b["religion"] = categorical(b.rs.u("religion"), list(rel["weights"].values()))
    b["spirituality"] = categorical(b.rs.u("spirituality"), list(rel["importance"].values()))


def language_names() -> list[str]:
    """Every language of population.yaml, sorted (codes index this list)."""
    lang = params().population.language
    return sorted({k for g in LANG_GROUPS for k in lang[g]})
