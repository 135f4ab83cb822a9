"""US state names by USPS code, for feedback on state law ("in this state (Michigan)").

    >>> from sim.model.states import state_name, in_this_state
    >>> state_name("MI")
    'Michigan'
    >>> in_this_state("FL")
    'in this state (Florida)'
"""
from __future__ import annotations

from pydantic import field_validator

from sim.model.base import TableModel
from sim.tables import cached_table


class States(TableModel):
    """The table ``states.yaml``: USPS code -> name."""
    source: str
    names: dict[str, str]

    @field_validator("names")
    @classmethod
    def _codes(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [code for code in value if len(code) != 2 or not code.isupper()]
        if bad:
            raise ValueError(f"state codes must be two capital letters, got {bad}")
        return value


states = cached_table("states.yaml", States, "The validated table (cached).")


def state_name(code: str) -> str:
    """The state's name for a USPS code; an unknown code is returned as given."""
    return states().names.get(code.strip().upper(), code)


def in_this_state(code: str) -> str:
    """The phrase feedback uses for state law: ``in this state (Texas)``."""
    return f"in this state ({state_name(code)})"
