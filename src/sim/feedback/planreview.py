"""Score a care plan against the case key: critical actions, interventions (recommended,
acceptable, contraindicated acts), referrals the patient is eligible for, SMART goals, the
discharge disposition (structured, with its conditions and eligibility) and follow-up. Every
planned item gets one verdict, and every point lost comes with a reason drawn from the case.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from sim.feedback import practice
from sim.feedback.coverage import score_coverage
from sim.feedback.evidence import cite_action, cite_need, need_label
from sim.feedback.model import FeedbackItem
from sim.feedback.rubric import keyword_pattern, rubric
from sim.model.case import Case, KeyDisposition
from sim.model.states import in_this_state
from sim.model.taxonomy import need_domains, taxonomy
from sim.practice.dispositions import action_label, is_state_law
from sim.practice.dispositions import label as disposition_label
from sim.practice.interventions import (
    case_coverage_needs,
    key_contraindication,
    key_dispositions,
    planned_variant,
)
from sim.practice.plan import CarePlan, PlannedIntervention, PlanProblem


def _iv_label(iv: str) -> str:
    return taxonomy().interventions.get(iv, iv)


def score_critical(case: Case, plan: CarePlan) -> tuple[list[FeedbackItem], list[str]]:
    """One item per key critical action; also the descriptions of those missed (for the cap)."""
    weight = rubric().plan.critical_action
    items, missed = [], []
    for action in case.key.critical_actions:
        timing = f" (within {action.within_minutes} minutes)" if action.within_minutes else ""
        description = action.description.strip().rstrip(".")
        law = _state_law(case, action.kind)
        if action.kind in plan.actions:
            items.append(FeedbackItem(category="critical actions", kind="praise", earned=weight, possible=weight,
                                      message=f"Critical action taken: {description}{timing}.{law}"))
        else:
            missed.append(description)
            why = cite_action(case, action.kind)
            items.append(FeedbackItem(
                category="critical actions", kind="missed", possible=weight,
                message=f"Critical action missed: {description}{timing} (add {action.kind!r} to the "
                        f"plan's actions){': ' + why if why else ''}. Missing it caps the score at "
                        f"{rubric().cap.critical_action_missed:g}%.{law}"))
    for harmful in case.key.contraindicated_actions:
        if harmful.kind in plan.actions:
            items.append(FeedbackItem(category="critical actions", kind="missed", earned=-rubric().plan.contraindicated,
                                      message=f"{action_label(harmful.kind).capitalize()} ({harmful.kind!r}) is "
                                              f"contraindicated here: {harmful.rationale.rstrip('.')}."))
    return items, missed


def _state_law(case: Case, action: str) -> str:
    """For an action whose rule each state sets, a sentence naming the patient's state."""
    if not is_state_law(action):
        return ""
    return (f" The rule for {action_label(action)} is state law: apply the one "
            f"{in_this_state(case.patient.address.state)}.")


def _item_label(item: PlannedIntervention) -> str:
    variant = planned_variant(item)
    return _iv_label(item.intervention) + (f" ({variant} format)" if variant else "")


def score_interventions(case: Case, plan: CarePlan) -> tuple[list[FeedbackItem], list[str]]:
    """One verdict per planned item, then one line per intervention the key recommends.

    A planned item is judged once: contraindicated (the key's act, or a catalogue rule the key does
    not override: points lost, and it is unsafe), or else a recommended, acceptable, indicated or
    off-target choice, with any caution folded into that same line. A recommended intervention
    earns its points only when planned in a form that is not contraindicated. Also returns the
    unsafe choices, for the cap.
    """
    weights = rubric().plan
    key = case.key
    recommended = {k.intervention: k for k in key.recommended}
    acceptable = {k.intervention: k for k in key.acceptable}
    key_actions = {a.kind for a in key.critical_actions}
    concerns = practice.catalogue_concerns(case, plan)
    items: list[FeedbackItem] = []
    unsafe: list[str] = []
    safe_notes: dict[str, list[str]] = {}
    judged: set[tuple[str, str | None]] = set()
    for index, item in enumerate(plan.interventions):
        label = _item_label(item)
        k = key_contraindication(case, item, plan)
        rules = [c for c in concerns if c.item == index]
        # The key is the instructor's word: a general rule about a whole intervention the key
        # recommends only warns; a rule about one format (couples work) always counts.
        hard = [c for c in rules if not (item.intervention in recommended and c.variant is None)]
        if k is not None or hard:
            reason = k.rationale if k is not None else hard[0].reason.rstrip(".")
            cite = "" if k is not None or not hard[0].source else f" ({hard[0].source})"
            items.append(FeedbackItem(category="interventions", kind="missed", earned=-weights.contraindicated,
                                      message=f"{label} is contraindicated here: {reason}{cite}."
                                      .replace("..", ".")))
            unsafe.append(label if k is not None else f"{label}: {hard[0].label[:1].lower()}{hard[0].label[1:]}")
            continue
        notes = [f"watch for this: {c.reason.rstrip('.')}" + (f" ({c.source})" if c.source else "") for c in rules]
        notes += [f"it needs {c.prerequisite!r} in the plan's actions: {c.reason}" for c in concerns
                  if c.kind == "prerequisite" and c.intervention == item.intervention
                  and c.prerequisite not in key_actions]
        if item.intervention in recommended:
            safe_notes.setdefault(item.intervention, []).extend(n for n in notes
                                                                  if n not in safe_notes.get(item.intervention, []))
            continue
        if (item.intervention, planned_variant(item)) in judged:
            continue
        judged.add((item.intervention, planned_variant(item)))
        caution = f" But {'; '.join(notes)}." if notes else ""
        if item.intervention in acceptable:
            items.append(FeedbackItem(category="interventions", kind="warning" if notes else "praise",
                                      message=f"{label} is a reasonable choice: "
                                              f"{acceptable[item.intervention].rationale}{caution}"))
        elif fits := practice.indicated_needs(case, item.intervention):
            items.append(FeedbackItem(category="interventions", kind="warning" if notes else "praise",
                                      message=f"{label} is indicated for "
                                              f"{', '.join(need_label(d).lower() for d in fits)}.{caution}"))
        else:
            items.append(FeedbackItem(category="interventions", kind="warning",
                                      message=f"{label} does not answer any of this case's key needs; "
                                              f"it costs time the patient's priorities need.{caution}"))
    planned = plan.intervention_ids()
    for kiv in key.recommended:
        label = _iv_label(kiv.intervention)
        if kiv.intervention in safe_notes:
            notes = safe_notes[kiv.intervention]
            caution = f" But {'; '.join(notes)}." if notes else ""
            items.append(FeedbackItem(category="interventions", kind="warning" if notes else "praise",
                                      earned=weights.recommended, possible=weights.recommended,
                                      message=f"{label} fits: {kiv.rationale}{caution}"))
        elif kiv.intervention in planned:
            items.append(FeedbackItem(category="interventions", kind="missed", possible=weights.recommended,
                                      message=f"{label} was planned only in a contraindicated form; the case "
                                              f"calls for it as: {kiv.rationale}"))
        else:
            items.append(FeedbackItem(category="interventions", kind="missed", possible=weights.recommended,
                                      message=f"{label} was not chosen, and the case calls for it: {kiv.rationale}"))
    return items, unsafe


def score_referrals(case: Case, plan: CarePlan) -> list[FeedbackItem]:
    """Referrals: eligible ones credit the need they serve; ineligible and unknown ones explained."""
    weights = rubric().plan
    items: list[FeedbackItem] = []
    met: set[str] = set()
    for ref in plan.referrals:
        check = practice.check_referral(case, ref.resource, ref.need)
        if not check.known:
            items.append(FeedbackItem(category="referrals", kind="error",
                                      message=f"Referral to {ref.resource!r} not scored: {check.unknown_message}"))
        elif check.eligible:
            met.update(check.needs)
            items.append(FeedbackItem(category="referrals", kind="praise",
                                      message=f"Referral to {check.name} for {need_label(ref.need).lower()}: "
                                              f"the patient is eligible."))
        elif not check.serves_need:
            extra = f" ({'; '.join(check.reasons)})" if check.reasons else ""
            items.append(FeedbackItem(category="referrals", kind="warning",
                                      message=f"{check.name} does not serve {need_label(ref.need).lower()}{extra}."))
        else:
            others = f" Eligible options: {', '.join(check.alternatives)}." if check.alternatives else ""
            items.append(
                FeedbackItem(
                    category="referrals",
                    kind="missed",
                    earned=-weights.ineligible_referral,
                    message=f"The patient is not eligible for {check.name}: "
                    f"{'; '.join(check.reasons) or 'criteria not met'}.{others}",
                )
            )
    for key_need in case.key.needs:
        if key_need.severity < weights.referral_min_severity:
            continue
        found = practice.eligible_for(case, key_need.domain)
        if found is None:
            continue  # the directory has no resource for this need: no referral is expected
        options, closed = found
        label = need_label(key_need.domain)
        if not options and key_need.domain not in met:
            items.append(FeedbackItem(
                category="referrals", kind="warning",
                message=f"No resource in the directory is open to this patient for {label.lower()} "
                        f"({'; '.join(closed[:2])}): a systemic barrier to document and advocate about."))
            continue
        if key_need.domain in met:
            items.append(FeedbackItem(category="referrals", kind="praise", earned=weights.referral,
                                      possible=weights.referral, message=f"{label} has an eligible referral."))
        else:
            hint = f" Eligible options: {', '.join(options)}." if options else ""
            items.append(FeedbackItem(category="referrals", kind="missed", possible=weights.referral,
                                      message=f"No eligible referral for {label.lower()} "
                                              f"({key_need.evidence.rstrip('.')}).{hint}"))
    return items


def _goal_fields(goal: Any) -> dict[str, Any]:
    if isinstance(goal, dict):
        return goal
    return goal.model_dump()


def smart_check(goal: dict[str, Any], case: Case) -> dict[str, str | None]:
    """For each SMART element, None when met or a message saying what is missing."""
    weights = rubric().plan
    description = str(goal.get("description") or "")
    measure = str(goal.get("measure") or "")
    need = goal.get("need")
    target = goal.get("target_date")
    out: dict[str, str | None] = {}
    out["specific"] = None if len(description.split()) >= weights.goal_min_words else \
        f"not specific: say what will happen in at least {weights.goal_min_words} words"
    measurable = bool(re.search(r"\d", measure)) or bool(
        keyword_pattern(tuple(weights.measurable_words)).search(measure))
    out["measurable"] = None if measurable else \
        f"not measurable: {measure!r} gives no number or observable result (e.g. 'PHQ-9 below 10', 'SNAP approved')"
    text = f"{description} {measure}".lower()
    hit = keyword_pattern(tuple(weights.unrealistic_words)).search(text) if weights.unrealistic_words else None
    unrealistic = [hit.group(0)] if hit else []
    responsible = str(goal.get("responsible", "social worker") or "")
    out["achievable"] = (f"not achievable as worded ({unrealistic[0]!r}): aim for a realistic step"
                         if unrealistic else None if responsible else "no one is named as responsible")
    key_needs = _plan_needs(case)
    out["relevant"] = None if need in key_needs else \
        f"not relevant: {need!r} is not one of this case's key needs"
    valid_date = isinstance(target, date) or (isinstance(target, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", target))
    out["time_bound"] = None if valid_date else "not time-bound: give target_date (YYYY-MM-DD)"
    return out


def _plan_needs(case: Case) -> set[str]:
    """Needs a goal may serve: the key's, and those the patient's coverage leaves (unpaid costs)."""
    return {n.domain for n in case.key.needs} | {c.domain for c in case_coverage_needs(case)}


def score_goals(case: Case, plan: CarePlan, raw: Any) -> list[FeedbackItem]:
    """SMART completeness of the goals for each key need that calls for one."""
    weights = rubric().plan
    shares = weights.smart.model_dump()
    goals = [_goal_fields(g) for g in plan.goals]
    # Goals the parser rejected (e.g. no date) still count for what they do say.
    if isinstance(raw, dict) and isinstance(raw.get("goals"), list):
        valid = {(g["need"], g["description"]) for g in goals}
        for g in raw["goals"]:
            if isinstance(g, dict) and g.get("need") in need_domains() and \
                    (g.get("need"), str(g.get("description"))) not in valid:
                goals.append({**g, "target_date": g.get("target_date") or None, "_invalid": True})
    items: list[FeedbackItem] = []
    for key_need in case.key.needs:
        if key_need.severity < weights.goal_min_severity:
            continue
        label = need_label(key_need.domain)
        mine = [g for g in goals if g.get("need") == key_need.domain]
        if not mine:
            cited = cite_need(case, key_need.domain, key_need.evidence)
            items.append(FeedbackItem(category="goals", kind="missed", possible=weights.goal,
                                      message=f"No goal for {label.lower()}: {cited}."))
            continue
        checks = [smart_check(g, case) for g in mine]
        best = max(range(len(mine)), key=lambda i: sum(shares[k] for k, v in checks[i].items() if v is None))
        earned = round(weights.goal * sum(shares[k] for k, v in checks[best].items() if v is None), 2)
        problems = [v for v in checks[best].values() if v]
        if problems:
            items.append(FeedbackItem(category="goals", kind="missed", earned=earned, possible=weights.goal,
                                      message=f"Goal for {label.lower()} is {'; '.join(problems)}."))
        else:
            items.append(
                FeedbackItem(
                    category="goals",
                    kind="praise",
                    earned=earned,
                    possible=weights.goal,
                    message=f"SMART goal for {label.lower()}: {mine[best].get('description')}.",
                )
            )
    key_needs = _plan_needs(case)
    for g in goals:
        if g.get("need") not in key_needs:
            items.append(FeedbackItem(category="goals", kind="warning",
                                      message=f"Goal {g.get('description')!r} is for "
                                              f"{need_label(str(g.get('need'))).lower()}, "
                                              f"which is not one of this case's key needs."))
    return items


def score_discharge(case: Case, plan: CarePlan) -> tuple[list[FeedbackItem], list[str]]:
    """The disposition, judged once against the key's structured dispositions and the catalogue's
    safety and eligibility rules; and a follow-up contact. Also returns the unsafe choice, if any.
    """
    weights = rubric().plan
    items: list[FeedbackItem] = []
    unsafe: list[str] = []
    entries = key_dispositions(case)
    optional = case.patient.medical.setting in weights.optional_discharge_settings and plan.discharge is None
    concerns = [c for c in practice.catalogue_concerns(case, plan) if c.discharge is not None]
    expected = [e for e in entries if e.fit == "expected"]
    shown = " or ".join(disposition_label(e.id) for e in expected) or "no disposition the key names"
    if plan.discharge is None:
        if entries and weights.discharge and not optional:
            items.append(FeedbackItem(category="discharge", kind="missed", possible=weights.discharge,
                                      message=f"Discharge: no disposition was planned; the case points to "
                                              f"{shown}{_because(expected)}."))
    else:
        got = disposition_label(plan.discharge)
        entry = next((e for e in entries if e.id == plan.discharge), None)
        missing = [a for a in entry.requires_actions if a not in plan.actions] if entry is not None else []
        possible = weights.discharge if entries and not optional else 0.0
        # The key's word settles safety in this case, but not eligibility: a setting the payer's
        # rule closes to this patient (a SNF after observation days) is closed whatever the key says.
        hard = [c for c in concerns
                if c.kind == "ineligible" or not (entry is not None and entry.fit != "unsafe" and not missing)]
        if entry is not None and entry.fit == "unsafe":
            items.append(FeedbackItem(category="discharge", kind="missed", earned=-weights.contraindicated,
                                      possible=possible,
                                      message=f"Discharge to {got} is contraindicated here: "
                                              f"{entry.rationale.rstrip('.')}. The case points to {shown}."))
            unsafe.append(f"discharge to {got}")
        elif entry is not None and missing:
            items.append(FeedbackItem(category="discharge", kind="missed", earned=-weights.contraindicated,
                                      possible=possible,
                                      message=f"Discharge to {got} is safe here only with "
                                              f"{', '.join(action_label(a) for a in missing)} ({', '.join(missing)} "
                                              f"in the plan's actions); without it, it is unsafe: "
                                              f"{entry.rationale.rstrip('.')}."))
            unsafe.append(f"discharge to {got} without {', '.join(missing)}")
        elif hard:
            c = hard[0]
            cite = f" ({c.source})" if c.source else ""
            what = "is unsafe" if c.kind == "unsafe" else "is not open to this patient"
            items.append(FeedbackItem(category="discharge", kind="missed", earned=-weights.contraindicated,
                                      possible=possible,
                                      message=f"Discharge to {got} {what}: {c.reason.rstrip('.')}{cite}. "
                                              + _other_options(entries, plan.discharge)))
            if c.kind == "unsafe":
                unsafe.append(f"discharge to {got}")
        elif entry is not None:
            caution = "".join(f" Watch for this: {c.reason.rstrip('.')}." for c in concerns)
            fit = "fits the case" if entry.fit == "expected" else "is a reasonable alternative here"
            items.append(FeedbackItem(category="discharge", kind="warning" if caution else "praise",
                                      earned=possible, possible=possible,
                                      message=f"Discharge to {got} {fit}: {entry.rationale.rstrip('.')}.{caution}"))
        elif possible:
            items.append(FeedbackItem(category="discharge", kind="missed", possible=possible,
                                      message=f"Discharge: {got} was planned; the case points to "
                                              f"{shown}{_because(expected)}."))
        elif not entries and case.key.discharge_disposition:
            items.append(FeedbackItem(category="discharge", kind="warning",
                                      message=f"Discharge to {got}: the key gives the disposition in words only "
                                              f'("{case.key.discharge_disposition.strip().rstrip(".")}"); '
                                              f"compare yours with it."))
    if weights.follow_up:
        if plan.follow_up_days:
            items.append(FeedbackItem(category="discharge", kind="praise", earned=weights.follow_up,
                                      possible=weights.follow_up,
                                      message=f"Follow-up contact set at {plan.follow_up_days} days."))
        else:
            items.append(FeedbackItem(category="discharge", kind="missed", possible=weights.follow_up,
                                      message="No follow-up contact set (follow_up_days)."))
    return items, unsafe


def _other_options(entries: list[KeyDisposition], planned: str) -> str:
    """The key's expected, then acceptable, dispositions other than the one planned, in words."""
    others = [e for fit in ("expected", "acceptable") for e in entries if e.fit == fit and e.id != planned]
    if not others:
        return ""
    return f"The case points to {' or '.join(disposition_label(e.id) for e in others[:2])}."


def _because(expected: list[KeyDisposition]) -> str:
    return f" ({expected[0].rationale.rstrip('.')})" if expected else ""


def problem_items(problems: list[PlanProblem], category: str) -> list[FeedbackItem]:
    """Each part of the submission that could not be read, as an 'error' item."""
    return [FeedbackItem(category=category, kind="error", message=f"{p.where}: {p.message}") for p in problems]


def score_plan(case: Case, plan: CarePlan, raw: Any = None) -> tuple[list[FeedbackItem], list[str], list[str]]:
    """Every plan item, the descriptions of the critical actions missed, and the unsafe choices."""
    critical, missed = score_critical(case, plan)
    unsafe_actions = [f"{a.kind}: {a.rationale.split(':')[0].rstrip('.')}"
                      for a in case.key.contraindicated_actions if a.kind in plan.actions]
    interventions, unsafe_items = score_interventions(case, plan)
    discharge, unsafe_discharge = score_discharge(case, plan)
    items = (critical + interventions + score_referrals(case, plan) + score_goals(case, plan, raw) + discharge
             + score_coverage(case, plan))
    return items, missed, unsafe_actions + unsafe_items + unsafe_discharge
