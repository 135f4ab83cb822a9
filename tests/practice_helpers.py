"""Hand-built synthetic patients and cases for the practice-engine tests.

``make_patient`` builds one patient from a few keyword choices; ``make_case`` wraps it in a case
with a key; ``random_case`` draws a varied case from a numpy Generator (a stand-in used only
where the real generator is not available).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from sim.model.case import Case, CaseKey, ChartExcerpt, CriticalAction, KeyIntervention, KeyNeed, KeyRisk, Referral
from sim.model.patient import (
    Address,
    Contact,
    Culture,
    Diagnosis,
    Economics,
    FamilyMember,
    FunctionalStatus,
    Identity,
    LatentState,
    MedicalContext,
    Need,
    Patient,
    PsychosocialProfile,
    Risk,
)

COUNTY_STATES = {"Aldren County": "OH", "Brisbey County": "PA", "Fallowmere County": "GA",
                 "Kessington County": "MD"}
ADL_ITEMS = ["bathing", "dressing", "toileting", "transferring", "continence", "feeding"]


def make_patient(
    *,
    age: int = 45,
    sex: str = "female",
    county: str = "Aldren County",
    state: str = "OH",
    fpl: int = 100,
    insurance: str = "uninsured",
    household_size: int = 2,
    needs: dict[str, int] | None = None,
    risks: dict[str, str] | None = None,
    latent: dict[str, int] | None = None,
    prognosis: str = "good",
    adl: int = 0,
    mobility: str = "independent",
    caregiver: bool = False,
    abusive_partner: bool = False,
    children_ages: tuple[int, ...] = (),
    language: str = "English",
    interpreter: bool = False,
    setting: str = "med_surg",
    diagnosis: str = "I50.9",
    los: int = 4,
    emergent: bool = True,
    charlson: int = 2,
    ed_visits: int = 1,
    seed: int = 1,
) -> Patient:
    """One synthetic patient; every argument has a plain default."""
    needs = needs if needs is not None else {"food_insecurity": 2}
    family: list[dict[str, Any]] = []
    if caregiver:
        family.append({"id": "f1", "name": "Sam Doe", "relation": "daughter", "sex": "female", "age": 40,
                           "lives_with_patient": True, "role": "caregiver", "relationship_quality": "strong"})
    if abusive_partner:
        family.append({"id": "f2", "name": "Lee Doe", "relation": "partner", "sex": "male", "age": age,
                           "lives_with_patient": True, "role": "stressor", "relationship_quality": "abusive",
                           "partner_status": "partnered"})
    for i, child_age in enumerate(children_ages):
        family.append({"id": f"c{i}", "name": f"Kid {i}", "relation": "son", "sex": "male", "age": child_age,
                           "lives_with_patient": True, "role": "dependent"})
    lat = {"depression": 0, "anxiety": 0, "alcohol": 0, "suicide": 0, "ipv": 0, "caregiver_burden": 0,
               "adl_dependencies": adl, "iadl_dependencies": 0}
    lat.update(latent or {})
    return Patient(
        id=f"P-{seed:04d}", seed=seed,
        identity=Identity(given_name="Alex", family_name="Doe", pronouns="she/her", sex=sex,
                          gender_identity="woman", date_of_birth=date(2026 - age, 1, 1), age=age,
                          language=language, interpreter_needed=interpreter, race="white",
                          ethnicity="not hispanic", veteran=False),
        contact=Contact(phone="(555) 555-0199", email="alex@example.org"),
        address=Address(street="1 Elm St", city="Alderton", county=county, state=state, zip_code="00001"),
        economics=Economics(insurance=insurance, household_size=household_size,
                            household_income=fpl * 200, fpl_percent=fpl, employment="unemployed",
                            education="high school"),
        medical=MedicalContext(setting=setting, admission_type="emergent" if emergent else "elective",
                               primary_diagnosis=Diagnosis(code=diagnosis, label="synthetic diagnosis"),
                               charlson_index=charlson, length_of_stay_days=los, ed_visits_6mo=ed_visits,
                               prognosis=prognosis,
                               functional_status=FunctionalStatus(adl_dependent=ADL_ITEMS[:adl], mobility=mobility)),
        family=[FamilyMember(**m) for m in family],
        profile=PsychosocialProfile(
            needs=[Need(domain=d, severity=s, evidence="synthetic", disclosure_difficulty=0.2)
                   for d, s in needs.items()],
            risks=[Risk(kind=k, level=v) for k, v in (risks or {}).items()],
            strengths=["motivated"], culture=Culture(religion="none", spirituality_importance="low")),
        latent=LatentState(**lat),
    )


def make_case(patient: Patient, *, critical: tuple[str, ...] = (), recommended: tuple[str, ...] = (),
              contraindicated: tuple[str, ...] = (), case_id: str = "test-case") -> Case:
    """A case around ``patient`` whose key repeats the patient's needs and risks."""
    key = CaseKey(
        needs=[KeyNeed(domain=n.domain, severity=n.severity, evidence="synthetic")
               for n in patient.profile.needs if n.severity > 0],
        risks=[KeyRisk(kind=r.kind, level=r.level, evidence="synthetic")
               for r in patient.profile.risks if r.level != "none"],
        critical_actions=[CriticalAction(kind=k, description=k) for k in critical],
        recommended=[KeyIntervention(intervention=i, rationale="fits") for i in recommended or ("counseling",)],
        contraindicated=[KeyIntervention(intervention=i, rationale="harmful here") for i in contraindicated],
        competencies=[7, 8],
    )
    return Case(id=case_id, title="Synthetic test case", summary="synthetic", patient=patient,
                referral=Referral(reason="psychosocial assessment", source="attending physician"),
                chart=ChartExcerpt(physician_note="synthetic"), opening_statement="Hello.", key=key)


DOMAINS = ["emotional_distress", "crisis", "caregiver_strain", "substance_use", "housing_instability",
           "food_insecurity", "transportation", "utilities", "financial_strain", "insurance_gap",
           "disability_equipment", "domestic_violence", "social_isolation", "grief_end_of_life",
           "health_literacy_language", "employment"]


def random_case(rng: np.random.Generator, i: int = 0) -> Case:
    """A varied synthetic case drawn from ``rng`` (a stand-in for the generator in tests)."""
    k = int(rng.integers(2, 5))
    chosen = rng.choice(DOMAINS, size=k, replace=False)
    needs = {str(d): int(rng.integers(1, 4)) for d in chosen}
    latent = {"suicide": int(needs.get("crisis", 0)), "ipv": int(needs.get("domestic_violence", 0)),
              "depression": int(min(4, needs.get("emotional_distress", 0) + 1)),
              "alcohol": int(needs.get("substance_use", 0)),
              "caregiver_burden": int(needs.get("caregiver_strain", 0))}
    adl = int(rng.integers(3, 6)) if needs.get("disability_equipment", 0) >= 2 else int(rng.integers(0, 2))
    age = int(rng.integers(22, 90))
    risks = {"suicide": "high"} if latent["suicide"] >= 3 else {}
    insurance = str(rng.choice(["medicare" if age >= 65 else "medicaid", "uninsured", "private"]))
    county = str(rng.choice(list(COUNTY_STATES)))
    critical = ("cssrs_today", "safety_plan") if latent["suicide"] >= 2 else ()
    critical += ("private_setting", "ipv_safety_planning") if latent["ipv"] >= 1 else ()
    patient = make_patient(
        age=age, county=county, state=COUNTY_STATES[county],
        fpl=int(rng.integers(40, 300)), insurance=insurance, needs=needs, risks=risks, latent=latent,
        adl=adl, mobility="walker" if adl else "independent", caregiver=bool(rng.random() < 0.5),
        abusive_partner=latent["ipv"] >= 2, prognosis=str(rng.choice(["good", "guarded", "poor"])),
        los=int(rng.integers(1, 15)), charlson=int(rng.integers(0, 6)), ed_visits=int(rng.integers(0, 5)),
        seed=i)
    return make_case(patient, critical=critical, case_id=f"random-{i}")
