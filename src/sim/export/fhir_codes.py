"""The code table of the FHIR export (``sim/data/fhir/codes.yaml``), validated at load.

LOINC codes for instrument panels, totals, items and answers; ICD-10-CM Z codes for social needs;
OMB race and ethnicity codes. Every code names the public source it was checked against, and
every source key must be one the table declares.
"""
from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import model_validator

from sim.model.base import TableModel
from sim.tables import load_table


class Code(TableModel):
    """One code with its display and the key of its source."""

    code: str
    display: str
    source: str


class ItemCode(Code):
    """An instrument item's LOINC code; ``answers`` names an answer list for this item alone."""

    answers: str | None = None


class InstrumentCodes(TableModel):
    """The codes of one instrument; with no ``items`` it has no LOINC code (local codes are used)."""

    social_history: bool = False
    us_core_category: Literal["sdoh", "functional-status"] | None = None
    panel: Code | None = None
    total: Code | None = None
    answers: str | None = None
    items: dict[str, ItemCode] = {}


class CodeTable(TableModel):
    """codes.yaml."""

    sources: dict[str, str]
    local_system: str
    no_loinc: list[str]
    unmapped: list[str] = []
    answer_lists: dict[str, dict[str, Code]]
    instruments: dict[str, InstrumentCodes]
    z_codes: dict[str, Code]
    vitals: dict[str, Code]
    race: dict[str, Code]
    ethnicity: dict[str, Code]

    @model_validator(mode="after")
    def _consistent(self) -> CodeTable:
        codes: list[tuple[str, Code]] = []
        for name, ans in self.answer_lists.items():
            codes += [(f"answer_lists.{name}.{k}", c) for k, c in ans.items()]
        for name, inst in self.instruments.items():
            for key, c in (("panel", inst.panel), ("total", inst.total)):
                if c is not None:
                    codes.append((f"instruments.{name}.{key}", c))
            codes += [(f"instruments.{name}.items.{k}", c) for k, c in inst.items.items()]
            lists = [inst.answers, *(c.answers for c in inst.items.values())]
            for lst in lists:
                if lst is not None and lst not in self.answer_lists:
                    raise ValueError(f"instruments.{name}: answer list {lst!r} is not one of "
                                     f"{', '.join(self.answer_lists)}")
            coded = bool(inst.items or inst.total or inst.panel)
            if coded == (name in self.no_loinc or name in self.unmapped):
                raise ValueError(f"instruments.{name}: listed in no_loinc or unmapped but has codes, or the reverse")
        for group in ("z_codes", "vitals", "race", "ethnicity"):
            codes += [(f"{group}.{k}", c) for k, c in getattr(self, group).items()]
        for where, c in codes:
            if c.source not in self.sources:
                raise ValueError(f"{where}: source {c.source!r} is not one of {', '.join(self.sources)}")
        return self


@cache
def codes() -> CodeTable:
    """The code table (parsed once)."""
    return load_table("fhir/codes.yaml", CodeTable)
