"""Turn a case and a plan into the numbers the simulation needs (no randomness here).

:func:`compile_plan` looks at each plan element once: which of the case's needs it serves, how
well (catalogue efficacy), whether the patient can use it (resource eligibility), and when it
starts (waitlist); it adds the effects of contraindicated choices and of missed critical actions.
The result, a :class:`SimModel`, explains itself in ``notes``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sim.errors import SimError
from sim.instruments import lace_score
from sim.outcomes.params import Effects, params
from sim.practice.interventions import Subject, contraindications, triggered_actions
from sim.practice.interventions import get as get_intervention
from sim.practice.interventions import table as iv_table
from sim.practice.plan import CarePlan

if TYPE_CHECKING:
    from sim.model.case import Case
    from sim.model.patient import Patient


@dataclass(frozen=True)
class Element:
    """One plan element acting on one need: efficacy mean, chance it engages, start delay (days)."""

    label: str
    need: str
    efficacy: float
    engage: float
    delay_days: int


@dataclass
class SimModel:
    """Everything the vectorized run needs, plus notes on how each plan element was counted."""

    subject: Subject
    lace: int
    needs: dict[str, int]
    elements: list[Element]
    extra: Effects
    inpatient: bool
    goals: list[tuple[str, str, int]] = field(default_factory=list)
    missed_actions: list[str] = field(default_factory=list)
    contraindicated: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _intervention_elements(s: Subject, plan: CarePlan, notes: list[str]) -> list[Element]:
    pe = params().plan_effects
    out: dict[tuple[str, str], Element] = {}
    for item in plan.interventions:
        iv = get_intervention(item.intervention)
        targets = [item.need] if item.need else list(s.needs)
        used = False
        for need in targets:
            if need not in s.needs:
                notes.append(f"{iv.label} for {need}: not a need in this case, no effect")
                continue
            if not iv.indicated_for(need, s.needs[need]):
                if item.need:
                    notes.append(f"{iv.label} is not indicated for {need}: no effect on it")
                continue
            used = True
            out.setdefault((iv.id, need), Element(iv.label, need, pe.intervention_efficacy[iv.id],
                                                  pe.intervention_engagement, 0))
        if not used and not item.need:
            notes.append(f"{iv.label}: indicated for none of this case's needs, no effect")
    return list(out.values())


def _referral_elements(s: Subject, plan: CarePlan, notes: list[str]) -> list[Element]:
    from sim.practice import resources

    pe = params().plan_effects
    ft = pe.referral_follow_through
    coordinated = any(i in plan.intervention_ids() for i in ft.coordination_interventions)
    follow = ft.with_coordination if coordinated else ft.base
    if s.patient.identity.interpreter_needed and "interpreter" not in plan.actions:
        follow *= ft.language_barrier_factor
        notes.append("no interpreter arranged: fewer referrals are followed through")
    out: dict[tuple[str, str], Element] = {}
    for ref in plan.referrals:
        try:
            r = resources.get(ref.resource)
        except SimError as exc:
            notes.append(f"referral {ref.resource!r}: {exc}; no effect")
            continue
        if ref.need not in r.needs:
            notes.append(f"{r.name} does not serve {ref.need}: no effect")
            continue
        if ref.need not in s.needs:
            notes.append(f"{r.name} for {ref.need}: not a need in this case, no effect")
            continue
        reasons = resources.ineligibility(s, r)
        if reasons:
            notes.append(f"{r.name}: not eligible ({'; '.join(reasons)}); no effect")
            continue
        if not r.has_capacity:
            notes.append(f"{r.name} is full: service starts after a {r.waitlist_days}-day waitlist")
        out.setdefault((r.id, ref.need), Element(r.name, ref.need, pe.referral_efficacy, follow, r.delay_days))
    return list(out.values())


def compile_plan(case_or_patient: Case | Patient | Subject, plan: CarePlan | None,
                 start: date | None = None) -> SimModel:
    """The simulation model of ``plan`` for this case; ``plan=None`` means no social work plan.

    With ``start`` (the day the plan is written), a goal due within 30 days is judged on what is
    resolved by day 30, later goals on day 90; without it every goal is judged on day 90.
    """
    p = params()
    s = Subject.of(case_or_patient)
    notes: list[str] = []
    extra = Effects()
    elements: list[Element] = []
    contra: list[str] = []
    actions: set[str] = set()
    if plan is not None:
        elements = _intervention_elements(s, plan, notes) + _referral_elements(s, plan, notes)
        for c in contraindications(s, plan):
            contra.append(c.rule)
            extra = extra.plus(p.contraindication_effects.rules.get(c.rule, p.contraindication_effects.default))
            notes.append(f"contraindicated: {c.label} ({c.reason})")
        actions = set(plan.actions)
    missed = [a for a in triggered_actions(s) if a not in actions]
    for a in missed:
        extra = extra.plus(p.missed_action_effects.actions.get(a, Effects()))
        notes.append(f"critical action missing: {a}")
    inpatient = s.patient.medical.setting not in iv_table().discharge_rules.no_discharge_settings
    if inpatient and (plan is None or plan.discharge is None):
        extra = extra.plus(Effects(delay_days=p.discharge_delay.no_disposition_days))
        notes.append("no discharge disposition planned")
    goals = []
    for g in plan.goals if plan is not None else []:
        due = (g.target_date - start).days if start is not None else p.horizon_days
        if start is not None and due <= 0:
            notes.append(f"goal for {g.need} is due on {g.target_date}, not after the plan date {start}")
        goals.append((f"{g.need}: {g.description}", g.need, due))
    return SimModel(subject=s, lace=lace_score(s.patient), needs=dict(s.needs), elements=elements,
                    extra=extra, inpatient=inpatient, goals=goals, missed_actions=missed,
                    contraindicated=contra, notes=notes)
