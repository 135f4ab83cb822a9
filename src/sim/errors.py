"""Named exceptions. Each message quotes the bad value and says what is allowed."""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Protocol, TypeVar


class SimError(Exception):
    """Base class for every error a user of `sim` can cause and fix."""


class SimValueError(SimError, ValueError):
    """A value given by a user is not allowed."""


class DataTableError(SimError):
    """A data table shipped in the package (or edited by an instructor) is invalid."""


class UnknownNameError(SimValueError):
    """A name (setting, need domain, instrument id, ...) is not one we know."""

    def __init__(self, kind: str, value: object, allowed: Iterable[str]) -> None:
        allowed = sorted(allowed)
        self.kind, self.value, self.allowed = kind, value, allowed
        super().__init__(f"unknown {kind} {value!r}{did_you_mean(value, allowed)}; allowed: {', '.join(allowed)}")


class UnknownQuestionError(SimValueError):
    """A question id that is not there: not a question of the instrument being answered, or not in
    the interview's question bank. ``value`` is the id given; the message names what is allowed."""

    def __init__(self, value: object, message: str) -> None:
        self.value = value
        super().__init__(message)


class ConstraintError(SimValueError):
    """No patient can satisfy the constraints given to the generator."""


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


IdT = TypeVar("IdT", bound=_HasId)


def find_by_id(items: Iterable[IdT], ident: str, kind: str) -> IdT:
    """The item whose ``id`` is ``ident``.

    Raises:
        UnknownNameError: none has it; the message names ``kind`` and every id there is.
    """
    items = list(items)
    for item in items:
        if item.id == ident:
            return item
    raise UnknownNameError(kind, ident, [item.id for item in items])


def did_you_mean(value: object, allowed: Iterable[str]) -> str:
    """Return ' (did you mean 'x'?)' for the closest allowed name, or ''."""
    close = difflib.get_close_matches(str(value), list(allowed), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validation_message(error: Mapping[str, Any]) -> str:
    """The message of one pydantic error: for a validator's ``ValueError``, its own words.

    Reads the error's kind (``type``) and the raised exception (``ctx["error"]``) rather than
    trimming pydantic's wording, which may change between releases.

    >>> validation_message({"type": "value_error", "msg": "Value error, bad", "ctx": {"error": ValueError("bad")}})
    'bad'
    >>> validation_message({"type": "missing", "msg": "Field required"})
    'Field required'
    """
    if error.get("type") == "value_error":
        raised = (error.get("ctx") or {}).get("error")
        if raised is not None:
            return str(raised)
    return str(error.get("msg", ""))
