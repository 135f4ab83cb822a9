"""The logic of an instrument form, free of widgets: answers, context, scoring, the result as HTML
(its feedback block, :meth:`sim.instruments.scoring.ScoreResult.block`).

:class:`FormState` keeps one answer per item (as option indices), the context an instrument
needs (AUDIT-C sex, C-SSRS recency), or the chart values of LACE. The GUI in
:mod:`sim.widgets.instrument_form` only mirrors it.
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sim.errors import SimError
from sim.instruments.definition import Instrument, Item, get
from sim.instruments.errors import ContextError, InstrumentError, MissingAnswerError, PointsError
from sim.instruments.scoring import ScoreResult, score

if TYPE_CHECKING:
    from sim.model import Patient


@dataclass(frozen=True)
class FieldSpec:
    """One control of the form: what to ask and which choices to offer."""

    key: str
    label: str
    text: str
    kind: str  # "choice", "multiple", "number" or "bool"
    choices: list[tuple[str, int]] = field(default_factory=list)


class FormState:
    """Answers to one instrument, filled in by a student or by the simulated patient.

    Args:
        instrument_id: an instrument id (or an :class:`Instrument`).
        patient: the synthetic patient who answers when asked to (optional).
        seed: decides the patient's answers together with the patient's own seed.
    """

    def __init__(self, instrument_id: str | Instrument, patient: Patient | None = None,
                 seed: int = 0) -> None:
        self.definition = instrument_id if isinstance(instrument_id, Instrument) else get(instrument_id)
        self.patient = patient
        self.seed = seed
        self.selected: list[list[int]] = []
        self.values: dict[str, Any] = {}
        self.context: dict[str, Any] = {}
        self.result: ScoreResult | None = None
        self.error: str | None = None
        self.clear()

    def clear(self) -> None:
        """Forget every answer and the result."""
        self.selected = [[] for _ in self.definition.items]
        self.values = {c.id: None for c in self.definition.components}
        self.context = dict.fromkeys(self.definition.context)
        if self.definition.kind == "cssrs":
            self.context["recency"] = None
        self.result = None
        self.error = None

    # -- what to show ---------------------------------------------------------------------
    def fields(self) -> list[FieldSpec]:
        """The controls to show, in order (items, or LACE components)."""
        defn = self.definition
        if defn.kind == "lace":
            return [FieldSpec(c.id, f"{c.letter}: {c.label}", c.label,
                              "bool" if c.type == "bool" else "number") for c in defn.components]
        specs = []
        for n, item in enumerate(defn.items, 1):
            choices = [(o.label if defn.kind != "summed" else f"{o.label} ({o.points})", k)
                       for k, o in enumerate(item.options)]
            specs.append(FieldSpec(item.id, f"{n}. {item.short}", item.text,
                                   "multiple" if item.multiple else "choice", choices))
        return specs

    def context_choices(self) -> dict[str, list[str]]:
        """Context keywords and their allowed values (e.g. sex for AUDIT-C, recency for C-SSRS)."""
        choices = dict(self.definition.context)
        if self.definition.kind == "cssrs":
            choices["recency"] = [o.id for o in self.definition.recency_options]
        return choices

    def asked(self, index: int) -> bool:
        """False when the skip logic leaves item ``index`` out (C-SSRS q3-q5 when q2 is no)."""
        item = self.definition.items[index]
        for other, option_id in item.asked_if.items():
            j = [i.id for i in self.definition.items].index(other)
            chosen = [self.definition.items[j].options[k].id for k in self.selected[j]]
            if chosen != [option_id]:
                return False
        return True

    # -- changing answers -----------------------------------------------------------------
    def set_option(self, index: int, choice: int | list[int] | tuple[int, ...] | None) -> None:
        """Choose option(s) of item ``index`` by position (None clears the answer)."""
        item = self._item(index)
        picks = [] if choice is None else list(choice) if isinstance(choice, (list, tuple)) else [choice]
        for k in picks:
            if not isinstance(k, int) or not 0 <= k < len(item.options):
                raise PointsError(self.definition.id, f"item {index + 1} ({item.id}) has options "
                                  f"0-{len(item.options) - 1}, not {k!r}")
        self.selected[index] = picks
        for j in range(len(self.selected)):  # answers the skip logic no longer asks are dropped
            if not self.asked(j):
                self.selected[j] = []
        if self.definition.kind == "cssrs" and not self._behaviour_yes():
            self.context["recency"] = None
        self.result = None

    def set_answer(self, index: int, value: Any) -> None:
        """Answer item (or LACE component) ``index`` the way :func:`score` takes it.

        Item points for item-scored instruments; an option id (or list of ids) for AHC HRSN;
        yes/no (bool or "yes"/"no") for the C-SSRS screener; the chart value for LACE;
        ``None`` clears the answer.
        """
        defn = self.definition
        if defn.kind == "lace":
            if not 0 <= index < len(defn.components):
                raise InstrumentError(defn.id, f"has components 0-{len(defn.components) - 1}, not {index}")
            self.values[defn.components[index].id] = value
            self.result = None
            return
        item = self._item(index)
        if value is None:
            self.set_option(index, None)
            return
        if defn.kind == "summed":
            match = [k for k, o in enumerate(item.options) if o.points == value and not isinstance(value, bool)]
            if not match:
                allowed = ", ".join(str(p) for p in sorted({o.points for o in item.options}))
                raise PointsError(defn.id, f"item {index + 1} ({item.id}: {item.short}) got "
                                  f"{value!r} points; allowed: {allowed}")
            self.set_option(index, match[0])
            return
        if defn.kind == "cssrs" and isinstance(value, bool):
            value = "yes" if value else "no"
        ids = [o.id for o in item.options]
        wanted = list(value) if isinstance(value, (list, tuple)) else [value]
        for v in wanted:
            if v not in ids:
                raise InstrumentError(defn.id, f"item {index + 1} ({item.id}: {item.short}) has no "
                                      f"option {v!r}; options: {', '.join(ids)}")
        self.set_option(index, [ids.index(v) for v in wanted])

    def set_context(self, key: str, value: Any) -> None:
        """Set a context keyword (``sex`` for AUDIT-C, ``recency`` for the C-SSRS screener)."""
        choices = self.context_choices()
        if key not in choices:
            raise ContextError(self.definition.id, f"takes no {key!r}; keywords: "
                               f"{', '.join(choices) or 'none'}")
        if value is not None and value not in choices[key]:
            raise ContextError(self.definition.id, f"{key}={value!r} is not allowed; allowed: "
                               f"{', '.join(choices[key])}")
        self.context[key] = value
        self.result = None


    def let_patient_answer(self) -> None:
        """Fill every answer from the simulated patient (:func:`sim.instruments.respond`)."""
        from sim.instruments.synthesis import patient_context, respond

        if self.patient is None:
            raise InstrumentError(self.definition.id, "no patient is attached to this form")
        answers = respond(self.patient, self.definition.id, self.seed)
        self.clear()
        if self.definition.kind == "lace":
            self.values.update(answers)
            return
        if self.definition.kind == "cssrs":
            answers = dict(answers)
            recency = answers.pop("recency", None)
            for k, item in enumerate(self.definition.items):
                if item.id in answers:
                    self.set_answer(k, answers[item.id])
            self.context["recency"] = recency
            return
        for k, item in enumerate(self.definition.items):
            self.set_answer(k, answers[item.id] if isinstance(answers, dict) else answers[k])
        for key, value in patient_context(self.patient, self.definition.id).items():
            self.context[key] = value

    # -- scoring --------------------------------------------------------------------------
    def responses(self) -> tuple[Any, dict[str, Any]]:
        """What :func:`score` takes: (responses, keywords). Raises if an answer is missing."""
        defn = self.definition
        if defn.kind == "lace":
            return None, dict(self.values)
        for k, item in enumerate(defn.items):
            if not self.selected[k] and self.asked(k):
                raise MissingAnswerError(defn.id, f"item {k + 1} ({item.short}) is not answered yet")
        context = {k: v for k, v in self.context.items() if v is not None or k != "recency"}
        if defn.kind == "summed":
            return [item.options[self.selected[k][0]].points for k, item in enumerate(defn.items)], context
        mapping: dict[str, Any] = {}
        for k, item in enumerate(defn.items):
            ids = [item.options[j].id for j in self.selected[k]]
            if ids:
                mapping[item.id] = ids if item.multiple else ids[0]
        return mapping, context

    def score(self) -> ScoreResult | None:
        """Score the answers; on a mistake keep the message in ``.error`` and return None."""
        try:
            responses, context = self.responses()
            self.result = score(self.definition, responses, **context)
            self.error = None
        except SimError as exc:
            self.result, self.error = None, str(exc)
        return self.result

    def html(self) -> str:
        """The result (or the error) as accessible HTML."""
        if self.error:
            return f'<div class="sim-error" role="alert"><b>Cannot score yet:</b> {html.escape(self.error)}</div>'
        if self.result is None:
            return '<div class="sim-instrument-result" role="status">Not scored yet.</div>'
        return f'<div role="status" aria-live="polite">{self.result.html()}</div>'

    def _item(self, index: int) -> Item:
        items = self.definition.items
        if not isinstance(index, int) or not 0 <= index < len(items):
            raise InstrumentError(self.definition.id, f"has items 0-{len(items) - 1} (by position), "
                                  f"not {index!r}")
        return items[index]

    def _behaviour_yes(self) -> bool:
        items = self.definition.items
        j = next((k for k, i in enumerate(items) if i.id == "q6"), len(items) - 1)
        return [items[j].options[k].id for k in self.selected[j]] == ["yes"]
