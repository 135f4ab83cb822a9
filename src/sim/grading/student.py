"""The student-facing side of a graded assignment: get your case, record your answers.

A notebook of the course calls :func:`start` once (it returns the student's own case material)
and :func:`record` once per autograded answer. :func:`record` writes the answer into the
notebook itself, as a cell output of type ``application/vnd.sim.answer+json``; ``sim grade``
reads those outputs from the executed notebook and scores them in its own process. Nothing
in this module knows a correct answer: :func:`check` only says whether an answer of the right
form was recorded.
"""
from __future__ import annotations

import json
from typing import Any

from sim.grading.forms import AnswerFormError, check_form, form_of
from sim.grading.material import material
from sim.grading.variant import course_salt, current_student, student_variant

ANSWER_MIME = "application/vnd.sim.answer+json"
VARIANT_MIME = "application/vnd.sim.variant+json"

#: The answers recorded in this kernel (grade id -> value); a convenience for the visible tests.
answers: dict[str, Any] = {}
_session: dict[str, Any] = {}


class NoAnswerError(AssertionError):
    """A test looked for an answer that was never recorded."""


def _publish(mime: str, payload: dict[str, Any], text: str) -> None:
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter: print, so scripts still work
        print(text)
        return
    display({mime: payload, "text/plain": text}, raw=True)


def start(assignment: str, student: str | None = None) -> dict[str, Any]:
    """Build this student's own case for ``assignment`` and note which variant it is.

    Args:
        assignment: ``"a1"`` ... ``"a7"``.
        student: leave it out: the student is found from the environment (see
            :mod:`sim.grading.variant`). Giving another id works, but a submission made on
            someone else's variant is flagged at grading time and scored against your own.

    Returns:
        The case material (a dict; every person in it is synthetic).
    """
    who = student or current_student()
    seed = student_variant(who, course_salt(), assignment)
    case = material(assignment, seed)  # an unknown assignment is refused here, before anything changes
    _session.update(assignment=assignment, student=who, seed=seed)
    answers.clear()
    _publish(VARIANT_MIME, {"assignment": assignment, "student": who, "seed": str(seed)},
             f"Case variant for {who} (assignment {assignment}). All people in it are synthetic.")
    return case


def record(grade_id: str, value: Any) -> Any:
    """Record the answer of ``grade_id`` (checked for form, not for correctness) and return it.

    Raises:
        AnswerFormError: the value has the wrong type, range or vocabulary; the message says
            what is allowed. Nothing is recorded then.
    """
    value = check_form(grade_id, value)
    answers[grade_id] = value
    payload = {"grade_id": grade_id, "value": value,
               "student": _session.get("student"), "seed": str(_session.get("seed"))}
    _publish(ANSWER_MIME, payload, f"recorded {grade_id} = {json.dumps(value)[:200]}")
    return value


def check(grade_id: str) -> Any:
    """Visible test: an answer of the right form is recorded for ``grade_id``; return it."""
    if grade_id not in answers:
        form_of(grade_id)  # a mistyped grade id says so (did you mean ...), not "no answer"
        raise NoAnswerError(f"no answer recorded for {grade_id!r}: run the cell that calls "
                            f"record({grade_id!r}, ...)")
    try:
        return check_form(grade_id, answers[grade_id])
    except AnswerFormError as exc:
        raise NoAnswerError(str(exc)) from None
