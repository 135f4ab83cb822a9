from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
import sim.cases
from sim.feedback import Feedback, assess, review, review_plan
from sim.model.case import Case
from sim.practice import resources


def make_case(patient_updates: dict | None = None, **key_overrides: object) -> Case:
    """A small synthetic case: food insecurity, depression with passive suicidal ideation."""
    patient = {
        "id": "P-TEST-1", "seed": 1,
        "identity": {"given_name": "Rosa", "family_name": "Testa", "pronouns": "she/her", "sex": "female",
                     "gender_identity": "woman", "date_of_birth": "1968-04-02", "age": 58,
                     "language": "English", "interpreter_needed": False, "race": "White",
                     "ethnicity": "Hispanic or Latino", "veteran": False},
        "contact": {"phone": "(555) 555-0142", "email": "rosa.testa@example.org"},
        "address": {"street": "12 Elm St", "city": "Springfield", "county": resources.counties()[0], "state": "IL",
                    "zip_code": "62701"},
        "economics": {"insurance": "medicaid", "household_size": 2, "household_income": 14000,
                      "fpl_percent": 70, "employment": "unemployed", "education": "high school"},
        "medical": {"setting": "med_surg", "admission_type": "emergent",
                    "primary_diagnosis": {"code": "E11.65", "label": "Type 2 diabetes with hyperglycemia"},
                    "charlson_index": 3, "length_of_stay_days": 5, "ed_visits_6mo": 2, "prognosis": "good"},
        "family": [{"id": "F1", "name": "Luis Testa", "relation": "son", "sex": "male", "age": 30,
                    "role": "support", "relationship_quality": "strong"}],
        "profile": {
            "needs": [
                {"domain": "food_insecurity", "severity": 3, "evidence": "skips meals at month end",
                 "disclosure_difficulty": 0.3},
                {"domain": "emotional_distress", "severity": 2, "evidence": "PHQ-9 14",
                 "disclosure_difficulty": 0.4},
                {"domain": "housing_instability", "severity": 0, "evidence": "", "disclosure_difficulty": 0.0},
            ],
            "risks": [{"kind": "suicide", "level": "moderate", "evidence": "PHQ-9 item 9 positive"}],
            "strengths": ["close relationship with her son", "attends church"],
            "culture": {"religion": "Catholic", "spirituality_importance": "high"},
        },
        "latent": {"depression": 2, "anxiety": 1, "alcohol": 0, "suicide": 1, "ipv": 0, "caregiver_burden": 0,
                   "adl_dependencies": 0, "iadl_dependencies": 1},
        "responses": {
            "ahc_hrsn": {"q1": "steady", "q2": "none", "q3": "often", "q4": "sometimes", "q5": "no", "q6": "no",
                         "q7": "never", "q8": "never", "q9": "never", "q10": "never"},
            "phq9": [2, 2, 1, 2, 1, 2, 1, 1, 2],
        },
    }
    key = {
        "needs": [
            {
                "domain": "food_insecurity",
                "severity": 3,
                "evidence": "Often true to AHC Q3; she skips meals so her son can eat",
            },
            {"domain": "emotional_distress", "severity": 2, "evidence": "PHQ-9 total 14 (moderate)"},
        ],
        "risks": [
            {"kind": "suicide", "level": "moderate", "evidence": "PHQ-9 item 9 answered 'More than half the days'"}
        ],
        "strengths": ["Close relationship with her son"],
        "critical_actions": [{"kind": "cssrs_today", "description": "Complete a C-SSRS screen today"}],
        "recommended": [
            {
                "intervention": "social_systems_management",
                "rationale": "SNAP enrolment and a food pantry close the food gap.",
            },
            {"intervention": "counseling", "rationale": "Moderate depression responds to brief counselling."},
        ],
        "acceptable": [{"intervention": "financial_assistance", "rationale": "Income support eases the food budget."}],
        "contraindicated": [
            {
                "intervention": "end_of_life_care",
                "rationale": "Her prognosis is good; end-of-life planning would alarm and mislead her.",
            }
        ],
        "competencies": [7, 8],
        "discharge_disposition": "home",
    }
    for section, values in (patient_updates or {}).items():
        patient[section].update(values)
    key.update(key_overrides)
    return Case.model_validate({
        "id": "test-food", "title": "Food and mood", "summary": "test case", "patient": patient,
        "referral": {"reason": "Poor glycemic control; patient worried about money", "source": "attending physician"},
        "chart": {"physician_note": "Admitted with hyperglycemia. Reports skipping meals when money runs out.",
                  "nursing_note": "Tearful at times."},
        "opening_statement": "I just want to get home.",
        "hidden_facts": [{"id": "h1", "domain": "food_insecurity", "min_rapport": 30,
                          "statement": "By the end of the month there is nothing in the fridge.",
                          "reveals_need": "food_insecurity"}],
        "key": key,
    })


CASE = make_case()

GOOD_ASSESSMENT = {
    "needs": [{"domain": "food_insecurity", "severity": 3}, {"domain": "emotional_distress", "severity": 2}],
    "risks": [{"kind": "suicide", "level": "moderate"}],
    "strengths": ["Her son is close and supportive"],
    "formulation": "Food insecurity at month end drives missed meals and poor glycemic control; moderate "
                   "depression with passive thoughts of death lowers her energy to seek help.",
}


def good_plan() -> dict:
    return {
        "goals": [
            {"need": "food_insecurity", "description": "Enrol in SNAP and visit the food pantry",
             "measure": "SNAP application submitted", "target_date": "2026-12-15"},
            {"need": "emotional_distress", "description": "Start weekly counselling sessions",
             "measure": "PHQ-9 below 10", "target_date": "2027-02-01"},
        ],
        "interventions": ["social_systems_management", "counseling"],
        "referrals": [{"resource": "snap_office", "need": "food_insecurity"},
                      {"resource": "community_mental_health", "need": "emotional_distress"}],
        "actions": ["cssrs_today"],
        "follow_up_days": 7,
        "discharge": "home",
    }


def messages(fb: Feedback, kind: str | None = None) -> str:
    return "\n".join(i.message for i in fb.items if kind is None or i.kind == kind)


def test_full_marks_path_praises_each_part():
    case = make_case()
    fb = review(case, GOOD_ASSESSMENT, good_plan())
    assert fb.score == 100.0 and not fb.capped
    assert not fb.by_kind("missed") and not fb.by_kind("error")
    text = messages(fb, "praise")
    assert "Food insecurity" in text and "Critical action taken" in text and "SMART goal" in text


def test_missed_need_cites_the_answer_with_item_wording_and_what_she_said():
    case = make_case()
    fb = assess(case, {**GOOD_ASSESSMENT, "needs": [{"domain": "emotional_distress", "severity": 2}]})
    missed = [i for i in fb.by_category("needs") if i.kind == "missed"]
    assert len(missed) == 1 and missed[0].earned == 0 and missed[0].possible == 6
    msg = missed[0].message
    assert msg.startswith("Food insecurity was missed: she answered 'Often true' to AHC HRSN question 3")
    assert "worried" in msg.lower()  # the item's wording is quoted
    assert "nothing in the fridge" in msg
    assert fb.score < 100


def test_severity_off_by_one_earns_part_of_the_points():
    fb = assess(make_case(), {**GOOD_ASSESSMENT, "needs": [
        {"domain": "food_insecurity", "severity": 2}, {"domain": "emotional_distress", "severity": 2}]})
    item = next(i for i in fb.by_category("needs") if "Food insecurity" in i.message)
    assert item.kind == "missed" and 0 < item.earned < item.possible and "severe" in item.message


def test_false_alarm_costs_points_and_cites_the_contrary_answer():
    base = assess(make_case(), GOOD_ASSESSMENT)
    fb = assess(make_case(), {**GOOD_ASSESSMENT, "needs": [*GOOD_ASSESSMENT["needs"],
                                                           {"domain": "housing_instability", "severity": 2}]})
    alarm = next(i for i in fb.items if "Housing" in i.message)
    assert alarm.kind == "missed" and alarm.earned < 0
    assert "I have a steady place to live" in alarm.message and "false alarm" in alarm.message
    assert fb.score < base.score


def test_risk_missed_cites_the_item_9_answer():
    fb = assess(make_case(), {**GOOD_ASSESSMENT, "risks": []})
    item = next(i for i in fb.by_category("risks"))
    assert item.kind == "missed" and item.possible > 0 and item.earned == 0
    assert "Risk missed: suicide" in item.message
    assert "'More than half the days' to PHQ-9 question 9" in item.message


def test_critical_action_missed_caps_the_score_and_says_so():
    plan = {**good_plan(), "actions": []}
    fb = review(make_case(), GOOD_ASSESSMENT, plan)
    assert fb.capped and fb.score == 50.0
    assert "C-SSRS" in fb.cap_reason and "50" in fb.cap_reason
    item = fb.by_category("critical actions")[0]
    assert item.kind == "missed" and "cssrs_today" in item.message
    assert "'More than half the days' to PHQ-9 question 9" in item.message  # why it is needed
    assert item.points == 0 and item.points_possible == item.possible > 0
    assert "Score capped" in fb.markdown() and "Score capped" in fb.html()


def test_contraindicated_intervention_is_penalised_with_the_keys_rationale():
    plan = {**good_plan(), "interventions": ["social_systems_management", "counseling", "end_of_life_care"]}
    fb = review_plan(make_case(), plan)
    item = next(i for i in fb.items if "contraindicated" in i.message)
    assert item.earned < 0 and "prognosis is good" in item.message
    assert fb.score < review_plan(make_case(), good_plan()).score


def test_acceptable_intervention_is_praised_without_changing_the_score():
    plan = {**good_plan(), "interventions": ["social_systems_management", "counseling", "financial_assistance"]}
    fb = review_plan(make_case(), plan)
    assert fb.score == 100.0 and "reasonable choice" in messages(fb, "praise")


def test_recommended_intervention_missing_gives_the_rationale():
    fb = review_plan(make_case(), {**good_plan(), "interventions": ["counseling"]})
    item = next(i for i in fb.items if i.kind == "missed" and i.category == "interventions")
    assert "Social systems management was not chosen" in item.message and "SNAP" in item.message


def test_ineligible_referral_gives_the_reason_and_names_eligible_options():
    plan = {**good_plan(), "referrals": [{"resource": "home_delivered_meals", "need": "food_insecurity"},
                                         {"resource": "community_mental_health", "need": "emotional_distress"}]}
    fb = review_plan(make_case(), plan)
    text = messages(fb, "missed")
    assert "not eligible for home-delivered meals" in text and "age 58 is below the minimum age of 60" in text
    assert "No eligible referral for food insecurity" in text
    assert fb.score < 100


def test_unknown_resource_is_a_message_and_the_rest_is_still_scored():
    plan = {**good_plan(), "referrals": [{"resource": "snap_ofice", "need": "food_insecurity"},
                                         {"resource": "snap_office", "need": "food_insecurity"},
                                         {"resource": "community_mental_health", "need": "emotional_distress"}]}
    fb = review_plan(make_case(), plan)
    err = fb.by_kind("error")
    assert len(err) == 1 and "'snap_ofice'" in err[0].message and "did you mean 'snap_office'" in err[0].message
    assert "Referral to SNAP" in messages(fb, "praise")
    assert fb.score == 100.0


def test_goal_without_date_is_reported_and_scored_as_not_time_bound():
    plan = good_plan()
    del plan["goals"][0]["target_date"]
    fb = review_plan(make_case(), plan)
    assert any("target date" in i.message for i in fb.by_kind("error"))
    goal = next(i for i in fb.by_category("goals") if "food insecurity" in i.message)
    assert goal.kind == "missed" and "not time-bound" in goal.message and 0 < goal.earned < goal.possible
    assert "Critical action taken" in messages(fb)  # the rest of the plan is still scored


def test_goal_that_is_not_measurable_loses_the_measurable_share():
    plan = good_plan()
    plan["goals"][1]["measure"] = "feels better"
    fb = review_plan(make_case(), plan)
    goal = next(i for i in fb.by_category("goals") if "emotional distress" in i.message)
    assert "not measurable" in goal.message and goal.earned == pytest.approx(goal.possible * 0.7)


def test_unknown_intervention_and_unknown_need_are_messages_with_the_rest_scored():
    plan = {**good_plan(), "interventions": ["social_systems_management", "counseling", "couples_therapy"]}
    fb = review(make_case(), {**GOOD_ASSESSMENT, "needs": [*GOOD_ASSESSMENT["needs"],
                                                           {"domain": "hunger", "severity": 2}]}, plan)
    errors = messages(fb, "error")
    assert "'couples_therapy'" in errors and "'hunger'" in errors
    assert fb.score == 100.0


def test_nothing_submitted_is_a_message_not_an_exception():
    fb = review(make_case())
    assert fb.score == 0 and "Nothing to review" in fb.items[0].message


def test_models_are_accepted_as_well_as_dicts():
    from sim.practice.plan import parse_assessment, parse_plan

    assessment, _ = parse_assessment(GOOD_ASSESSMENT)
    plan, _ = parse_plan(good_plan())
    assert review(make_case(), assessment, plan).score == review(make_case(), GOOD_ASSESSMENT, good_plan()).score


def test_markdown_and_html_render_every_item_and_escape():
    fb = review(make_case(), {**GOOD_ASSESSMENT, "formulation": "<b>short</b>"}, good_plan())
    md, html = fb.markdown(), fb.html()
    assert md.startswith("**Score:") and "### Needs" in md
    assert "&lt;b&gt;" not in md and "<b>short</b>" not in html
    assert html.count("<li") == len(fb.items)


def test_every_point_lost_has_a_message():
    plan = {**good_plan(), "actions": [], "interventions": ["end_of_life_care"], "discharge": "shelter"}
    fb = review(make_case(), {"needs": [{"domain": "utilities", "severity": 1}]}, plan)
    for item in fb.items:
        if item.lost > 0 or item.earned < 0:
            assert len(item.message) > 20
    assert fb.score <= 50 and date.today()  # capped at most


def test_the_reference_plan_earns_full_marks_without_warnings():
    from sim.practice.expert import reference_plan

    fb = review_plan(make_case(), reference_plan(make_case(), start=date(2026, 11, 23)))
    assert fb.score == 100.0 and not fb.by_kind("missed") and not fb.by_kind("warning")


def test_an_intervention_for_no_key_need_is_a_warning():
    fb = review_plan(make_case(), {**good_plan(), "interventions": [
        "social_systems_management", "counseling", "child_welfare"]})
    assert any("Child welfare" in i.message and "does not answer" in i.message for i in fb.by_kind("warning"))


def test_cap_is_reported_even_when_the_score_is_already_below_it():
    fb = review(make_case(), {"needs": []}, {"actions": []})
    assert fb.capped and fb.score <= 50 and "C-SSRS" in fb.cap_reason


def test_strengths_not_matching_the_key_earn_half_and_name_one():
    fb = assess(make_case(), {**GOOD_ASSESSMENT, "strengths": ["likes gardening"]})
    item = fb.by_category("strengths")[0]
    assert item.earned == item.possible / 2 and "Close relationship with her son" in item.message


_junk = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=12), st.lists(st.text(max_size=5), max_size=2))
_need = st.fixed_dictionaries({"domain": st.sampled_from(["food_insecurity", "hunger", "crisis", 3]),
                               "severity": st.sampled_from([1, 2, 3, 7, "x"])})
_goal = st.dictionaries(st.sampled_from(["need", "description", "measure", "target_date", "responsible", "oops"]),
                        st.one_of(_junk, st.sampled_from(["food_insecurity", "2026-12-01", "PHQ-9 below 10"])),
                        max_size=5)


@settings(max_examples=60, deadline=None)
@given(assessment=st.one_of(_junk, st.fixed_dictionaries({}, optional={
           "needs": st.one_of(_junk, st.lists(_need, max_size=3)),
           "risks": st.one_of(_junk, st.lists(st.fixed_dictionaries({"kind": st.sampled_from(["suicide", "sucide"]),
                                                                     "level": st.sampled_from(["high", "big"])}),
                                              max_size=2)),
           "strengths": st.one_of(_junk, st.lists(st.text(max_size=10), max_size=2)), "formulation": _junk,
           "extra": _junk})),
       plan=st.one_of(_junk, st.fixed_dictionaries({}, optional={
           "goals": st.one_of(_junk, st.lists(_goal, max_size=3)),
           "interventions": st.one_of(_junk, st.lists(st.sampled_from(["counseling", "yoga", 5]), max_size=3)),
           "referrals": st.one_of(_junk, st.lists(st.fixed_dictionaries({
               "resource": st.sampled_from(["snap_office", "nowhere", "home_delivered_meals"]),
               "need": st.sampled_from(["food_insecurity", "emotional_distress", "moon"])}), max_size=3)),
           "actions": st.one_of(_junk, st.lists(st.sampled_from(["cssrs_today", "dance"]), max_size=2)),
           "follow_up_days": _junk, "discharge": st.one_of(_junk, st.just("home"))})))
def test_any_submission_gets_feedback_never_a_traceback(assessment, plan):
    fb = review(CASE, assessment, plan)
    assert 0 <= fb.score <= 100
    fb.markdown()
    fb.html()


def test_sections_that_are_not_lists_are_named_and_the_rest_scored():
    fb = review(make_case(), {**GOOD_ASSESSMENT, "strengths": 5},
                {**good_plan(), "interventions": "counseling", "actions": 3})
    errors = messages(fb, "error")
    assert "strengths must be a list, got int 5" in errors and "actions must be a list" in errors
    assert "Individual and group counseling fits" in messages(fb, "praise")


def test_an_eligible_referral_credits_every_key_need_its_resource_serves():
    plan = {**good_plan(), "referrals": [{"resource": "snap_office", "need": "food_insecurity"},
                                         {"resource": "crisis_988", "need": "crisis"}]}
    fb = review_plan(make_case(), plan)
    assert "Emotional distress has an eligible referral" in messages(fb, "praise") and fb.score == 100.0


def test_a_need_no_resource_is_open_for_is_a_systemic_barrier_not_lost_points():
    needs = [{"domain": "utilities", "severity": 2, "evidence": "shut-off notice"}]
    case = make_case({"economics": {"fpl_percent": 320, "household_income": 64000}}, needs=needs,
                     recommended=[{"intervention": "financial_assistance", "rationale": "pay the bill"}],
                     acceptable=[], contraindicated=[], risks=[], critical_actions=[])
    plan = {
        "interventions": ["financial_assistance"],
        "follow_up_days": 7,
        "discharge": "home",
        "goals": [
            {
                "need": "utilities",
                "description": "Keep the power on this winter",
                "measure": "payment plan signed",
                "target_date": "2026-12-15",
            }
        ],
    }
    fb = review_plan(case, plan)
    barrier = [i for i in fb.by_kind("warning") if "systemic barrier" in i.message]
    assert barrier and "320% FPL" in barrier[0].message and fb.score == 100.0


def test_a_free_text_key_disposition_is_quoted_and_never_praised():
    # Words are not matched against dispositions any more: "home" in a sentence about a CPS safety
    # plan said nothing about whether home was safe.
    case = make_case(discharge_disposition="Home to her sister's home with the safety plan")
    fb = review_plan(case, {**good_plan(), "discharge": "home"})
    item = fb.by_category("discharge")[0]
    assert item.kind == "warning" and item.earned == 0 and item.possible == 0
    assert "her sister's home" in item.message


def test_a_structured_disposition_is_praised_only_with_the_actions_that_make_it_safe():
    dispositions = [
        {"id": "home", "fit": "expected", "requires_actions": ["cssrs_today"],
         "rationale": "home with her son once the suicide risk is assessed"},
        {"id": "long_term_care", "fit": "unsafe", "rationale": "a placement she has not chosen"},
    ]
    case = make_case(dispositions=dispositions)
    assert review_plan(case, good_plan()).score == 100.0
    unsafe = review_plan(case, {**good_plan(), "actions": []})
    item = unsafe.by_category("discharge")[0]
    assert item.kind == "missed" and item.earned < 0 and "cssrs_today" in item.message
    placed = review_plan(case, {**good_plan(), "discharge": "long_term_care"})
    item = placed.by_category("discharge")[0]
    assert item.kind == "missed" and "a placement she has not chosen" in item.message
    assert placed.capped and placed.score <= 50 and "unsafe choice" in placed.cap_reason
    elsewhere = review_plan(case, {**good_plan(), "discharge": "assisted_living"}).by_category("discharge")[0]
    assert elsewhere.kind == "missed" and elsewhere.earned == 0 and "home with her son" in elsewhere.message


def _perfect_submission(case: Case) -> tuple[dict, dict]:
    """A submission built from the key itself: what full marks look like for any case."""
    from sim.feedback.evidence import need_label

    key = case.key
    assessment = {
        "needs": [{"domain": n.domain, "severity": n.severity} for n in key.needs],
        "risks": [{"kind": r.kind, "level": r.level} for r in key.risks],
        "strengths": key.strengths[:1],
        "formulation": "The needs connect: " + ", ".join(need_label(n.domain).lower() for n in key.needs)
                       + " shape this admission and what comes next for the patient and the family.",
    }
    referrals = []
    for n in key.needs:
        eligible = resources.match(case, n.domain).eligible
        if eligible:
            referrals.append({"resource": eligible[0].id, "need": n.domain})
    expected = next((d for d in key.dispositions if d.fit == "expected"), None)
    actions = [c.kind for c in key.critical_actions]
    actions += [a for a in (expected.requires_actions if expected else []) if a not in actions]
    plan = {"goals": [{"need": n.domain, "description": "Address this need with the patient",
                       "measure": "referral completed", "target_date": "2026-12-20"} for n in key.needs],
            "interventions": [{"intervention": i.intervention, "variant": i.variant} for i in key.recommended],
            "referrals": referrals, "actions": actions, "follow_up_days": 7,
            "discharge": expected.id if expected else None}
    return assessment, plan


def test_full_marks_are_reachable_in_every_library_case_and_misses_cite_evidence():
    import sim
    from sim.cases.library import library

    infos = library()
    assert infos
    for info in infos:
        case = sim.load_case(info.id)
        assessment, plan = _perfect_submission(case)
        fb = review(case, assessment, plan)
        assert fb.score == 100.0, (info.id, [i.message for i in fb.items if i.kind in ("missed", "error")])
        first = case.key.needs[0]
        missed = assess(case, {**assessment, "needs": assessment["needs"][1:]})
        item = next(i for i in missed.by_kind("missed") if i.category == "needs")
        assert "was missed:" in item.message and first.evidence.rstrip(".")[:30] in item.message


def test_caregiver_reported_answers_are_attributed_and_the_most_telling_come_first():
    needs = [{"domain": "caregiver_strain", "severity": 2, "evidence": "ZBI-4 10"},
             {"domain": "emotional_distress", "severity": 2, "evidence": "PHQ-9 14"}]
    case = make_case({"responses": {"zbi4": [1, 3, 4, 2]}}, needs=needs)
    fb = assess(case, {"needs": []})
    text = messages(fb, "missed")
    assert "the caregiver answered 'Nearly always' to ZBI-4 question 3" in text
    # PHQ-9 [2, 2, 1, 2, 1, 2, 1, 1, 2]: answers of 2 are quoted before answers of 1
    assert "she answered 'More than half the days' to PHQ-9 question 1" in text
    assert "'Several days'" not in text


def test_an_unrealistic_goal_is_not_achievable_as_worded():
    plan = good_plan()
    plan["goals"][1]["description"] = "Completely eliminate her depression"
    goal = next(i for i in review_plan(make_case(), plan).by_category("goals") if "emotional" in i.message)
    assert "not achievable as worded" in goal.message and goal.earned < goal.possible


def test_a_clinic_visit_needs_no_disposition_but_one_given_is_checked():
    case = make_case({"medical": {"setting": "outpatient_mh"}})
    assert review_plan(case, {**good_plan(), "discharge": None}).score == 100.0
    assert review_plan(case, {**good_plan(), "discharge": "shelter"}).score < 100.0
    assert review_plan(make_case(), {**good_plan(), "discharge": None}).score < 100.0


def test_a_format_rule_still_counts_when_the_key_recommends_the_intervention():
    case = make_case({"latent": {"ipv": 2}})
    plan = good_plan()
    plan["interventions"] = ["social_systems_management",
                             {"intervention": "counseling", "variant": "couples", "rationale": "with her husband"}]
    fb = review_plan(case, plan)
    item = next(i for i in fb.items if "(couples format)" in i.message)
    assert item.kind == "missed" and item.earned < 0 and "safety planning instead" in item.message
    # One verdict per planned item: the couples item is not also praised as the recommended
    # counselling, and the unsafe choice caps the score.
    counselling = next(i for i in fb.items if i.message.startswith("Individual and group counseling was planned"))
    assert counselling.kind == "missed" and counselling.earned == 0
    assert fb.capped and fb.score <= 50 and "unsafe choice" in fb.cap_reason


def test_caregiver_burden_is_not_quoted_as_evidence_of_elder_abuse():
    from sim.feedback.evidence import cite_risk
    from sim.model.case import KeyRisk

    case = make_case({"responses": {"zbi4": [1, 3, 4, 2]}},
                     risks=[KeyRisk(kind="elder_abuse", level="moderate", evidence="Bruises on both upper arms")])
    why = cite_risk(case, "elder_abuse", "Bruises on both upper arms")
    assert "ZBI" not in why and "Bruises on both upper arms" in why


def test_private_setting_cites_the_abuse_the_case_is_about():
    # In an elder abuse case the private setting protects from the relative or caregiver: cite
    # that evidence, not the partner-violence (HITS) answers.
    from sim.feedback.evidence import cite_action
    from sim.model.case import KeyRisk

    case = make_case({"responses": {"hits": [1, 2, 2, 1]}},
                     risks=[KeyRisk(kind="elder_abuse", level="high", evidence="Nephew takes her pension")])
    why = cite_action(case, "private_setting")
    assert "Nephew takes her pension" in why and "HITS" not in why
    ipv = make_case({"responses": {"hits": [3, 4, 4, 3]}},
                    risks=[KeyRisk(kind="ipv", level="high", evidence="Partner pushed her")])
    assert "HITS" in cite_action(ipv, "private_setting")


def test_a_goal_whose_description_is_a_list_is_scored_not_raised():
    from sim import load_case

    case = load_case("ed_ipv_01")
    result = review_plan(case, {"goals": [{"need": "food_insecurity", "description": []}]})
    assert 0 <= result.score <= 100


def test_a_bare_name_where_a_mapping_belongs_is_explained():
    import sim

    case = sim.load_case("medsurg_hip_01")
    message = sim.feedback.assess(case, {"needs": ["social_isolation"]}).items[0].message
    assert message.startswith("needs[0]: expected a mapping of named fields")
    assert "'social_isolation'" in message and ": :" not in message


def test_feedback_on_state_law_names_the_patients_state():
    # The surrogate rule (Michigan has no default surrogate statute) and the out-of-hospital DNR
    # (Florida DH 1896) are state law: the feedback says "in this state" and names it.
    from sim.practice.plan import CarePlan

    icu = sim.load_case("icu_family_meeting_01", seed=1)
    missed = [i.message for i in review_plan(icu, CarePlan()).items if "health_care_proxy" in i.message]
    assert missed and "in this state (Michigan)" in missed[0]
    hospice = sim.load_case("hospice_eol_01", seed=1)
    taken = [i.message for i in review_plan(hospice, CarePlan(actions=["polst"])).items
             if i.kind == "praise" and i.category == "critical actions"]
    assert any("in this state (Florida)" in m for m in taken)
    veteran = sim.load_case("ed_veteran_01", seed=1)
    cssrs = [i.message for i in review_plan(veteran, CarePlan()).items if "cssrs_today" in i.message]
    assert cssrs and "in this state" not in cssrs[0]  # a C-SSRS is not a matter of state law


def test_every_library_state_has_a_name():
    from sim.model.states import state_name

    for info in sim.cases.library():
        code = sim.load_case(info.id, seed=1).patient.address.state
        assert state_name(code) != code, (info.id, code)
