"""An ipywidgets panel for the interview simulation. It holds no logic: every decision is the
engine's (:mod:`sim.interview`); the panel only shows its state and forwards clicks.

    >>> import sim
    >>> from sim.widgets.interview_panel import InterviewPanel
    >>> panel = InterviewPanel(sim.load_case("ed_ipv_01"), seed=0)
    >>> type(panel.widget).__name__                    # display(panel.widget) in a notebook
    'VBox'
"""
from __future__ import annotations

import html
import re
from typing import Any

from sim.errors import SimError
from sim.model.blocks import to_html
from sim.model.case import Case
from sim.widgets.common import STYLE, ShowsWidget, error_html, status_html

_STAGE = re.compile(r"\*([^*]+)\*")


def _render(text: str) -> str:
    """Escape ``text`` and show *stage directions* in italics."""
    return _STAGE.sub(r"<i>\1</i>", html.escape(text))


class InterviewPanel(ShowsWidget):
    """Interview a case's synthetic patient: choose a question by domain and style, or type one in
    your own words, ask, act.

    Attributes tests and notebooks can drive: ``domain``, ``style``, ``question`` (selectors),
    ``ask_button``, ``typed`` (a text box) and ``say_button``, ``show_reading`` (a checkbox),
    ``action_buttons`` (by action id), ``end_button``, and the displays ``reading`` (how the last
    typed question was read),
    ``conversation``, ``rapport`` (IntProgress), ``rapport_label``, ``time_label``,
    ``disclosed``, ``feedback``, ``error``; ``interview`` is the engine object.
    """

    def __init__(self, case: Case, seed: int = 0, budget_minutes: int | None = None) -> None:
        import ipywidgets as w

        from sim.interview import STYLES, start
        from sim.interview.bank import style_table
        from sim.model.taxonomy import taxonomy

        self.interview = start(case, seed=seed, budget_minutes=budget_minutes)
        tx = taxonomy()
        domains = [("General engagement", "general")] + [(d.label, k) for k, d in tx.domains.items()]
        styles = [("Any style", "")] + [(style_table().styles[s].label, s) for s in STYLES]
        self.domain = w.Dropdown(options=domains, value="general", description="Topic")
        self.style = w.Dropdown(options=styles, value="", description="Style")
        self.question = w.Select(options=[], rows=6, layout=w.Layout(width="100%"), description="Question")
        self.ask_button = w.Button(description="Ask", button_style="primary", icon="comment")
        self.typed = w.Text(value="", placeholder="Or type what you would say to the patient",
                            description="Your words", layout=w.Layout(width="100%"), style=STYLE)
        self.say_button = w.Button(description="Say it", button_style="primary", icon="pencil",
                                   tooltip="Say the typed words to the patient")
        self.show_reading = w.Checkbox(value=True, description="Show how my words were read", indent=False)
        self.reading = w.HTML()
        self.conversation = w.HTML()
        self.rapport = w.IntProgress(value=self.interview.rapport, min=0, max=100, description="Rapport")
        self.rapport_label = w.Label()
        self.time_label = w.Label()
        self.disclosed = w.HTML()
        self.error = w.HTML()
        self.feedback = w.HTML()
        self.action_buttons = {name: w.Button(description=label, layout=w.Layout(width="auto"))
                               for name, label in self.interview.actions().items()}
        self.end_button = w.Button(description="End interview", button_style="warning", icon="stop")

        self.domain.observe(self._refresh_questions, names="value")
        self.style.observe(self._refresh_questions, names="value")
        self.ask_button.on_click(lambda _b: self.ask())
        self.say_button.on_click(lambda _b: self.say())
        self.show_reading.observe(lambda _c: self._show_reading(), names="value")
        self.end_button.on_click(lambda _b: self.end())
        for name, button in self.action_buttons.items():
            button.on_click(lambda _b, name=name: self.take(name))

        self.widget = w.VBox([
            w.HTML(f"<h3>{html.escape(self.interview.title)}</h3><p><i>Synthetic patient: a simulation, "
                   "not a real person.</i></p>"),
            self.conversation,
            w.HBox([self.domain, self.style]), self.question, w.HBox([self.ask_button, self.end_button]),
            w.HBox([self.typed, self.say_button]), w.HBox([self.show_reading, self.reading]),
            self.error,
            w.HBox([self.rapport, self.rapport_label, self.time_label]),
            w.HTML("<b>Actions</b>"), w.Box(list(self.action_buttons.values()),
                                            layout=w.Layout(flex_flow="row wrap")),
            w.HTML("<b>Disclosed</b>"), self.disclosed,
            self.feedback,
        ])
        # Stable hooks for the browser test and for course stylesheets.
        self.widget.add_class("sim-interview-panel")
        self.conversation.add_class("sim-conversation")
        self.feedback.add_class("sim-feedback")
        self.reading.add_class("sim-reading")
        self._refresh_questions()
        self._refresh()

    # -- actions forwarded to the engine ---------------------------------------------------------
    def ask(self) -> None:
        """Ask the selected question (the Ask button)."""
        if self.question.value is None:
            self._show_error("Choose a question first.")
            return
        self._call(self.interview.ask, self.question.value)

    def say(self) -> None:
        """Say the typed words to the patient (the Say it button); clears the box when heard."""
        before = len(self.interview.transcript)
        self._call(self.interview.ask_text, self.typed.value)
        if len(self.interview.transcript) > before:
            self.typed.value = ""
        self._show_reading()

    def take(self, action: str) -> None:
        """Take an action (an action button)."""
        self._call(self.interview.act, action)

    def end(self) -> None:
        """End the interview and show the engagement feedback (the End button)."""
        self.interview.end()
        self.feedback.value = status_html(to_html(self.interview.feedback()))
        self._refresh()


    # -- display -----------------------------------------------------------------------------------
    def _call(self, method: Any, arg: str) -> None:
        try:
            method(arg)
        except SimError as exc:
            self._show_error(str(exc))
            return
        self.error.value = ""
        self._refresh()

    def _show_reading(self) -> None:
        last = next((t for t in reversed(self.interview.transcript) if t.reading is not None), None)
        if last is None or last.reading is None or not self.show_reading.value:
            self.reading.value = ""
            return
        reading = last.reading
        heard = "" if last.kind != "unclear" else "; the patient did not follow it"
        self.reading.value = (f"<span role='status'>Read as <b>{html.escape(reading.description)}</b> "
                              f"(confidence {reading.confidence:.2f}){heard}.</span>")

    def _show_error(self, message: str) -> None:
        self.error.value = error_html(message)  # icon, words and role=alert: colour is not the only cue

    def _refresh_questions(self, _change: Any = None) -> None:
        questions = self.interview.questions(domain=self.domain.value, style=self.style.value or None)
        self.question.options = [(q.text, q.id) for q in questions]
        self.question.value = questions[0].id if questions else None

    def _refresh(self) -> None:
        iv = self.interview
        parts = [f"<p><b>Patient:</b> {_render(iv.opening)}</p>"]
        for turn in iv.transcript:
            said = turn.question.text if turn.question is not None else turn.typed
            if said is not None:
                parts.append(f"<p><b>You:</b> {html.escape(said)}<br>"
                             f"<b>Patient</b> <i>({html.escape(turn.emotion)})</i>: {_render(turn.reply)}</p>")
            else:
                parts.append(f"<p><i>{_render(turn.reply)}</i></p>")
        self.conversation.value = "".join(parts)
        self.rapport.value = iv.rapport
        self.rapport_label.value = f"{iv.rapport} / 100"
        self.time_label.value = f"Time used: {iv.minutes_used} of {iv.budget_minutes} min"
        facts = "".join(f"<li>{_render(f.statement)}</li>" for f in iv.disclosed)
        self.disclosed.value = f"<ul>{facts}</ul>" if facts else "<i>Nothing disclosed yet.</i>"
        done = iv.ended
        self.ask_button.disabled = done
        self.say_button.disabled = done
        self.end_button.disabled = done
        taken = iv.actions_taken
        for name, button in self.action_buttons.items():
            button.disabled = done or name in taken
