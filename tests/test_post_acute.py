"""Post-acute eligibility follows the public rules, not proxies: a SNF needs a qualifying 3-day
inpatient stay and a daily skilled need (42 CFR 409.30-409.35), help with daily activities alone is
custodial care (42 CFR 411.15(g)), age is no criterion (42 CFR 412.622(a)(3)), and a capacitated
patient may take the informed-risk path home."""
from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from practice_helpers import make_case, make_patient
from sim.practice.expert import reference_plan
from sim.practice.interventions import Condition, Subject, contraindications, table
from sim.practice.plan import CarePlan

START = date(2026, 3, 2)


def _rules(plan: CarePlan, **patient: Any) -> set[str]:
    return {c.rule for c in contraindications(make_patient(**patient), plan)}


def test_no_rule_uses_an_age_cut_off_except_to_tell_children_from_adults() -> None:
    assert "age_below" not in Condition.model_fields
    t = table()
    for rule in t.discharge_rules.rules:
        assert all(c.age_at_least is None for c in rule.when_any), rule.disposition
    for rule in t.contraindications:
        if rule.id != "child_placement_for_adult":
            assert all(c.age_at_least is None for c in rule.when_any), rule.id


@pytest.mark.parametrize("age", [62, 84, 85, 93])
def test_the_same_needs_get_the_same_post_acute_setting_at_any_age(age: int) -> None:
    hip = make_case(make_patient(age=age, adl=4, diagnosis="S72.001A", insurance="medicare",
                                 needs={"disability_equipment": 3}, prognosis="good"))
    assert reference_plan(hip, start=START).discharge == "rehabilitation"
    assert "irf_without_intensive_rehab_need" not in {
        c.rule for c in contraindications(hip, CarePlan(discharge="rehabilitation"))}


def test_a_snf_needs_a_qualifying_inpatient_stay() -> None:
    snf = CarePlan(discharge="skilled_nursing")
    common: dict[str, Any] = {"adl": 4, "diagnosis": "S72.001A", "insurance": "medicare", "age": 80,
              "needs": {"disability_equipment": 3}, "prognosis": "guarded"}
    assert "snf_without_qualifying_stay" not in _rules(snf, los=4, **common)
    assert "snf_without_qualifying_stay" in _rules(snf, los=2, **common)
    assert Subject.of(make_patient(los=4, **common)).qualifying_inpatient_stay
    assert not Subject.of(make_patient(los=2, **common)).qualifying_inpatient_stay
    stayed = reference_plan(make_case(make_patient(los=4, **common)), start=START)
    short = reference_plan(make_case(make_patient(los=2, **common)), start=START)
    assert stayed.discharge == "skilled_nursing"
    assert short.discharge != "skilled_nursing"


def test_help_with_daily_activities_alone_is_custodial_not_skilled() -> None:
    # Advanced dementia with four ADL dependencies and no acute condition needing daily skilled
    # care: long-term (custodial) care, and a SNF stay is not open to her under Medicare.
    custodial: dict[str, Any] = {"adl": 4, "diagnosis": "G30.9", "insurance": "medicare", "age": 88, "los": 5,
                 "needs": {"disability_equipment": 3}, "prognosis": "guarded"}
    assert not Subject.of(make_patient(**custodial)).daily_skilled_need
    assert "snf_without_skilled_need" in _rules(CarePlan(discharge="skilled_nursing"), **custodial)
    plan = reference_plan(make_case(make_patient(**custodial)), start=START)
    assert plan.discharge == "long_term_care"
    skilled: dict[str, Any] = {**custodial, "diagnosis": "S72.001A"}
    assert Subject.of(make_patient(**skilled)).daily_skilled_need
    assert "snf_without_skilled_need" not in _rules(CarePlan(discharge="skilled_nursing"), **skilled)


def test_the_informed_risk_path_home_needs_capacity_and_a_documented_refusal() -> None:
    frail: dict[str, Any] = {"adl": 4, "diagnosis": "S72.001A", "insurance": "medicare", "age": 90,
             "needs": {"disability_equipment": 3}}
    home = CarePlan(discharge="home_with_services")
    assert "home_alone_without_informed_choice" in _rules(home, **frail)
    informed = home.model_copy(update={"actions": ["capacity_assessment", "informed_refusal"]})
    assert _rules(informed, **frail) == set()
    assert "home_alone_severe_adl" in _rules(CarePlan(discharge="home", actions=informed.actions), **frail)


def test_a_derived_key_offers_a_snf_only_when_medicare_would_cover_it() -> None:
    from sim.cases import from_patient

    def fits(**patient: Any) -> dict[str, str]:
        case = from_patient(make_patient(adl=4, insurance="medicare", age=84,
                                         needs={"disability_equipment": 3}, **patient))
        return {d.id: d.fit for d in case.key.dispositions}

    assert fits(diagnosis="S72.001A", los=4)["skilled_nursing"] == "expected"
    short = fits(diagnosis="S72.001A", los=2)  # two days: no qualifying stay
    custodial = fits(diagnosis="G30.9", los=5)  # help with daily activities only
    for found in (short, custodial):
        assert "skilled_nursing" not in found and found["long_term_care"] == "expected"
        assert found["home_with_services"] == "acceptable" and found["home"] == "unsafe"
