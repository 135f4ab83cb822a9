"""The expert panel: for every library case a strong plan, an unsafe plan and a reasonable
alternative (tests/fixtures/expert_panel.yaml), scored as a field instructor would score them
(the checklist is simcases/REVIEW.md)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

import sim
import sim.cases
from sim.feedback import review_plan
from sim.practice.expert import reference_plan
from sim.practice.interventions import unmet_prerequisites
from sim.practice.plan import CarePlan, PlannedIntervention

START = date(2026, 11, 23)
PANEL: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "fixtures" / "expert_panel.yaml").read_text())


def _case(case_id: str) -> sim.Case:
    return sim.load_case(case_id, seed=1)


def _plan(case: sim.Case, change: dict[str, Any]) -> CarePlan:
    plan = reference_plan(case, start=START)
    actions = [a for a in plan.actions if a not in change.get("remove_actions", [])]
    actions += [a for a in change.get("add_actions", []) if a not in actions]
    items = [i for i in plan.interventions if i.intervention not in change.get("remove_interventions", [])]
    items += [PlannedIntervention.model_validate(i) for i in change.get("add_interventions", [])]
    update: dict[str, Any] = {"actions": actions, "interventions": items}
    if "discharge" in change:
        update["discharge"] = change["discharge"]
    return CarePlan.model_validate({**plan.model_dump(), **update})


def test_the_panel_covers_every_library_case():
    assert set(PANEL["cases"]) == {info.id for info in sim.cases.library()}


@pytest.mark.parametrize("case_id", sorted(PANEL["cases"]))
def test_strong_plan_scores_high_without_a_penalty(case_id):
    case = _case(case_id)
    fb = review_plan(case, reference_plan(case, start=START))
    assert fb.score >= 85 and not fb.capped, (case_id, fb.score, fb.cap_reason)
    assert not [i for i in fb.items if i.earned < 0], case_id


@pytest.mark.parametrize("case_id", sorted(PANEL["cases"]))
def test_unsafe_plan_is_capped_and_told_why(case_id):
    case = _case(case_id)
    change = PANEL["cases"][case_id]["unsafe"]
    fb = review_plan(case, _plan(case, change))
    assert fb.capped and fb.score <= 50, (case_id, fb.score)
    text = fb.markdown()
    for phrase in change["says"]:
        assert phrase.lower() in text.lower(), (case_id, phrase)


@pytest.mark.parametrize("case_id", sorted(PANEL["cases"]))
def test_reasonable_alternative_is_acceptable(case_id):
    case = _case(case_id)
    fb = review_plan(case, _plan(case, PANEL["cases"][case_id]["alternative"]))
    assert fb.score >= 70 and not fb.capped, (case_id, fb.score, fb.cap_reason)
    assert not [i for i in fb.items if i.earned < 0], (case_id, [i.message for i in fb.items if i.earned < 0])


def test_no_planned_item_is_both_praised_and_penalised():
    # Couples counselling in the infant abuse case: a penalty, and no praise for it as counselling.
    case = _case("peds_abuse_01")
    plan = _plan(case, {"remove_interventions": ["counseling"], "add_interventions": [
        {"intervention": "counseling", "variant": "couples", "rationale": "with her boyfriend"}]})
    fb = review_plan(case, plan)
    about = [i for i in fb.items if "counseling" in i.message.lower() and i.category == "interventions"]
    assert [i.earned for i in about if i.earned > 0] == [] and any(i.earned < 0 for i in about)


def test_a_safe_discharge_with_cps_is_not_penalised():
    case = _case("peds_abuse_01")
    plan = _plan(case, {"add_interventions": [{"intervention": "discharge_planning",
                                               "rationale": "safe discharge with CPS to the grandmother's home"}]})
    fb = review_plan(case, plan)
    item = next(i for i in fb.items if i.message.startswith("Discharge planning"))
    assert item.kind == "praise" and fb.score >= 85
    home = review_plan(case, _plan(case, {"add_interventions": [
        {"intervention": "discharge_planning", "rationale": "back home with Cody"}],
        "remove_actions": ["child_safety_plan"]}))
    assert home.capped and any("Discharge planning is contraindicated" in i.message for i in home.items)


def test_counselling_that_hears_her_fear_is_not_counselling_to_persuade():
    case = _case("medsurg_hip_01")
    hears = review_plan(case, _plan(case, {"add_interventions": [
        {"intervention": "counseling", "variant": "individual", "rationale": "explore her fear of nursing homes"}]}))
    assert not hears.capped and not [i for i in hears.items if i.earned < 0]


def test_a_poor_prognosis_in_the_icu_steers_to_goals_of_care_not_home():
    plan = reference_plan(_case("icu_family_meeting_01"), start=START)
    assert plan.discharge == "inpatient_hospice"
    assert {"goals_of_care_meeting", "health_care_proxy"} <= set(plan.actions)


def test_a_suicidal_veteran_gets_counselling_and_grief_is_not_end_of_life_care():
    plan = reference_plan(_case("ed_veteran_01"), start=START)
    counselling = [i for i in plan.interventions if i.intervention == "counseling"]
    assert counselling and all(i.variant != "group" for i in counselling)
    assert "end_of_life_care" not in plan.intervention_ids()
    assert "caregiver_support" not in plan.intervention_ids()


def test_state_law_is_named_where_it_decides():
    icu = _case("icu_family_meeting_01")
    proxy = next(a for a in icu.key.critical_actions if a.kind == "health_care_proxy")
    assert "In this state (Michigan)" in proxy.description and "700.5506" in proxy.description
    hospice = _case("hospice_eol_01")
    polst = next(a for a in hospice.key.critical_actions if a.kind == "polst")
    assert "DH 1896" in polst.description and "401.45" in polst.description
    fb = review_plan(hospice, _plan(hospice, {"remove_actions": ["polst"]}))
    assert "in this state (Florida)" in fb.markdown()


def test_the_hip_case_snf_is_open_only_after_a_qualifying_inpatient_stay():
    # The same woman kept in observation: her days do not count toward the 3-day stay, and the
    # feedback says so with the regulation (42 CFR 409.30); the informed-risk path home stays open.
    case = _case("medsurg_hip_01")
    medical = case.patient.medical.model_copy(update={"admission_type": "observation"})
    observed = case.model_copy(update={"patient": case.patient.model_copy(update={"medical": medical})})
    snf = _plan(observed, {"discharge": "skilled_nursing"})
    fb = review_plan(observed, snf)
    told = [i.message for i in fb.items if i.category == "discharge" and i.earned < 0]
    assert told and "not open to this patient" in told[0] and "409.30" in told[0]
    home = review_plan(observed, _plan(observed, {"discharge": "home_with_services",
                                                  "add_actions": ["capacity_assessment", "informed_refusal"]}))
    assert not [i for i in home.items if i.category == "discharge" and i.earned < 0]
    without = review_plan(observed, _plan(observed, {"discharge": "home_with_services",
                                                     "remove_actions": ["capacity_assessment"]}))
    assert without.capped


@pytest.mark.parametrize("case_id", ["medsurg_hip_01", "tpl_geri_discharge"])
def test_a_medicare_inpatient_key_demands_the_important_message_and_appeal_rights(case_id):
    case = _case(case_id)
    assert "important_message" in {a.kind for a in case.key.critical_actions}
    fb = review_plan(case, _plan(case, {"remove_actions": ["important_message"]}))
    assert fb.capped and "405.1205" in fb.markdown()


def test_guardianship_is_taught_as_the_last_resort_in_more_than_one_state():
    # Michigan (ICU), Minnesota (hip fracture) and California (elder abuse, conservatorship).
    for case_id, words in (("icu_family_meeting_01", "MCL 700.5303"), ("medsurg_hip_01", "524.5-310"),
                           ("home_elder_abuse_01", "Prob. Code 1800.3(b)")):
        text = " ".join(a.description for a in _case(case_id).key.critical_actions)
        assert words in text and "in this state" in text.lower(), case_id


def test_observation_days_never_open_a_medicare_covered_snf():
    # Four nights in observation: a plan that sends her to a SNF on Medicare's promise is unsafe,
    # even with the MOON explained; home health and inpatient rehabilitation need no 3-day stay.
    case = _case("medsurg_observation_01")
    assert case.patient.medical.admission_type == "observation"
    moon = next(a for a in case.key.critical_actions if a.kind == "moon_notice")
    assert "489.20(y)" in moon.description and "CMS-10611" in moon.description
    assert "In this state (New York)" in moon.description and "2805-w" in moon.description
    snf = review_plan(case, _plan(case, {"discharge": "skilled_nursing"}))
    told = " ".join(i.message for i in snf.items if i.category == "discharge" and i.earned < 0)
    assert snf.capped and snf.score <= 50 and "409.30" in told and "observation" in told
    assert reference_plan(case, start=START).discharge == "home_with_services"
    for setting in ("home_with_services", "rehabilitation"):
        fb = review_plan(case, _plan(case, {"discharge": setting}))
        assert not fb.capped and not [i for i in fb.items if i.category == "discharge" and i.earned < 0]
    without = review_plan(case, _plan(case, {"remove_actions": ["moon_notice"]}))
    assert without.capped and "Outpatient Observation Notice" in without.markdown()


def test_a_threat_against_a_named_person_calls_for_protection_and_the_hold_criteria():
    # California: the duty to protect (Civil Code 43.92, W&I 8105(c)) and the 72-hour hold
    # criteria (W&I 5150) are structured acts in the key; inpatient psychiatry is safe only with
    # both, home is unsafe even with them, and the feedback names the state.
    case = _case("ed_duty_to_protect_01")
    acts = {a.kind: a.description for a in case.key.critical_actions}
    assert "43.92" in acts["duty_to_warn"] and "8105(c)" in acts["duty_to_warn"]
    assert "minimum" in acts["duty_to_warn"] and "supervisor" in acts["duty_to_warn"]
    assert "5150" in acts["involuntary_hold"] and "in this state, California" in acts["involuntary_hold"]
    plan = reference_plan(case, start=START)
    assert plan.discharge == "inpatient_psychiatry" and {"duty_to_warn", "involuntary_hold"} <= set(plan.actions)
    for dropped in ("duty_to_warn", "involuntary_hold"):
        fb = review_plan(case, _plan(case, {"remove_actions": [dropped]}))
        assert fb.capped and fb.score <= 50 and "in this state (California)" in fb.markdown(), dropped
        told = [i.message for i in fb.items if i.category == "discharge" and i.earned < 0]
        assert told and dropped in told[0]
    home = review_plan(case, _plan(case, {"discharge": "home"}))
    assert home.capped and any("without protecting Gary" in i.message for i in home.items)
    walk_out = review_plan(case, _plan(case, {
        "discharge": "against_medical_advice", "remove_actions": ["duty_to_warn", "involuntary_hold"],
        "add_interventions": [{"intervention": "discharge_planning", "rationale": "let him go home tonight"}]}))
    assert walk_out.capped and any("Discharge planning is contraindicated" in i.message for i in walk_out.items)


def test_the_fall_and_self_neglect_case_is_scored_as_a_field_instructor_would():
    # medsurg_fall_dementia_01: 78, early dementia, lives alone in Texas, self-neglect, Medigap
    # Plan G. Strong plan 90-100; home with services but no APS report (Texas makes everyone a
    # reporter of self-neglect) or no capacity assessment: capped at or below 50; a guardianship
    # petition as the answer: penalised; an assisted living trial he chooses: 75-100.
    case = _case("medsurg_fall_dementia_01")
    assert case.patient.lives_alone and case.patient.medical.cognition is not None
    assert case.patient.profile.risk("self_neglect") is not None
    strong = review_plan(case, reference_plan(case, start=START))
    assert 90 <= strong.score <= 100 and not strong.capped
    for missing in ("mandated_report_elder", "capacity_assessment", "informed_refusal"):
        fb = review_plan(case, _plan(case, {"remove_actions": [missing]}))
        assert fb.capped and fb.score <= 50, (missing, fb.score)
    no_report = review_plan(case, _plan(case, {"remove_actions": ["mandated_report_elder"]})).markdown()
    assert "in this state (Texas)" in no_report and "48.051" in no_report
    guardian = review_plan(case, _plan(case, {"add_interventions": [
        {"intervention": "advocacy_empowerment", "rationale": "petition for guardianship so he can be placed"}]}))
    assert guardian.capped and any("1101.101" in i.message and i.earned < 0 for i in guardian.items)
    trial = review_plan(case, _plan(case, {"discharge": "assisted_living"}))
    assert 75 <= trial.score <= 100 and not trial.capped
    home_alone = review_plan(case, _plan(case, {"discharge": "home"}))
    assert home_alone.capped and "long lie" in home_alone.markdown()
    # Medigap Plan G pays his Medicare cost sharing, never custodial care: the feedback says both.
    coverage = " ".join(i.message for i in strong.by_category("coverage"))
    assert "Medigap Plan G pays it in full" in coverage and "do not cover long-term care" in coverage


def test_signs_of_labour_trafficking_get_a_private_talk_the_hotline_and_his_own_choice():
    # Florida: an adult decides whether to report; the key's act is the conversation alone through
    # an interpreter, the hotline, legal help and a safety plan, and either place he chooses is
    # acceptable with them; released to the crew boss without them, it is unsafe.
    case = _case("ed_trafficking_01")
    act = next(a.description for a in case.key.critical_actions if a.kind == "trafficking_response")
    assert "1-888-373-7888" in act and "In this state (Florida)" in act and "787.06" in act
    assert "do not press for his story" in act
    for choice in ("shelter", "home"):
        fb = review_plan(case, _plan(case, {"discharge": choice}))
        assert fb.score >= 85 and not fb.capped, (choice, fb.score)
    for dropped in ("private_setting", "trafficking_response", "interpreter"):
        fb = review_plan(case, _plan(case, {"discharge": "home", "remove_actions": [dropped]}))
        assert fb.capped and fb.score <= 50, dropped
    back = review_plan(case, _plan(case, {
        "remove_actions": ["private_setting"], "discharge": "home", "add_interventions": [
            {"intervention": "discharge_planning", "rationale": "back to work with his employer today"}]}))
    assert any("Discharge planning is contraindicated" in i.message for i in back.items)


def test_the_trafficking_response_carries_the_safety_plan_a_violence_intervention_needs():
    case = _case("ed_trafficking_01")
    plan = reference_plan(case, start=START)
    assert "domestic_violence_intervention" in plan.intervention_ids()
    assert unmet_prerequisites(case, plan) == []
    without = _plan(case, {"remove_actions": ["trafficking_response"]})
    assert "ipv_safety_planning" in {u.action for u in unmet_prerequisites(case, without)}
