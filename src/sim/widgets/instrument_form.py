"""A screening form built from an instrument's data file: a thin ipywidgets view of
:class:`sim.instruments.form.FormState` (all logic lives there)."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.instruments.form import FormState

if TYPE_CHECKING:
    from sim.instruments.scoring import ScoreResult
    from sim.model import Patient

_UNANSWERED = "(not answered)"
# ipywidgets 8 shows a Dropdown whose value is None as blank, so "not answered" is the empty string.
_NO_ANSWER = ""


class InstrumentForm:
    """One dropdown per item, "Let the patient answer", "Score", and the result shown at once.

    Attributes:
        widget: the ipywidgets container to display.
        state: the widget-free :class:`FormState`.
        controls: one control per item (or LACE component), in order.
        score_button, answer_button, clear_button: the buttons.
        output: the HTML widget showing the result or an error (never a traceback).
    """

    def __init__(self, instrument_id: str, patient: Patient | None = None, seed: int = 0) -> None:
        import ipywidgets as w

        self.state = FormState(instrument_id, patient=patient, seed=seed)
        defn = self.state.definition
        self._syncing = False
        style = {"description_width": "initial"}
        layout = w.Layout(width="auto")
        rows: list[Any] = []
        self.controls: list[Any] = []
        for index, spec in enumerate(self.state.fields()):
            if spec.kind == "number":
                control = w.FloatText(value=0, description=spec.label, style=style,
                                      tooltip=spec.text)
            elif spec.kind == "bool":
                control = w.Checkbox(value=False, description=spec.label, indent=False)
            elif spec.kind == "multiple":
                control = w.SelectMultiple(options=spec.choices, value=(), rows=len(spec.choices),
                                           description=spec.label, style=style, layout=layout,
                                           tooltip=spec.text)
            else:
                control = w.Dropdown(options=[(_UNANSWERED, _NO_ANSWER), *spec.choices], value=_NO_ANSWER,
                                     description=spec.label, style=style, layout=layout,
                                     tooltip=spec.text)
            control.observe(self._changed(index), names="value")
            self.controls.append(control)
            rows.append(w.VBox([w.HTML(f"<span class='sim-item-text'>{_escape(spec.text)}</span>"),
                                control], layout=w.Layout(margin="0 0 8px 0")))
        if defn.kind == "lace":  # chart values start at 0 / not emergent
            for index, control in enumerate(self.controls):
                self.state.set_answer(index, control.value)
        self.context_controls: dict[str, Any] = {}
        for key, values in self.state.context_choices().items():
            control = w.Dropdown(options=[(_UNANSWERED, _NO_ANSWER), *[(v.replace("_", " "), v) for v in values]],
                                 value=_NO_ANSWER, description=key.capitalize(), style=style)
            control.observe(self._context_changed(key), names="value")
            self.context_controls[key] = control
            rows.append(control)
        self.answer_button = w.Button(description="Let the patient answer", icon="user",
                                      disabled=patient is None,
                                      tooltip="Fill the form with the simulated patient's answers")
        self.score_button = w.Button(description="Score", button_style="primary", icon="check",
                                     tooltip=f"Score the {defn.short_name}")
        self.clear_button = w.Button(description="Clear", tooltip="Clear every answer")
        self.answer_button.on_click(lambda _: self._run(self.state.let_patient_answer, rescore=True))
        self.score_button.on_click(lambda _: self._run(lambda: None, rescore=True))
        self.clear_button.on_click(lambda _: self._run(self.state.clear, rescore=False))
        self.output = w.HTML(self.state.html())
        header = w.HTML(f"<h3>{_escape(defn.short_name)}: {_escape(defn.name)}</h3>"
                        f"<p>{_escape(defn.instructions)}</p>")
        self.widget = w.VBox([header, *rows, w.HBox([self.answer_button, self.score_button,
                                                     self.clear_button]), self.output])
        self._sync()

    @property
    def result(self) -> ScoreResult | None:
        """The last :class:`ScoreResult`, or None (not scored, or an error is shown)."""
        return self.state.result

    def set_answer(self, index: int, value: Any) -> None:
        """Answer item ``index`` as :meth:`FormState.set_answer` takes it; the controls follow."""
        self._run(lambda: self.state.set_answer(index, value), rescore=False)

    def _run(self, action: Callable[[], object], rescore: bool) -> None:
        try:
            action()
            if rescore:
                self.state.score()
            self.output.value = self.state.html()
        except SimError as exc:
            self.state.error = str(exc)
            self.output.value = self.state.html()
        self._sync()

    def _changed(self, index: int) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if self._syncing:
                return
            value = None if change["new"] == _NO_ANSWER else change["new"]
            if self.state.definition.kind == "lace":
                self._run(lambda: self.state.set_answer(index, value), rescore=False)
            else:
                self._run(lambda: self.state.set_option(index, list(value) if isinstance(value, tuple) else value),
                          rescore=False)
        return handler

    def _context_changed(self, key: str) -> Callable[[dict[str, Any]], None]:
        def handler(change: dict[str, Any]) -> None:
            if not self._syncing:
                value = None if change["new"] == _NO_ANSWER else change["new"]
                self._run(lambda: self.state.set_context(key, value), rescore=False)
        return handler

    def _sync(self) -> None:
        """Make every control show the state (after the patient answers, skip logic, clear)."""
        self._syncing = True
        try:
            if self.state.definition.kind == "lace":
                for index, comp in enumerate(self.state.definition.components):
                    value = self.state.values.get(comp.id)
                    if value is not None:
                        self.controls[index].value = bool(value) if comp.type == "bool" else float(value)
            else:
                for index, control in enumerate(self.controls):
                    chosen = self.state.selected[index]
                    if self.state.definition.items[index].multiple:
                        control.value = tuple(chosen)
                    else:
                        control.value = chosen[0] if chosen else _NO_ANSWER
                    control.disabled = not self.state.asked(index)
            for key, control in self.context_controls.items():
                control.value = self.state.context.get(key, _NO_ANSWER) or _NO_ANSWER
                if key == "recency":
                    control.disabled = not self.state._behaviour_yes()
        finally:
            self._syncing = False


def _escape(text: str) -> str:
    import html

    return html.escape(" ".join(text.split()))
