from __future__ import annotations

from sim.practice.plan import CarePlan, parse_assessment, parse_plan


def test_goal_without_date_is_reported_and_the_rest_kept():
    plan, problems = parse_plan({
        "goals": [
            {"need": "food_insecurity", "description": "Enrol in SNAP", "measure": "SNAP approved"},
            {"need": "housing_instability", "description": "Apply for transitional housing",
             "measure": "application submitted", "target_date": "2026-12-01"},
        ],
        "interventions": ["housing_advocacy"],
        "discharge": "home_with_services",
    })
    assert [g.need for g in plan.goals] == ["housing_instability"]
    assert plan.intervention_ids() == {"housing_advocacy"}
    assert plan.discharge == "home_with_services"
    assert len(problems) == 1 and "target date" in problems[0].message and problems[0].where == "goals[0]"


def test_unknown_intervention_and_disposition_are_named_with_allowed_values():
    plan, problems = parse_plan({"interventions": ["couples_therapy"], "discharge": "moon"})
    assert plan.interventions == [] and plan.discharge is None
    text = " ".join(p.message for p in problems)
    assert "'couples_therapy'" in text and "domestic_violence_intervention" in text
    assert "'moon'" in text and "skilled_nursing" in text


def test_assessment_keeps_valid_needs_and_names_unknown_ones():
    assessment, problems = parse_assessment({
        "needs": [{"domain": "food_insecurity", "severity": 2}, {"domain": "hunger", "severity": 2}],
        "strengths": ["supportive sister"],
    })
    assert [n.domain for n in assessment.needs] == ["food_insecurity"]
    assert "hunger" in problems[0].message


def test_non_mapping_plan_gives_a_message_not_an_exception():
    plan, problems = parse_plan(["not", "a", "plan"])  # type: ignore[arg-type]
    assert plan == CarePlan() and "expected a mapping" in problems[0].message


def test_wrong_shapes_become_messages_not_exceptions():
    assessment, problems = parse_assessment({"strengths": 7, "needs": "food"})
    assert assessment.strengths == [] and assessment.needs == []
    assert {p.where for p in problems} == {"strengths", "needs"}
    plan, problems = parse_plan({"interventions": "housing_advocacy", "goals": 3})
    assert plan.intervention_ids() == {"housing_advocacy"}
    assert [p.where for p in problems] == ["goals"]
