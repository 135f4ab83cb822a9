"""The case rules table (``sim/data/case_rules.yaml``): its models and condition matching.

The rules are domain knowledge (crisis paths and their critical actions, contraindications,
dispositions, competencies, texts); this module only validates them and evaluates conditions
against a patient.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from sim.model import Patient, eligibility
from sim.model.base import TableModel
from sim.model.case import CriticalKind
from sim.model.taxonomy import Disposition as DispositionName
from sim.model.taxonomy import taxonomy
from sim.tables import cached_table

_LEVELS = {"none": 0, "low": 1, "moderate": 2, "high": 3}
Level = Literal["none", "low", "moderate", "high"]


class Condition(TableModel):
    """All given clauses must hold; an empty condition always holds."""

    adl_dependent_min: int | None = None
    caregiver: bool | None = None
    risk: str | None = None
    risk_min_level: Level = "low"
    any_crisis: bool | None = None
    need: str | None = None
    need_min_severity: int = 1
    need_group: list[str] | None = None
    screened_need: bool | None = None
    prognosis: list[str] | None = None
    settings: list[str] | None = None
    interpreter_needed: bool | None = None
    insurance: list[str] | None = None
    qualifying_stay: bool | None = None
    skilled_need: bool | None = None

    def matches(self, patient: Patient) -> bool:
        """Whether ``patient`` meets every clause of this condition."""
        med, prof = patient.medical, patient.profile
        tx = taxonomy()
        checks: list[bool] = []
        if self.adl_dependent_min is not None:
            checks.append(adl_count(patient) >= self.adl_dependent_min)
        if self.caregiver is not None:
            checks.append((patient.caregiver is not None) == self.caregiver)
        if self.risk is not None:
            risk = prof.risk(self.risk)
            checks.append(risk is not None and _LEVELS[risk.level] >= _LEVELS[self.risk_min_level])
        if self.any_crisis is not None:
            checks.append(bool(active_crises(patient)) == self.any_crisis)
        if self.need is not None:
            need = prof.need(self.need)
            checks.append(need is not None and need.severity >= self.need_min_severity)
        if self.need_group is not None:
            checks.append(any(n.severity > 0 and tx.domains[n.domain].group in self.need_group
                              for n in prof.needs))
        if self.screened_need is not None:
            checks.append(any(n.severity >= 2 and tx.domains[n.domain].instruments
                              for n in prof.needs) == self.screened_need)
        if self.prognosis is not None:
            checks.append(med.prognosis in self.prognosis)
        if self.settings is not None:
            checks.append(med.setting in self.settings)
        if self.interpreter_needed is not None:
            checks.append(patient.identity.interpreter_needed == self.interpreter_needed)
        if self.insurance is not None:
            checks.append(patient.economics.insurance in self.insurance)
        if self.qualifying_stay is not None:
            checks.append(eligibility.qualifying_inpatient_stay(patient) == self.qualifying_stay)
        if self.skilled_need is not None:
            checks.append(eligibility.daily_skilled_need(patient, adl_count(patient)) == self.skilled_need)
        return all(checks)


class ActionText(TableModel):
    kind: CriticalKind
    description: str


class CrisisRule(TableModel):
    crisis: Literal["suicidal_ideation", "ipv", "child_maltreatment", "elder_abuse"]
    rationale: str
    domain: str
    min_level: Level
    min_rapport: int = Field(ge=0, le=100)
    statement: str
    statement_low: str
    critical_actions: list[ActionText]
    high_actions: list[ActionText] = Field(default_factory=list)
    actions_min_level: Level | None = Field(
        default=None, description="critical actions (and the crisis path) from this level; default min_level")
    assess_step: str | None = Field(default=None, description="the expected step below actions_min_level")
    source: str

    @model_validator(mode="after")
    def _assess_below_actions(self) -> CrisisRule:
        if self.actions_min_level is not None and _LEVELS[self.actions_min_level] > _LEVELS[self.min_level] \
                and not self.assess_step:
            raise ValueError(f"crisis {self.crisis!r}: actions_min_level {self.actions_min_level!r} is above "
                             f"min_level {self.min_level!r}, so assess_step must say what to do below it")
        return self

    def acts_at(self, level: str) -> bool:
        """Whether a risk at ``level`` calls for this crisis's critical actions (not only assessment)."""
        return _LEVELS[level] >= _LEVELS[self.actions_min_level or self.min_level]


class CriticalRule(TableModel):
    when: Condition
    kind: CriticalKind
    description: str
    source: str


class Contraindication(TableModel):
    """A contraindicated act for the key: the intervention and, optionally, what must come first
    (``unless_actions``) or what it is aimed at (``aimed_at``), as in :class:`KeyIntervention`."""

    when: Condition
    intervention: str
    rationale: str
    source: str
    unless_actions: list[CriticalKind] = Field(default_factory=list)
    aimed_at: list[str] = Field(default_factory=list)


class DispositionFit(TableModel):
    """One disposition the derived key judges (a :class:`KeyDisposition`; the rationale may use
    ``{placeholders}``)."""

    id: DispositionName
    fit: Literal["expected", "acceptable", "unsafe"]
    rationale: str
    requires_actions: list[CriticalKind] = Field(default_factory=list)


class Disposition(TableModel):
    when: Condition
    text: str | None
    fits: list[DispositionFit] = Field(default_factory=list)


class CompetencyRule(TableModel):
    when: Condition
    add: list[int]


class Competencies(TableModel):
    always: list[int]
    rules: list[CompetencyRule]


class Barrier(TableModel):
    when: Condition
    text: str


class SettingText(TableModel):
    source: str
    place: str


class DomainText(TableModel):
    referral: str
    opening: str
    hidden: str
    collateral: str
    proxy_opening: str | None = None


class CaseRules(TableModel):
    hidden_difficulty: float = Field(ge=0, le=1)
    rapport_base: int
    rapport_span: int
    referral_needs: int = Field(ge=1)
    recommend_min_severity: int = Field(ge=1, le=3)
    same_day_settings: list[str]
    proxy_below_age: int = Field(ge=0, le=18)
    crises: dict[str, CrisisRule]
    critical_rules: list[CriticalRule]
    contraindications: list[Contraindication]
    dispositions: list[Disposition]
    competencies: Competencies
    functions_always: list[str]
    functions_crisis: list[str]
    functions_by_intervention: dict[str, list[str]]
    barriers: list[Barrier]
    settings: dict[str, SettingText]
    generic_reason: str
    generic_opening: str
    domains: dict[str, DomainText]
    collateral_by_quality: dict[str, str]
    medications: dict[str, list[str]]

    @model_validator(mode="after")
    def _complete(self) -> CaseRules:
        tx = taxonomy()
        missing = [d for d in tx.domains if d not in self.domains]
        if missing:
            raise ValueError(f"domains without texts: {', '.join(missing)}")
        unknown = [d for d in self.domains if d not in tx.domains]
        if unknown:
            raise ValueError(f"texts for unknown need domains: {', '.join(unknown)}")
        if sorted(self.settings) != sorted(tx.settings):
            raise ValueError(f"settings must be exactly {', '.join(tx.settings)}")
        for kind, rule in self.crises.items():
            if kind not in tx.risks or rule.domain not in tx.domains:
                raise ValueError(f"crisis {kind!r}: unknown risk or domain {rule.domain!r}")
        for iv, fns in self.functions_by_intervention.items():
            if iv not in tx.interventions or any(f not in tx.functions for f in fns):
                raise ValueError(f"functions_by_intervention {iv!r}: unknown intervention or function")
        for c in self.contraindications:
            if c.intervention not in tx.interventions:
                raise ValueError(f"contraindication names unknown intervention {c.intervention!r}")
        return self


case_rules = cached_table("case_rules.yaml", CaseRules, "The validated case rules (cached).")


def adl_count(patient: Patient) -> int:
    """Number of Katz ADL activities the patient depends on others for."""
    return len(patient.medical.functional_status.adl_dependent)


def active_crises(patient: Patient) -> list[tuple[str, CrisisRule, str]]:
    """``(risk kind, rule, level)`` for each risk at or above its crisis threshold."""
    rules = case_rules()
    found: list[tuple[str, CrisisRule, str]] = []
    for risk in patient.profile.risks:
        rule = rules.crises.get(risk.kind)
        if rule is not None and _LEVELS[risk.level] >= max(1, _LEVELS[rule.min_level]):
            found.append((risk.kind, rule, risk.level))
    return found


def required_actions(crisis: str) -> list[str]:
    """Critical action kinds a hidden fact with this ``crisis`` requires in the key."""
    for rule in case_rules().crises.values():
        if rule.crisis == crisis:
            return [a.kind for a in rule.critical_actions]
    return []


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(text: str, values: dict[str, Any]) -> str:
    """``text.format_map(values)``, leaving unknown ``{names}`` as they are."""
    return text.format_map(_Blank(values))
