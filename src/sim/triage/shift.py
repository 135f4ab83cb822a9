"""A shift: N referrals on one unit, each with a risk level and tasks with time costs."""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import PrivateAttr

from sim.errors import SimValueError, UnknownNameError, find_by_id
from sim.model.base import TableModel
from sim.model.taxonomy import settings
from sim.triage.rules import _RISK_ORDER, Level, TaskKind, Trigger, rules

if TYPE_CHECKING:
    from sim.model import Patient
    from sim.model.case import Case


class Task(TableModel):
    kind: TaskKind
    label: str
    minutes: int


class Referral(TableModel):
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


class Shift(TableModel):
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
        from sim.cases import from_patient

        return from_patient(self.patient(referral_id), case_id=f"shift-{self.unit}-{referral_id.lower()}")

    @property
    def budget_minutes(self) -> int:
        return int(round(self.hours * 60))

    @property
    def minutes_needed(self) -> int:
        return sum(r.minutes_needed for r in self.referrals)

    def referral(self, referral_id: str) -> Referral:
        return find_by_id(self.referrals, referral_id, "referral")

    def board(self) -> list[dict[str, object]]:
        """What the student sees: one row per referral, without the triage key."""
        return [{"id": r.id, "name": r.name, "age": r.age, "reason": r.reason, "LACE": r.lace,
                 "discharge today": r.discharge_today, "minutes needed": r.minutes_needed} for r in self.referrals]

    def markdown(self) -> str:
        """The board as a Markdown table (synthetic patients)."""
        lines = [
            f"**{self.unit} shift: {self.hours:g} hours ({self.budget_minutes} minutes) for "
            f"{self.minutes_needed} minutes of work** (synthetic patients)",
            "",
            "| id | patient | age | referral | LACE | discharge today | minutes |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in self.referrals:
            lines.append(f"| {r.id} | {r.name} | {r.age} | {r.reason} | {r.lace} | "
                         f"{'yes' if r.discharge_today else ''} | {r.minutes_needed} |")
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- building a shift

def _lace(patient: Patient) -> int:
    from sim.instruments import lace

    med = patient.medical
    total = lace(los_days=med.length_of_stay_days, emergent=med.admission_type == "emergent",
                 charlson=med.charlson_index, ed_visits=med.ed_visits_6mo).total
    return total or 0


def _trigger_hits(trigger: Trigger, patient: Patient, lace: int) -> list[tuple[str, str]]:
    """(what fired: latent name, risk kind or "lace", reason in words) for each part that holds."""
    hits = []
    for name, level in trigger.latent_at_least.items():
        value = getattr(patient.latent, name, 0)
        if value >= level:
            labels = rules().latent_labels.get(name, [])
            hits.append((name, labels[value] if value < len(labels) else f"{name.replace('_', ' ')} (level {value})"))
    for kind, min_level in trigger.risk_at_least.items():
        risk = patient.profile.risk(kind)
        if risk is not None and _RISK_ORDER[risk.level] >= _RISK_ORDER[min_level]:
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
        from sim.feedback.evidence import need_label

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
                 for i, (p, d) in enumerate(zip(patients, flags, strict=False))]
    shift = Shift(unit=unit, hours=hours, seed=seed, referrals=referrals)
    shift._patients.update({r.id: p for r, p in zip(referrals, patients, strict=False)})
    return shift


def _patient_for_slot(seed: int, slot: int, unit: str, crisis: bool, kind: str) -> Patient:
    """A generated patient for one slot of the shift, redrawn (up to 8 times) until its crisis
    status matches the slot's: the unit's mix in triage.yaml decides the share of crises."""
    import numpy as np

    from sim.generate import generate_patient

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
    import numpy as np

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
