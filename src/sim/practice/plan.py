"""What a student submits: an assessment and a care plan (with a discharge plan).

Strict pydantic models, plus :func:`parse_assessment` and :func:`parse_plan`, which accept a
student's plain dict, keep every valid part and return a message for each invalid one, so that
feedback is still given for the rest ("a goal without a date" does not discard the whole plan).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from sim.errors import validation_message
from sim.model.base import Model
from sim.model.taxonomy import ActionKind, Disposition, InterventionName, NeedDomainName, RiskName


class AssessedNeed(Model):
    domain: NeedDomainName
    severity: Literal[1, 2, 3]
    evidence: str = ""


class AssessedRisk(Model):
    kind: RiskName
    level: Literal["low", "moderate", "high"]
    evidence: str = ""


class Assessment(Model):
    """The student's psychosocial assessment."""

    needs: list[AssessedNeed] = Field(default_factory=list)
    risks: list[AssessedRisk] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    formulation: str = ""


class Goal(Model):
    """A SMART goal: specific need, measurable target, time-bound date, who is responsible."""

    need: NeedDomainName
    description: str = Field(min_length=3)
    measure: str = Field(min_length=3, description="the measurable target, e.g. 'PHQ-9 below 10'")
    target_date: date
    responsible: str = "social worker"


class PlannedIntervention(Model):
    intervention: InterventionName
    need: NeedDomainName | None = None
    rationale: str = ""
    variant: Literal["individual", "group", "couples", "family"] | None = Field(
        default=None, description="format, for interventions that have formats (counseling)")


class PlannedReferral(Model):
    resource: str = Field(description="a resource id from the community directory")
    need: NeedDomainName


class CarePlan(Model):
    """Problems, SMART goals, interventions, referrals, crisis actions, follow-up, discharge."""

    problems: list[str] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    interventions: list[PlannedIntervention] = Field(default_factory=list)
    referrals: list[PlannedReferral] = Field(default_factory=list)
    actions: list[ActionKind] = Field(default_factory=list, description="crisis and critical actions taken")
    follow_up_days: int | None = Field(default=None, ge=1, le=365)
    discharge: Disposition | None = None

    def intervention_ids(self) -> set[str]:
        return {i.intervention for i in self.interventions}


class PlanProblem(Model):
    """One part of a submission that could not be accepted, in words a student understands."""

    where: str
    message: str


def _describe(exc: ValidationError, where: str) -> list[PlanProblem]:
    out = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"])
        got = err.get("input")
        msg = validation_message(err)
        if err["type"] == "missing":
            msg = f"{field} is missing"
            if field == "target_date":
                msg = "the goal has no target date: a SMART goal is time-bound (give target_date: YYYY-MM-DD)"
        elif not field and err["type"] in ("model_type", "dict_type", "model_attributes_type"):
            msg = f"expected a mapping of named fields ({{'field': value, ...}}), got {got!r}"
        elif not isinstance(got, dict | list):
            msg = f"{field}: {msg} (got {got!r})" if field else f"{msg} (got {got!r})"
        out.append(PlanProblem(where=where, message=msg))
    return out


def _lenient_list(items: Any, model: type[BaseModel], where: str) -> tuple[list[Any], list[PlanProblem]]:
    kept: list[Any] = []
    problems: list[PlanProblem] = []
    if items is None:
        return kept, problems
    if not isinstance(items, list):
        return kept, [PlanProblem(where=where, message=f"expected a list, got {type(items).__name__}")]
    for i, item in enumerate(items):
        try:
            kept.append(model.model_validate(item))
        except ValidationError as exc:
            problems.extend(_describe(exc, f"{where}[{i}]"))
    return kept, problems


def _string_list(items: Any, where: str) -> tuple[list[str], list[PlanProblem]]:
    if items is None:
        return [], []
    if isinstance(items, str):
        return [items], []
    if not isinstance(items, list):
        return [], [PlanProblem(where=where, message=f"expected a list of short texts, got {items!r}")]
    return [str(x) for x in items], []


def parse_assessment(data: dict[str, Any] | Assessment) -> tuple[Assessment, list[PlanProblem]]:
    """Accept what is valid in a student's assessment; a problem message for each invalid part."""
    if isinstance(data, Assessment):
        return data, []
    if not isinstance(data, dict):
        return Assessment(), [PlanProblem(where="assessment", message=f"expected a mapping, got {type(data).__name__}")]
    needs, p1 = _lenient_list(data.get("needs"), AssessedNeed, "needs")
    risks, p2 = _lenient_list(data.get("risks"), AssessedRisk, "risks")
    strengths, p4 = _string_list(data.get("strengths"), "strengths")
    unknown = sorted(set(data) - {"needs", "risks", "strengths", "formulation"})
    p3 = [PlanProblem(where=k, message=f"unknown section {k!r}; allowed: needs, risks, strengths, formulation")
          for k in unknown]
    return (Assessment(needs=needs, risks=risks, strengths=strengths,
                       formulation=str(data.get("formulation") or "")), p1 + p2 + p4 + p3)


def parse_plan(data: dict[str, Any] | CarePlan) -> tuple[CarePlan, list[PlanProblem]]:
    """Accept what is valid in a student's care plan; a problem message for each invalid part."""
    if isinstance(data, CarePlan):
        return data, []
    if not isinstance(data, dict):
        return CarePlan(), [PlanProblem(where="plan", message=f"expected a mapping, got {type(data).__name__}")]
    problems: list[PlanProblem] = []
    goals, p = _lenient_list(data.get("goals"), Goal, "goals")
    problems += p
    raw_interventions = data.get("interventions")
    if isinstance(raw_interventions, str):  # one id given alone, not a list of letters
        raw_interventions = [raw_interventions]
    if isinstance(raw_interventions, list):
        raw_interventions = [x if isinstance(x, dict) else {"intervention": x} for x in raw_interventions]
    interventions, p = _lenient_list(raw_interventions, PlannedIntervention, "interventions")
    problems += p
    referrals, p = _lenient_list(data.get("referrals"), PlannedReferral, "referrals")
    problems += p
    scalars: dict[str, Any] = {}
    for name in ("problems", "actions", "follow_up_days", "discharge"):
        if data.get(name) is None:
            continue
        try:
            CarePlan.model_validate({name: data[name]})
            scalars[name] = data[name]
        except ValidationError as exc:
            problems.extend(_describe(exc, name))
    allowed = {"problems", "goals", "interventions", "referrals", "actions", "follow_up_days", "discharge"}
    problems += [PlanProblem(where=k, message=f"unknown section {k!r}; allowed: {', '.join(sorted(allowed))}")
                 for k in sorted(set(data) - allowed)]
    plan = CarePlan.model_validate({**scalars, "goals": goals, "interventions": interventions,
                                    "referrals": referrals})
    return plan, problems
