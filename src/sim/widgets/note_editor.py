"""The note editor: a DAP, SOAP or BIRP note written section by section, each section in its own
text area with the guidance from ``sim/data/notes.yaml``; "Check note" shows
:func:`sim.notes.check_note` section by section. All logic is in
:class:`sim.widgets.drafts.NoteDraft`."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.widgets.common import ShowsFeedback, error_html, esc
from sim.widgets.drafts import NoteDraft

if TYPE_CHECKING:
    from sim.model.case import Case
    from sim.notes import NoteReview


class NoteEditor(ShowsFeedback):
    """Write a progress note in one format and check it section by section.

    Args:
        case: when given, the note is also checked for the case's needs, critical actions and
            identifying details.
        fmt: "dap", "soap" or "birp".

    Attributes:
        widget: the container (class ``sim-note-editor``); ``draft`` the :class:`NoteDraft`.
        format: ToggleButtons for the format.
        sections: section id -> Textarea (rebuilt when the format changes; shared ids keep their text).
        check_button: "Check note"; output: the feedback area (class ``sim-feedback``);
        result: the last :class:`NoteReview`, or None.
    """

    def __init__(self, case: Case | None = None, fmt: str = "dap") -> None:
        import ipywidgets as w

        from sim.notes import FORMATS

        self._w = w
        self.draft = NoteDraft(fmt=fmt, case=case)
        self.draft.section_specs()  # an unknown format is refused here, before any widget
        self.result: NoteReview | None = None
        labels = [(f.upper() if len(f) <= 4 else f.capitalize(), f) for f in FORMATS]  # DAP, ..., Psychosocial
        tips = {"soap": "Subjective, Objective, Assessment, Plan", "dap": "Data, Assessment, Plan",
                "birp": "Behavior, Intervention, Response, Plan",
                "psychosocial": "The full hospital psychosocial assessment: history, supports, finances, plan"}
        self.format = w.ToggleButtons(options=labels, value=self.draft.fmt.lower(), description="Note format",
                                      tooltips=[tips.get(f, f) for f in FORMATS])
        self.format.observe(self._format_changed, names="value")
        self.sections: dict[str, Any] = {}
        self.section_box = w.VBox([])
        self.check_button = self.feedback_controls(w, "Check note", "Check each section of the note", self.check)
        self.error = w.HTML("")
        self.widget = w.VBox([w.HTML("<h3>Progress note</h3><p>One box per section. Write in full sentences; "
                                     "quote the patient where it matters; leave out identifying details.</p>"),
                              self.format, self.section_box, self.check_button, self.error, self.output])
        self.widget.add_class("sim-note-editor")
        self._build_sections()

    def _build_sections(self) -> None:
        w = self._w
        old = {k: t.value for k, t in self.sections.items()}
        self.sections = {}
        rows = []
        for spec in self.draft.section_specs():
            area = w.Textarea(value=old.get(spec.id, ""), placeholder=spec.guidance, description=spec.label,
                              layout=w.Layout(width="95%", height="90px"), style={"description_width": "110px"})
            self.sections[spec.id] = area
            rows.append(w.VBox([w.HTML(f"<b>{esc(spec.label)}</b>: <span style='font-size:90%'>{esc(spec.guidance)}"
                                       f" (about {spec.min_words} words or more)</span>"), area]))
        self.section_box.children = rows

    def _format_changed(self, change: dict[str, Any]) -> None:
        try:
            self.draft.sections = {k: t.value for k, t in self.sections.items()}
            self.draft.set_format(change["new"])
        except SimError as exc:
            self.error.value = error_html(str(exc))
            return
        self.error.value = ""
        self._build_sections()

    def check(self) -> None:
        """Check the note and show section-by-section feedback (the button)."""
        def check() -> NoteReview:
            self.draft.sections = {k: t.value for k, t in self.sections.items()}
            return self.draft.check()
        self.show_result(check)
