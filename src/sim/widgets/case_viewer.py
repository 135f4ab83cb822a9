"""The student's view of a case: demographics, referral, chart excerpt, collateral contacts and
the opening statement (:func:`sim.cases.render_student`). It never holds the key."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.widgets.common import ShowsWidget, esc

if TYPE_CHECKING:
    from sim.model.case import Case


class CaseViewer(ShowsWidget):
    """Show a case as the student meets it.

    Attributes:
        widget: the container (class ``sim-case-viewer``).
        html: the HTML widget with the rendered case.
        case_id, title: of the case shown (the case itself is not kept, so the key is not one
            attribute away from the student's view).
    """

    def __init__(self, case: Case) -> None:
        import ipywidgets as w

        from sim.cases.render import render_student

        self.case_id, self.title = case.id, case.title
        self.html = w.HTML(render_student(case, "html"), description="Case")
        self.widget = w.VBox([w.HTML(f"<p><i>Case <code>{esc(case.id)}</code>: synthetic, for teaching."
                                     "</i></p>"), self.html])
        self.widget.add_class("sim-case-viewer")
