"""Small helpers shared by the lesson widgets: escaped HTML boxes for errors and notes, and the
Okabe-Ito colours for inline messages (colour is never the only cue: each message has an icon
and a word)."""
from __future__ import annotations

import html
from typing import Any

from sim.feedback.model import STATUS_ICONS
from sim.viz.palette import OKABE_ITO

STYLE = {"description_width": "initial"}
COLOURS = {"praise": OKABE_ITO["green"], "missed": OKABE_ITO["vermillion"], "error": OKABE_ITO["vermillion"],
           "warning": OKABE_ITO["orange"]}


def esc(text: object) -> str:
    """HTML-escape any value's text."""
    return html.escape(str(text))


def error_html(message: str) -> str:
    """An inline error box (role=alert, so screen readers announce it), never a traceback."""
    return (f"<div class='sim-error' role='alert' style='border-left:4px solid {OKABE_ITO['vermillion']};"
            f"padding:4px 8px'><b>⚠ Please check:</b> {esc(message)}</div>")


def message_html(kind: str, text: str) -> str:
    """One message line with its icon, coloured by kind (Okabe-Ito)."""
    return (f"<li class='sim-{esc(kind)}' style='color:{COLOURS.get(kind, '#000')}'>"
            f"{STATUS_ICONS.get(kind, '•')} <span style='color:#000'>{esc(text)}</span></li>")


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


def button(w: Any, description: str, **kwargs: Any) -> Any:
    """A Button as wide as its label (its text is what a screen reader announces)."""
    return w.Button(description=description, layout=w.Layout(width="auto"), **kwargs)
