"""A case file: the student's materials, the hidden facts and their disclosure conditions, and
the instructor's key. Concrete cases are validated against these models; templates (with
``between``/``choice``/``weights`` fields) are resolved into them with a seed.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.model import Patient
from sim.model.taxonomy import (
    FunctionName,
    InterventionName,
    NeedDomainName,
    RiskName,
    check_name,
    need_domains,
)
from sim.plan import ActionKind

Competency = Literal[1, 2, 3, 4, 5, 6, 7, 8, 9]
CriticalKind = ActionKind  # the critical actions a key can demand are the actions a plan can take


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Referral(_Model):
    reason: str
    source: str = Field(description="who referred, e.g. 'attending physician', 'charge nurse'")
    urgency: Literal["routine", "same_day", "urgent"] = "routine"


class Vitals(_Model):
    bp: str | None = None
    hr: int | None = None
    temp_c: float | None = None
    spo2: int | None = None


class ChartExcerpt(_Model):
    physician_note: str
    nursing_note: str = ""
    medications: list[str] = Field(default_factory=list)
    vitals: Vitals | None = None


class CollateralContact(_Model):
    name: str
    relation: str
    says: str


class HiddenFact(_Model):
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


class KeyNeed(_Model):
    domain: NeedDomainName
    severity: Literal[1, 2, 3]
    evidence: str


class KeyRisk(_Model):
    kind: RiskName
    level: Literal["low", "moderate", "high"]
    evidence: str


class CriticalAction(_Model):
    """Must be done; missing it caps the score (as in an OSCE checklist)."""

    kind: CriticalKind
    description: str
    within_minutes: int | None = Field(default=None, description="of interview time, when timing matters")


class KeyIntervention(_Model):
    intervention: InterventionName
    rationale: str
    variant: Literal["individual", "group", "couples", "family"] | None = Field(
        default=None, description="only this format (e.g. counseling as couples work); omit for all formats")


class CaseKey(_Model):
    """The instructor's answer key. Never shown in the student's view."""

    needs: list[KeyNeed]
    risks: list[KeyRisk] = Field(default_factory=list)
    strengths: list[str] = Field(default_factory=list)
    critical_actions: list[CriticalAction] = Field(default_factory=list)
    recommended: list[KeyIntervention]
    acceptable: list[KeyIntervention] = Field(default_factory=list)
    contraindicated: list[KeyIntervention] = Field(default_factory=list)
    functions: list[FunctionName] = Field(
        default_factory=list, description="of the six functions of a medical social worker"
    )
    competencies: list[Competency]
    discharge_disposition: str | None = None


class Case(_Model):
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
