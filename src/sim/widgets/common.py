"""Small helpers shared by the lesson widgets: escaped HTML boxes for errors, the feedback area
and the mixins that show a widget and its checked result. Feedback itself is rendered by
:mod:`sim.model.blocks`, as everywhere else."""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from sim.errors import SimError
from sim.model.blocks import KIND_COLOURS, STATUS_ICONS, Renders

STYLE = {"description_width": "initial"}


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text))


def error_html(message: str) -> str:
    """An inline error box (role=alert, so screen readers announce it), never a traceback."""
    return (f"<div class='sim-error' role='alert' style='border-left:4px solid {KIND_COLOURS['error']};"
            f"padding:4px 8px'><b>{STATUS_ICONS['error']} Please check:</b> {esc(message)}</div>")


def status_html(inner: str) -> str:
    """Wrap feedback in a polite live region, so that screen readers read it when it appears."""
    return f"<div role='status' aria-live='polite'>{inner}</div>"


def feedback_box(w: Any) -> Any:
    """An HTML widget with the ``sim-feedback`` class, announced politely to screen readers."""
    box = w.HTML(value="")
    box.add_class("sim-feedback")
    return box


class ShowsWidget:
    """Mixin for the GUI classes: a notebook shows the object as its ``widget`` container."""

    widget: Any

    def _ipython_display_(self) -> None:  # pragma: no cover - needs a front end
        from IPython.display import display

        display(self.widget)


class ShowsFeedback(ShowsWidget):
    """Mixin for the GUI classes with a feedback area ``output`` (:func:`feedback_box`) that shows
    the last checked ``result`` (a feedback block, :mod:`sim.model.blocks`)."""

    output: Any
    result: Any

    @property
    def feedback_html(self) -> str:
        """The HTML shown in the feedback area."""
        return str(self.output.value)

    def feedback_controls(self, w: Any, label: str, tooltip: str, action: Callable[[], None],
                          icon: str = "check") -> Any:
        """Make the feedback area (``self.output``) and return the primary button that runs
        ``action`` (which shows its result there with :meth:`show_result`)."""
        self.output = feedback_box(w)
        run = button(w, label, button_style="primary", icon=icon, tooltip=tooltip)
        run.on_click(lambda _b: action())
        return run

    def show_result(self, check: Callable[[], Renders], error: Any = None) -> None:
        """Run ``check`` and show its result as HTML in the feedback area, announced politely.

        Args:
            check: returns the result (a :class:`sim.model.blocks.Renders`).
            error: the widget for an error box; by default the feedback area itself.
        """
        target = self.output if error is None else error
        try:
            self.result = check()
        except SimError as exc:
            self.result = None
            target.value = error_html(str(exc))
            return
        if error is not None:
            error.value = ""
        self.output.value = status_html(self.result.html())


def button(w: Any, description: str, **kwargs: Any) -> Any:
    """A Button as wide as its label (its text is what a screen reader announces)."""
    return w.Button(description=description, layout=w.Layout(width="auto"), **kwargs)
