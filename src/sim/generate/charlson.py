"""Charlson categories of an ICD-10(-CM) code, from the code lists in diagnoses.yaml (Quan et al. 2005).

The lists give code prefixes (``I50``, ``K70.0``) and ranges of prefixes of equal length
(``I60-I69``, ``K70.0-K70.3``); a code belongs to a category when one of its entries covers it.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from sim.model.eligibility import covers

__all__ = ["categories_of", "covers"]


def categories_of(code: str, table: Mapping[str, Sequence[str]]) -> list[str]:
    """Charlson categories (in table order) whose code list covers ``code``.

    Args:
        code: an ICD-10-CM code such as ``"E11.65"``.
        table: category -> code entries (diagnoses.yaml ``charlson_codes``).
    """
    return [cat for cat, entries in table.items() if any(covers(e, code) for e in entries)]
