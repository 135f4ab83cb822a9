"""The flat view of a patient: one row of a cohort table.

:data:`COLUMNS` names and describes every column. :func:`flatten` turns a
:class:`~sim.model.Patient` into such a row; :func:`batch_columns` builds the same columns for a
whole batch straight from its arrays (no pydantic per row). Both give identical values.
"""
from __future__ import annotations

from datetime import date

import numpy as np

from sim.generate.batch import SEXES, Batch
from sim.generate.contact import patient_ids, text_columns
from sim.generate.demographics import GENDERS, PRONOUNS, language_names
from sim.generate.economics import PLANS, education_labels, employment_labels
from sim.generate.household import ROLES
from sim.generate.medical import comorbidity_names, dx_names
from sim.generate.params import ADMISSIONS, PROGNOSES, params
from sim.generate.psychosocial import LEVELS, domains, lace, risks
from sim.model import Patient

_BASE: dict[str, str] = {
    "id": "patient id, 'P-' and the seed in hex",
    "seed": "the patient's own seed: generate_patient(seed) regenerates this row",
    "synthetic": "always True: every record is synthetic",
    "given_name": "given name (Faker word lists)",
    "family_name": "family name (Faker word lists)",
    "sex": "sex recorded at birth: female, male or intersex",
    "gender_identity": "woman, man, transgender woman, transgender man, non-binary, girl, boy",
    "pronouns": "she/her, he/him, they/them",
    "date_of_birth": "ISO date; the age holds on the reference date in population.yaml",
    "age": "age in years on the reference date",
    "language": "language spoken at home",
    "interpreter_needed": "speaks English less than very well",
    "race": "race (US Census categories)",
    "ethnicity": "Hispanic or Latino / Not Hispanic or Latino",
    "veteran": "served in the US armed forces",
    "phone": "fictional phone number (NNN) 555-01NN",
    "email": "fictional e-mail at example.org",
    "street": "fictional street address",
    "city": "fictional town",
    "county": "fictional county",
    "state": "two-letter state code",
    "zip_code": "synthetic ZIP code",
    "insurance": "medicare, medicaid, dual, private, marketplace, va, uninsured",
    "household_size": "people in the household, the patient included",
    "household_income": "annual household income in US dollars",
    "fpl_percent": "household income as percent of the federal poverty level (HHS 2024 guideline)",
    "employment": "employment status",
    "education": "highest education",
    "setting": "practice setting (needs.yaml settings)",
    "admission_type": "emergent, urgent, elective or outpatient",
    "diagnosis_code": "primary diagnosis, ICD-10-CM code",
    "diagnosis_label": "primary diagnosis, ICD-10-CM description",
    "comorbidity_codes": "ICD-10-CM codes of comorbidities, ';'-separated ('' if none)",
    "charlson_index": "Charlson comorbidity index (1987 weights)",
    "length_of_stay_days": "length of stay in days (0 for ED and outpatient settings)",
    "ed_visits_6mo": "ED visits in the 6 months before",
    "prognosis": "good, guarded, poor, terminal_months, terminal_weeks",
    "lace_index": "LACE readmission index 0-19 from the chart (van Walraven 2010)",
    "adl_dependencies": "Katz ADL items the patient needs help with (0-6)",
    "iadl_dependencies": "Lawton IADL items the patient needs help with (0-8)",
    "mobility": "independent, cane, walker, wheelchair, bedbound; age-appropriate for children",
    "referral_domain": "the need that prompted the referral to social work",
    "needs_count": "number of needs with severity 1 or more",
}
_TAIL: dict[str, str] = {
    "religion": "religious affiliation",
    "spirituality_importance": "low, moderate, high",
    "family_members": "people in the family list (genogram), living or deceased",
    "caregiver_present": "a living family member or friend has the caregiver role",
    "caregiver_relation": "relation of the main caregiver to the patient ('' if none)",
    "lives_alone": "no one lives with the patient",
    "minor_children": "living children (or grandchildren) under 18 of the patient",
}
_LATENT = ("depression", "anxiety", "alcohol", "suicide", "ipv", "caregiver_burden", "adl_dependencies",
           "iadl_dependencies")


def _columns() -> dict[str, str]:
    cols = dict(_BASE)
    for d in domains():
        cols[f"need_{d}"] = f"severity 0-3 of the need '{d}'"
    for r in risks():
        cols[f"risk_{r}"] = f"level of the risk '{r}': none, low, moderate, high"
    for k in _LATENT:
        cols[f"latent_{k}"] = f"latent {k} (LatentState scale)"
    cols.update(_TAIL)
    from sim.generate.responses import response_columns_doc

    cols.update(response_columns_doc())
    return cols


COLUMNS: dict[str, str] = _columns()



def _minor_children(p: Patient) -> int:
    return sum(1 for m in p.family if m.living and m.age < 18 and m.role == "dependent")


def flatten(patient: Patient) -> dict[str, object]:
    """One cohort row for ``patient`` (keys and order of :data:`COLUMNS`, plus instrument columns)."""
    i, e, m = patient.identity, patient.economics, patient.medical
    sev = {n.domain: n.severity for n in patient.profile.needs}
    lvl = {r.kind: r.level for r in patient.profile.risks}
    cg = patient.caregiver
    row: dict[str, object] = {
        "id": patient.id, "seed": patient.seed, "synthetic": patient.synthetic,
        "given_name": i.given_name, "family_name": i.family_name, "sex": i.sex,
        "gender_identity": i.gender_identity, "pronouns": i.pronouns,
        "date_of_birth": i.date_of_birth.isoformat(), "age": i.age, "language": i.language,
        "interpreter_needed": i.interpreter_needed, "race": i.race, "ethnicity": i.ethnicity, "veteran": i.veteran,
        "phone": patient.contact.phone, "email": patient.contact.email,
        "street": patient.address.street, "city": patient.address.city, "county": patient.address.county,
        "state": patient.address.state, "zip_code": patient.address.zip_code,
        "insurance": e.insurance, "household_size": e.household_size, "household_income": e.household_income,
        "fpl_percent": e.fpl_percent, "employment": e.employment, "education": e.education,
        "setting": m.setting, "admission_type": m.admission_type, "diagnosis_code": m.primary_diagnosis.code,
        "diagnosis_label": m.primary_diagnosis.label,
        "comorbidity_codes": ";".join(c.code for c in m.comorbidities), "charlson_index": m.charlson_index,
        "length_of_stay_days": m.length_of_stay_days, "ed_visits_6mo": m.ed_visits_6mo, "prognosis": m.prognosis,
        "lace_index": int(lace(np.array([m.length_of_stay_days]), np.array([m.admission_type == "emergent"]),
                               np.array([m.charlson_index]), np.array([m.ed_visits_6mo]))[0]),
        "adl_dependencies": len(m.functional_status.adl_dependent),
        "iadl_dependencies": len(m.functional_status.iadl_dependent),
        "mobility": m.functional_status.mobility,
        "referral_domain": patient.profile.needs[0].domain,
        "needs_count": len(patient.profile.needs),
    }
    for d in domains():
        row[f"need_{d}"] = sev.get(d, 0)
    for r in risks():
        row[f"risk_{r}"] = lvl.get(r, "none")
    for k in _LATENT:
        row[f"latent_{k}"] = getattr(patient.latent, k)
    row.update({
        "religion": patient.profile.culture.religion,
        "spirituality_importance": patient.profile.culture.spirituality_importance,
        "family_members": len(patient.family),
        "caregiver_present": cg is not None,
        "caregiver_relation": cg.relation if cg is not None else "",
        "lives_alone": not any(f.lives_with_patient and f.living for f in patient.family),
        "minor_children": _minor_children(patient),
    })
    from sim.generate.responses import flatten_responses

    row.update(flatten_responses(patient))
    return row


def batch_columns(b: Batch) -> dict[str, object]:
    """Every column of :data:`COLUMNS` (and instrument columns) for a batch, as arrays."""
    from sim.generate.assemble import relation
    from sim.generate.batch import FAMILY_SLOTS

    p = params()
    text = text_columns(b)
    lt = p.latent.functional
    age = b["age"]
    settings = np.array(list(p.settings.settings), dtype=object)
    dxs = [p.diagnoses.diagnoses[d] for d in dx_names()]
    cms = [p.diagnoses.comorbidities[c] for c in comorbidity_names()]
    cm_codes = np.array([c.code for c in cms], dtype=object)
    comorbid = b["comorbid"]
    codes = np.full(b.n, "", dtype=object)
    if comorbid.any():
        for j in range(comorbid.shape[1]):
            m = comorbid[:, j]
            codes[m] = np.where(codes[m] == "", cm_codes[j], codes[m] + ";" + cm_codes[j])
    dob = _dates(age, b["dob_day"])
    mobility = np.array([lt["mobility_by_adl"][k] for k in range(7)], dtype=object)[b["adl"]]
    mobility = np.where(age >= 18, mobility, "age-appropriate")
    sev = b["need_sev"]
    cols: dict[str, object] = {
        "id": np.array(patient_ids(b.seeds), dtype=object), "seed": b.seeds.copy(),
        "synthetic": np.ones(b.n, dtype=bool),
        "given_name": text["given_name"], "family_name": text["family_name"],
        "sex": np.array(SEXES, dtype=object)[b["sex"]],
        "gender_identity": np.array(GENDERS, dtype=object)[b["gender"]],
        "pronouns": np.array(PRONOUNS, dtype=object)[b["gender"]],
        "date_of_birth": dob, "age": age.copy(),
        "language": np.array(language_names(), dtype=object)[b["language"]],
        "interpreter_needed": b["interpreter"].copy(),
        "race": np.array(list(p.population.race["weights"]), dtype=object)[b["race"]],
        "ethnicity": np.where(b["hispanic"], "Hispanic or Latino", "Not Hispanic or Latino").astype(object),
        "veteran": b["veteran"].copy(),
        "phone": text["phone"], "email": text["email"], "street": text["street"], "city": text["city"],
        "county": text["county"], "state": text["state"], "zip_code": text["zip_code"],
        "insurance": np.array(PLANS, dtype=object)[b["insurance"]],
        "household_size": b["household_size"].astype(np.int64), "household_income": b["income"].copy(),
        "fpl_percent": b["fpl"].copy(),
        "employment": np.array(employment_labels(), dtype=object)[b["employment"]],
        "education": np.array(education_labels(), dtype=object)[b["education"]],
        "setting": settings[b["setting"]],
        "admission_type": np.array(ADMISSIONS, dtype=object)[b["admission"]],
        "diagnosis_code": np.array([d.code for d in dxs], dtype=object)[b["dx"]],
        "diagnosis_label": np.array([d.label for d in dxs], dtype=object)[b["dx"]],
        "comorbidity_codes": codes, "charlson_index": b["charlson"].copy(),
        "length_of_stay_days": b["los"].copy(), "ed_visits_6mo": b["ed_visits"].copy(),
        "prognosis": np.array(PROGNOSES, dtype=object)[b["prognosis"]],
        "lace_index": b["lace"].copy(), "adl_dependencies": b["adl"].copy(), "iadl_dependencies": b["iadl"].copy(),
        "mobility": mobility.astype(object),
        "referral_domain": np.array(domains(), dtype=object)[b["referral"]],
        "needs_count": (sev > 0).sum(axis=1).astype(np.int64),
    }
    for j, d in enumerate(domains()):
        cols[f"need_{d}"] = sev[:, j].copy()
    lv = np.array(LEVELS, dtype=object)
    for j, r in enumerate(risks()):
        cols[f"risk_{r}"] = lv[b["risk_level"][:, j]]
    for k in _LATENT:
        cols[f"latent_{k}"] = b["adl"].copy() if k == "adl_dependencies" else (
            b["iadl"].copy() if k == "iadl_dependencies" else b[f"lat_{k}"].copy())
    # the main caregiver is the first caregiver in family order (Patient.caregiver)
    is_cg = (b["f_role"] == ROLES.index("caregiver")) & b["f_exists"] & b["f_living"]
    first = np.where(is_cg.any(axis=1), is_cg.argmax(axis=1), -1)
    rel = np.full(b.n, "", dtype=object)
    for i in np.flatnonzero(first >= 0):
        k = first[i]
        rel[i] = relation(FAMILY_SLOTS[k], int(b["f_sex"][i, k]), int(b["f_pstatus"][i, k]), int(b["f_other_rel"][i]),
                          int(age[i] - b["f_age"][i, k]), True)
    lives = b["f_lives"] & b["f_exists"] & b["f_living"]
    minors = (b["f_exists"][:, 4:7] & b["f_living"][:, 4:7] & (b["f_age"][:, 4:7] < 18)
              & (b["f_role"][:, 4:7] == ROLES.index("dependent"))).sum(axis=1)
    cols.update({
        "religion": np.array(list(p.population.religion["weights"]), dtype=object)[b["religion"]],
        "spirituality_importance": np.array(list(p.population.religion["importance"]), dtype=object)[b["spirituality"]],
        "family_members": b["f_exists"].sum(axis=1).astype(np.int64),
        "caregiver_present": first >= 0,
        "caregiver_relation": rel,
        "lives_alone": ~lives.any(axis=1),
        "minor_children": minors.astype(np.int64),
    })
    from sim.generate.responses import response_columns

    cols.update(response_columns(b))
    return cols


def _dates(age: np.ndarray, day: np.ndarray) -> np.ndarray:
    """ISO birth dates, as :func:`sim.generate.assemble.date_of_birth` computes them, vectorized."""
    ref = date.fromisoformat(params().population.reference_date)
    years = range(1880, ref.year + 1)
    start = np.array([np.datetime64(date(y, ref.month, ref.day)) for y in years], dtype="datetime64[D]")
    d = start[(ref.year - age - 1) - 1880] + (1 + day).astype("timedelta64[D]")
    return d.astype(str).astype(object)
