"""Which library case exercises which intervention, function and CSWE competency."""
from __future__ import annotations

from pathlib import Path

from sim.cases.library import CaseInfo, library
from sim.model.taxonomy import taxonomy

COMPETENCIES = tuple(str(c) for c in range(1, 10))
_SINGULAR = {"interventions": "intervention", "functions": "function", "competencies": "competency"}


def coverage(folder: str | Path | None = None,
             infos: list[CaseInfo] | None = None) -> dict[str, dict[str, list[str]]]:
    """Case ids by intervention (recommended in the key), function and competency.

    Args:
        folder: the case folder (default: the library, see :func:`sim.cases.library_dir`).
        infos: library entries already loaded (instead of ``folder``).

    Returns:
        ``{"interventions": {id: [case ids]}, "functions": {...}, "competencies": {"1": [...]}}``
        with every id of the taxonomy present, an empty list meaning no case exercises it.
        Cases with problems are left out (``sim case validate`` reports them).
    """
    tx = taxonomy()
    entries = [i for i in (infos if infos is not None else library(folder)) if i.valid]
    table: dict[str, dict[str, list[str]]] = {
        "interventions": {iv: [] for iv in tx.interventions},
        "functions": {f: [] for f in tx.functions},
        "competencies": {c: [] for c in COMPETENCIES},
    }
    for info in entries:
        for iv in info.interventions:
            table["interventions"][iv].append(info.id)
        for fn in info.functions:
            table["functions"][fn].append(info.id)
        for comp in info.competencies:
            table["competencies"][str(comp)].append(info.id)
    return table


def coverage_table(table: dict[str, dict[str, list[str]]]) -> str:
    """The coverage as aligned text: kind, item, number of cases, case ids (``-`` for none)."""
    rows = [("kind", "item", "cases", "case ids")]
    for kind, items in table.items():
        for item, ids in items.items():
            rows.append((_SINGULAR.get(kind, kind), item, str(len(ids)), ", ".join(ids) or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join(f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:>{widths[2]}}  {r[3]}" for r in rows) + "\n"
