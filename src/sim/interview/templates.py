"""Reply templates of the simulated patient (``sim/data/interview/replies.yaml``), validated
at load: every placeholder must be one the engine fills from the case."""
from __future__ import annotations

import string
from typing import Any

from pydantic import Field, field_validator, model_validator

from sim.model.base import TableModel
from sim.model.taxonomy import need_domains, risk_kinds
from sim.tables import cached_table

PLACEHOLDERS = frozenset({
    "evidence", "evidence_lc", "statement", "voice", "opening", "opening_lc", "strength",
    "diagnosis", "rating", "name", "strength_lc", "speaker",
})
EMOTIONS = frozenset({
    "neutral", "sad", "tearful", "guarded", "irritated", "anxious", "frightened", "ashamed",
    "relieved", "hesitant", "confused",
})


class Template(TableModel):
    """One reply line: its text, the emotion shown, whether it asks the student a question."""
    text: str
    emotion: str = "neutral"
    asks_back: bool = False

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @field_validator("text")
    @classmethod
    def _placeholders(cls, value: str) -> str:
        for _, field, _, _ in string.Formatter().parse(value):
            if field is not None and field not in PLACEHOLDERS:
                raise ValueError(f"unknown placeholder {{{field}}} in {value!r}; allowed: {sorted(PLACEHOLDERS)}")
        return value

    @field_validator("emotion")
    @classmethod
    def _emotion(cls, value: str) -> str:
        if value not in EMOTIONS:
            raise ValueError(f"unknown emotion {value!r}; allowed: {sorted(EMOTIONS)}")
        return value


Lines = list[Template]


class NeedLines(TableModel):
    detail: Template
    proxy_detail: Template
    open: Lines
    closed: Lines
    guarded: Lines
    judged: Lines
    scaling: Lines
    heavy: Lines


class DisclosureLines(TableModel):
    leads: list[str]
    emotion_crisis: list[str]
    emotion: list[str]


class DeflectionLines(TableModel):
    low_rapport: Lines
    closed: Lines
    more: Lines
    judged: Lines
    by_domain: dict[str, Lines] = Field(default_factory=dict)
    alone_by_domain: dict[str, Lines] = Field(
        default_factory=dict, description="by_domain lines for a patient who lives alone")


class DenialLines(TableModel):
    open: Lines
    closed: Lines
    scaling: Lines
    judged: Lines
    by_domain: dict[str, Lines]


class Voices(TableModel):
    mild: list[str]
    severe: list[str]


class GeneralLines(TableModel):
    opening: Lines
    diagnosis: Lines
    strength: Lines
    closed: Lines
    leading: Lines
    summary: Lines
    summary_empty: Lines
    scaling: Lines
    judged: Lines


class DenialBlock(TableModel):
    latent: dict[str, int] = Field(default_factory=dict)
    risks: list[str] = Field(default_factory=list)

    @field_validator("risks")
    @classmethod
    def _risks(cls, value: list[str]) -> list[str]:
        bad = [r for r in value if r not in risk_kinds()]
        if bad:
            raise ValueError(f"unknown risk(s) {bad}; allowed: {risk_kinds()}")
        return value


class RepliesFile(TableModel):
    leads: list[str]
    need: NeedLines
    disclosure: DisclosureLines
    deflection: DeflectionLines
    denial: DenialLines
    voices: dict[str, Voices]
    alone_voices: dict[str, Voices] = Field(default_factory=dict)
    proxy_voices: dict[str, Voices]
    general: GeneralLines
    jargon_confused: Lines
    double_barrelled_leads: list[str]
    language_barrier: Lines
    repeat_leads: list[str]
    denial_blocked_when: dict[str, DenialBlock]

    @model_validator(mode="after")
    def _domains(self) -> RepliesFile:
        domains = set(need_domains())
        for name, keys in (("voices", set(self.voices)), ("denial.by_domain", set(self.denial.by_domain)),
                           ("deflection.by_domain", set(self.deflection.by_domain)),
                           ("alone_voices", set(self.alone_voices)),
                           ("deflection.alone_by_domain", set(self.deflection.alone_by_domain)),
                           ("denial_blocked_when", set(self.denial_blocked_when))):
            unknown = sorted(keys - domains)
            if unknown:
                raise ValueError(f"{name}: unknown need domain(s) {unknown}")
        for name, table in (("voices", self.voices), ("proxy_voices", self.proxy_voices)):
            missing = sorted(domains - set(table))
            if missing:
                raise ValueError(f"{name}: no lines for need domain(s) {missing}")
        for emotion in (*self.disclosure.emotion, *self.disclosure.emotion_crisis):
            if emotion not in EMOTIONS:
                raise ValueError(f"disclosure: unknown emotion {emotion!r}; allowed: {sorted(EMOTIONS)}")
        return self


replies = cached_table("interview/replies.yaml", RepliesFile, "The validated reply templates (cached).")
