"""The note rules: formats, sections, content cues, scoring, judgmental terms (``sim/data/notes.yaml``)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from pydantic import Field, field_validator

from sim.errors import UnknownNameError
from sim.model.base import TableModel
from sim.tables import load_table

MessageKind = Literal["praise", "missed", "warning", "error"]
FORMATS = ("soap", "dap", "birp", "psychosocial")


class Cue(TableModel):
    description: str
    words: list[str]
    numbers: bool = False


class SectionRule(TableModel):
    id: str
    label: str
    headings: list[str] = Field(min_length=1)
    guidance: str
    min_words: int = Field(ge=0)
    expects: list[str]
    avoid: list[str] = Field(default_factory=list)


class FormatRule(TableModel):
    label: str
    sections: list[SectionRule] = Field(min_length=1)


class Scoring(TableModel):
    present: float
    length: float
    content: float
    misplaced: float = Field(ge=0, le=1)
    need_mentioned: float
    action_documented: float
    judgmental: float
    judgmental_max: float
    identifying: float
    identifying_max: float


class Judgmental(TableModel):
    term: str
    instead: str


class Identifying(TableModel):
    kind: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression {value!r}: {exc}") from exc
        return value


class NoteRules(TableModel):
    """The contents of ``sim/data/notes.yaml``."""

    scoring: Scoring
    cues: dict[str, Cue]
    formats: dict[str, FormatRule]
    action_sections: list[str]
    action_keywords: dict[str, list[str]]
    judgmental: list[Judgmental]
    identifying: list[Identifying]


@lru_cache(maxsize=1)
def rules() -> NoteRules:
    """The validated note rules (cached)."""
    loaded = load_table("notes.yaml", NoteRules)
    for fmt in loaded.formats.values():
        for section in fmt.sections:
            for cue in [*section.expects, *section.avoid]:
                if cue not in loaded.cues:
                    from sim.errors import DataTableError

                    raise DataTableError(f"sim/data/notes.yaml: section {section.id!r} names unknown cue {cue!r}; "
                                         f"allowed: {', '.join(loaded.cues)}")
    return loaded


def _format(fmt: str) -> FormatRule:
    key = str(fmt).strip().lower()
    if key not in rules().formats:
        raise UnknownNameError("note format", fmt, rules().formats)
    return rules().formats[key]
