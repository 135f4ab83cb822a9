"""Errors a student or author can cause in an interview. Messages quote the bad value and say
what is allowed; the interview's state is never changed by a call that raises one. An unknown
question id raises :class:`sim.errors.UnknownQuestionError`."""
from __future__ import annotations

from collections.abc import Iterable

from sim.errors import SimError, SimValueError, UnknownQuestionError, did_you_mean


class InterviewError(SimError):
    """An interview cannot do what was asked in its current state."""


def unknown_question(value: object, allowed: Iterable[str]) -> UnknownQuestionError:
    """The error for a question id that is not in the question bank (with the closest id)."""
    return UnknownQuestionError(
        value, f"unknown question id {value!r}{did_you_mean(value, list(allowed))}; ids look like "
        f"'<domain>.<style>.<n>', e.g. 'general.open.1': list them with interview.questions()")


class InterviewEndedError(InterviewError):
    """The interview was ended with ``end()``; nothing more can be asked or done."""


class TimeBudgetError(InterviewError):
    """The interview's time budget is spent."""


class ActionTakenError(InterviewError):
    """An action was already taken in this interview."""


class InterviewDataError(SimValueError):
    """A case has no interview data (no opening statement, no needs) to simulate from."""
