"""Caseload triage: a shift of referrals on one unit, more work than time, and a score for the
order (and minutes) a student chooses.

``make_shift(n, seed, unit="med_surg", hours=8)`` generates N referrals (synthetic patients from
:func:`sim.generate_patient`), each with a risk level (crisis, discharge today, high readmission
risk, routine) and tasks with time costs from ``sim/data/triage.yaml``.
``score_shift(shift, order, minutes=None)`` simulates the shift: who was seen in time, what
was left undone, whether a crisis waited too long (harm), the documentation backlog; and weighs
risk by timeliness, relative to a sound reference order.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from sim.errors import SimValueError, UnknownNameError
from sim.feedback.model import FeedbackItem
from sim.model.taxonomy import need_domains, risk_kinds, settings
from sim.tables import load_table

if TYPE_CHECKING:
    from sim.cases.model import Case
    from sim.model import Patient

Level = Literal["crisis", "discharge_today", "high", "routine"]
TaskKind = Literal["crisis_response", "assessment", "discharge_planning", "family_meeting", "documentation"]
_RISK_ORDER = {"none": 0, "low": 1, "moderate": 2, "high": 3}


class TriageError(SimValueError):
    """An order or time allocation that cannot be scored; the message lists every problem."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskRule(_Model):
    label: str
    minutes: int = Field(ge=1)
    per_other_task: int = Field(default=0, ge=0)
    source: str


class LevelRule(_Model):
    label: str
    weight: float = Field(gt=0)
    window_minutes: int | None = Field(default=None, ge=1)
    late_credit: float = Field(ge=0, le=1)
    harm_if_late: bool


class Trigger(_Model):
    latent_at_least: dict[str, int] = Field(default_factory=dict)
    risk_at_least: dict[str, Literal["low", "moderate", "high"]] = Field(default_factory=dict)
    lace_at_least: int | None = None

    @model_validator(mode="after")
    def _known(self) -> "Trigger":
        for kind in self.risk_at_least:
            if kind not in risk_kinds():
                raise UnknownNameError("risk", kind, risk_kinds())
        return self


class UnitMix(_Model):
    discharge_today: float = Field(ge=0, le=1)
    crisis: float = Field(ge=0, le=1)


class TriageRules(_Model):
    """The contents of ``sim/data/triage.yaml``."""

    tasks: dict[TaskKind, TaskRule]
    levels: dict[Level, LevelRule]
    triggers: dict[Literal["crisis", "high"], Trigger]
    latent_labels: dict[str, list[str]] = Field(default_factory=dict)
    needs_family_meeting: dict[str, int]
    harm_penalty: float = Field(ge=0)
    backlog_penalty_per_hour: float = Field(ge=0)
    units: dict[str, UnitMix]
    reasons: dict[str, str]

    @model_validator(mode="after")
    def _names(self) -> "TriageRules":
        for unit in self.units:
            if unit != "default" and unit not in settings():
                raise UnknownNameError("unit", unit, ["default", *settings()])
        for need in self.needs_family_meeting:
            if need not in need_domains():
                raise UnknownNameError("need domain", need, need_domains())
        if "default" not in self.units:
            raise ValueError("units needs a 'default' entry")
        return self


@lru_cache(maxsize=1)
def rules() -> TriageRules:
    """The validated triage rules (cached)."""
    return load_table("triage.yaml", TriageRules)


class Task(_Model):
    kind: TaskKind
    label: str
    minutes: int


class Referral(_Model):
    """One referral on the shift board. ``level`` and ``level_reasons`` are the triage key."""

    id: str
    patient_id: str
    name: str
    age: int
    reason: str
    lace: int
    discharge_today: bool
    level: Level
    level_reasons: list[str]
    tasks: list[Task]
    synthetic: Literal[True] = True

    @property
    def minutes_needed(self) -> int:
        return sum(t.minutes for t in self.tasks)

    @property
    def window_minutes(self) -> int | None:
        return rules().levels[self.level].window_minutes


class Shift(_Model):
    """A shift: a unit, a time budget and the referrals waiting."""

    unit: str
    hours: float
    seed: int | None
    referrals: list[Referral]
    synthetic: Literal[True] = True
    _patients: dict[str, Patient] = PrivateAttr(default_factory=dict)

    def patient(self, referral_id: str) -> Patient:
        """The synthetic patient behind a referral."""
        self.referral(referral_id)  # unknown id -> UnknownNameError with a suggestion
        if referral_id not in self._patients:
            raise SimValueError(f"this shift was loaded without its patients; rebuild it with make_shift "
                                f"(seed {self.seed}) to open {referral_id!r}")
        return self._patients[referral_id]

    def case(self, referral_id: str) -> Case:
        """A full case for one referral (:func:`sim.cases.from_patient`), to assess after triage."""
        from sim.cases import from_patient  # noqa: PLC0415

        return from_patient(self.patient(referral_id), case_id=f"shift-{self.unit}-{referral_id.lower()}")

    @property
    def budget_minutes(self) -> int:
        return int(round(self.hours * 60))

    @property
    def minutes_needed(self) -> int:
        return sum(r.minutes_needed for r in self.referrals)

    def referral(self, referral_id: str) -> Referral:
        for r in self.referrals:
            if r.id == referral_id:
                return r
        raise UnknownNameError("referral", referral_id, [r.id for r in self.referrals])

    def board(self) -> list[dict[str, object]]:
        """What the student sees: one row per referral, without the triage key."""
        return [{"id": r.id, "name": r.name, "age": r.age, "reason": r.reason, "LACE": r.lace,
                 "discharge today": r.discharge_today, "minutes needed": r.minutes_needed} for r in self.referrals]

    def markdown(self) -> str:
        """The board as a Markdown table (synthetic patients)."""
        lines = [f"**{self.unit} shift: {self.hours:g} hours ({self.budget_minutes} minutes) for "
                 f"{self.minutes_needed} minutes of work** (synthetic patients)", "",
                 "| id | patient | age | referral | LACE | discharge today | minutes |", "|---|---|---|---|---|---|---|"]
        for r in self.referrals:
            lines.append(f"| {r.id} | {r.name} | {r.age} | {r.reason} | {r.lace} | "
                         f"{'yes' if r.discharge_today else ''} | {r.minutes_needed} |")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- building a shift

def _lace(patient: Patient) -> int:
    from sim.instruments import lace  # noqa: PLC0415

    med = patient.medical
    return lace(los_days=med.length_of_stay_days, emergent=med.admission_type == "emergent",
                charlson=med.charlson_index, ed_visits=med.ed_visits_6mo).total


def _trigger_hits(trigger: Trigger, patient: Patient, lace: int) -> list[tuple[str, str]]:
    """(what fired: latent name, risk kind or "lace", reason in words) for each part that holds."""
    hits = []
    for name, level in trigger.latent_at_least.items():
        value = getattr(patient.latent, name, 0)
        if value >= level:
            labels = rules().latent_labels.get(name, [])
            hits.append((name, labels[value] if value < len(labels) else f"{name.replace('_', ' ')} (level {value})"))
    for kind, level in trigger.risk_at_least.items():
        risk = patient.profile.risk(kind)
        if risk is not None and _RISK_ORDER[risk.level] >= _RISK_ORDER[level]:
            hits.append((kind, f"{kind.replace('_', ' ')} risk {risk.level}"))
    if trigger.lace_at_least is not None and lace >= trigger.lace_at_least:
        hits.append(("lace", f"LACE {lace}"))
    return hits


def referral_for(patient: Patient, referral_id: str, *, discharge_today: bool = False) -> Referral:
    """The referral a patient makes: level (first trigger that holds), reason and tasks."""
    rl = rules()
    lace = _lace(patient)
    crisis = _trigger_hits(rl.triggers["crisis"], patient, lace)
    high = _trigger_hits(rl.triggers["high"], patient, lace)
    hits: list[tuple[str, str]] = []
    if crisis:
        level, hits = "crisis", crisis
    elif discharge_today:
        level = "discharge_today"
    elif high:
        level, hits = "high", high
    else:
        level = "routine"
    reasons = list(dict.fromkeys(text for _, text in hits))
    subject = patient.identity.pronouns.split("/")[0].strip().lower() or "they"
    kind = next((what for what, _ in hits if what in rl.reasons), None)
    if kind:
        reason = rl.reasons[kind].format(subject=subject)
    elif level == "discharge_today" or (level == "high" and any(what == "lace" for what, _ in hits)):
        reason = rl.reasons[level].format(lace=lace)
    else:
        top = max(patient.profile.needs, key=lambda n: n.severity)
        from sim.feedback.evidence import need_label  # noqa: PLC0415

        reason = rl.reasons["need"].format(need=need_label(top.domain).lower())
    kinds: list[TaskKind] = []
    if level == "crisis":
        kinds.append("crisis_response")
    kinds.append("assessment")
    if discharge_today or lace >= (rl.triggers["high"].lace_at_least or 99):
        kinds.append("discharge_planning")
    if any(n.severity >= rl.needs_family_meeting.get(n.domain, 99) for n in patient.profile.needs):
        kinds.append("family_meeting")
    tasks = [Task(kind=k, label=rl.tasks[k].label, minutes=rl.tasks[k].minutes) for k in kinds]
    doc = rl.tasks["documentation"]
    tasks.append(Task(kind="documentation", label=doc.label, minutes=doc.minutes + doc.per_other_task * len(kinds)))
    return Referral(id=referral_id, patient_id=patient.id, name=patient.identity.name, age=patient.identity.age,
                    reason=reason, lace=lace, discharge_today=discharge_today, level=level,
                    level_reasons=reasons, tasks=tasks)


def shift_from_patients(patients: list[Patient], *, unit: str = "med_surg", hours: float = 8,
                        discharge_today: list[bool] | None = None, seed: int | None = None) -> Shift:
    """A shift from given patients (referral ids R01, R02, ... in the order given)."""
    if unit not in settings():
        raise UnknownNameError("unit", unit, settings())
    if not 1 <= hours <= 24:
        raise SimValueError(f"hours must be between 1 and 24, got {hours!r}")
    flags = discharge_today or [False] * len(patients)
    if len(flags) != len(patients):
        raise SimValueError(f"discharge_today has {len(flags)} entries for {len(patients)} patients")
    width = max(2, len(str(len(patients))))
    referrals = [referral_for(p, f"R{i + 1:0{width}d}", discharge_today=d)
                 for i, (p, d) in enumerate(zip(patients, flags))]
    shift = Shift(unit=unit, hours=hours, seed=seed, referrals=referrals)
    shift._patients.update({r.id: p for r, p in zip(referrals, patients)})
    return shift


def _patient_for_slot(seed: int, slot: int, unit: str, crisis: bool, kind: str) -> Patient:
    """A generated patient for one slot of the shift, redrawn (up to 8 times) until its crisis
    status matches the slot's: the unit's mix in triage.yaml decides the share of crises."""
    import numpy as np  # noqa: PLC0415

    from sim import generate_patient  # noqa: PLC0415

    patient = None
    for attempt in range(8):
        derived = int(np.random.SeedSequence([seed, slot, attempt]).generate_state(1)[0] & 0x7FFFFFFF)
        patient = generate_patient(derived, setting=unit, **({"risks": [kind]} if crisis else {}))
        if bool(_trigger_hits(rules().triggers["crisis"], patient, 0)) == crisis:
            return patient
    assert patient is not None
    return patient


def make_shift(n: int, seed: int, unit: str = "med_surg", hours: float = 8) -> Shift:
    """N referrals on ``unit`` for a shift of ``hours``, all decided by ``seed``.

    Each patient comes from :func:`sim.generate_patient` with the unit as its setting. The unit's
    mix in ``triage.yaml`` decides how many slots are crises (rounded share of ``n``; a crisis risk
    is asked of the generator, other slots are redrawn if the patient drawn is in crisis) and how
    many patients go home today; the seed decides which.
    """
    import numpy as np  # noqa: PLC0415

    if not isinstance(n, int) or isinstance(n, bool) or not 1 <= n <= 40:
        raise SimValueError(f"n must be a whole number of referrals from 1 to 40, got {n!r}")
    if unit not in settings():
        raise UnknownNameError("unit", unit, settings())
    mix = rules().units.get(unit, rules().units["default"])
    rng = np.random.default_rng(seed)
    crisis = np.zeros(n, dtype=bool)
    crisis[rng.choice(n, size=int(round(n * mix.crisis)), replace=False)] = True
    going_home = np.zeros(n, dtype=bool)
    going_home[rng.choice(n, size=int(round(n * mix.discharge_today)), replace=False)] = True
    kinds = rng.choice(["suicide", "ipv"], size=n)
    patients = [_patient_for_slot(seed, i, unit, bool(crisis[i]), str(kinds[i])) for i in range(n)]
    return shift_from_patients(patients, unit=unit, hours=hours, discharge_today=[bool(x) for x in going_home],
                               seed=seed)


# ----------------------------------------------------------------------------- scoring a shift

class ReferralOutcome(BaseModel):
    """What happened to one referral in the simulated shift."""

    model_config = ConfigDict(extra="forbid")
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


class TriageResult(BaseModel):
    """The simulated shift and its score (0-100, relative to the reference order)."""

    model_config = ConfigDict(extra="forbid")
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
        for o in self.outcomes:
            if o.id == referral_id:
                return o
        raise UnknownNameError("referral", referral_id, [o.id for o in self.outcomes])

    def markdown(self) -> str:
        """The result as Markdown: score, totals, then one line per referral."""
        icons = {"praise": "✔", "missed": "✘", "warning": "•", "error": "⚠"}
        lines = [f"**Triage: {self.score:g} / {self.max_score:g}**", "",
                 f"Time used {self.minutes_used} of {self.budget_minutes} minutes; documentation backlog "
                 f"{self.backlog_minutes} minutes; harm events {self.harm_events}.", ""]
        lines += [f"- {icons[i.kind]} {i.message}" for i in self.items]
        return "\n".join(lines) + "\n"

    def html(self) -> str:
        """The result as an HTML fragment (all text escaped)."""
        import html as _html  # noqa: PLC0415

        esc = _html.escape
        parts = ['<div class="sim-triage">', f"<p><strong>Triage: {self.score:g} / {self.max_score:g}</strong></p>",
                 f"<p>Time used {self.minutes_used} of {self.budget_minutes} minutes; documentation backlog "
                 f"{self.backlog_minutes} minutes; harm events {self.harm_events}.</p><ul>"]
        parts += [f'<li class="sim-{i.kind}">{esc(i.message)}</li>' for i in self.items]
        parts.append("</ul></div>")
        return "\n".join(parts)


def _check_order(shift: Shift, order: list[str], minutes: dict[str, int] | None) -> None:
    known = [r.id for r in shift.referrals]
    problems: list[str] = []
    if isinstance(order, str) or not isinstance(order, list | tuple):
        raise TriageError(f"order must be a list of referral ids such as {known[:3]}, got {order!r}")
    from sim.errors import did_you_mean  # noqa: PLC0415

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
            items.append(FeedbackItem(category="triage", kind="missed", earned=o.credit, possible=o.weight,
                                      message=f"{head}: {when}, {late} minutes after the {window}-minute window.{harm}"))
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
                                          f"(the documentation burden of seeds/002)."))
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
        minutes = dict(zip(order, minutes)) if isinstance(order, list | tuple) else {}
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
    if ref_points > 0:
        score = 100.0 * max(0.0, points) / ref_points
    else:
        score = 100.0 if points >= ref_points else 0.0
    return TriageResult(score=round(min(100.0, score), 1), points=round(points, 3),
                        reference_points=round(ref_points, 3), reference_order=ref_order, minutes_used=used,
                        budget_minutes=shift.budget_minutes, backlog_minutes=backlog,
                        harm_events=sum(1 for o in outcomes if o.harm), outcomes=outcomes,
                        items=_messages(shift, outcomes, backlog))
