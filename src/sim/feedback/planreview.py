"""Score a care plan against the case key: critical actions, interventions (recommended,
acceptable, contraindicated), referrals the patient is eligible for, SMART goals, discharge and
follow-up. Every point lost comes with a reason drawn from the case.
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from sim.cases.model import Case
from sim.feedback import practice
from sim.feedback.evidence import cite_action, cite_need, need_label
from sim.feedback.model import FeedbackItem
from sim.feedback.rubric import keyword_pattern, rubric
from sim.interventions import key_contraindication
from sim.model.taxonomy import need_domains, taxonomy
from sim.plan import CarePlan, PlanProblem


def _iv_label(iv: str) -> str:
    return taxonomy().interventions.get(iv, iv)


def score_critical(case: Case, plan: CarePlan) -> tuple[list[FeedbackItem], list[str]]:
    """One item per key critical action; also the descriptions of those missed (for the cap)."""
    weight = rubric().plan.critical_action
    items, missed = [], []
    for action in case.key.critical_actions:
        timing = f" (within {action.within_minutes} minutes)" if action.within_minutes else ""
        description = action.description.strip().rstrip(".")
        if action.kind in plan.actions:
            items.append(FeedbackItem(category="critical actions", kind="praise", earned=weight, possible=weight,
                                      message=f"Critical action taken: {description}{timing}."))
        else:
            missed.append(description)
            why = cite_action(case, action.kind)
            items.append(FeedbackItem(
                category="critical actions", kind="missed", possible=weight,
                message=f"Critical action missed: {description}{timing} (add {action.kind!r} to the "
                        f"plan's actions){': ' + why if why else ''}. Missing it caps the score at "
                        f"{rubric().cap.critical_action_missed:g}%."))
    return items, missed


def score_interventions(case: Case, plan: CarePlan) -> list[FeedbackItem]:
    """Recommended ones chosen or not, acceptable ones, contraindicated ones with the key's rationale."""
    weights = rubric().plan
    chosen = plan.intervention_ids()
    items: list[FeedbackItem] = []
    key = case.key
    for kiv in key.recommended:
        label = _iv_label(kiv.intervention)
        if kiv.intervention in chosen:
            items.append(FeedbackItem(category="interventions", kind="praise", earned=weights.recommended,
                                      possible=weights.recommended, message=f"{label} fits: {kiv.rationale}"))
        else:
            items.append(FeedbackItem(category="interventions", kind="missed", possible=weights.recommended,
                                      message=f"{label} was not chosen, and the case calls for it: {kiv.rationale}"))
    acceptable = {k.intervention: k for k in key.acceptable}
    contra = {item.intervention: k for item in plan.interventions
              if (k := key_contraindication(case, item)) is not None}
    recommended = {k.intervention for k in key.recommended}
    for iv in sorted(chosen):
        if iv in contra and iv in recommended:
            # The key recommends it and warns against one way of doing it: say how, no penalty.
            items.append(FeedbackItem(category="interventions", kind="warning",
                                      message=f"{_iv_label(iv)}: mind how it is done here: {contra[iv].rationale}"))
        elif iv in contra:
            items.append(FeedbackItem(category="interventions", kind="missed", earned=-weights.contraindicated,
                                      message=f"{_iv_label(iv)} is contraindicated here: {contra[iv].rationale}"))
        elif iv in acceptable:
            items.append(FeedbackItem(category="interventions", kind="praise",
                                      message=f"{_iv_label(iv)} is a reasonable choice: {acceptable[iv].rationale}"))
        elif iv not in recommended:
            fits = practice.indicated_needs(case, iv)
            if fits:
                items.append(FeedbackItem(category="interventions", kind="praise",
                                          message=f"{_iv_label(iv)} is indicated for "
                                                  f"{', '.join(need_label(d).lower() for d in fits)}."))
            else:
                items.append(FeedbackItem(category="interventions", kind="warning",
                                          message=f"{_iv_label(iv)} does not answer any of this case's key needs; "
                                                  f"it costs time the patient's priorities need."))
    for concern in practice.catalogue_concerns(case, plan):
        if concern.prerequisite is not None:
            if concern.prerequisite in {a.kind for a in key.critical_actions}:
                continue  # already scored (and capped) as a critical action
            items.append(FeedbackItem(category="interventions", kind="warning",
                                      message=f"{_iv_label(str(concern.intervention))} needs "
                                              f"{concern.prerequisite!r} in the plan's actions: {concern.reason}."))
        elif concern.intervention in contra:
            continue  # the key's own rationale was given above
        else:
            what = (_iv_label(concern.intervention) + (f" ({concern.variant})" if concern.variant else " as planned")
                    if concern.intervention
                    else f"Discharge to {str(concern.discharge).replace('_', ' ')}")
            cite = f" ({concern.source})" if concern.source else ""
            # The case key is the instructor's word: what it recommends (or names as the
            # disposition) is not penalised by a general rule; the rule still warns.
            # A rule about one format (couples counselling where there is violence) always counts.
            endorsed = (concern.intervention in recommended and concern.variant is None if concern.intervention
                        else concern.discharge in supported_dispositions(key.discharge_disposition or ""))
            if endorsed:
                items.append(FeedbackItem(category="interventions", kind="warning",
                                          message=f"{what}: the case supports it, but watch for this: "
                                                  f"{concern.reason.rstrip('.')}{cite}."))
            else:
                items.append(FeedbackItem(category="interventions", kind="missed", earned=-weights.contraindicated,
                                          message=f"{what} is contraindicated: {concern.reason.rstrip('.')}{cite}."))
    return items


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
    key_needs = {n.domain for n in case.key.needs}
    out["relevant"] = None if need in key_needs else \
        f"not relevant: {need!r} is not one of this case's key needs"
    valid_date = isinstance(target, date) or (isinstance(target, str) and re.fullmatch(r"\d{4}-\d\d-\d\d", target))
    out["time_bound"] = None if valid_date else "not time-bound: give target_date (YYYY-MM-DD)"
    return out


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
    key_needs = {n.domain for n in case.key.needs}
    for g in goals:
        if g.get("need") not in key_needs:
            items.append(FeedbackItem(category="goals", kind="warning",
                                      message=f"Goal {g.get('description')!r} is for "
                                              f"{need_label(str(g.get('need'))).lower()}, "
                                              f"which is not one of this case's key needs."))
    return items


_NEGATED = re.compile(r"\b(?:not|no|avoid|never|without)\b(?:\W+\w+){0,3}\W*$", re.IGNORECASE)


def supported_dispositions(text: str) -> set[str]:
    """Dispositions a key's discharge text supports: the id itself, or the words that name one."""
    from sim.plan import DISPOSITIONS

    if text in DISPOSITIONS:
        return {text, *rubric().plan.disposition_also.get(text, [])}
    matches = []
    for disposition, words in rubric().plan.disposition_words.items():
        for m in keyword_pattern(tuple(words)).finditer(text):
            if not _NEGATED.search(text[max(0, m.start() - 40):m.start()]):
                matches.append((m.start(), m.end(), disposition))
    # "home" inside "nursing home" names the nursing home, not home.
    kept = {d for s, e, d in matches
            if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and d2 != d for s2, e2, d2 in matches)}
    also = rubric().plan.disposition_also
    return kept | {extra for d in kept for extra in also.get(d, [])}


def score_discharge(case: Case, plan: CarePlan) -> list[FeedbackItem]:
    """Disposition against the key's (an id, or one its words name), and a follow-up contact."""
    weights = rubric().plan
    items: list[FeedbackItem] = []
    expected = case.key.discharge_disposition
    allowed = supported_dispositions(expected) if expected else set()
    optional = case.patient.medical.setting in weights.optional_discharge_settings and plan.discharge is None
    if expected and allowed and weights.discharge and not optional:
        shown = expected.replace("_", " ") if expected in allowed else f'"{expected.strip().rstrip(".")}"'
        if plan.discharge in allowed:
            items.append(FeedbackItem(category="discharge", kind="praise", earned=weights.discharge,
                                      possible=weights.discharge,
                                      message=f"Discharge to {plan.discharge.replace('_', ' ')} fits the case "
                                              f"({shown})."))
        else:
            got = plan.discharge.replace("_", " ") if plan.discharge else "no disposition"
            items.append(FeedbackItem(category="discharge", kind="missed", possible=weights.discharge,
                                      message=f"Discharge: {got} was planned; the case points to {shown}."))
    if weights.follow_up:
        if plan.follow_up_days:
            items.append(FeedbackItem(category="discharge", kind="praise", earned=weights.follow_up,
                                      possible=weights.follow_up,
                                      message=f"Follow-up contact set at {plan.follow_up_days} days."))
        else:
            items.append(FeedbackItem(category="discharge", kind="missed", possible=weights.follow_up,
                                      message="No follow-up contact set (follow_up_days)."))
    return items


def problem_items(problems: list[PlanProblem], category: str) -> list[FeedbackItem]:
    """Each part of the submission that could not be read, as an 'error' item."""
    return [FeedbackItem(category=category, kind="error", message=f"{p.where}: {p.message}") for p in problems]


def score_plan(case: Case, plan: CarePlan, raw: Any = None) -> tuple[list[FeedbackItem], list[str]]:
    """Every plan item, and the descriptions of the critical actions missed."""
    critical, missed = score_critical(case, plan)
    items = (critical + score_interventions(case, plan) + score_referrals(case, plan)
             + score_goals(case, plan, raw) + score_discharge(case, plan))
    return items, missed
