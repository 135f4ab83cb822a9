"""Feedback against the case key, with reasons.

``assess(case, assessment)`` scores a psychosocial assessment, ``review_plan(case, plan)`` a care
plan, ``review(case, assessment, plan)`` both together. Each accepts a model or a student's
plain dict: invalid parts become messages and the rest is still scored. The rubric (weights,
caps) is the data file ``sim/data/rubric.yaml``.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sim.feedback.assessment import score_assessment
from sim.feedback.model import Feedback, FeedbackItem
from sim.feedback.planreview import problem_items, score_plan
from sim.feedback.rubric import Rubric, rubric
from sim.model.case import Case
from sim.practice.plan import Assessment, CarePlan, PlanProblem, parse_assessment, parse_plan

__all__ = ["Feedback", "FeedbackItem", "Rubric", "assess", "review", "review_plan", "rubric"]


def _finish(items: list[FeedbackItem], missed_critical: list[str], unsafe: list[str] | None = None) -> Feedback:
    """Scale raw points to 0-100 (penalties can take it to 0, never below) and apply the caps.

    ``capped`` is True whenever a critical action was missed or an unsafe choice made, even if
    the score was already under the cap: the student is told the cap applies and why.
    """
    possible = sum(i.possible for i in items)
    raw = sum(i.earned for i in items)
    score = 100.0 * max(0.0, raw) / possible if possible else 100.0 if raw >= 0 else max(0.0, 100.0 + raw)
    score = min(100.0, score)
    cap = rubric().cap.critical_action_missed
    reason = ""
    if missed_critical:
        reason = (f"critical action{'s' if len(missed_critical) > 1 else ''} missed "
                  f"({'; '.join(missed_critical)}): the score cannot exceed {cap:g}")
        score = min(score, cap)
    if unsafe:
        unsafe_cap = rubric().cap.unsafe_choice
        reason = "; ".join(filter(None, [
            reason, f"unsafe choice{'s' if len(unsafe) > 1 else ''} ({'; '.join(unsafe)}): the score cannot "
                    f"exceed {unsafe_cap:g}"]))
        score = min(score, unsafe_cap)
    return Feedback(score=round(score, 1), capped=bool(missed_critical or unsafe), cap_reason=reason, items=items)


def _lists_only(data: Any, names: tuple[str, ...]) -> tuple[Any, list[PlanProblem]]:
    """Take out list sections that are not lists (a lone string becomes a one-item list)."""
    if not isinstance(data, dict):
        return data, []
    data = dict(data)
    problems = []
    for name in names:
        value = data.get(name)
        if value is None or isinstance(value, list):
            continue
        if isinstance(value, str):
            data[name] = [value]
        else:
            del data[name]
            problems.append(PlanProblem(where=name, message=f"{name} must be a list, got {type(value).__name__} "
                                                            f"{value!r}"))
    return data, problems


def _assessment_items(case: Case, assessment: dict[str, Any] | Assessment) -> list[FeedbackItem]:
    assessment, early = _lists_only(assessment, ("needs", "risks", "strengths"))
    parsed, problems = parse_assessment(assessment)
    return problem_items(early + problems, "assessment input") + score_assessment(case, parsed)


def _plan_items(case: Case, plan: dict[str, Any] | CarePlan) -> tuple[list[FeedbackItem], list[str], list[str]]:
    plan, early = _lists_only(plan, ("problems", "goals", "interventions", "referrals", "actions"))
    parsed, problems = parse_plan(plan)
    problems = early + problems
    items, missed, unsafe = score_plan(case, parsed, plan)
    return problem_items(problems, "plan input") + items, missed, unsafe


def assess(case: Case, assessment: dict[str, Any] | Assessment) -> Feedback:
    """Score an assessment (needs, risks, strengths, formulation) against ``case.key``.

    Args:
        case: the case, with its key.
        assessment: an :class:`sim.practice.plan.Assessment` or the student's dict.

    Returns:
        Feedback; invalid parts of a dict appear as "error" items and the rest is scored.
    """
    return _finish(_assessment_items(case, assessment), [])


def review_plan(case: Case, plan: dict[str, Any] | CarePlan,
                categories: Collection[str] | None = None) -> Feedback:
    """Score a care plan against ``case.key``; a missed critical action or an unsafe choice caps
    the score.

    Args:
        case: the case whose key the plan is judged against.
        plan: the plan, as a model or a student's plain dict.
        categories: keep only the items of these categories (a widget that edits part of a plan);
            the score is then over the kept items, scaled as for a whole plan, and the caps still
            apply.
    """
    items, missed, unsafe = _plan_items(case, plan)
    if categories is not None:
        items = [i for i in items if i.category in categories]
    return _finish(items, missed, unsafe)


def review(case: Case, assessment: dict[str, Any] | Assessment | None = None,
           plan: dict[str, Any] | CarePlan | None = None) -> Feedback:
    """Score an assessment and a care plan together (either may be left out)."""
    if assessment is None and plan is None:
        return Feedback(score=0.0, items=[FeedbackItem(
            category="submission", kind="error",
            message="Nothing to review: give an assessment, a care plan or both.")])
    items: list[FeedbackItem] = []
    missed: list[str] = []
    unsafe: list[str] = []
    if assessment is not None:
        items += _assessment_items(case, assessment)
    if plan is not None:
        plan_items, missed, unsafe = _plan_items(case, plan)
        items += plan_items
    return _finish(items, missed, unsafe)
