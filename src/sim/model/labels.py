"""How a person is named beside their relation, in one line: "Mai Tran (daughter, by phone)"."""
from __future__ import annotations

import re

_NESTED = re.compile(r"\s*\(([^()]*)\)")


def flat_relation(relation: str) -> str:
    """A relation with its own parenthetical folded in: "daughter (by phone)" -> "daughter, by phone"."""
    return " ".join(_NESTED.sub(r", \1", relation).split()).strip(" ,")


def person_label(name: str, relation: str) -> str:
    """``name (relation)`` without doubled parentheses or a repeated relation.

    A relation that already holds a parenthetical is folded ("Mai Tran (daughter, by phone)"),
    and a name that only repeats the relation is not said twice ("daughter (by phone)").

    Args:
        name: the person's name, or a stand-in such as "daughter" when the case gives none.
        relation: how they are related to the patient, e.g. "daughter (by phone)".

    Returns:
        One label with at most one pair of parentheses.
    """
    name, relation = " ".join(name.split()), " ".join(relation.split())
    flat = flat_relation(relation)
    if not flat:
        return name
    if not name:
        return flat
    if flat.lower() == name.lower():
        return name
    if flat.lower().startswith(name.lower() + ","):
        rest = flat[len(name) + 1:].strip()
        return f"{name} ({rest})"
    return f"{name} ({flat})"
