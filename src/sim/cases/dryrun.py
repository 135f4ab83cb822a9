"""Run a compiled case through the engines, as a class would: the crisis paths of the interview,
an interviewer who does everything right, the reference plan and its grading. A case that passes
interviews, plans and grades; each failure is a located problem that says what would be right.
"""
from __future__ import annotations

from collections import Counter
from datetime import date

from sim.cases.problems import Problem
from sim.cases.source import Source
from sim.errors import SimError
from sim.model.case import Case

PLAN_START = date(2026, 1, 5)
"""A fixed start date for the reference plan, so that validation is deterministic."""


def dry_run(case: Case, source: Source) -> list[Problem]:
    """Every problem the interview, the reference plan and the plan review find in ``case``."""
    problems = crisis_path_problems(case, source)
    try:
        problems += reachability_problems(case, source)
    except SimError as exc:
        problems.append(source.problem((), f"the interview cannot run this case: {exc}"))
    try:
        problems += plan_problems(case, source)
    except SimError as exc:
        problems.append(source.problem(("key",), f"the reference plan or its grading cannot run: {exc}"))
    return problems


def crisis_paths(case: Case) -> dict[str, str]:
    """The interview's crisis paths this case can start, each with what starts it."""
    from sim.interview.crisis import crisis_table

    table = crisis_table()
    patient = case.patient
    found: dict[str, str] = {}

    def risk_ok(levels: list[str], kind: str | None) -> bool:
        if kind is None or not levels:
            return True
        risk = patient.profile.risk(kind)
        return risk is not None and risk.level in levels

    for name, path in table.paths.items():
        if path.on_start == "interpreter_needed" and patient.identity.interpreter_needed:
            found.setdefault(name, "the patient needs an interpreter")
        for fact in case.hidden_facts:
            if fact.crisis == name:
                found.setdefault(name, f"hidden fact {fact.id!r} is a {name} crisis")
            elif fact.reveals_risk in path.reveals_risks and risk_ok(path.reveal_levels, fact.reveals_risk):
                found.setdefault(name, f"hidden fact {fact.id!r} reveals risk {fact.reveals_risk!r}")
            elif fact.reveals_need in path.need_domains and risk_ok(path.risk_levels, path.risk):
                found.setdefault(name, f"hidden fact {fact.id!r} reveals need {fact.reveals_need!r}")
        for need in patient.profile.needs:
            if need.severity > 0 and need.domain in path.need_domains and risk_ok(path.risk_levels, path.risk):
                found.setdefault(name, f"the patient can speak of need {need.domain!r}")
    return found


def crisis_path_problems(case: Case, source: Source) -> list[Problem]:
    """Each crisis path the case can start has its required actions among the key's critical actions."""
    from sim.interview.bank import style_table
    from sim.interview.crisis import crisis_table

    actions = style_table().actions
    have = {a.kind for a in case.key.critical_actions}
    problems: list[Problem] = []
    for name, why in crisis_paths(case).items():
        missing = [actions[a].kind for a in crisis_table().paths[name].required
                   if a in actions and actions[a].kind not in have]
        for kind in missing:
            problems.append(source.problem(("key", "critical_actions"), (
                f"the interview's {name!r} crisis path ({why}) requires {kind!r}, which key.critical_actions "
                f"leaves out; add {{kind: {kind}, description: ...}} (the interview and the grading expect it)")))
    return problems


def reachability_problems(case: Case, source: Source) -> list[Problem]:
    """An interviewer who does everything right (interpreter, privacy, warm then open questions in
    each domain) hears every hidden fact within the time budget."""
    from sim.interview import start

    iv = start(case, seed=0)
    kinds = {a.kind for a in case.key.critical_actions}
    if case.patient.identity.interpreter_needed:
        iv.act("use_interpreter")
    if "private_setting" in kinds:
        iv.act("private_setting")
    target = max([f.min_rapport for f in case.hidden_facts] or [0])
    warm = iv.questions(domain="general", style="empathic") + iv.questions(domain="general", style="reflection")
    for question in warm:
        if iv.rapport >= target or iv.time_left <= 12:
            break
        iv.ask(question.id)
    used: Counter[str] = Counter()
    for fact in case.hidden_facts * 2:
        if fact.id in {d.id for d in iv.disclosed}:
            continue
        asked = iv.questions(domain=fact.domain, style="open") + iv.questions(domain=fact.domain, style="empathic")
        k = used[fact.domain]
        used[fact.domain] += 1
        if k < len(asked) and iv.time_left > 2:
            iv.ask(asked[k].id)
    heard = {d.id for d in iv.disclosed}
    problems: list[Problem] = []
    for i, fact in enumerate(case.hidden_facts):
        if fact.id not in heard:
            problems.append(source.problem(("hidden_facts", i, "min_rapport"), (
                f"hidden fact {fact.id!r} is never disclosed, even to an interviewer who does everything right "
                f"(rapport reached {iv.rapport} of the {fact.min_rapport} it needs, in the "
                f"{iv.budget_minutes}-minute budget): lower min_rapport"
                + (" or set a private_setting critical action" if fact.crisis else "")
                + f", and ask about it in domain {fact.domain!r}")))
    return problems


def plan_problems(case: Case, source: Source) -> list[Problem]:
    """The reference plan breaks no rule and carries every recommended intervention; the plan review runs."""
    from sim.feedback import review_plan
    from sim.practice.expert import reference_plan
    from sim.practice.interventions import contraindications

    plan = reference_plan(case, start=PLAN_START)
    problems: list[Problem] = []
    for found in contraindications(case, plan):
        if found.rule in ("case_key", "case_key_disposition"):
            where: tuple[str | int, ...] = ("key",)
        else:
            where = ("key", "recommended")
        problems.append(source.problem(where, (
            f"the reference plan built from this key breaks rule {found.rule!r} ({found.label}: "
            f"{' '.join(found.reason.split())}): the key must not ask for what the rules forbid here")))
    planned = plan.intervention_ids()
    for i, item in enumerate(case.key.recommended):
        if item.intervention not in planned:
            problems.append(source.problem(("key", "recommended", i, "intervention"), (
                f"the key recommends {item.intervention!r}, but the reference plan cannot include it for this "
                "patient (a rule forbids it or its conditions do not hold): move it to acceptable or remove it")))
    review_plan(case, plan)
    return problems
