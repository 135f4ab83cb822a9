"""The psychosocial assessment form: needs (tick, severity, evidence), risks (level, evidence),
strengths and a formulation; "Check my assessment" shows :func:`sim.feedback.assess` inline.
All logic is in :class:`sim.widgets.drafts.AssessmentDraft`."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.widgets.common import (
    STYLE,
    ShowsFeedback,
)
from sim.widgets.drafts import RISK_LEVELS, AssessmentDraft

if TYPE_CHECKING:
    from sim.feedback import Feedback
    from sim.model.case import Case


class AssessmentForm(ShowsFeedback):
    """Needs, risks, strengths and formulation for a case, with immediate feedback.

    Attributes:
        widget: the container (class ``sim-assessment-form``).
        draft: the widget-free :class:`AssessmentDraft`.
        need_boxes, need_severity, need_evidence: need domain -> Checkbox, Dropdown, Text.
        risk_level, risk_evidence: risk kind -> Dropdown, Text.
        strengths, formulation: Textareas.
        check_button: "Check my assessment".
        output: the HTML widget with the feedback or an error (class ``sim-feedback``).
        result: the last :class:`Feedback`, or None.
    """

    def __init__(self, case: Case) -> None:
        import ipywidgets as w

        from sim.model.taxonomy import taxonomy

        tx = taxonomy()
        self.draft = AssessmentDraft(case)
        self.result: Feedback | None = None
        severities = [(f"{k} {v}", k) for k, v in tx.severity_scale.items() if k > 0]
        self.need_boxes: dict[str, Any] = {}
        self.need_severity: dict[str, Any] = {}
        self.need_evidence: dict[str, Any] = {}
        need_rows = []
        for domain, spec in tx.domains.items():
            box = w.Checkbox(value=False, description=spec.label, indent=False,
                             layout=w.Layout(width="420px"))
            sev = w.Dropdown(options=severities, value=2, description="Severity", style=STYLE,
                             layout=w.Layout(width="170px"), disabled=True)
            evid = w.Text(placeholder="evidence: what the patient said, a score, the chart",
                          description="Evidence", style=STYLE, layout=w.Layout(width="420px"), disabled=True)
            box.observe(self._need_ticked(domain), names="value")
            self.need_boxes[domain], self.need_severity[domain], self.need_evidence[domain] = box, sev, evid
            need_rows.append(w.HBox([box, sev, evid]))
        self.risk_level: dict[str, Any] = {}
        self.risk_evidence: dict[str, Any] = {}
        risk_rows = []
        for kind, label in tx.risks.items():
            level = w.Dropdown(options=list(RISK_LEVELS), value="none", description=label, style=STYLE,
                               layout=w.Layout(width="420px"))
            evid = w.Text(placeholder="evidence", description="Evidence", style=STYLE,
                          layout=w.Layout(width="420px"))
            self.risk_level[kind], self.risk_evidence[kind] = level, evid
            risk_rows.append(w.HBox([level, evid]))
        self.strengths = w.Textarea(placeholder="one strength a line, e.g. 'close to her sister'",
                                    description="Strengths", style=STYLE, layout=w.Layout(width="90%", height="80px"))
        self.formulation = w.Textarea(placeholder="how the person, the illness and the situation fit together",
                                      description="Formulation", style=STYLE,
                                      layout=w.Layout(width="90%", height="110px"))
        self.check_button = self.feedback_controls(
            w, "Check my assessment", "Compare your assessment with the case and explain each point", self.check)
        self.widget = w.VBox([
            w.HTML("<h3>Psychosocial assessment</h3><p>Tick each need you found, rate its severity and "
                   "say what tells you so. Synthetic patient.</p><h4>Needs</h4>"),
            *need_rows,
            w.HTML("<h4>Risks</h4>"), *risk_rows,
            w.HTML("<h4>Strengths and formulation</h4>"), self.strengths, self.formulation,
            self.check_button, self.output,
        ])
        self.widget.add_class("sim-assessment-form")

    def _need_ticked(self, domain: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            self.need_severity[domain].disabled = not change["new"]
            self.need_evidence[domain].disabled = not change["new"]
        return handler

    def check(self) -> None:
        """Copy the controls into the draft and show the feedback (the button)."""
        def check() -> Feedback:
            for domain, box in self.need_boxes.items():
                self.draft.set_need(domain, box.value, self.need_severity[domain].value,
                                    self.need_evidence[domain].value)
            for kind, level in self.risk_level.items():
                self.draft.set_risk(kind, level.value, self.risk_evidence[kind].value)
            self.draft.strengths = self.strengths.value
            self.draft.formulation = self.formulation.value
            return self.draft.check()
        self.show_result(check)
