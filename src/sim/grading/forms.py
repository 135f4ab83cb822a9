"""The form of an autograded answer (type, range, vocabulary): ``sim/data/grading/answers.yaml``.

Form is checked in two places, never correctness: in the student's kernel (visible tests) and
by ``sim grade`` before it scores a recorded answer.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal

from sim.errors import SimValueError, UnknownNameError
from sim.model.base import TableModel
from sim.tables import load_table

Kind = Literal["int", "float", "bool", "str", "choice", "list", "mapping", "domains", "interventions"]


class AnswerForm(TableModel):
    """What a well-formed answer of one grade id looks like."""
    kind: Kind
    lo: float | None = None
    hi: float | None = None
    choices: list[str] | None = None


class AnswerForms(TableModel):
    source: str
    answers: dict[str, AnswerForm]


class AnswerFormError(SimValueError):
    """A recorded answer does not have the form its grade id expects."""


@lru_cache(maxsize=1)
def forms() -> dict[str, AnswerForm]:
    """Every autograded grade id of the course and the form of its answer."""
    return load_table("grading/answers.yaml", AnswerForms).answers


def form_of(grade_id: str) -> AnswerForm:
    """The :class:`AnswerForm` of ``grade_id``; unknown ids raise with a suggestion."""
    table = forms()
    if grade_id not in table:
        raise UnknownNameError("grade id", grade_id, table)
    return table[grade_id]


def _range_text(lo: float | None, hi: float | None) -> str:
    """What a number must be, for a range with either bound or both optional."""
    if lo is not None and hi is not None:
        return f"a number from {lo:g} to {hi:g}"
    if lo is not None:
        return f"a number of at least {lo:g}"
    if hi is not None:
        return f"a number of at most {hi:g}"
    return "a number (not NaN)"


def check_form(grade_id: str, value: Any) -> Any:
    """Return ``value`` normalised (tuples to lists, numpy scalars to Python) if well formed.

    Raises:
        AnswerFormError: naming the grade id, the bad value and what is allowed.
    """
    form = form_of(grade_id)
    value = _plain(value)
    shown = repr(value)[:80]

    def bad(allowed: str) -> AnswerFormError:
        return AnswerFormError(f"{grade_id}: {shown} is not allowed; expected {allowed}")

    if form.kind == "bool":
        if not isinstance(value, bool):
            raise bad("True or False")
    elif form.kind in ("int", "float"):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad("a number")
        if form.kind == "int" and not float(value).is_integer():
            raise bad("a whole number")
        if value != value or (form.lo is not None and value < form.lo) or (form.hi is not None and value > form.hi):
            raise bad(_range_text(form.lo, form.hi))
        value = int(value) if form.kind == "int" else float(value)
    elif form.kind in ("str", "choice"):
        if not isinstance(value, str) or not value.strip():
            raise bad("a non-empty text")
        if form.kind == "choice" and value not in (form.choices or []):
            raise bad("one of: " + ", ".join(form.choices or []))
    elif form.kind == "mapping":
        if not isinstance(value, dict) or not value:
            raise bad("a non-empty dict")
        value = {str(k): v for k, v in value.items()}
    else:  # list, domains, interventions
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise bad("a list of texts")
        if form.kind in ("domains", "interventions"):
            from sim.model.taxonomy import intervention_ids, need_domains

            allowed = need_domains() if form.kind == "domains" else intervention_ids()
            for item in value:
                if item not in allowed:
                    raise AnswerFormError(f"{grade_id}: {UnknownNameError(form.kind[:-1], item, allowed)}")
    return value


def _plain(value: Any) -> Any:
    """numpy scalars and tuples/sets to plain Python, so answers serialise as JSON."""
    if hasattr(value, "item") and callable(value.item) and getattr(value, "shape", None) == ():
        return value.item()
    if isinstance(value, (tuple, set, frozenset)):
        return [_plain(v) for v in (sorted(value) if isinstance(value, (set, frozenset)) else value)]
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value
