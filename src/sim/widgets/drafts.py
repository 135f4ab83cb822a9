"""Widget-free state behind the lesson widgets: what the student has entered so far, turned into
the engine's inputs (assessment and care-plan dicts, a note, a triage order) and checked by the
engine. The GUI classes only copy control values in and show what these return.

Labels for crisis actions and discharge dispositions come from ``sim/data/lesson_labels.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from sim.errors import SimValueError, UnknownNameError
from sim.model.taxonomy import DISPOSITIONS
from sim.practice.dispositions import labels

if TYPE_CHECKING:
    from sim.feedback import Feedback
    from sim.model.case import Case
    from sim.notes import NoteReview
    from sim.outcomes import OutcomeResult
    from sim.practice.interventions import Contraindication, UnmetPrerequisite
    from sim.practice.resources import MatchResult
    from sim.triage import Shift, TriageResult

RISK_LEVELS = ("none", "low", "moderate", "high")


def split_lines(text: str) -> list[str]:
    """Non-empty lines (or semicolon-separated parts) of a free-text box, stripped."""
    parts = [p.strip(" -*\t") for line in text.splitlines() for p in line.split(";")]
    return [p for p in parts if p]


# --------------------------------------------------------------------------- assessment

@dataclass
class AssessmentDraft:
    """The assessment being written: needs, risks, strengths, formulation.

    Attributes:
        needs: need domain -> (severity 1-3, evidence) for each need ticked.
        risks: risk kind -> (level, evidence) for each risk above "none".
        strengths: free text, one strength a line.
        formulation: free text.
    """

    case: Case
    needs: dict[str, tuple[int, str]] = field(default_factory=dict)
    risks: dict[str, tuple[str, str]] = field(default_factory=dict)
    strengths: str = ""
    formulation: str = ""

    def set_need(self, domain: str, ticked: bool, severity: int = 2, evidence: str = "") -> None:
        """Tick (or untick) a need domain with its severity and evidence."""
        from sim.model.taxonomy import need_domains

        if domain not in need_domains():
            raise UnknownNameError("need domain", domain, need_domains())
        if not ticked:
            self.needs.pop(domain, None)
            return
        if severity not in (1, 2, 3):
            raise SimValueError(f"severity must be 1 (mild), 2 (moderate) or 3 (severe), got {severity!r}")
        self.needs[domain] = (severity, evidence.strip())

    def set_risk(self, kind: str, level: str, evidence: str = "") -> None:
        """Set a risk's level ("none" removes it)."""
        from sim.model.taxonomy import risk_kinds

        if kind not in risk_kinds():
            raise UnknownNameError("risk", kind, risk_kinds())
        if level not in RISK_LEVELS:
            raise UnknownNameError("risk level", level, RISK_LEVELS)
        if level == "none":
            self.risks.pop(kind, None)
        else:
            self.risks[kind] = (level, evidence.strip())

    def to_dict(self) -> dict[str, Any]:
        """The assessment as the plain dict :func:`sim.feedback.assess` takes."""
        return {
            "needs": [{"domain": d, "severity": s, "evidence": e} for d, (s, e) in self.needs.items()],
            "risks": [{"kind": k, "level": lv, "evidence": e} for k, (lv, e) in self.risks.items()],
            "strengths": split_lines(self.strengths),
            "formulation": self.formulation.strip(),
        }

    def check(self) -> Feedback:
        """Feedback on the assessment from :func:`sim.feedback.assess`."""
        from sim.feedback import assess

        return assess(self.case, self.to_dict())


# --------------------------------------------------------------------------- interventions

@dataclass
class InterventionDraft:
    """Interventions chosen (each for a need, optionally with a format) and crisis actions."""

    case: Case
    chosen: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)

    def choose(self, intervention: str, ticked: bool, need: str | None = None,
               variant: str | None = None) -> None:
        """Tick (or untick) an intervention, for a need domain and in a format (counseling)."""
        from sim.practice.interventions import get

        iv = get(intervention)
        if variant is not None and variant not in iv.variants:
            raise UnknownNameError(f"format of {iv.label}", variant, iv.variants)
        if ticked:
            self.chosen[intervention] = (need, variant)
        else:
            self.chosen.pop(intervention, None)

    def set_action(self, action: str, ticked: bool) -> None:
        """Tick (or untick) a crisis or critical action."""
        if action not in labels().actions:
            raise UnknownNameError("critical action", action, labels().actions)
        if ticked and action not in self.actions:
            self.actions.append(action)
        elif not ticked and action in self.actions:
            self.actions.remove(action)

    def to_dict(self) -> dict[str, Any]:
        """The choices as a partial care-plan dict (interventions and actions)."""
        ivs = []
        for iv, (need, variant) in self.chosen.items():
            item: dict[str, Any] = {"intervention": iv}
            if need:
                item["need"] = need
            if variant:
                item["variant"] = variant
            ivs.append(item)
        return {"interventions": ivs, "actions": list(self.actions)}

    def contraindications(self) -> tuple[list[Contraindication], list[UnmetPrerequisite]]:
        """Contraindications the choices break, and prerequisites they lack (the catalogue's rules)."""
        from sim.practice.interventions import contraindications, unmet_prerequisites
        from sim.practice.plan import parse_plan

        plan, _ = parse_plan(self.to_dict())
        return contraindications(self.case, plan), unmet_prerequisites(self.case, plan)

    def check(self) -> Feedback:
        """Feedback on the intervention and critical-action parts of a plan only, scored by
        :func:`sim.feedback.review_plan` over those parts."""
        from sim.feedback import review_plan

        return review_plan(self.case, self.to_dict(), categories=PICKER_CATEGORIES)


PICKER_CATEGORIES = ("interventions", "critical actions", "plan input")


# --------------------------------------------------------------------------- care plan

@dataclass
class PlanDraft:
    """A care plan under construction: goals, referrals, discharge, follow-up, plus the
    interventions and actions of an :class:`InterventionDraft`."""

    case: Case
    interventions: InterventionDraft | None = None
    goals: list[dict[str, Any]] = field(default_factory=list)
    referrals: list[dict[str, str]] = field(default_factory=list)
    discharge: str | None = None
    follow_up_days: int | None = None
    start: date | None = None

    def add_goal(self, need: str, description: str, measure: str, target_date: date | None,
                 responsible: str = "social worker") -> None:
        """Add a SMART goal; an incomplete goal is refused with the part that is missing."""
        from sim.model.taxonomy import need_domains

        if need not in need_domains():
            raise UnknownNameError("need domain", need, need_domains())
        if len(description.strip()) < 3:
            raise SimValueError("describe the goal (specific: what will change?) before adding it")
        if len(measure.strip()) < 3:
            raise SimValueError("give the goal a measure (measurable: e.g. 'PHQ-9 below 10')")
        if target_date is None:
            raise SimValueError("give the goal a target date (time-bound: pick a date)")
        self.goals.append({"need": need, "description": description.strip(), "measure": measure.strip(),
                           "target_date": target_date, "responsible": responsible.strip() or "social worker"})

    def remove_goal(self, index: int) -> None:
        """Remove goal number ``index`` (0-based)."""
        if not 0 <= index < len(self.goals):
            raise SimValueError(f"there is no goal {index + 1}; the plan has {len(self.goals)}")
        del self.goals[index]

    def resources(self, need: str) -> MatchResult:
        """The directory's resources for ``need``, eligible first, the rest with reasons."""
        from sim.practice.resources import match

        return match(self.case, need)

    def add_referral(self, resource: str, need: str) -> None:
        """Refer to a resource for a need (refused when the resource does not serve that need)."""
        from sim.practice.resources import get

        r = get(resource)
        if need not in r.needs:
            raise SimValueError(f"{r.short_name} does not serve {need!r}; it serves {', '.join(r.needs)}")
        item = {"resource": resource, "need": need}
        if item not in self.referrals:
            self.referrals.append(item)

    def remove_referral(self, resource: str) -> None:
        """Remove every referral to ``resource``."""
        self.referrals = [r for r in self.referrals if r["resource"] != resource]

    def set_discharge(self, disposition: str | None) -> None:
        """Set the discharge disposition (None: no discharge in this setting)."""
        if disposition is not None and disposition not in DISPOSITIONS:
            raise UnknownNameError("discharge disposition", disposition, DISPOSITIONS)
        self.discharge = disposition

    def to_dict(self) -> dict[str, Any]:
        """The care plan as the plain dict :func:`sim.feedback.review_plan` takes."""
        plan: dict[str, Any] = dict(self.interventions.to_dict()) if self.interventions else {}
        plan["goals"] = [dict(g) for g in self.goals]
        plan["referrals"] = [dict(r) for r in self.referrals]
        plan["problems"] = [g["description"] for g in self.goals]
        if self.discharge:
            plan["discharge"] = self.discharge
        if self.follow_up_days:
            plan["follow_up_days"] = self.follow_up_days
        return plan

    def check(self) -> Feedback:
        """Feedback on the whole plan from :func:`sim.feedback.review_plan`."""
        from sim.feedback import review_plan

        return review_plan(self.case, self.to_dict())

    def simulate(self, n: int = 2000, seed: int = 0) -> dict[str, OutcomeResult]:
        """Simulated follow-up of this plan, of no plan and of the reference plan (same seed)."""
        from sim.outcomes import simulate
        from sim.practice.expert import reference_plan

        return {"your plan": simulate(self.case, self.to_dict(), n=n, seed=seed),
                "no plan": simulate(self.case, None, n=n, seed=seed),
                "reference plan": simulate(self.case, reference_plan(self.case, start=self.start), n=n, seed=seed)}


# --------------------------------------------------------------------------- notes

@dataclass
class NoteDraft:
    """A note in one format, section by section."""

    fmt: str = "dap"
    case: Case | None = None
    sections: dict[str, str] = field(default_factory=dict)

    def section_specs(self) -> list[Any]:
        """The sections of the format (id, label, guidance), from ``notes.yaml``."""
        from sim.notes import rules

        key = str(self.fmt).strip().lower()
        if key not in rules().formats:
            raise UnknownNameError("note format", self.fmt, rules().formats)
        return list(rules().formats[key].sections)

    def set_format(self, fmt: str) -> None:
        """Switch format; text of sections with the same id is kept."""
        old, self.fmt = self.fmt, fmt
        try:
            ids = {s.id for s in self.section_specs()}
        except UnknownNameError:
            self.fmt = old
            raise
        self.sections = {k: v for k, v in self.sections.items() if k in ids}

    def check(self) -> NoteReview:
        """Section-by-section review from :func:`sim.notes.check_note`."""
        from sim.notes import check_note

        return check_note({k: v for k, v in self.sections.items() if v.strip()}, self.fmt, case=self.case)


# --------------------------------------------------------------------------- caseload triage

@dataclass
class ShiftDraft:
    """The order (a position per referral, 0 = not seen this shift) and minutes per referral."""

    shift: Shift
    positions: dict[str, int] = field(default_factory=dict)
    minutes: dict[str, int] = field(default_factory=dict)

    def order(self) -> list[str]:
        """Referral ids by position; two referrals in one position is an error naming both."""
        by_pos: dict[int, str] = {}
        for rid, pos in self.positions.items():
            if not pos:
                continue
            if pos in by_pos:
                raise SimValueError(f"{by_pos[pos]} and {rid} are both in position {pos}; give each "
                                    "referral its own position, or 'not this shift' (0) to leave it for tomorrow")
            by_pos[pos] = rid
        return [by_pos[p] for p in sorted(by_pos)]

    def run(self) -> TriageResult:
        """Simulate the shift with :func:`sim.triage.score_shift`."""
        from sim.triage import score_shift

        order = self.order()
        if not order:
            raise SimValueError("put at least one referral in order (position 1 is seen first)")
        minutes = {rid: m for rid, m in self.minutes.items() if rid in order}
        return score_shift(self.shift, order, minutes or None)
