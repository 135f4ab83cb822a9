"""The flat view of a patient: one row of a cohort table.

:data:`COLUMNS` names and describes every column. :func:`flatten` turns a
:class:`~sim.model.Patient` into such a row; :func:`batch_columns` builds the same columns for a
whole batch straight from its arrays (no pydantic per row). Both give identical values.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np

from sim.generate.batch import SEXES, Batch
from sim.generate.coded import Coded, Column, coded
from sim.generate.contact import TWO_DIGITS, email_local
from sim.generate.demographics import GENDERS, PRONOUNS, language_names
from sim.generate.economics import PLANS, education_labels, employment_labels
from sim.generate.household import ROLES
from sim.generate.medical import comorbidity_names, dx_names
from sim.generate.params import ADMISSIONS, PROGNOSES, params
from sim.generate.psychosocial import LEVELS, domains, lace, risks
from sim.generate.responses import flatten_responses, response_columns, response_columns_doc
from sim.model import Patient

_BASE: dict[str, str] = {
    "id": "patient id, 'P-' and the seed in hex",
    "seed": "the patient's own seed: generate_patient(seed, setting=<the cohort's setting>) regenerates this row",
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
    "email": "fictional e-mail at example.org (the family's for a child under 13)",
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
    "charlson_index": "Charlson comorbidity index (1987 weights, Quan 2005 ICD-10 codes)",
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
    row.update(flatten_responses(patient))
    return row


_EMAIL_TAIL = TWO_DIGITS + "@example.org"


@lru_cache(maxsize=1)
def _numbers() -> np.ndarray:
    return np.array([f"{k} " for k in range(10_000)], dtype=object)


@lru_cache(maxsize=1)
def _street_names() -> np.ndarray:
    from sim.generate.names import places

    pc = places()
    return np.array([f"{s} {x}" for s in pc.streets for x in pc.suffixes], dtype=object)


@lru_cache(maxsize=1)
def _date_categories() -> tuple[np.datetime64, np.ndarray]:
    start = np.datetime64("1880-01-01")
    end = np.datetime64(params().population.reference_date)
    days = np.arange(start, end + 1, dtype="datetime64[D]")
    return start, days.astype(str).astype(object)


def _ids(seeds: np.ndarray) -> np.ndarray:
    hexed = np.frombuffer(seeds.astype(">u8").tobytes().hex().encode(), dtype="S16")
    return np.char.add(b"P-", hexed).astype(str).astype(object)


def batch_columns(b: Batch) -> dict[str, Column]:
    """Every column of :data:`COLUMNS` for a batch, as numpy arrays or :class:`Coded` text."""
    from sim.generate.batch import SLOT
    from sim.generate.household import RELATIONS, relation_codes
    from sim.generate.names import places, pools

    p = params()
    lt = p.latent.functional
    pl, pc = pools(), places()
    age, n = b["age"], b.n
    # names, address, contact
    gcode = np.zeros(n, dtype=np.int64)
    fcode = np.zeros(n, dtype=np.int64)
    e_given = np.empty(n, dtype=object)
    e_family = np.empty(n, dtype=object)
    for t in (0, 1):
        for sx in (0, 1):
            m = (b["name_tradition"] == t) & (b["given_is_female"] == (sx == 0))
            gcode[m] = pl.given_code[t][sx][b["given_idx"][m]]
            e_given[m] = pl.email_given[t][sx][b["given_idx"][m]]
        m = b["name_tradition"] == t
        fcode[m] = pl.family_code[t][b["family_idx"][m]]
        e_family[m] = pl.email_family[t][b["family_idx"][m]]
    county = b["county"]
    town = np.zeros(n, dtype=np.int64)
    phone = np.zeros(n, dtype=np.int64)
    for c in range(len(pc.county)):
        m = county == c
        town[m] = pc.town_code[c][b["town"][m]]
        phone[m] = pc.phone_code[c][b["area_idx"][m]] + b["phone_last"][m]
    street = _numbers()[b["house_number"]] + _street_names()[b["street_idx"] * len(pc.suffixes) + b["suffix_idx"]]
    start, day_names = _date_categories()
    ref = date.fromisoformat(params().population.reference_date)
    year_start = np.array([np.datetime64(date(y, ref.month, ref.day)) for y in range(1880, ref.year + 1)],
                          dtype="datetime64[D]")
    dob = year_start[(ref.year - age - 1) - 1880] + (1 + b["dob_day"]).astype("timedelta64[D]")
    dob_code = (dob - start).astype(np.int64)
    # medical
    dxs = [p.diagnoses.diagnoses[d] for d in dx_names()]
    cms = [p.diagnoses.comorbidities[c] for c in comorbidity_names()]
    bits = (b["comorbid"].astype(np.int64) << np.arange(len(cms), dtype=np.int64)[None, :]).sum(axis=1)
    masks, inverse = np.unique(bits, return_inverse=True)
    combos = [";".join(cms[j].code for j in range(len(cms)) if (int(mask) >> j) & 1) for mask in masks]
    mob = [lt["mobility_by_adl"][k] for k in range(7)] + ["age-appropriate"]
    mobility = np.where(age >= 18, b["adl"], 7)
    sev = b["need_sev"]
    cols: dict[str, Column] = {
        "id": _ids(b.seeds), "seed": b.seeds, "synthetic": np.ones(n, dtype=bool),
        "given_name": Coded(gcode, pl.given_categories), "family_name": Coded(fcode, pl.family_categories),
        "sex": coded(b["sex"], SEXES), "gender_identity": coded(b["gender"], GENDERS),
        "pronouns": coded(b["gender"], PRONOUNS), "date_of_birth": Coded(dob_code, day_names),
        "age": age.copy(), "language": coded(b["language"], language_names()),
        "interpreter_needed": b["interpreter"],
        "race": coded(b["race"], list(p.population.race["weights"])),
        "ethnicity": coded(np.where(b["hispanic"], 0, 1), ["Hispanic or Latino", "Not Hispanic or Latino"]),
        "veteran": b["veteran"],
        "phone": Coded(phone, pc.phone_categories),
        "email": email_local(age, e_given, e_family) + _EMAIL_TAIL[b["email_num"]],
        "street": street, "city": Coded(town, pc.town_categories), "county": Coded(county, pc.county),
        "state": coded(county, pc.state), "zip_code": Coded(b["zip"] - pc.zip_min, pc.zip_categories),
        "insurance": coded(b["insurance"], PLANS),
        "household_size": b["household_size"].astype(np.int64), "household_income": b["income"],
        "fpl_percent": b["fpl"],
        "employment": coded(b["employment"], employment_labels()),
        "education": coded(b["education"], education_labels()),
        "setting": coded(b["setting"], list(p.settings.settings)),
        "admission_type": coded(b["admission"], ADMISSIONS),
        "diagnosis_code": coded(b["dx"], [d.code for d in dxs]),
        "diagnosis_label": coded(b["dx"], [d.label for d in dxs]),
        "comorbidity_codes": Coded(inverse.reshape(-1).astype(np.int64), np.array(combos, dtype=object)),
        "charlson_index": b["charlson"], "length_of_stay_days": b["los"],
        "ed_visits_6mo": b["ed_visits"], "prognosis": coded(b["prognosis"], PROGNOSES),
        "lace_index": b["lace"], "adl_dependencies": b["adl"], "iadl_dependencies": b["iadl"],
        "mobility": coded(mobility, mob),
        "referral_domain": coded(b["referral"], domains()),
        "needs_count": (sev > 0).sum(axis=1).astype(np.int64),
    }
    for j, d in enumerate(domains()):
        cols[f"need_{d}"] = sev[:, j].astype(np.int64)
    for j, r in enumerate(risks()):
        cols[f"risk_{r}"] = coded(b["risk_level"][:, j], LEVELS)
    for k in _LATENT:
        cols[f"latent_{k}"] = b["adl"] if k == "adl_dependencies" else (
            b["iadl"] if k == "iadl_dependencies" else b[f"lat_{k}"])
    # the main caregiver is the first living caregiver in family order (Patient.caregiver)
    is_cg = (b["f_role"] == ROLES.index("caregiver")) & b["f_exists"] & b["f_living"]
    has_cg = is_cg.any(axis=1)
    first = np.where(has_cg, is_cg.argmax(axis=1), 0)
    rows = np.arange(n)
    rel = relation_codes(first, b["f_sex"][rows, first], b["f_pstatus"][rows, first], b["f_other_rel"],
                         age - b["f_age"][rows, first])
    lives = b["f_lives"] & b["f_exists"] & b["f_living"]
    c1, c3 = SLOT["child1"], SLOT["child3"] + 1
    minors = (b["f_exists"][:, c1:c3] & b["f_living"][:, c1:c3] & (b["f_age"][:, c1:c3] < 18)
              & (b["f_role"][:, c1:c3] == ROLES.index("dependent"))).sum(axis=1)
    cols.update({
        "religion": coded(b["religion"], list(p.population.religion["weights"])),
        "spirituality_importance": coded(b["spirituality"], list(p.population.religion["importance"])),
        "family_members": b["f_exists"].sum(axis=1).astype(np.int64),
        "caregiver_present": has_cg,
        "caregiver_relation": coded(np.where(has_cg, rel + 1, 0), ["", *RELATIONS]),
        "lives_alone": ~lives.any(axis=1),
        "minor_children": minors.astype(np.int64),
    })
    cols.update(response_columns(b))
    return cols
