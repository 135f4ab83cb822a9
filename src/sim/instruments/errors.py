"""Errors raised by the screening instruments. Each names the instrument, the item and what is allowed.

An answer to a question the instrument does not ask raises :class:`sim.errors.UnknownQuestionError`.
"""
from __future__ import annotations

from collections.abc import Iterable

from sim.errors import SimValueError, UnknownNameError, did_you_mean


class InstrumentError(SimValueError):
    """Responses or context given to an instrument are not allowed (a ValueError)."""

    def __init__(self, instrument: str, message: str) -> None:
        self.instrument = instrument
        super().__init__(f"{instrument}: {message}")


class UnknownInstrumentError(UnknownNameError, InstrumentError):
    """An instrument id that no data file defines; the message suggests the closest id."""

    def __init__(self, value: object, allowed: Iterable[str]) -> None:
        allowed = sorted(allowed)
        self.instrument = str(value)
        self.kind, self.value, self.allowed = "instrument", value, allowed
        Exception.__init__(self, f"unknown instrument {value!r}{did_you_mean(value, allowed)}; "
                           f"allowed: {', '.join(allowed)}")


class ItemCountError(InstrumentError):
    """The wrong number of item answers was given."""


class PointsError(InstrumentError):
    """An item was given points outside its options."""


class UnknownOptionError(InstrumentError):
    """A question was answered with an option id it does not have."""


class MissingAnswerError(InstrumentError):
    """A question that must be answered was left out."""


class SkipLogicError(InstrumentError):
    """A question that the skip logic leaves out was answered anyway."""


class ContextError(InstrumentError):
    """A keyword the scoring needs (sex, recency, LACE chart values) is missing or not allowed."""


class SynthesisError(InstrumentError):
    """Responses cannot be synthesized as asked (unknown latent key, wrong array shape, ...)."""
