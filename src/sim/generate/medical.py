"""Stage 2: diagnosis, comorbidities, Charlson index, prognosis, admission, length of stay,
functional status (Katz ADL, Lawton IADL) and SSDI disability."""
from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from sim.generate.batch import Batch, band_index
from sim.generate.charlson import categories_of
from sim.generate.params import ADMISSIONS, PROGNOSES, params
from sim.generate.sampling import categorical, truncated_lognormal, weights_of


@lru_cache(maxsize=1)
def dx_names() -> list[str]:
    """Diagnosis ids in data-file order (codes index this list)."""
    return list(params().diagnoses.diagnoses)


@lru_cache(maxsize=1)
def comorbidity_names() -> list[str]:
    """Comorbidity ids in data-file order."""
    return list(params().diagnoses.comorbidities)


@lru_cache(maxsize=1)
def charlson_categories() -> list[str]:
    """Charlson categories in data-file order."""
    return list(params().diagnoses.charlson_weights)


def _category_matrix(entries: list) -> np.ndarray:
    cats = charlson_categories()
    m = np.zeros((len(entries), len(cats)), dtype=bool)
    for i, dx in enumerate(entries):
        for c in dx.charlson:
            m[i, cats.index(c)] = True
    return m


def draw_diagnosis(b: Batch) -> None:
    """Primary diagnosis from the setting mix (within its age and sex limits), prognosis, admission type."""
    p = params()
    names = dx_names()
    settings = list(p.settings.settings)
    age, sex = b["age"], b["sex"]
    dx = np.full(b.n, -1, dtype=np.int64)
    prognosis = np.zeros(b.n, dtype=np.int64)
    admission = np.zeros(b.n, dtype=np.int64)
    u_dx, u_prog, u_adm = b.rs.u("diagnosis"), b.rs.u("prognosis"), b.rs.u("admission")
    for si, sname in enumerate(settings):
        m = b["setting"] == si
        if not m.any():
            continue
        s = p.settings.settings[sname]
        ids = list(s.diagnoses)
        entries = [p.diagnoses.diagnoses[i] for i in ids]
        w = np.array(list(s.diagnoses.values()))[None, :].repeat(m.sum(), axis=0)
        a = age[m][:, None]
        lo = np.array([e.age[0] for e in entries])[None, :]
        hi = np.array([e.age[1] for e in entries])[None, :]
        w = w * ((a >= lo) & (a <= hi))
        sx = sex[m][:, None]
        need = np.array([{None: -1, "female": 0, "male": 1}[e.sex] for e in entries])[None, :]
        w = w * ((need < 0) | (need == sx))
        k = categorical(u_dx[m], w)
        if (k < 0).any():  # a data-table gap; the tests check every setting covers its ages
            k = np.where(k < 0, 0, k)
        dx[m] = np.array([names.index(i) for i in ids])[k]
        base = weights_of(s.prognosis, PROGNOSES)
        factors = np.array([[e.prognosis_factor.get(g, 1.0) for g in PROGNOSES] for e in entries])
        prognosis[m] = categorical(u_prog[m], base[None, :] * factors[k])
        admission[m] = categorical(u_adm[m], weights_of(s.admission, ADMISSIONS))
    b["dx"], b["prognosis"], b["admission"] = dx, prognosis, admission


@lru_cache(maxsize=1)
def _comorbidity_tables() -> dict[str, np.ndarray]:
    p = params().diagnoses
    cms = [p.comorbidities[c] for c in comorbidity_names()]
    primary = [p.diagnoses[d] for d in dx_names()]
    names = charlson_categories()
    return {
        "p": np.array([c.p for c in cms]).T,  # (age bands, C)
        "same_code": np.array([[d.code == c.code for c in cms] for d in primary]),  # (X, C)
        "implied": np.array([[c in d.implies for c in comorbidity_names()] for d in primary]),  # (X, C)
        "dx_cats": _category_matrix(primary),
        "cm_cats": _category_matrix(cms).astype(np.int64),
        "metastatic_prog": np.array([g in p.metastatic_prognoses for g in PROGNOSES]),
        "weights": np.array([p.charlson_weights[c] for c in names]),
    }


def draw_comorbidities_charlson(b: Batch) -> None:
    """Comorbidities by age band and the Charlson index of all conditions."""
    p = params().diagnoses
    t = _comorbidity_tables()
    bands = band_index(b["age"], p.comorbidity_age_bands)
    present = b.rs.u("comorbidity", t["p"].shape[1]) < t["p"][bands]
    present |= t["implied"][b["dx"]]  # coded alongside the primary diagnosis
    present &= ~t["same_code"][b["dx"]]  # a comorbidity is never the primary diagnosis again
    cats = t["dx_cats"][b["dx"]] | (present.astype(np.int64) @ t["cm_cats"] > 0)
    names = charlson_categories()
    malignant = cats[:, names.index("malignancy")]
    cats[:, names.index("metastatic")] |= malignant & t["metastatic_prog"][b["prognosis"]]
    for high, low in p.charlson_hierarchy:
        cats[:, names.index(low)] &= ~cats[:, names.index(high)]
    b["comorbid"] = present
    b["charlson"] = np.minimum(cats.astype(np.int64) @ t["weights"], 30)
    b["metastatic"] = cats[:, names.index("metastatic")]


def draw_length_of_stay(b: Batch) -> None:
    """Length of stay: lognormal by diagnosis for inpatient settings, 0 otherwise."""
    p = params()
    settings = list(p.settings.settings)
    primary = [p.diagnoses.diagnoses[d] for d in dx_names()]
    median = np.array([d.los.median if d.los else 0.0 for d in primary])[b["dx"]]
    sigma = np.array([d.los.sigma if d.los else 0.0 for d in primary])[b["dx"]]
    inpatient = np.array([p.settings.settings[s].inpatient for s in settings])[b["setting"]]
    mult = np.array([p.settings.settings[s].los_multiplier for s in settings])[b["setting"]]
    for si, s in enumerate(settings):
        override = p.settings.settings[s].los
        if override is not None:
            m = b["setting"] == si
            median[m], sigma[m] = override.median, override.sigma
    u = b.rs.u_open("los")
    ok = inpatient & (median > 0)
    los = np.zeros(b.n, dtype=np.int64)
    if ok.any():
        draw = truncated_lognormal(u[ok], median[ok] * mult[ok], np.maximum(sigma[ok], 1e-6))
        los[ok] = np.clip(np.rint(draw), 1, 365).astype(np.int64)
    b["inpatient"], b["los"] = inpatient, los


def draw_functional(b: Batch) -> None:
    """Katz ADL and Lawton IADL dependency counts (adults), and SSDI disability at 18-64."""
    p = params()
    f = p.latent.functional
    settings = list(p.settings.settings)
    adult = b["age"] >= 18
    band = b["age_band"]
    p_any = np.array(f["p_any_adl_by_age"])[band]
    p_any = p_any * np.array([f["setting_multiplier"].get(s, 1.0) for s in settings])[b["setting"]]
    p_any = p_any * np.array([f["prognosis_multiplier"].get(g, 1.0) for g in PROGNOSES])[b["prognosis"]]
    any_adl = adult & (b.rs.u("adl_any") < np.minimum(p_any, 0.95))
    counts = list(f["adl_count_given_any"])
    adl = np.where(
        any_adl, np.array(counts)[categorical(b.rs.u("adl_count"), list(f["adl_count_given_any"].values()))], 0
    )
    extra_keys = list(f["extra_iadl_given_adl"])
    extra = np.array(extra_keys)[categorical(b.rs.u("iadl_extra"), list(f["extra_iadl_given_adl"].values()))]
    only = adult & ~any_adl & (b.rs.u("iadl_only") < np.array(f["p_iadl_only_by_age"])[band])
    only_keys = list(f["iadl_only_count"])
    only_n = np.array(only_keys)[categorical(b.rs.u("iadl_only_count"), list(f["iadl_only_count"].values()))]
    iadl = np.where(any_adl, np.minimum(adl + extra, 8), np.where(only, only_n, 0))
    dis = p.latent.disability
    names = dx_names()
    disabling = np.isin(b["dx"], [names.index(d) for d in dis["diagnoses"]])
    p_dis = np.where(disabling, dis["diagnosis_p"], np.where(adl > 0, dis["adl_any"], dis["base"]))
    working_age = adult & (b["age"] < 65)
    disabled = working_age & (b.rs.u("disabled") < p_dis)
    if b.plan.force_disabled:
        disabled = working_age.copy()
    b["adl"], b["iadl"], b["disabled"] = adl.astype(np.int64), iadl.astype(np.int64), disabled


def charlson_index(codes: Sequence[str], prognosis: str | None = None) -> int:
    """Charlson comorbidity index of a list of ICD-10-CM codes (weights and hierarchy of diagnoses.yaml).

    Without ``prognosis`` only the codes decide. With it, the generator's teaching rule applies
    too: a cancer with a prognosis in ``metastatic_prognoses`` (poor, terminal) counts as
    metastatic, exactly as :func:`draw_comorbidities_charlson` counts it.

    Args:
        codes: primary diagnosis and comorbidity codes, e.g. ``["I50.9", "N18.30"]``.
        prognosis: the patient's prognosis, to apply the teaching rule (None: codes only).
    """
    d = params().diagnoses
    cats = {c for code in codes for c in categories_of(code, d.charlson_codes)}
    if prognosis is not None and "malignancy" in cats and prognosis in d.metastatic_prognoses:
        cats.add("metastatic")
    for high, low in d.charlson_hierarchy:
        if high in cats:
            cats.discard(low)
    return min(sum(d.charlson_weights[c] for c in cats), 30)
