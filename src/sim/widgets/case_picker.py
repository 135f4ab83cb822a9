"""The case picker: a library case by title, or a patient generated from the student's seed
(:func:`sim.cases.pick.pick_case`). The chosen case is ``picker.case``; other widgets are built from it."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.seeds import seed_problem
from sim.widgets.common import ShowsWidget, button, error_html, esc

if TYPE_CHECKING:
    from sim.model.case import Case


class CasePicker(ShowsWidget):
    """Choose a case: a drop-down of the library and "a generated patient from my seed".

    Args:
        case_id: the case chosen at first (None: generated from ``seed``).
        seed: the seed at first.
        on_load: called with the new case after each successful load.

    Attributes:
        widget: the container (class ``sim-case-picker``).
        choice: Dropdown of (title, case id), "" for a generated patient; seed: BoundedIntText;
            load_button: "Load case".
        status: HTML line naming the case loaded, or an error.
        case: the case loaded (None until a load succeeds).
    """

    def __init__(self, case_id: str | None = None, seed: int = 0,
                 on_load: Callable[[Case], Any] | None = None) -> None:
        import ipywidgets as w

        from sim.cases.pick import case_menu

        menu = [(label, cid or "") for label, cid in case_menu()]   # "" = generated (None shows no label)
        self.on_load = on_load
        self.case: Case | None = None
        ids = [cid for _, cid in menu]
        notices = []
        if case_id and case_id not in ids:
            from sim.errors import did_you_mean

            notices.append(f"there is no library case {case_id!r}{did_you_mean(case_id, [i for i in ids if i])}; "
                           "showing a patient generated from the seed instead. Choose a case in the list "
                           "(or fix case_id) and press Load case.")
        problem = seed_problem(seed, maximum=2**31 - 1)
        if problem is not None:
            notices.append(f"{problem}; using 0.")
            seed = 0
        self.choice = w.Dropdown(options=menu, value=case_id if case_id in ids else "", description="Case",
                                 layout=w.Layout(width="640px"))
        self.seed = w.BoundedIntText(value=seed, min=0, max=2**31 - 1, description="Seed")
        self.load_button = button(w, "Load case", button_style="primary", icon="folder-open",
                                  tooltip="Load the chosen case (or generate a patient from the seed)")
        self.load_button.on_click(lambda _b: self.load())
        self.status = w.HTML("")
        self.widget = w.VBox([w.HBox([self.choice, self.seed, self.load_button]), self.status])
        self.widget.add_class("sim-case-picker")
        self.load()
        if notices:
            self.status.value = "".join(error_html(n) for n in notices) + self.status.value

    def load(self) -> None:
        """Load the chosen case (the button); errors are shown inline."""
        from sim.cases.pick import pick_case

        try:
            case = pick_case(self.choice.value or None, seed=self.seed.value)
        except SimError as exc:
            self.status.value = error_html(str(exc))
            return
        self.case = case
        self.status.value = f"<p>Loaded <b>{esc(case.title)}</b> (<code>{esc(case.id)}</code>), a synthetic case.</p>"
        if self.on_load is not None:
            self.on_load(case)
