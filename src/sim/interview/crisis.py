"""Crisis paths of an interview: which disclosures start a path, which actions it requires, and
whether each was taken (and when). Rules come from ``sim/data/interview/crisis.yaml``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args

from pydantic import Field, model_validator

from sim.model.base import TableModel
from sim.model.blocks import Kind, Line
from sim.model.case import Case, HiddenFact
from sim.model.taxonomy import need_domains, risk_kinds
from sim.tables import cached_table

Status = Literal["met", "missed", "pending"]
STATUS_KINDS: dict[str, Kind] = {"met": "praise", "missed": "missed", "pending": "warning"}
"""The kind of feedback line each status of a crisis action is."""


class CrisisPath(TableModel):
    label: str
    required: list[str]
    need_domains: list[str] = Field(default_factory=list)
    risk: str | None = None
    risk_levels: list[str] = Field(default_factory=list)
    reveals_risks: list[str] = Field(default_factory=list)
    reveal_levels: list[str] = Field(default_factory=list,
                                     description="a revealed risk starts the path only at these levels (empty: any)")
    on_start: Literal["interpreter_needed"] | None = None
    private_first: bool = False
    source: str


class CssrsResult(TableModel):
    risk: str
    summary: str


class CrisisFile(TableModel):
    paths: dict[str, CrisisPath]
    cssrs_starts_path: list[str]
    cssrs_high_requires: list[str]

    @model_validator(mode="after")
    def _known_names(self) -> CrisisFile:
        from sim.interview.bank import style_table

        actions = set(style_table().actions)
        literal = next(a for a in get_args(HiddenFact.model_fields["crisis"].annotation) if a is not type(None))
        crises = set(get_args(literal))
        for name, path in self.paths.items():
            bad = [a for a in [*path.required] if a not in actions]
            if bad:
                raise ValueError(f"path {name!r}: unknown action(s) {bad}; allowed: {sorted(actions)}")
            bad = [d for d in path.need_domains if d not in need_domains()]
            if bad:
                raise ValueError(f"path {name!r}: unknown need domain(s) {bad}")
            bad = [r for r in [*path.reveals_risks, *([path.risk] if path.risk else [])] if r not in risk_kinds()]
            if bad:
                raise ValueError(f"path {name!r}: unknown risk(s) {bad}; allowed: {risk_kinds()}")
            if path.on_start is None and name not in crises:
                raise ValueError(f"path {name!r} is not a HiddenFact crisis; allowed: {sorted(crises)}")
        bad = [a for a in self.cssrs_high_requires if a not in actions]
        if bad:
            raise ValueError(f"cssrs_high_requires: unknown action(s) {bad}; allowed: {sorted(actions)}")
        return self


crisis_table = cached_table("interview/crisis.yaml", CrisisFile, "The validated crisis-path rules (cached).")


class CrisisItem(TableModel):
    """One required action of a triggered crisis path, and how it went."""

    path: str
    label: str
    action: str
    triggered_minute: int
    deadline_minute: int | None = Field(default=None, description="from the case key's within_minutes")
    taken_minute: int | None = None
    status: Status
    note: str = ""

    def line(self) -> Line:
        """The item as a feedback line: met is praise, missed is missed, pending is a warning."""
        return Line(kind=STATUS_KINDS[self.status],
                    text=f"{self.label}: {self.action} {self.status}" + (f" ({self.note})" if self.note else ""))


class CrisisTracker:
    """Records triggered crisis paths and the actions taken; computes each item's status."""

    def __init__(self, case: Case, action_kinds: Mapping[str, str]) -> None:
        self._case = case
        self._table = crisis_table()
        self._kinds = action_kinds
        self.triggered: dict[str, int] = {}
        self.extra_required: dict[str, list[str]] = {}
        self.taken: dict[str, int] = {}
        if case.patient.identity.interpreter_needed:
            for name, path in self._table.paths.items():
                if path.on_start == "interpreter_needed":
                    self.triggered[name] = 0

    def copy(self) -> CrisisTracker:
        """An independent copy (so a failed call can leave the original unchanged)."""
        other = CrisisTracker.__new__(CrisisTracker)
        other._case, other._table, other._kinds = self._case, self._table, self._kinds
        other.triggered = dict(self.triggered)
        other.extra_required = {k: list(v) for k, v in self.extra_required.items()}
        other.taken = dict(self.taken)
        return other

    def trigger(self, path: str, minute: int) -> bool:
        """Start ``path`` at ``minute`` unless already started; True if newly started."""
        if path in self._table.paths and path not in self.triggered:
            self.triggered[path] = minute
            return True
        return False

    def on_facts(self, facts: list[tuple[str, str]], minute: int) -> list[str]:
        """Start the paths that a reply's asserted facts call for; return the newly started."""
        started: list[str] = []
        hidden = {f.id: f for f in self._case.hidden_facts}
        for kind, ref in facts:
            if kind == "fact" and ref in hidden:
                fact = hidden[ref]
                names: list[str] = [fact.crisis] if fact.crisis else []
                names += [n for n, p in self._table.paths.items()
                          if fact.reveals_risk and fact.reveals_risk in p.reveals_risks
                          and self._revealed_level_ok(p, fact.reveals_risk)]
                names += [n for n, p in self._table.paths.items()
                          if fact.reveals_need in p.need_domains and self._risk_ok(p)]
            elif kind == "need":
                names = [n for n, p in self._table.paths.items() if ref in p.need_domains and self._risk_ok(p)]
            else:
                continue
            started += [n for n in names if n and self.trigger(n, minute)]
        return started

    def _revealed_level_ok(self, path: CrisisPath, kind: str) -> bool:
        if not path.reveal_levels:
            return True
        risk = self._case.patient.profile.risk(kind)
        return risk is not None and risk.level in path.reveal_levels

    def _risk_ok(self, path: CrisisPath) -> bool:
        if path.risk is None:
            return True
        risk = self._case.patient.profile.risk(path.risk)
        return risk is not None and risk.level in path.risk_levels

    def cssrs(self, minute: int, seed: int) -> CssrsResult:
        """Administer the C-SSRS screener (answers and scoring from :mod:`sim.instruments`);
        a moderate or high result starts the suicide path, a high one adds its extra actions."""
        from sim.instruments import respond, score

        patient = self._case.patient
        answers = patient.responses.get("cssrs_screener")
        if not isinstance(answers, dict):
            answers = respond(patient, "cssrs_screener", seed=seed)
        result = score("cssrs_screener", answers)
        risk = result.band or "none"
        yes = [q.lstrip("q") for q, a in result.answers.items() if a == "yes"]
        summary = (f"Yes to item{'s' if len(yes) > 1 else ''} {', '.join(yes)} of 6." if yes
                   else "No to every screener question.")
        if result.next_steps:
            summary += " " + " ".join(step.rstrip(".") + "." for step in result.next_steps)
        if risk in self._table.cssrs_starts_path:
            self.trigger("suicidal_ideation", minute)
        if risk == "high":
            extra = self.extra_required.setdefault("suicidal_ideation", [])
            extra += [a for a in self._table.cssrs_high_requires if a not in extra]
        return CssrsResult(risk=risk, summary=summary)

    def status(self, now: int, ended: bool) -> list[CrisisItem]:
        """Every required action of every triggered path, with status met, missed or pending."""
        deadlines: dict[str, int | None] = {a.kind: a.within_minutes for a in self._case.key.critical_actions}
        items: list[CrisisItem] = []
        for name, minute in sorted(self.triggered.items(), key=lambda kv: (kv[1], kv[0])):
            path = self._table.paths[name]
            for action in [*path.required, *self.extra_required.get(name, [])]:
                deadline = deadlines.get(self._kinds.get(action, action))
                taken = self.taken.get(action)
                note = ""
                if taken is not None and (deadline is None or taken <= deadline):
                    status: Status = "met"
                elif taken is not None:
                    status, note = "missed", f"taken at minute {taken}, after the {deadline}-minute limit"
                elif ended or (deadline is not None and now > deadline):
                    status, note = "missed", "not taken"
                else:
                    status = "pending"
                items.append(CrisisItem(path=name, label=path.label, action=action, triggered_minute=minute,
                                        deadline_minute=deadline, taken_minute=taken, status=status, note=note))
        return items
