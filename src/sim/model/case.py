"""A case file: the student's materials, the hidden facts and their disclosure conditions, and
the instructor's key. Concrete cases are validated against these models; templates (with
``between``/``choice``/``weights`` fields) are resolved into them with a seed.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from sim.model.base import Model
from sim.model.patient import Patient
from sim.model.taxonomy import (
    ActionKind,
    Disposition,
    FunctionName,
    InterventionName,
    NeedDomainName,
    RiskName,
    check_name,
    need_domains,
)

Competency = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9]
CriticalKind = ActionKind  # the critical actions a key can demand are the actions a plan can take


class Referral(Model):
    reason: str
    source: str = Field(description="who referred, e.g. 'attending physician', 'charge nurse'")
    urgency: Literal["routine", "same_day", "urgent"] = "routine"


class Vitals(Model):
    bp: str | None = None
    hr: int | None = None
    temp_c: float | None = None
    spo2: int | None = None


class ChartExcerpt(Model):
    physician_note: str
    nursing_note: str = ""
    medications: list[str] = Field(default_factory=list)
    vitals: Vitals | None = None


class CollateralContact(Model):
    name: str
    relation: str
    says: str


class HiddenFact(Model):
    """A fact the patient reveals only when asked in its domain with enough rapport."""

    id: str
    domain: str = Field(description="need domain (or 'general') a question must address")
    min_rapport: int = Field(ge=0, le=100)
    statement: str = Field(description="what the patient says when they disclose it, first person")
    reveals_need: str | None = None
    reveals_risk: str | None = None
    crisis: Literal["suicidal_ideation", "ipv", "child_maltreatment", "elder_abuse"] | None = None

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        return check_name("question domain", value, ["general", *need_domains()])


class KeyNeed(Model):
    domain: NeedDomainName
    severity: Literal[1, 2, 3]
    evidence: str


class KeyRisk(Model):
    kind: RiskName
    level: Literal["low", "moderate", "high"]
    evidence: str


class CriticalAction(Model):
    """Must be done; missing it caps the score (as in an OSCE checklist)."""

    kind: CriticalKind
    description: str
    within_minutes: int | None = Field(default=None, description="of interview time, when timing matters")


class KeyIntervention(Model):
    """An intervention the key recommends, accepts or contraindicates.

    A contraindicated entry names an *act*: the intervention, and optionally who it is done with
    (``variant``), where the plan sends the patient (``with_discharge``), what must come first
    (``unless_actions``) and what it is aimed at (``aimed_at``, words of the planned item's
    rationale). Only a planned item that matches every condition given is contraindicated; an
    entry with no condition contraindicates the intervention in any form.
    """

    intervention: InterventionName
    rationale: str
    variant: Literal["individual", "group", "couples", "family"] | None = Field(
        default=None, description="only this format (e.g. counseling as couples work); omit for all formats")
    with_discharge: list[Disposition] = Field(
        default_factory=list, description="contraindicated only when the plan discharges to one of these")
    unless_actions: list[ActionKind] = Field(
        default_factory=list,
        description="contraindicated while the plan lacks any of these actions (what must come first)")
    aimed_at: list[str] = Field(
        default_factory=list,
        description="contraindicated only when the planned item's rationale says one of these words "
                    "(what the act is for, e.g. 'persuade')")

    @property
    def conditional(self) -> bool:
        """Whether the entry names an act (a format, a place, a precondition or an aim)."""
        return bool(self.variant or self.with_discharge or self.unless_actions or self.aimed_at)


class KeyAction(Model):
    """An action that is harmful in this case (a CPS report where poverty explains the 'neglect')."""

    kind: ActionKind
    rationale: str


class KeyDisposition(Model):
    """A discharge disposition the key judges, with the conditions that make it safe.

    ``fit``: ``expected`` (the case's best disposition), ``acceptable`` (a reasonable
    alternative) or ``unsafe``. An expected or acceptable disposition fits only when the plan
    takes every action in ``requires_actions``; without them it is unsafe as planned, and the
    feedback says what is missing.
    """

    id: Disposition
    fit: Literal["expected", "acceptable", "unsafe"] = Field(
        description="expected: the case's best disposition; acceptable: a reasonable alternative; "
                    "unsafe: contraindicated here")
    rationale: str
    requires_actions: list[ActionKind] = Field(default_factory=list)


class CaseKey(Model):
    """The instructor's answer key. Never shown in the student's view."""

    needs: list[KeyNeed]
    risks: list[KeyRisk] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    critical_actions: list[CriticalAction] = Field(default_factory=list)
    recommended: list[KeyIntervention]
    acceptable: list[KeyIntervention] = Field(default_factory=list)
    contraindicated: list[KeyIntervention] = Field(default_factory=list)
    contraindicated_actions: list[KeyAction] = Field(
        default_factory=list, description="actions that would harm in this case, each with its reason")
    functions: list[FunctionName] = Field(
        default_factory=list, description="of the six functions of a medical social worker"
    )
    competencies: list[Competency]
    discharge_disposition: str | None = Field(
        default=None, description="the disposition in words, as the instructor would say it (shown in the key)")
    dispositions: list[KeyDisposition] = Field(
        default_factory=list,
        description="the dispositions the feedback scores: ids from sim.model.taxonomy with their fit and conditions")


class Case(Model):
    """A concrete case: a patient, the materials a student sees, hidden facts, and the key."""

    id: str
    title: str
    summary: str = Field(description="one line for the case library")
    synthetic: Literal[True] = True
    patient: Patient
    referral: Referral
    chart: ChartExcerpt
    collateral: list[CollateralContact] = Field(default_factory=list)
    opening_statement: str = Field(description="what the patient says when first met")
    hidden_facts: list[HiddenFact] = Field(default_factory=list)
    barriers: list[str] = Field(default_factory=list, description="systemic barriers the case shows")
    key: CaseKey
