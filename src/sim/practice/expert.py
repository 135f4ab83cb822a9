"""The reference ("expert") care plan for a case, built from the data tables.

Order of reasoning, as a supervisor would teach it:

1. critical actions first (the case key's, and those its facts trigger: C-SSRS, safety plan,
   private setting, mandated reports, interpreter, goals-of-care meeting);
2. needs by severity, most severe first;
3. for each need, the catalogue's indicated interventions, skipping any a contraindication rule or
   the case key forbids;
4. for each need, the eligible community resource that starts soonest (open places before
   waitlists);
5. a SMART goal per need with a target date (``goal_templates.yaml``);
6. a discharge disposition: the case key's expected one (with the actions it requires), else
   from prognosis, functional status, caregiver, housing and eligibility
   (interventions.yaml ``discharge_rules``), skipping contraindicated and ineligible ones;
7. follow-up within 7 days for high-risk patients (LACE 10 or more, or a severe need), else 14.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sim.instruments import lace_score
from sim.model.taxonomy import ActionKind, Disposition, taxonomy
from sim.practice.goals import goal_templates
from sim.practice.interventions import (
    Subject,
    any_holds,
    contraindications,
    indicated,
    key_contraindication,
    key_dispositions,
    triggered_actions,
)
from sim.practice.interventions import (
    get as get_intervention,
)
from sim.practice.interventions import (
    table as iv_table,
)
from sim.practice.plan import CarePlan, Goal, PlannedIntervention, PlannedReferral

if TYPE_CHECKING:
    from sim.model.case import Case
    from sim.model.patient import Patient

# Interventions that critical actions call for, whatever the need list says (crisis paths).
ACTION_INTERVENTIONS = {
    "ipv_safety_planning": ("domestic_violence", "domestic_violence_intervention"),
    "safety_plan": ("crisis", "counseling"),
    "mandated_report_child": ("child_welfare", "child_welfare"),
    "goals_of_care_meeting": ("grief_end_of_life", "end_of_life_care"),
    "sexual_assault_care": ("domestic_violence", "domestic_violence_intervention"),
    "trafficking_response": ("domestic_violence", "domestic_violence_intervention"),
}
INFORMED_RISK_ACTIONS: tuple[ActionKind, ...] = ("capacity_assessment", "informed_refusal")
HIGH_RISK_LACE = 10
INTERVENTIONS_PER_NEED = {1: 1, 2: 2, 3: 2}


def _ordered_needs(s: Subject) -> list[tuple[str, int]]:
    order = list(taxonomy().domains)
    return sorted(s.needs.items(), key=lambda kv: (-kv[1], order.index(kv[0])))


def _allowed(s: Subject, plan: CarePlan, item: PlannedIntervention) -> bool:
    if s.case is not None and key_contraindication(s.case, item, plan) is not None:
        return False
    trial = plan.model_copy(update={"interventions": [*plan.interventions, item]})
    before = {c.rule for c in contraindications(s, plan)}
    return all(c.rule in before for c in contraindications(s, trial))


def _add_interventions(s: Subject, plan: CarePlan) -> None:
    for action in plan.actions:
        if action in ACTION_INTERVENTIONS:
            need, iv = ACTION_INTERVENTIONS[action]
            item = PlannedIntervention(intervention=iv, need=need if need in s.needs else None,
                                       variant="individual" if get_intervention(iv).variants else None,
                                       rationale=f"called for by the critical action {action}")
            if iv not in plan.intervention_ids() and _allowed(s, plan, item):
                plan.interventions.append(item)
    _add_key_recommendations(s, plan)
    for need, severity in _ordered_needs(s):
        chosen = 0
        for iv in indicated(need, severity):
            if chosen >= INTERVENTIONS_PER_NEED[severity]:
                break
            if not get_intervention(iv).indicated_for(need, severity, s):
                continue  # e.g. end-of-life care for a bereavement: grief counselling instead
            variant = "individual" if get_intervention(iv).variants else None
            item = PlannedIntervention(intervention=iv, need=need, variant=variant,
                                       rationale=f"indicated for {need} (severity {severity})")
            if any(i.intervention == iv and i.need == need for i in plan.interventions):
                chosen += 1
                continue
            if _allowed(s, plan, item):
                plan.interventions.append(item)
                chosen += 1


def _add_key_recommendations(s: Subject, plan: CarePlan) -> None:
    """A curated case's key names the interventions its author recommends: the plan includes each
    one the catalogue's rules allow for this patient."""
    if s.case is None:
        return
    for rec in s.case.key.recommended:
        if rec.intervention in plan.intervention_ids():
            continue
        need = next((n for n, _ in _ordered_needs(s)
                     if rec.intervention in taxonomy().domains[n].interventions), None)
        variant = "individual" if get_intervention(rec.intervention).variants else None
        item = PlannedIntervention(intervention=rec.intervention, need=need, variant=variant,
                                   rationale=rec.rationale)
        if _allowed(s, plan, item):
            plan.interventions.append(item)


def _add_referrals(s: Subject, plan: CarePlan) -> None:
    from sim.practice import resources

    def add(resource_id: str, need: str) -> None:
        if not any(r.resource == resource_id and r.need == need for r in plan.referrals):
            plan.referrals.append(PlannedReferral(resource=resource_id, need=need))

    for trig in iv_table().critical_action_triggers:
        if trig.action not in plan.actions or trig.resource is None:
            continue
        r = resources.get(trig.resource)
        need = next((n for n in r.needs if n in s.needs), None)
        if need is not None and not resources.ineligibility(s, r):
            add(r.id, need)
    for need, severity in _ordered_needs(s):
        wanted = (2 if severity == 3 else 1) - sum(ref.need == need for ref in plan.referrals)
        # Resources whose main purpose is this need first (a crisis line is not therapy), then the
        # soonest start; reporting lines only go with their critical action.
        eligible = sorted((r for r in resources.match(s, need).eligible
                           if (r.with_action is None or r.with_action in plan.actions)
                           and not any(ref.resource == r.id and ref.need == need for ref in plan.referrals)),
                          key=lambda r: (r.needs[0] != need, r.delay_days))
        for r in eligible[:max(wanted, 0)]:
            add(r.id, need)


def _goals(s: Subject, start: date) -> list[Goal]:
    templates = goal_templates()
    goals = []
    for need, severity in _ordered_needs(s):
        t = templates.domains[need]
        goals.append(Goal(need=need, description=t.description, measure=t.measure,
                          target_date=start + timedelta(days=templates.days_by_severity[severity - 1]),
                          responsible="social worker with patient"))
    return goals


def _discharge(s: Subject, plan: CarePlan) -> Disposition | None:
    """The case key's expected disposition (then an acceptable one) with the actions that make it
    safe; without a structured key, the first discharge rule that holds and breaks no rule."""
    rules = iv_table().discharge_rules
    if s.patient.medical.setting in rules.no_discharge_settings:
        return None
    if s.case is not None:
        entries = key_dispositions(s.case)
        for fit in ("expected", "acceptable"):
            for entry in (e for e in entries if e.fit == fit):
                actions = [*plan.actions, *(a for a in entry.requires_actions if a not in plan.actions)]
                trial = plan.model_copy(update={"discharge": entry.id, "actions": actions})
                if not any(c.discharge for c in contraindications(s, trial)):
                    plan.actions[:] = actions
                    return entry.id
    for rule in rules.rules:
        if not any_holds(rule.when_any, s, plan):
            continue
        trial = plan.model_copy(update={"discharge": rule.disposition})
        if not any(c.discharge for c in contraindications(s, trial)):
            return rule.disposition
    # Nothing else is open or safe: the informed-risk path, home with the most services available,
    # with capacity assessed and the informed refusal of a facility documented.
    plan.actions.extend(a for a in INFORMED_RISK_ACTIONS if a not in plan.actions)
    return "home_with_services"


def reference_plan(case: Case | Patient, start: date | None = None) -> CarePlan:
    """The reference care plan for ``case`` (a curated or generated Case, or a Patient).

    Args:
        case: the case (its key's needs, risks, critical actions and contraindications count).
        start: the day the plan is written, for goal target dates (default: today).
    """
    s = Subject.of(case)
    start = start or date.today()
    harmful = {a.kind for a in s.case.key.contraindicated_actions} if s.case is not None else set()
    plan = CarePlan(actions=[a for a in triggered_actions(s) if a not in harmful])
    _add_interventions(s, plan)
    _add_referrals(s, plan)
    plan.goals.extend(_goals(s, start))
    plan.problems.extend(f"{taxonomy().domains[n].label} (severity {sev})" for n, sev in _ordered_needs(s))
    plan.discharge = _discharge(s, plan)
    high_risk = lace_score(s.patient) >= HIGH_RISK_LACE or any(v == 3 for v in s.needs.values())
    plan.follow_up_days = 7 if high_risk else 14
    return CarePlan.model_validate(plan.model_dump())
