"""Seeds: the one check that a seed is a whole number in the allowed range.

One seed decides everything random in `sim`; 0 is a seed like any other. Every entry point
(generation, case compilation, the interview, the lesson helpers, the command line and the case
picker) checks a seed here, so they accept and refuse the same values with the same message.
"""
from __future__ import annotations

from numbers import Integral

from sim.errors import SimValueError

MAX_SEED = 2**63 - 1


class SeedError(SimValueError):
    """A seed that is not a whole number from 0 to the allowed maximum."""


def seed_problem(value: object, name: str = "seed", maximum: int = MAX_SEED) -> str | None:
    """What is wrong with ``value`` as a seed, or None if it is a seed.

    Args:
        value: the candidate seed (an int or a numpy integer; True and False are not seeds).
        name: how the message names it, e.g. "--seed".
        maximum: the largest allowed seed (a widget's bound may be lower than :data:`MAX_SEED`).
    """
    if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= int(value) <= maximum:
        return f"{name} must be a whole number from 0 to {maximum}, got {value!r}"
    return None


def check_seed(value: object, name: str = "seed", maximum: int = MAX_SEED) -> int:
    """Return ``value`` as an int if it is a seed (whole number, 0 to ``maximum``).

    Raises:
        SeedError: naming the bad value and the allowed range.
    """
    problem = seed_problem(value, name, maximum)
    if problem is not None:
        raise SeedError(problem)
    assert isinstance(value, Integral)
    return int(value)
