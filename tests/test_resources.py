from __future__ import annotations

import pytest

import sim
from practice_helpers import make_patient
from sim.errors import UnknownNameError
from sim.model import taxonomy
from sim.practice.resources import counties, directory, get, ineligibility, match

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
    assert kinds >= REQUIRED_KINDS
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
    assert result.ineligible["snap_office"] == [
        "income 131% FPL is above SNAP's limit of 130% (the federal gross limit; most states use broad-based "
        "categorical eligibility with gross limits up to 200% FPL, so check the state's limit before ruling "
        "the household out)"]


def test_snap_source_names_broad_based_categorical_eligibility():
    e = get("snap_office").eligibility
    assert "broad-based categorical eligibility" in e.income_source and "200% FPL" in e.income_source


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
    assert len(reasons) == 3 and reasons[0] == (
        "not eligible as an expansion adult: lives in this state (Texas): "
        "Texas has not expanded Medicaid to adults up to 138% FPL")
    assert "pregnancy" in reasons[1] and "maximum age of 18" in reasons[2]


def test_medicaid_covers_pregnancy_and_children_in_every_state():
    # Pregnancy and children are covered in expansion and non-expansion states alike (42 U.S.C. 1396a(l)).
    for state in ("OH", "TX"):
        pregnant = make_patient(age=30, fpl=150, diagnosis="O24.419", state=state)
        assert ineligibility(pregnant, "medicaid_enrollment") == [], state
        postpartum = make_patient(age=30, fpl=190, setting="maternity", state=state)
        assert ineligibility(postpartum, "medicaid_enrollment") == [], state
        assert ineligibility(make_patient(age=8, fpl=180, state=state), "medicaid_enrollment") == [], state
        assert ineligibility(make_patient(age=0, fpl=120, setting="pediatrics_nicu", state=state),
                             "medicaid_enrollment") == [], state
    assert ineligibility(make_patient(age=30, fpl=150), "medicaid_enrollment")  # not pregnant, above 138%
    child_reasons = ineligibility(make_patient(age=8, fpl=210), "medicaid_enrollment")
    assert (
        "not eligible as a child (Medicaid or CHIP): income 210% FPL is above Medicaid's limit of 200%" in child_reasons
    )
    assert ineligibility(make_patient(age=30, fpl=210, diagnosis="O24.419"), "medicaid_enrollment")


def with_status(patient, status):
    return patient.model_copy(update={"identity": patient.identity.model_copy(update={"immigration_status": status})})


def test_immigration_status_bars_snap_and_full_medicaid_but_not_wic():
    # 8 U.S.C. 1611, 1612, 1641; 7 CFR 273.4; 42 CFR 435.406 and 435.139.
    mother = make_patient(age=28, fpl=96, children_ages=(2, 6))
    undocumented = with_status(mother, "undocumented")
    assert ineligibility(undocumented, "snap_office") == [
        "SNAP: undocumented adults are not eligible; US-citizen children in the household may be"]
    medicaid = ineligibility(undocumented, "medicaid_enrollment")
    assert medicaid == ["Medicaid: undocumented adults can get emergency Medicaid only (42 CFR 435.139), not full "
                        "coverage; US-citizen children in the household may be eligible in their own right"]
    assert ineligibility(undocumented, "wic_clinic") == []  # WIC has no status test
    assert ineligibility(with_status(make_patient(age=28, fpl=96), "undocumented"), "snap_office") == [
        "SNAP: undocumented adults are not eligible"]  # no children: no note
    for status in (None, "citizen", "qualified"):
        assert ineligibility(with_status(mother, status), "snap_office") == [], status
        assert ineligibility(with_status(mother, status), "medicaid_enrollment") == [], status
    barred = with_status(mother, "qualified_5yr_bar")
    assert "wait 5 years" in ineligibility(barred, "snap_office")[0]
    assert "wait 5 years" in ineligibility(barred, "medicaid_enrollment")[0]
    child = with_status(make_patient(age=10, fpl=96), "qualified_5yr_bar")
    assert ineligibility(child, "snap_office") == [] and ineligibility(child, "medicaid_enrollment") == []
    assert "undocumented children are not eligible" in ineligibility(
        with_status(make_patient(age=10, fpl=96), "undocumented"), "snap_office")[0]


def test_curated_cases_read_immigration_status():
    marisol = sim.load_case("ed_ipv_01")  # undocumented, 96% FPL, US-born children
    assert marisol.patient.identity.immigration_status == "undocumented"
    result = match(marisol, "food_insecurity")
    assert "snap_office" not in {r.id for r in result.eligible}
    assert result.ineligible["snap_office"] == [
        "SNAP: undocumented adults are not eligible; US-citizen children in the household may be"]
    assert "wic_clinic" in {r.id for r in result.eligible}
    refugee = sim.load_case("phc_refugee_01")  # refugees are qualified and exempt from the 5-year bar
    assert refugee.patient.identity.immigration_status == "qualified"
    assert ineligibility(refugee, "snap_office") == []
    assert sim.load_case("nicu_preterm_01").patient.identity.immigration_status == "citizen"


def test_home_health_homebound_rule_applies_under_medicare_only():
    # Medicare: homebound (42 CFR 409.42); Medicaid may not require it (42 CFR 440.70(c)(1)).
    walking = {"age": 70, "fpl": 100, "mobility": "independent", "needs": {"disability_equipment": 2}}
    for insurance in ("medicare", "dual"):
        reasons = ineligibility(make_patient(insurance=insurance, **walking), "home_health_agency")
        assert len(reasons) == 1 and "under Medicare requires the patient to be homebound" in reasons[0]
    assert ineligibility(make_patient(insurance="medicaid", **walking), "home_health_agency") == []
    assert ineligibility(make_patient(insurance="private", **walking), "home_health_agency") == []
    bound = make_patient(insurance="medicare", age=70, mobility="wheelchair", adl=2)
    assert ineligibility(bound, "home_health_agency") == []


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


def test_respite_for_a_medicare_caregiver_comes_from_the_family_caregiver_program_or_the_hospice():
    """Medicare pays no respite outside hospice: an older patient's caregiver gets respite through the
    Family Caregiver Support Program (60+, any insurance), a hospice patient's through the hospice."""
    older = make_patient(age=78, insurance="medicare", caregiver=True)
    assert ineligibility(older, "caregiver_respite_nfcsp") == []
    assert ineligibility(older, "respite_care") != []  # the waiver/private-pay agency takes no Medicare
    assert "minimum age of 60" in ineligibility(make_patient(age=50, insurance="medicare", caregiver=True),
                                                "caregiver_respite_nfcsp")[0]
    assert "no caregiver" in ineligibility(make_patient(age=78, insurance="medicare"), "caregiver_respite_nfcsp")[0]
    dying = make_patient(age=78, insurance="medicare", caregiver=True, prognosis="terminal_weeks")
    assert ineligibility(dying, "hospice_respite") == []
    assert "terminal prognosis" in ineligibility(older, "hospice_respite")[0]
    assert "418.204(b)" in get("hospice_respite").eligibility.income_source


def test_the_hospice_cases_reference_plan_relieves_the_caregiver_through_the_hospice():
    from sim.cases.library import load_case
    from sim.practice.expert import reference_plan

    plan = reference_plan(load_case("hospice_eol_01"))
    first = next(r.resource for r in plan.referrals if r.need == "caregiver_strain")
    assert first == "hospice_respite"
