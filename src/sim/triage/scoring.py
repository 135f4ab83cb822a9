"""Scoring a shift: who was seen in time, harm from a crisis seen late, the documentation backlog."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.errors import find_by_id
from sim.feedback.model import FeedbackItem
from sim.model.base import Model
from sim.model.blocks import Block, Line, Renders, Section
from sim.triage.rules import Level, TaskKind, TriageError, rules
from sim.triage.shift import Shift


class ReferralOutcome(Model):
    """What happened to one referral in the simulated shift."""
    id: str
    level: Level
    seen: bool = False
    start_minute: int | None = None
    allocated: int = 0
    on_time: bool = False
    tasks_done: list[TaskKind] = Field(default_factory=list)
    tasks_missed: list[TaskKind] = Field(default_factory=list)
    harm: bool = False
    credit: float = 0.0
    weight: float = 0.0


class TriageResult(Renders, Model):
    """The simulated shift and its score (0-100, relative to the reference order)."""
    score: float = Field(ge=0, le=100)
    max_score: float = 100.0
    points: float
    reference_points: float
    reference_order: list[str]
    minutes_used: int
    budget_minutes: int
    backlog_minutes: int
    harm_events: int
    outcomes: list[ReferralOutcome]
    items: list[FeedbackItem]
    synthetic: Literal[True] = True

    def outcome(self, referral_id: str) -> ReferralOutcome:
        """The outcome of one referral, by id (e.g. "R03")."""
        return find_by_id(self.outcomes, referral_id, "referral")

    def block(self) -> Block:
        """The result as a feedback block: score, time, backlog, harm, then one line per referral."""
        return Block(css="sim-triage",
                     title=f"Triage score: {self.score:g} / {self.max_score:g} (relative to a sound reference order)",
                     notes=[f"Time used {self.minutes_used} of {self.budget_minutes} minutes; documentation backlog "
                            f"{self.backlog_minutes} minutes; harm events {self.harm_events}."],
                     sections=[Section(lines=[Line(kind=i.kind, text=i.message) for i in self.items])])


def _check_order(shift: Shift, order: list[str], minutes: dict[str, int] | None) -> None:
    known = [r.id for r in shift.referrals]
    problems: list[str] = []
    if isinstance(order, str) or not isinstance(order, list | tuple):
        raise TriageError(f"order must be a list of referral ids such as {known[:3]}, got {order!r}")
    from sim.errors import did_you_mean

    seen: set[str] = set()
    for rid in order:
        if rid not in known:
            problems.append(f"unknown referral id {rid!r}{did_you_mean(rid, known)}")
        elif rid in seen:
            problems.append(f"referral {rid!r} is listed twice; each patient is seen once")
        seen.add(rid)
    for rid, value in (minutes or {}).items():
        if rid not in known:
            problems.append(f"minutes given for unknown referral id {rid!r}{did_you_mean(rid, known)}")
        elif rid not in order:
            problems.append(f"minutes given for {rid!r}, which is not in the order")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            problems.append(f"minutes for {rid!r} must be a whole number of 0 or more, got {value!r}")
    if problems:
        raise TriageError("; ".join(problems) + f". Referral ids on this shift: {', '.join(known)}")


def _simulate(shift: Shift, order: list[str], minutes: dict[str, int]) -> tuple[list[ReferralOutcome], int, int]:
    rl = rules()
    budget = shift.budget_minutes
    clock = 0
    outcomes: dict[str, ReferralOutcome] = {}
    for rid in order:
        ref = shift.referral(rid)
        level = rl.levels[ref.level]
        allocated = min(minutes.get(rid, ref.minutes_needed), budget - clock)
        out = ReferralOutcome(id=rid, level=ref.level, weight=level.weight)
        if allocated <= 0:
            outcomes[rid] = out
            continue
        out.seen, out.start_minute, out.allocated = True, clock, allocated
        out.on_time = level.window_minutes is None or clock <= level.window_minutes
        left = allocated
        for task in ref.tasks:
            if left >= task.minutes:
                out.tasks_done.append(task.kind)
                left -= task.minutes
            else:
                out.tasks_missed.append(task.kind)
        clock += allocated
        outcomes[rid] = out
    backlog = 0
    for ref in shift.referrals:
        out = outcomes.setdefault(ref.id, ReferralOutcome(id=ref.id, level=ref.level,
                                                          weight=rl.levels[ref.level].weight))
        if not out.seen:
            out.tasks_missed = [t.kind for t in ref.tasks]
        care = [t for t in ref.tasks if t.kind != "documentation"]
        done = sum(t.minutes for t in care if t.kind in out.tasks_done)
        completeness = done / sum(t.minutes for t in care) if care else 1.0
        if ref.level == "crisis" and "crisis_response" not in out.tasks_done:
            completeness = 0.0
        level = rl.levels[ref.level]
        timeliness = (1.0 if out.on_time else level.late_credit) if out.seen else 0.0
        out.credit = round(level.weight * timeliness * completeness, 3)
        out.harm = level.harm_if_late and (not out.seen or not out.on_time or completeness == 0.0)
        if out.seen and "documentation" in out.tasks_missed:
            backlog += next(t.minutes for t in ref.tasks if t.kind == "documentation")
    ordered = [outcomes[r.id] for r in shift.referrals]
    return ordered, clock, backlog


def _points(outcomes: list[ReferralOutcome], backlog: int) -> float:
    rl = rules()
    harm = sum(1 for o in outcomes if o.harm)
    return sum(o.credit for o in outcomes) - rl.harm_penalty * harm - rl.backlog_penalty_per_hour * backlog / 60


def reference_order(shift: Shift) -> list[str]:
    """A sound order: crises first, then discharges today, high risk, routine; quickest first within a level."""
    rank = {level: i for i, level in enumerate(rules().levels)}
    return [r.id for r in sorted(shift.referrals, key=lambda r: (rank[r.level], r.minutes_needed, r.id))]


def _clock(minute: int) -> str:
    return f"{minute // 60}:{minute % 60:02d} into the shift"


def _messages(shift: Shift, outcomes: list[ReferralOutcome], backlog: int) -> list[FeedbackItem]:
    rl = rules()
    items: list[FeedbackItem] = []
    for o in outcomes:
        ref = shift.referral(o.id)
        label = rl.levels[ref.level].label.lower()
        why = f" ({', '.join(ref.level_reasons)})" if ref.level_reasons else ""
        head = f"{o.id} {ref.name}, {label}{why}"
        window = ref.window_minutes
        if not o.seen:
            kind = "missed" if ref.level != "routine" else "warning"
            harm = " Harm: a patient in crisis was not seen this shift." if o.harm else ""
            items.append(FeedbackItem(category="triage", kind=kind, earned=o.credit, possible=o.weight,
                                      message=f"{head}: not seen.{harm}"))
            continue
        when = f"seen at {_clock(o.start_minute or 0)}"
        if not o.on_time and window is not None:
            late = (o.start_minute or 0) - window
            harm = (" Harm: a crisis waited past its window." if o.harm else "")
            items.append(
                FeedbackItem(
                    category="triage",
                    kind="missed",
                    earned=o.credit,
                    possible=o.weight,
                    message=f"{head}: {when}, {late} minutes after the {window}-minute window.{harm}",
                )
            )
        elif o.tasks_missed and [t for t in o.tasks_missed if t != "documentation"]:
            missed = ", ".join(rl.tasks[t].label.split(" (")[0].lower() for t in o.tasks_missed)
            harm = " Harm: the crisis response was not completed." if o.harm else ""
            items.append(FeedbackItem(category="triage", kind="missed", earned=o.credit, possible=o.weight,
                                      message=f"{head}: {when} with {o.allocated} minutes; not done: {missed}.{harm}"))
        else:
            items.append(FeedbackItem(category="triage", kind="praise", earned=o.credit, possible=o.weight,
                                      message=f"{head}: {when}, in time."))
    if backlog:
        items.append(FeedbackItem(category="triage", kind="warning",
                                  earned=-round(rl.backlog_penalty_per_hour * backlog / 60, 2),
                                  message=f"Documentation backlog of {backlog} minutes carried past the shift "
                                          "(the documentation burden named in Gumban, 'Social Work Interventions', "
                                          "Carepatron 2024)."))
    return items


def score_shift(shift: Shift, order: list[str], minutes: dict[str, int] | list[int] | None = None) -> TriageResult:
    """Simulate the shift with the student's order and time allocation, and score it.

    Args:
        shift: from :func:`make_shift` or :func:`shift_from_patients`.
        order: referral ids in the order they are seen; ids left out are not seen this shift.
        minutes: minutes given to each referral, as a mapping of id to minutes or a list in the
            order's order (default: the minutes its tasks need). Tasks are
            done in order (crisis response first, documentation last) while the minutes last; the
            shift ends at its budget, whatever was planned.

    Returns:
        A :class:`TriageResult`: 0-100 relative to :func:`reference_order`, outcomes, messages.

    Raises:
        TriageError: an unknown or repeated id, or bad minutes (all problems in one message).
    """
    if isinstance(minutes, list | tuple):
        if isinstance(order, list | tuple) and len(minutes) != len(order):
            raise TriageError(f"minutes has {len(minutes)} entries for {len(order)} referrals in the order; "
                              f"give one number per referral, or a mapping of id to minutes")
        minutes = dict(zip(order, minutes, strict=False)) if isinstance(order, list | tuple) else {}
    if minutes is not None and not isinstance(minutes, dict):
        raise TriageError(f"minutes must be a mapping of referral id to minutes (or a list in order), "
                          f"got {type(minutes).__name__}")
    minutes = dict(minutes or {})
    _check_order(shift, list(order) if isinstance(order, tuple) else order, minutes)
    outcomes, used, backlog = _simulate(shift, list(order), minutes)
    points = _points(outcomes, backlog)
    ref_order = reference_order(shift)
    ref_outcomes, _, ref_backlog = _simulate(shift, ref_order, {})
    ref_points = _points(ref_outcomes, ref_backlog)
    score = 100.0 * max(0.0, points) / ref_points if ref_points > 0 else 100.0 if points >= ref_points else 0.0
    return TriageResult(score=round(min(100.0, score), 1), points=round(points, 3),
                        reference_points=round(ref_points, 3), reference_order=ref_order, minutes_used=used,
                        budget_minutes=shift.budget_minutes, backlog_minutes=backlog,
                        harm_events=sum(1 for o in outcomes if o.harm), outcomes=outcomes,
                        items=_messages(shift, outcomes, backlog))

