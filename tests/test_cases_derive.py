"""Cases derived from patients: valid, consistent with the profile, crisis paths complete."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cases import from_patient, load_case, render_student, validate_file
from sim.cases.rules import case_rules
from sim.cases.writing import to_yaml
from sim.model import Patient
from sim.model.taxonomy import need_domains, settings

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
BASE = load_case(FIXTURES / "test_full_01.yaml").patient
ADL = ["bathing", "dressing", "toileting", "transferring", "continence", "feeding"]
CRISIS_ACTIONS = {
    "suicide": {"cssrs_today", "safety_plan"},
    "ipv": {"ipv_safety_planning", "private_setting"},
    "child_maltreatment": {"mandated_report_child"},
    "elder_abuse": {"mandated_report_elder"},
}


def varied_patient(seed: int) -> Patient:
    """A hand-varied synthetic patient (needs, risks, family, function, setting) from ``seed``."""
    rng = np.random.default_rng(seed)
    data = BASE.model_dump()
    domains = list(rng.choice(need_domains(), size=int(rng.integers(1, 6)), replace=False))
    data["profile"]["needs"] = [
        {"domain": d, "severity": int(rng.integers(1, 4)), "evidence": f"evidence for {d} #{seed}",
         "disclosure_difficulty": round(float(rng.uniform(0, 1)), 2)} for d in domains]
    data["profile"]["risks"] = [
        {"kind": k, "level": str(rng.choice(["none", "low", "moderate", "high"])), "evidence": f"risk {k} #{seed}"}
        for k in ("suicide", "ipv", "child_maltreatment", "elder_abuse", "falls") if rng.random() < 0.3]
    data["medical"]["setting"] = str(rng.choice(settings()))
    data["medical"]["prognosis"] = str(rng.choice(["guarded", "poor", "terminal_months", "terminal_weeks"]))
    data["medical"]["functional_status"]["adl_dependent"] = ADL[: int(rng.integers(0, 7))]
    data["identity"]["interpreter_needed"] = bool(rng.random() < 0.3)
    if data["identity"]["interpreter_needed"]:
        data["identity"]["language"] = "Spanish"
    young = data["medical"]["setting"] == "pediatrics_nicu"
    data["identity"]["age"] = int(rng.integers(0, 18) if young else rng.integers(18, 100))
    data["identity"]["date_of_birth"] = date(2025 - data["identity"]["age"], 6, 1)
    if young:
        data["economics"]["insurance"] = "medicaid"
    if rng.random() < 0.5:
        data["family"][0]["role"] = "support"
    if rng.random() < 0.2:
        data["family"] = []
    # the latent state follows the varied profile, as the generator keeps it (the validator checks it)
    levels = {"none": 0, "low": 1, "moderate": 2, "high": 3}
    suicide = next((r["level"] for r in data["profile"]["risks"] if r["kind"] == "suicide"), "none")
    needs = {n["domain"]: n["severity"] for n in data["profile"]["needs"]}
    data["latent"].update(suicide=levels[suicide], ipv=needs.get("domestic_violence", 0),
                          adl_dependencies=len(data["medical"]["functional_status"]["adl_dependent"]))
    data["id"], data["seed"] = f"P-{seed:06d}", seed
    return Patient.model_validate(data)


PATIENTS = [varied_patient(s) for s in range(120)]


def test_from_patient_gives_valid_cases_that_round_trip_through_yaml(tmp_path):
    for patient in PATIENTS:
        case = from_patient(patient)
        path = tmp_path / f"{case.id}.yaml"
        path.write_text(to_yaml(case.model_dump(mode="python")), encoding="utf-8")
        assert validate_file(path) == [], case.id
        assert load_case(path) == case


def test_from_patient_works_for_200_generated_patients(tmp_path):
    crises = 0
    for seed in range(200):
        patient = sim.generate_patient(seed)
        case = from_patient(patient)
        path = tmp_path / f"{case.id}.yaml"
        path.write_text(to_yaml(case.model_dump(mode="python")), encoding="utf-8")
        assert validate_file(path) == [], seed
        kinds = {a.kind for a in case.key.critical_actions}
        for risk in patient.profile.risks:
            if risk.kind in CRISIS_ACTIONS and risk.level != "none":
                crises += 1
                low_abuse = risk.kind in ("child_maltreatment", "elder_abuse") and risk.level == "low"
                assert (CRISIS_ACTIONS[risk.kind] <= kinds) or low_abuse, (seed, risk.kind)
        assert all(r.evidence for r in case.key.risks)
    assert crises >= 10


def test_a_young_childs_parent_speaks_for_them():
    child = next(p for p in (sim.generate_patient(s) for s in range(300)) if p.identity.age < 5 and p.family)
    case = from_patient(child)
    parent = next(m for m in child.family if m.role == "caregiver" and m.age >= 18)
    assert case.opening_statement.startswith(f"({parent.name}, {parent.relation}) ")
    assert all(h.statement.startswith(f"({parent.name}, ") for h in case.hidden_facts)
    assert all(c.name != parent.name for c in case.collateral)
    adult = from_patient(BASE)
    assert not adult.opening_statement.startswith("(")


def test_from_patient_is_deterministic():
    assert from_patient(PATIENTS[3]) == from_patient(PATIENTS[3])


def test_crisis_risks_become_crisis_facts_with_their_critical_actions():
    seen: set[str] = set()
    for patient in PATIENTS:
        case = from_patient(patient)
        kinds = {a.kind for a in case.key.critical_actions}
        for risk in patient.profile.risks:
            if risk.kind in CRISIS_ACTIONS and risk.level != "none":
                facts = [h for h in case.hidden_facts if h.reveals_risk == risk.kind]
                assert facts
                if risk.kind in ("child_maltreatment", "elder_abuse") and risk.level == "low":
                    continue  # assessed further first (test below)
                seen.add(risk.kind)
                assert facts[0].crisis is not None
                assert CRISIS_ACTIONS[risk.kind] <= kinds
                if risk.kind == "suicide" and risk.level == "high":
                    assert "urgent_mh_referral" in kinds
    assert seen == set(CRISIS_ACTIONS)


def test_hard_to_disclose_needs_are_hidden_and_the_key_has_every_need():
    threshold = case_rules().hidden_difficulty
    for patient in PATIENTS[:50]:
        case = from_patient(patient)
        hidden = {h.reveals_need for h in case.hidden_facts if not h.id.startswith("crisis_")}
        for need in patient.profile.needs:
            assert (need.domain in hidden) == (need.disclosure_difficulty >= threshold)
        assert [n.domain for n in case.key.needs] and {n.domain for n in case.key.needs} == {
            n.domain for n in patient.profile.needs}
        assert case.key.recommended


def test_home_alone_with_severe_adl_dependence_is_an_unsafe_disposition_not_a_contraindicated_intervention():
    found = custodial = 0
    for patient in PATIENTS:
        case = from_patient(patient)
        severe_alone = len(patient.medical.functional_status.adl_dependent) >= 4 and patient.caregiver is None
        assert not any(c.intervention == "discharge_planning" for c in case.key.contraindicated)
        unsafe_home = [d for d in case.key.dispositions if d.id == "home" and d.fit == "unsafe"
                       and "home alone" in d.rationale]
        inpatient = patient.medical.setting not in ("outpatient_mh", "public_health_clinic", "home_health")
        first_rule = inpatient and patient.medical.prognosis != "terminal_weeks" and not any(
            r.kind == "child_maltreatment" and r.level in ("moderate", "high") for r in patient.profile.risks)
        assert bool(unsafe_home) == (severe_alone and first_rule)
        if unsafe_home:
            found += 1
            # A SNF only after a qualifying admitted stay and with a daily skilled need (42 CFR
            # 409.30-409.35); otherwise custodial long-term care, and no SNF is offered.
            from sim.cases.rules import adl_count
            from sim.model import eligibility

            fits = {d.id: d.fit for d in case.key.dispositions}
            if eligibility.qualifying_inpatient_stay(patient) and eligibility.daily_skilled_need(
                    patient, adl_count(patient)):
                assert fits.get("skilled_nursing") == "expected"
                assert "skilled nursing" in (case.key.discharge_disposition or "")
            else:
                assert "skilled_nursing" not in fits and fits.get("long_term_care") == "expected"
                custodial += 1
            informed = next(d for d in case.key.dispositions if d.id == "home_with_services")
            assert {"capacity_assessment", "informed_refusal"} <= set(informed.requires_actions)
    assert found and found > custodial


def test_interpreter_and_goals_of_care_actions():
    for patient in PATIENTS:
        kinds = {a.kind for a in from_patient(patient).key.critical_actions}
        assert ("interpreter" in kinds) == patient.identity.interpreter_needed
        assert ("goals_of_care_meeting" in kinds) == patient.medical.prognosis.startswith("terminal")


def test_student_view_of_derived_cases_hides_the_key():
    for patient in PATIENTS[:60]:
        case = from_patient(patient)
        text = render_student(case, "md")
        for fact in case.hidden_facts:
            assert fact.statement not in text
        for need in case.key.needs:
            assert need.evidence not in text
        for iv in case.key.recommended + case.key.contraindicated:
            assert iv.rationale not in text


def test_chart_is_consistent_with_the_medical_context():
    case = from_patient(BASE)
    note = case.chart.physician_note
    assert "I50.9" in note and "78-year-old" in note and "Charlson comorbidity index 2" in note
    assert "furosemide 40 mg daily" in case.chart.medications
    assert "metformin 1000 mg twice daily" in case.chart.medications
    assert "bathing, dressing" in case.chart.nursing_note


@pytest.mark.parametrize("field", ["referral", "opening_statement", "collateral"])
def test_referral_and_opening_never_name_a_hidden_need(field):
    rules = case_rules()
    for patient in PATIENTS[:80]:
        case = from_patient(patient)
        text = str(getattr(case, field))
        for fact in case.hidden_facts:
            if not fact.id.startswith("crisis_") and fact.reveals_need:
                assert rules.domains[fact.reveals_need].referral not in text


@pytest.mark.parametrize(("kind", "action"), [("child_maltreatment", "mandated_report_child"),
                                              ("elder_abuse", "mandated_report_elder")])
def test_a_low_abuse_risk_is_assessed_further_and_a_moderate_one_is_reported(kind, action, tmp_path):
    # "Sometimes they're left alone longer than they should be" prompts assessment; it is not yet
    # reasonable suspicion, so the report is no critical action below a moderate risk.
    for level, reported in (("low", False), ("moderate", True), ("high", True)):
        data = BASE.model_dump()
        data["profile"]["risks"] = [{"kind": kind, "level": level, "evidence": f"{kind} {level}"}]
        data["latent"]["suicide"] = 0  # no suicide risk left in the profile
        case = from_patient(Patient.model_validate(data))
        fact = next(h for h in case.hidden_facts if h.reveals_risk == kind)
        assert (action in {a.kind for a in case.key.critical_actions}) is reported
        assert (fact.crisis is not None) is reported
        evidence = next(r.evidence for r in case.key.risks if r.kind == kind)
        assert ("Assess further" in evidence and "supervisor" in evidence) is not reported
        path = tmp_path / level / f"{case.id}.yaml"
        path.parent.mkdir()
        path.write_text(to_yaml(case.model_dump(mode="python")), encoding="utf-8")
        assert validate_file(path) == []
