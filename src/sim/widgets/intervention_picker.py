"""The intervention picker: the twelve interventions of
Gumban, "Social Work Interventions", Carepatron 2024 with their descriptions, the
crisis and critical actions, and the catalogue's contraindication and prerequisite rules shown
as soon as a choice breaks one. All logic is in :class:`sim.widgets.drafts.InterventionDraft`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.model.blocks import Line, lines_html
from sim.widgets.common import (
    STYLE,
    ShowsFeedback,
    error_html,
    esc,
)
from sim.widgets.drafts import InterventionDraft, labels

if TYPE_CHECKING:
    from sim.feedback import Feedback
    from sim.model.case import Case

_ANY_NEED = "(no particular need)"


class InterventionPicker(ShowsFeedback):
    """Choose interventions (each for a need, counseling in a format) and crisis actions.

    Attributes:
        widget: the container (class ``sim-intervention-picker``).
        draft: the widget-free :class:`InterventionDraft`.
        boxes, needs, formats: intervention id -> Checkbox, need Dropdown, format Dropdown (or None);
            in the drop-downs "" means "not stated" (ipywidgets shows no label for a None value).
        action_boxes: action id -> Checkbox.
        warnings: HTML widget with contraindications and missing prerequisites (updated on every change).
        check_button: "Check my choices".
        output: the HTML feedback area (class ``sim-feedback``); ``feedback_html`` is its value.
        result: the last :class:`Feedback`, or None.
    """

    def __init__(self, case: Case) -> None:
        import ipywidgets as w

        from sim.model.taxonomy import taxonomy
        from sim.practice.interventions import catalogue

        tx = taxonomy()
        self.draft = InterventionDraft(case)
        self.result: Feedback | None = None
        need_options = [(_ANY_NEED, "")] + [(d.label, k) for k, d in tx.domains.items()]
        self.boxes: dict[str, Any] = {}
        self.needs: dict[str, Any] = {}
        self.formats: dict[str, Any] = {}
        rows: list[Any] = []
        for iv_id, iv in catalogue().items():
            box = w.Checkbox(value=False, description=iv.label, indent=False, layout=w.Layout(width="330px"))
            need = w.Dropdown(options=need_options, value="", description="for", style=STYLE,
                              layout=w.Layout(width="330px"))
            parts = [box, need]
            fmt = None
            if iv.variants:
                fmt = w.Dropdown(options=[("format: not stated", "")] + [(v, v) for v in iv.variants],
                                 value="", description="Format", style=STYLE, layout=w.Layout(width="220px"))
                parts.append(fmt)
            for control in parts:
                control.observe(self._changed, names="value")
            self.boxes[iv_id], self.needs[iv_id], self.formats[iv_id] = box, need, fmt
            rows.append(w.VBox([w.HBox(parts), w.HTML(
                f"<div style='margin:0 0 6px 24px;font-size:90%'>{esc(iv.description)} "
                f"<i>Time: about {iv.time_minutes} min.</i></div>")]))
        self.action_boxes: dict[str, Any] = {}
        action_rows = []
        for action, spec in labels().actions.items():
            box = w.Checkbox(value=False, description=spec.label, indent=False, layout=w.Layout(width="380px"))
            box.observe(self._changed, names="value")
            self.action_boxes[action] = box
            action_rows.append(w.HBox([box, w.HTML(f"<span style='font-size:90%'>{esc(spec.why)}</span>")]))
        self.warnings = w.HTML("")
        self.warnings.add_class("sim-warnings")
        self.check_button = self.feedback_controls(
            w, "Check my choices", "Compare your interventions and actions with the case", self.check)
        self.widget = w.VBox([
            w.HTML("<h3>Interventions</h3><p>Tick the interventions this patient needs and say which need "
                   "each one serves. Synthetic patient.</p>"), *rows,
            w.HTML("<h3>Crisis and critical actions</h3><p>Actions that must happen, often today, "
                   "whatever else the plan holds.</p>"), *action_rows,
            self.warnings, self.check_button, self.output,
        ])
        self.widget.add_class("sim-intervention-picker")

    def sync(self) -> None:
        """Copy every control into the draft (raises SimError for a value the engine refuses)."""
        for iv_id, box in self.boxes.items():
            fmt = self.formats[iv_id]
            self.draft.choose(iv_id, box.value, self.needs[iv_id].value or None,
                              (fmt.value or None) if fmt is not None else None)
        for action, box in self.action_boxes.items():
            self.draft.set_action(action, box.value)

    def _changed(self, _change: Any = None) -> None:
        try:
            self.sync()
            found, unmet = self.draft.contraindications()
        except SimError as exc:
            self.warnings.value = error_html(str(exc))
            return
        lines = [Line(kind="missed", text=f"Contraindicated: {c.label}. {c.reason} (source: {c.source})")
                 for c in found]
        lines += [Line(kind="warning", text=u.text) for u in unmet]
        self.warnings.value = (f"<div role='status'><b>Check before you go on</b>{lines_html(lines)}</div>"
                               if lines else "")

    def check(self) -> None:
        """Show feedback on the interventions and critical actions (the button)."""
        def check() -> Feedback:
            self.sync()
            return self.draft.check()
        self.show_result(check)
