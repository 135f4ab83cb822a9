from __future__ import annotations

import pytest

import sim
from practice_helpers import make_case, make_patient
from sim.errors import UnknownNameError
from sim.model import taxonomy
from sim.practice.interventions import (
    catalogue,
    contraindications,
    get,
    indicated,
    triggered_actions,
    unmet_prerequisites,
)
from sim.practice.plan import CarePlan


def test_catalogue_has_the_twelve_interventions_with_complete_entries():
    cat = catalogue()
    assert list(cat) == list(taxonomy().interventions)
    for iv_id, iv in cat.items():
        assert iv.id == iv_id
        assert iv.indications and iv.functions and iv.time_minutes > 0
        assert iv.evidence.source
    assert set(sim.interventions.functions()) == set(taxonomy().functions)


def test_every_need_domain_intervention_pair_of_the_taxonomy_is_an_indication():
    for domain, d in taxonomy().domains.items():
        for iv in d.interventions:
            assert get(iv).indicated_for(domain, 3), (domain, iv)


def test_indicated_lists_primary_interventions_first_and_respects_min_severity():
    assert indicated("housing_instability", 1)[:2] == ["housing_advocacy", "social_systems_management"]
    assert "discharge_planning" not in indicated("housing_instability", 1)
    assert "discharge_planning" in indicated("housing_instability", 2)


def test_unknown_intervention_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="counseling"):
        get("counselling")


def test_couples_counselling_with_an_abusive_partner_is_contraindicated_and_cites_its_rule():
    case = make_case(make_patient(needs={"domestic_violence": 3}, latent={"ipv": 2}, abusive_partner=True))
    couples = CarePlan(interventions=[{"intervention": "counseling", "variant": "couples"}])
    found = contraindications(case, couples)
    assert [c.rule for c in found] == ["couples_counseling_with_abusive_partner"]
    assert "abusive partner" in found[0].reason
    by_words = CarePlan(interventions=[{"intervention": "counseling", "rationale": "joint session with her partner"}])
    assert [c.rule for c in contraindications(case, by_words)] == ["couples_counseling_with_abusive_partner"]
    individual = CarePlan(interventions=[{"intervention": "counseling", "variant": "individual"}])
    assert contraindications(case, individual) == []
    safe = make_case(make_patient(needs={"emotional_distress": 2}))
    assert contraindications(safe, couples) == []


def test_home_alone_with_three_adl_dependencies_and_no_caregiver():
    plan = CarePlan(discharge="home")
    alone = make_patient(adl=3, needs={"disability_equipment": 3})
    assert [c.rule for c in contraindications(alone, plan)] == ["home_alone_severe_adl"]
    assert contraindications(make_patient(adl=2, needs={"disability_equipment": 2}), plan) == []
    assert contraindications(make_patient(adl=4, caregiver=True, needs={"disability_equipment": 3}), plan) == []
    assert contraindications(alone, CarePlan(discharge="skilled_nursing")) == []


def test_group_work_before_a_suicide_crisis_is_stabilized():
    patient = make_patient(needs={"crisis": 3}, latent={"suicide": 2})
    group = CarePlan(interventions=[{"intervention": "counseling", "rationale": "bereavement group"}])
    assert [c.rule for c in contraindications(patient, group)] == ["group_before_suicide_stabilized"]
    calm = make_patient(needs={"emotional_distress": 1})
    assert contraindications(calm, group) == []


def test_hospice_disposition_requires_a_terminal_prognosis():
    plan = CarePlan(discharge="hospice")
    assert [c.rule for c in contraindications(make_patient(prognosis="guarded"), plan)] == [
        "hospice_without_terminal_prognosis"]
    assert contraindications(make_patient(prognosis="terminal_months"), plan) == []


def test_case_key_contraindications_are_reported_with_the_key_rationale():
    case = make_case(make_patient(needs={"substance_use": 2}), contraindicated=("end_of_life_care",))
    found = contraindications(case, CarePlan(interventions=[{"intervention": "end_of_life_care"}]))
    assert [(c.rule, c.reason) for c in found] == [("case_key", "harmful here")]


def test_prerequisites_private_setting_for_domestic_violence_intervention():
    case = make_case(make_patient(needs={"domestic_violence": 2}, latent={"ipv": 1}))
    plan = CarePlan(interventions=[{"intervention": "domestic_violence_intervention"}])
    assert {u.action for u in unmet_prerequisites(case, plan)} == {"private_setting", "ipv_safety_planning"}
    done = CarePlan(interventions=[{"intervention": "domestic_violence_intervention"}],
                    actions=["private_setting", "ipv_safety_planning"])
    assert unmet_prerequisites(case, done) == []


def test_triggered_actions_follow_the_facts_and_the_key():
    suicidal = make_patient(needs={"crisis": 3}, latent={"suicide": 3})
    assert triggered_actions(suicidal)[:3] == ["cssrs_today", "safety_plan", "urgent_mh_referral"]
    assert triggered_actions(make_patient(interpreter=True, language="Vietnamese")) == ["interpreter"]
    case = make_case(make_patient(), critical=("capacity_assessment",))
    assert triggered_actions(case) == ["capacity_assessment"]


def test_a_child_welfare_need_without_suspected_maltreatment_calls_for_no_report():
    # Kinship care without legal authority is a child welfare need, not a suspicion of abuse
    # (CAPTA: "known or suspected instances of child abuse and neglect").
    kinship = sim.load_case("medsurg_kinship_01")
    assert "mandated_report_child" not in triggered_actions(kinship)
    plan = CarePlan(interventions=[{"intervention": "child_welfare"}])
    assert unmet_prerequisites(kinship, plan) == []
    no_suspicion = make_case(make_patient(needs={"child_welfare": 3}, children_ages=(6,)))
    assert "mandated_report_child" not in triggered_actions(no_suspicion)
    assert unmet_prerequisites(no_suspicion, plan) == []
    suspected = make_case(make_patient(needs={"child_welfare": 2}, children_ages=(6,),
                                       risks={"child_maltreatment": "moderate"}))
    assert "mandated_report_child" in triggered_actions(suspected)
    assert [u.action for u in unmet_prerequisites(suspected, plan)] == ["mandated_report_child"]
