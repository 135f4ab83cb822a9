"""The intervention catalogue and the rules that judge a care plan against a patient.

The catalogue (``sim/data/interventions.yaml``) holds the twelve social work interventions of
Gumban RJ, "Social Work Interventions" (Carepatron, 13 Nov 2024) and the six functions of a
medical social worker (after the NASW Standards for Social Work Practice in Health Care Settings,
2016). Each intervention has indications (need domain and minimum severity), the functions it serves,
prerequisites, a time cost and an evidence note.
Contraindications, critical-action triggers and discharge rules are structured data: a rule is a
set of :class:`Condition` objects evaluated against the facts of a case (:class:`Subject`).

    >>> import sim
    >>> sim.interventions.get("counseling").functions
    ['emotional_support', 'crisis_intervention']
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from sim.errors import UnknownNameError
from sim.model import coverage, eligibility
from sim.model.base import TableModel
from sim.model.taxonomy import (
    ActionKind,
    Disposition,
    function_ids,
    intervention_ids,
    need_domains,
    risk_kinds,
    taxonomy,
)
from sim.practice.plan import CarePlan, PlannedIntervention
from sim.tables import cached_table

if TYPE_CHECKING:
    from sim.model.case import Case, KeyDisposition, KeyIntervention
    from sim.model.patient import Patient

Variant = Literal["individual", "group", "couples", "family"]
RiskName = Literal["none", "low", "moderate", "high"]
Prognosis = Literal["good", "guarded", "poor", "terminal_months", "terminal_weeks"]
RISK_ORDER: dict[str, int] = {"none": 0, "low": 1, "moderate": 2, "high": 3}
LATENT_FIELDS = ("depression", "anxiety", "alcohol", "suicide", "ipv", "caregiver_burden",
                 "adl_dependencies", "iadl_dependencies")


# --------------------------------------------------------------------------- facts of a case

@dataclass(frozen=True)
class Subject:
    """The facts rules are evaluated against: a patient plus, for a case, its key.

    ``needs`` (domain -> severity) and ``risks`` (kind -> 0-3) take the higher of what the patient
    profile and the case key say; ``critical_actions`` come from the key.
    """

    patient: Patient
    needs: dict[str, int]
    risks: dict[str, int]
    critical_actions: tuple[str, ...] = ()
    contraindicated: tuple[str, ...] = ()
    case: Case | None = field(default=None, compare=False)
    coverage_needs: tuple[coverage.CoverageNeed, ...] = ()

    @classmethod
    def of(cls, case_or_patient: Case | Patient | Subject) -> Subject:
        """Build the facts from a :class:`Case` or a :class:`Patient` (a Subject passes through)."""
        from sim.model.case import Case
        from sim.model.patient import Patient

        if isinstance(case_or_patient, Subject):
            return case_or_patient
        case: Case | None
        if isinstance(case_or_patient, Case):
            case, patient = case_or_patient, case_or_patient.patient
        elif isinstance(case_or_patient, Patient):
            case, patient = None, case_or_patient
        else:
            raise TypeError(f"expected a Case or a Patient, got {type(case_or_patient).__name__}")
        needs = {n.domain: int(n.severity) for n in patient.profile.needs if n.severity > 0}
        risks = {r.kind: RISK_ORDER[r.level] for r in patient.profile.risks}
        actions: tuple[str, ...] = ()
        contraindicated: tuple[str, ...] = ()
        if case is not None:
            for n in case.key.needs:
                needs[n.domain] = max(needs.get(n.domain, 0), int(n.severity))
            for r in case.key.risks:
                risks[r.kind] = max(risks.get(r.kind, 0), RISK_ORDER[r.level])
            actions = tuple(dict.fromkeys(a.kind for a in case.key.critical_actions))
            contraindicated = tuple(k.intervention for k in case.key.contraindicated)
        found = tuple(case_coverage_needs(case)) if case is not None else ()
        for c in found:
            needs[c.domain] = max(needs.get(c.domain, 0), c.severity)
        return cls(patient=patient, needs=needs, risks=risks, critical_actions=actions,
                   contraindicated=contraindicated, case=case, coverage_needs=found)

    def latent(self, name: str) -> int:
        return int(getattr(self.patient.latent, name))

    @property
    def has_caregiver(self) -> bool:
        return self.patient.caregiver is not None

    @property
    def adl_dependencies(self) -> int:
        fs = self.patient.medical.functional_status
        return max(len(fs.adl_dependent), self.patient.latent.adl_dependencies)

    @property
    def qualifying_inpatient_stay(self) -> bool:
        """An admitted inpatient stay of at least 3 days (midnights): observation, outpatient and
        emergency department time do not count (42 CFR 409.30(a))."""
        return eligibility.qualifying_inpatient_stay(self.patient)

    @property
    def daily_skilled_need(self) -> bool:
        """A need for skilled nursing or therapy every day after the stay: functional loss (an ADL
        dependency) from a condition whose recovery calls for skilled services (the catalogue's
        ``skilled_need`` diagnoses; 42 CFR 409.31-409.35). Help with daily activities alone,
        without such a condition, is custodial care (42 CFR 411.15(g))."""
        return eligibility.daily_skilled_need(self.patient, self.adl_dependencies)

    @property
    def abusive_member_in_household(self) -> bool:
        return any(m.living and m.lives_with_patient and m.relationship_quality == "abusive"
                   for m in self.patient.family)


# --------------------------------------------------------------------------- conditions

class Condition(TableModel):
    """A conjunction of facts; every field that is set must hold. An empty condition always holds."""

    latent_at_least: dict[str, int] = Field(default_factory=dict)
    risk_at_least: dict[str, RiskName] = Field(default_factory=dict)
    need_at_least: dict[str, int] = Field(default_factory=dict)
    adl_dependencies_at_least: int | None = None
    adl_dependencies_below: int | None = None
    has_caregiver: bool | None = None
    abusive_member_in_household: bool | None = None
    prognosis_in: list[Prognosis] | None = None
    age_at_least: int | None = None
    qualifying_inpatient_stay: bool | None = None
    three_day_rule_applies: bool | None = None
    daily_skilled_need: bool | None = None
    interpreter_needed: bool | None = None
    setting_in: list[str] | None = None
    insurance_in: list[str] | None = None
    admission_type_in: list[str] | None = None
    length_of_stay_below: int | None = None
    plan_missing_any_action: list[ActionKind] = Field(default_factory=list)
    plan_has_any_intervention: list[str] = Field(default_factory=list)

    @field_validator("latent_at_least")
    @classmethod
    def _latent(cls, value: dict[str, int]) -> dict[str, int]:
        for name in value:
            if name not in LATENT_FIELDS:
                raise UnknownNameError("latent state field", name, LATENT_FIELDS)
        return value

    @field_validator("risk_at_least")
    @classmethod
    def _risks(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            if name not in risk_kinds():
                raise UnknownNameError("risk", name, risk_kinds())
        return value

    @field_validator("need_at_least")
    @classmethod
    def _needs(cls, value: dict[str, int]) -> dict[str, int]:
        for name in value:
            if name not in need_domains():
                raise UnknownNameError("need domain", name, need_domains())
        return value

    def holds(self, s: Subject, plan: CarePlan | None = None) -> bool:
        """Whether every set field holds for subject ``s`` (and ``plan``, for plan fields)."""
        p = s.patient
        checks = [
            all(s.latent(k) >= v for k, v in self.latent_at_least.items()),
            all(s.risks.get(k, 0) >= RISK_ORDER[v] for k, v in self.risk_at_least.items()),
            all(s.needs.get(k, 0) >= v for k, v in self.need_at_least.items()),
            self.adl_dependencies_at_least is None or s.adl_dependencies >= self.adl_dependencies_at_least,
            self.adl_dependencies_below is None or s.adl_dependencies < self.adl_dependencies_below,
            self.has_caregiver is None or s.has_caregiver == self.has_caregiver,
            self.abusive_member_in_household is None
            or s.abusive_member_in_household == self.abusive_member_in_household,
            self.prognosis_in is None or p.medical.prognosis in self.prognosis_in,
            self.age_at_least is None or p.identity.age >= self.age_at_least,
            self.qualifying_inpatient_stay is None
            or s.qualifying_inpatient_stay == self.qualifying_inpatient_stay,
            self.three_day_rule_applies is None
            or coverage.three_day_rule_applies(p) == self.three_day_rule_applies,
            self.daily_skilled_need is None or s.daily_skilled_need == self.daily_skilled_need,
            self.interpreter_needed is None or p.identity.interpreter_needed == self.interpreter_needed,
            self.setting_in is None or p.medical.setting in self.setting_in,
            self.insurance_in is None or p.economics.insurance in self.insurance_in,
            self.admission_type_in is None or p.medical.admission_type in self.admission_type_in,
            self.length_of_stay_below is None or p.medical.length_of_stay_days < self.length_of_stay_below,
        ]
        if self.plan_missing_any_action:
            actions = set(plan.actions) if plan is not None else set()
            checks.append(any(a not in actions for a in self.plan_missing_any_action))
        if self.plan_has_any_intervention:
            ids = plan.intervention_ids() if plan is not None else set()
            checks.append(any(i in ids for i in self.plan_has_any_intervention))
        return all(checks)


def any_holds(conditions: list[Condition], s: Subject, plan: CarePlan | None = None) -> bool:
    """True when at least one of ``conditions`` holds."""
    return any(c.holds(s, plan) for c in conditions)


# --------------------------------------------------------------------------- catalogue models

class Indication(TableModel):
    """A need (at a minimum severity) the intervention answers; ``only_when`` narrows it to
    patients for whom one of the conditions holds (end-of-life care for grief only when someone
    is dying, not for a bereavement)."""

    need: str
    min_severity: Literal[1, 2, 3] = 1
    only_when: list[Condition] = Field(default_factory=list)

    @field_validator("need")
    @classmethod
    def _need(cls, value: str) -> str:
        if value not in need_domains():
            raise UnknownNameError("need domain", value, need_domains())
        return value


class Prerequisite(TableModel):
    """A critical action the plan must contain whenever it contains the intervention (and ``when_any``)."""

    action: ActionKind
    text: str
    when_any: list[Condition] = Field(default_factory=lambda: [Condition()])


class Evidence(TableModel):
    note: str
    source: str


class Intervention(TableModel):
    """One of the twelve interventions."""

    id: str = ""
    label: str
    description: str
    variants: list[Variant] = Field(default_factory=list)
    functions: list[str]
    indications: list[Indication]
    prerequisites: list[Prerequisite] = Field(default_factory=list)
    time_minutes: int = Field(gt=0, le=480)
    evidence: Evidence

    @field_validator("functions")
    @classmethod
    def _functions(cls, value: list[str]) -> list[str]:
        for f in value:
            if f not in function_ids():
                raise UnknownNameError("function", f, function_ids())
        return value

    def indicated_for(self, need: str, severity: int = 3, subject: Subject | None = None) -> bool:
        """Whether the catalogue lists ``need`` at ``severity`` or above as an indication (for
        ``subject``, when given, only indications whose ``only_when`` holds for it)."""
        return any(i.need == need and severity >= i.min_severity
                   and (subject is None or not i.only_when or any_holds(i.only_when, subject))
                   for i in self.indications)


class Function(TableModel):
    description: str
    source: str


class ContraindicationRule(TableModel):
    """A structured contraindication on an intervention (optionally a variant) or a discharge."""

    id: str
    label: str
    intervention: str | None = None
    variants: list[Variant] = Field(default_factory=list)
    discharge: list[Disposition] = Field(default_factory=list)
    when_any: list[Condition]
    reason: str
    source: str
    kind: Literal["unsafe", "ineligible"] = Field(
        default="unsafe", description="unsafe: harms the patient; ineligible: the setting or payer will not take them")

    @model_validator(mode="after")
    def _one_target(self) -> ContraindicationRule:
        if (self.intervention is None) == (not self.discharge):
            raise ValueError(f"rule {self.id!r} needs exactly one of intervention or discharge")
        if self.intervention is not None and self.intervention not in intervention_ids():
            raise UnknownNameError("intervention", self.intervention, intervention_ids())
        return self


class Trigger(TableModel):
    action: ActionKind
    when_any: list[Condition]
    source: str
    resource: str | None = Field(default=None, description="directory resource the action goes with")


class DischargeRule(TableModel):
    disposition: Disposition
    when_any: list[Condition]
    source: str


class SkilledNeed(TableModel):
    """Conditions whose recovery calls for daily skilled nursing or therapy after an acute stay."""

    diagnoses: list[str] = Field(min_length=1, description="ICD-10-CM prefixes or LO-HI ranges")
    source: str


class DischargeRules(TableModel):
    no_discharge_settings: list[str]
    rules: list[DischargeRule]


class Catalogue(TableModel):
    """The whole interventions table."""

    functions: dict[str, Function]
    variant_keywords: dict[Variant, list[str]]
    interventions: dict[str, Intervention]
    contraindications: list[ContraindicationRule]
    critical_action_triggers: list[Trigger]
    skilled_need: SkilledNeed
    discharge_rules: DischargeRules

    @model_validator(mode="after")
    def _complete(self) -> Catalogue:
        if set(self.interventions) != set(intervention_ids()):
            raise ValueError(f"interventions must be exactly {sorted(intervention_ids())}, "
                             f"got {sorted(self.interventions)}")
        if set(self.functions) != set(function_ids()):
            raise ValueError(f"functions must be exactly {sorted(function_ids())}")
        for iv_id, iv in self.interventions.items():
            object.__setattr__(iv, "id", iv_id)
        ids = [r.id for r in self.contraindications]
        if len(ids) != len(set(ids)):
            raise ValueError("contraindication ids must be unique")
        return self


class Contraindication(TableModel):
    """A contraindicated choice found in a plan, with its reason in words and the rule it cites."""

    rule: str
    label: str
    reason: str
    source: str
    intervention: str | None = None
    variant: str | None = None
    discharge: str | None = None
    kind: Literal["unsafe", "ineligible"] = "unsafe"
    item: int | None = Field(default=None, description="index of the planned intervention it concerns")


class UnmetPrerequisite(TableModel):
    """An intervention in the plan whose prerequisite action the plan lacks."""

    intervention: str
    action: str
    text: str


# --------------------------------------------------------------------------- public API

table = cached_table("interventions.yaml", Catalogue, "The validated catalogue table (cached).")


def catalogue() -> dict[str, Intervention]:
    """The twelve interventions keyed by id, in the taxonomy's order."""
    ivs = table().interventions
    return {i: ivs[i] for i in intervention_ids()}


def get(intervention_id: str) -> Intervention:
    """One intervention by id; :class:`UnknownNameError` with a suggestion otherwise."""
    ivs = table().interventions
    if intervention_id not in ivs:
        raise UnknownNameError("intervention", intervention_id, ivs)
    return ivs[intervention_id]


def functions() -> dict[str, Function]:
    """The six functions of a medical social worker (NASW health care standards 2016)."""
    return dict(table().functions)


def indicated(need: str, severity: int = 3) -> list[str]:
    """Interventions indicated for ``need`` at ``severity``; the taxonomy's primary ones first."""
    if need not in need_domains():
        raise UnknownNameError("need domain", need, need_domains())
    primary = taxonomy().domains[need].interventions
    found = [i for i, iv in catalogue().items() if iv.indicated_for(need, severity)]
    return sorted(found, key=lambda i: (primary.index(i) if i in primary else len(primary), found.index(i)))


def planned_variant(item: PlannedIntervention) -> str | None:
    """The format of a planned intervention: its ``variant`` field, else words in its rationale."""
    if item.variant:
        return item.variant
    if not get(item.intervention).variants:
        return None
    text = item.rationale.lower()
    variants: tuple[Variant, ...] = ("couples", "family", "group", "individual")
    for variant in variants:
        if any(k in text for k in table().variant_keywords.get(variant, [])):
            return variant
    return None


def contraindications(case_or_patient: Case | Patient | Subject, plan: CarePlan) -> list[Contraindication]:
    """Every contraindication the plan breaks for this case or patient, with reasons.

    Catalogue rules are judged per planned item (one finding per item and rule). For a case, the
    key's contraindicated acts (rule ``case_key``) and the key's unsafe dispositions, or a
    disposition planned without the actions that make it safe (rule ``case_key_disposition``),
    are reported too, quoting the key's rationale.
    """
    s = Subject.of(case_or_patient)
    found: list[Contraindication] = []
    for rule in table().contraindications:
        if rule.intervention is not None:
            for index, item in enumerate(plan.interventions):
                if item.intervention != rule.intervention:
                    continue
                variant = planned_variant(item)
                if rule.variants and variant not in rule.variants:
                    continue
                if any_holds(rule.when_any, s, plan):
                    found.append(Contraindication(rule=rule.id, label=rule.label, reason=rule.reason,
                                                  source=rule.source, intervention=item.intervention,
                                                  variant=variant, kind=rule.kind, item=index))
        elif plan.discharge in rule.discharge and any_holds(rule.when_any, s, plan):
            found.append(Contraindication(rule=rule.id, label=rule.label, reason=rule.reason,
                                          source=rule.source, discharge=plan.discharge, kind=rule.kind))
    if s.case is not None:
        for index, item in enumerate(plan.interventions):
            k = key_contraindication(s.case, item, plan)
            if k is not None:
                found.append(Contraindication(rule="case_key", label=f"{get(k.intervention).label} in this case",
                                              reason=k.rationale, source="case key",
                                              intervention=k.intervention, variant=planned_variant(item),
                                              item=index))
        for action in s.case.key.contraindicated_actions:
            if action.kind in plan.actions:
                found.append(Contraindication(rule="case_key_action", label=f"{action.kind} in this case",
                                              reason=action.rationale, source="case key"))
        unsafe = key_disposition_problem(s.case, plan)
        if unsafe is not None:
            found.append(Contraindication(rule="case_key_disposition", label=f"Discharge to {plan.discharge}",
                                          reason=unsafe, source="case key", discharge=plan.discharge))
    return found


def _says_any(text: str, words: list[str]) -> bool:
    low = text.lower()
    return any(re.search(r"\b" + re.escape(w.lower().rstrip("*")), low) for w in words)


def key_contraindication(case: Case, item: PlannedIntervention,
                         plan: CarePlan | None = None) -> KeyIntervention | None:
    """The case key's contraindicated act that a planned item is, if any.

    The item must be the key's intervention and match every condition the entry gives: its
    format (``variant``), the plan's disposition (``with_discharge``), a missing first step
    (``unless_actions``: contraindicated while the plan lacks one of them) and its aim
    (``aimed_at``, words of the item's rationale). Without ``plan``, no disposition is planned
    and no action is taken yet.
    """
    variant = planned_variant(item)
    actions = set(plan.actions) if plan is not None else set()
    discharge = plan.discharge if plan is not None else None
    for k in case.key.contraindicated:
        if k.intervention != item.intervention or (k.variant is not None and k.variant != variant):
            continue
        if k.with_discharge and discharge not in k.with_discharge:
            continue
        if k.unless_actions and all(a in actions for a in k.unless_actions):
            continue
        if k.aimed_at and not _says_any(item.rationale, k.aimed_at):
            continue
        return k
    return None


def key_dispositions(case: Case) -> list[KeyDisposition]:
    """The dispositions the key judges: its structured entries, or the id its
    ``discharge_disposition`` gives as the expected one (a free-text disposition names none)."""
    from sim.model.case import KeyDisposition
    from sim.model.taxonomy import DISPOSITIONS

    key = case.key
    if key.dispositions:
        return list(key.dispositions)
    text = (key.discharge_disposition or "").strip()
    if text in DISPOSITIONS:
        return [KeyDisposition.model_validate(
            {"id": text, "fit": "expected", "rationale": "the disposition the case key names"})]
    return []


def case_coverage_needs(case: Case) -> list[coverage.CoverageNeed]:
    """The financial needs the patient's coverage leaves for the stay and the key's expected
    disposition (:func:`sim.model.coverage.coverage_needs`): the Part A deductible and SNF
    coinsurance under original Medicare alone, private-pay custodial care without Medicaid, ..."""
    expected = [e.id for e in key_dispositions(case) if e.fit == "expected"]
    return coverage.coverage_needs(case.patient, expected)


def key_disposition_problem(case: Case, plan: CarePlan) -> str | None:
    """Why the plan's disposition is unsafe by the case key (unsafe, or planned without the
    actions that make it safe), or None."""
    if plan.discharge is None:
        return None
    for entry in key_dispositions(case):
        if entry.id != plan.discharge:
            continue
        if entry.fit == "unsafe":
            return entry.rationale
        missing = [a for a in entry.requires_actions if a not in plan.actions]
        if missing:
            return f"safe only with {', '.join(missing)} in the plan: {entry.rationale}"
        return None
    return None


def unmet_prerequisites(case_or_patient: Case | Patient | Subject, plan: CarePlan) -> list[UnmetPrerequisite]:
    """Planned interventions whose prerequisite critical action is missing from the plan."""
    s = Subject.of(case_or_patient)
    out: list[UnmetPrerequisite] = []
    for iv_id in dict.fromkeys(i.intervention for i in plan.interventions):
        for pre in get(iv_id).prerequisites:
            if pre.action not in plan.actions and any_holds(pre.when_any, s, plan):
                out.append(UnmetPrerequisite(intervention=iv_id, action=pre.action, text=pre.text))
    return out


def triggered_actions(case_or_patient: Case | Patient | Subject) -> list[str]:
    """Critical actions this case calls for: the key's, then those its facts trigger (in table order)."""
    s = Subject.of(case_or_patient)
    actions = list(s.critical_actions)
    for trig in table().critical_action_triggers:
        if trig.action not in actions and any_holds(trig.when_any, s):
            actions.append(trig.action)
    return actions
