from __future__ import annotations

import pytest
from practice_helpers import make_patient

from sim.errors import UnknownNameError
from sim.model import taxonomy
from sim.resources import counties, directory, get, ineligibility, match

REQUIRED_KINDS = {
    "food_bank", "snap", "wic", "medicaid_enrollment", "emergency_shelter", "dv_shelter", "dv_hotline",
    "legal_aid", "transitional_housing", "respite_care", "adult_day", "home_health", "hospice",
    "home_delivered_meals", "paratransit", "nemt", "mutual_help", "sud_outpatient", "sud_detox",
    "community_mental_health", "crisis_line", "child_protective_services", "adult_protective_services",
    "disability_services", "medical_equipment", "utility_assistance", "caregiver_support_group",
    "bereavement_support", "interpreter_services",
}


def test_directory_validates_and_covers_every_kind_and_need():
    kinds = {r.kind for r in directory()}
    assert REQUIRED_KINDS <= kinds
    served = {n for r in directory() for n in r.needs}
    assert set(taxonomy().domains) <= served
    assert "Aldren County" in counties()
    assert all(r.counties == ["all"] or set(r.counties) <= set(counties()) for r in directory())
    for r in directory():
        assert r.phone == "988" or r.phone.startswith("(555) 555-01")


def test_snap_gross_income_limit_at_129_and_131_percent_fpl():
    assert "snap_office" in {r.id for r in match(make_patient(fpl=129), "food_insecurity").eligible}
    result = match(make_patient(fpl=131), "food_insecurity")
    assert "snap_office" not in {r.id for r in result.eligible}
    assert result.ineligible["snap_office"] == ["income 131% FPL is above SNAP's limit of 130%"]


def test_wic_needs_pregnancy_postpartum_or_a_child_under_5_and_185_percent_fpl():
    assert get("wic_clinic").eligibility.max_fpl_percent == 185
    assert ineligibility(make_patient(fpl=150, children_ages=(3,)), "wic_clinic") == []
    assert ineligibility(make_patient(fpl=150, diagnosis="O24.419"), "wic_clinic") == []
    no_child = ineligibility(make_patient(fpl=150, children_ages=(7,)), "wic_clinic")
    assert len(no_child) == 1 and "children under 5" in no_child[0]
    too_rich = ineligibility(make_patient(fpl=190, children_ages=(2,)), "wic_clinic")
    assert too_rich == ["income 190% FPL is above WIC's limit of 185%"]
    # Medicaid enrollees are adjunctively income-eligible.
    assert ineligibility(make_patient(fpl=190, children_ages=(2,), insurance="medicaid"), "wic_clinic") == []


def test_hospice_needs_a_terminal_prognosis():
    assert ineligibility(make_patient(prognosis="terminal_months"), "hospice") == []
    reasons = ineligibility(make_patient(prognosis="poor"), "hospice")
    assert len(reasons) == 1 and "terminal prognosis" in reasons[0] and "'poor'" in reasons[0]


def test_county_and_age_limits():
    south = make_patient(county="Kessington County", state="MD", fpl=100)
    reasons = ineligibility(south, "alder_food_bank")
    assert len(reasons) == 1 and reasons[0].startswith("lives in Kessington County; the Aldren Valley Food Bank serves")
    assert ineligibility(south, "kessington_food_pantry") == []
    young = ineligibility(make_patient(age=45, mobility="wheelchair"), "home_delivered_meals")
    assert young == ["age 45 is below the minimum age of 60 for home-delivered meals"]
    assert "maximum age of 64" in ineligibility(make_patient(age=70, fpl=100), "medicaid_enrollment")[0]
    assert ineligibility(make_patient(age=40, fpl=137), "medicaid_enrollment") == []
    assert "138%" in ineligibility(make_patient(age=40, fpl=139), "medicaid_enrollment")[0]


def test_medicaid_expansion_only_in_expansion_states():
    texan = make_patient(age=40, fpl=90, county="Eskerfield County", state="TX")
    reasons = ineligibility(texan, "medicaid_enrollment")
    assert len(reasons) == 1 and reasons[0].startswith("lives in TX: TX has not expanded Medicaid")


def test_language_needs_a_matching_language_or_an_interpreter():
    speaker = make_patient(language="Vietnamese", interpreter=True, county="Kessington County", state="MD")
    reasons = ineligibility(speaker, "kessington_food_pantry")
    assert reasons and "Vietnamese" in reasons[0] and "no interpreter" in reasons[0]
    assert ineligibility(speaker, "snap_office") == []  # offers Vietnamese
    assert ineligibility(speaker, "language_access") == []
    assert "speaks English" in ineligibility(make_patient(), "language_access")[0]


def test_match_orders_eligible_resources_by_start_and_keeps_reasons_for_the_rest():
    result = match(make_patient(age=70, insurance="medicare", fpl=100, mobility="walker", adl=2,
                                needs={"disability_equipment": 2}), "disability_equipment")
    delays = [r.delay_days for r in result.eligible]
    assert delays == sorted(delays) and result.best() is result.eligible[0]
    assert all(reasons for reasons in result.ineligible.values())
    assert set(result.ineligible).isdisjoint(r.id for r in result.eligible)


def test_unknown_need_raises_with_suggestion():
    with pytest.raises(UnknownNameError, match="food_insecurity"):
        match(make_patient(), "food_insecurty")
    with pytest.raises(UnknownNameError):
        get("no_such_place")


def test_detox_only_for_severe_use_and_reporting_lines_carry_their_action():
    assert "severe substance use" in ineligibility(make_patient(needs={"substance_use": 2}), "detox_unit")[0]
    assert ineligibility(make_patient(needs={"substance_use": 3}), "detox_unit") == []
    assert get("child_protective_services").with_action == "mandated_report_child"
    assert get("adult_protective_services").with_action == "mandated_report_elder"
