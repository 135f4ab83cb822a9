"""The caseload board: a shift's referrals (:func:`sim.triage.make_shift`), an order and the
minutes for each, and "Run shift" to see :func:`sim.triage.score_shift`: who was seen in time,
what was left undone, harm and the documentation backlog. All logic is in
:class:`sim.widgets.drafts.ShiftDraft` and the triage engine."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.widgets.common import ShowsFeedback, error_html, esc
from sim.widgets.drafts import ShiftDraft

if TYPE_CHECKING:
    from sim.triage import Shift, TriageResult


class CaseloadBoard(ShowsFeedback):
    """A shift of referrals to put in order and give minutes to.

    Attributes:
        widget: the container (class ``sim-caseload-board``); ``draft`` the :class:`ShiftDraft`.
        positions: referral id -> Dropdown (0 = not this shift, 1 = seen first, ...).
        minutes: referral id -> BoundedIntText (minutes given; starts at the minutes needed).
        run_button: "Run shift"; output: the result area (class ``sim-feedback``); error;
        result: the last :class:`TriageResult`, or None.
    """

    def __init__(self, shift: Shift) -> None:
        import ipywidgets as w

        self.shift = shift
        self.draft = ShiftDraft(shift)
        self.result: TriageResult | None = None
        n = len(shift.referrals)
        order = [("not this shift", 0)] + [(str(i), i) for i in range(1, n + 1)]
        self.positions: dict[str, Any] = {}
        self.minutes: dict[str, Any] = {}
        rows = []
        for ref in shift.referrals:
            pos = w.Dropdown(options=order, value=0, description=f"Order for {ref.id}",
                             style={"description_width": "initial"}, layout=w.Layout(width="210px"))
            mins = w.BoundedIntText(value=ref.minutes_needed, min=0, max=shift.budget_minutes,
                                    description="minutes", style={"description_width": "initial"},
                                    layout=w.Layout(width="150px"))
            self.positions[ref.id], self.minutes[ref.id] = pos, mins
            tasks = "; ".join(f"{t.label} {t.minutes} min" for t in ref.tasks)
            home = " <b>Discharge today.</b>" if ref.discharge_today else ""
            info = w.HTML(f"<b>{esc(ref.id)}</b> {esc(ref.name)}, {ref.age}: {esc(ref.reason)}. LACE {ref.lace}.{home}"
                          f"<br><span style='font-size:85%'>Tasks: {esc(tasks)}</span>",
                          layout=w.Layout(width="560px"))
            rows.append(w.HBox([pos, mins, info], layout=w.Layout(border_bottom="1px solid #ddd")))
        self.run_button = self.feedback_controls(w, "Run shift", "Simulate the shift with your order and minutes",
                                                 self.run, icon="play")
        self.error = w.HTML("")
        header = (f"<h3>Caseload board: {esc(shift.unit.replace('_', ' '))}, {shift.hours:g} hours "
                  f"({shift.budget_minutes} minutes) for {shift.minutes_needed} minutes of work</h3>"
                  "<p>Give each referral a place in the order (1 is seen first; 'not this shift' leaves it for "
                  "tomorrow) and the minutes you will spend. Tasks are done in the order listed while your "
                  "minutes last; the shift ends when its time is up. Synthetic patients.</p>")
        self.widget = w.VBox([w.HTML(header), *rows, self.run_button, self.error, self.output])
        self.widget.add_class("sim-caseload-board")

    def set_order(self, order: list[str]) -> None:
        """Put the referrals in ``order`` (the others: not this shift), as the dropdowns would."""
        if isinstance(order, str):
            order = [order]
        self.error.value = ""
        for rid in self.positions:
            self.positions[rid].value = 0
        for index, rid in enumerate(order, start=1):
            if rid not in self.positions:
                self.error.value = error_html(f"unknown referral {rid!r}; on this shift: {', '.join(self.positions)}")
                return
            if self.positions[rid].value:
                self.error.value = error_html(f"{rid} is listed twice (positions {self.positions[rid].value} and "
                                              f"{index}); each patient is seen once")
                return
            self.positions[rid].value = index

    def run(self) -> None:
        """Simulate the shift and show the result (the Run shift button)."""
        def run() -> TriageResult:
            self.draft.positions = {rid: d.value for rid, d in self.positions.items()}
            self.draft.minutes = {rid: t.value for rid, t in self.minutes.items()}
            return self.draft.run()
        self.show_result(run, error=self.error)
