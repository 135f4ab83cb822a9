"""The question bank and style effects of the interview simulation, loaded from
``sim/data/interview/questions.yaml`` and ``styles.yaml`` and validated at load."""
from __future__ import annotations

from functools import lru_cache
from typing import Literal, get_args

from pydantic import Field, model_validator

from sim.model.base import TableModel
from sim.model.case import CriticalKind
from sim.model.taxonomy import need_domains
from sim.tables import cached_table, load_table

StyleName = Literal[
    "open", "closed", "leading", "reflection", "empathic", "normalizing", "scaling", "summarizing",
    "judgmental", "jargon", "double_barrelled",
]
STYLES: tuple[StyleName, ...] = get_args(StyleName)


class Question(TableModel):
    """One question the student can ask: ``id`` is ``<domain>.<style>.<n>``."""

    id: str
    domain: str
    style: StyleName
    text: str
    topic: Literal["opening", "diagnosis", "strength", "need"] | None = Field(
        default=None, description="for general questions: what kind of answer the question invites")
    discloses: bool | None = Field(
        default=None, description="overrides the style's `discloses` for this question (the direct "
                                  "suicide question is closed, yet it is how disclosure is invited)")

    def allows_disclosure(self) -> bool:
        """True when a hidden fact may be disclosed in answer to this question."""
        if self.discloses is not None:
            return self.discloses
        return style_table().styles[self.style].discloses

    def __str__(self) -> str:
        return f"[{self.id}] {self.text}"


class QuestionEntry(TableModel):
    text: str
    topic: Literal["opening", "diagnosis", "strength", "need"] | None = None
    discloses: bool | None = None


class QuestionBankFile(TableModel):
    domains: dict[str, dict[StyleName, list[str | QuestionEntry]]]

    @model_validator(mode="after")
    def _known_domains(self) -> QuestionBankFile:
        allowed = {"general", *need_domains()}
        unknown = sorted(set(self.domains) - allowed)
        if unknown:
            raise ValueError(f"unknown question domain(s) {unknown}; allowed: {sorted(allowed)}")
        missing = sorted(allowed - set(self.domains))
        if missing:
            raise ValueError(f"no questions for domain(s) {missing}")
        return self


class StyleEffect(TableModel):
    label: str
    rapport: int = Field(ge=-50, le=50)
    minutes: int = Field(ge=1, le=15)
    discloses: bool
    group: Literal["oars", "neutral", "poor"]
    source: str


class InterpreterParams(TableModel):
    start_penalty: int = Field(ge=0, le=100)
    rapport_cap: int = Field(ge=0, le=100)
    gain_factor: float = Field(ge=0.0, le=1.0)
    extra_minutes_when_used: int = Field(ge=0, le=10)


class StateParams(TableModel):
    start_rapport: dict[str, int]
    urgent_referral_start_penalty: int = Field(ge=0, le=100)
    gain_halved_above: int = Field(ge=0, le=100)
    repeat_penalty: int = Field(ge=0, le=50)
    low_literacy_education: list[str]
    jargon_multiplier_low_literacy: float = Field(ge=1.0, le=10.0)
    interpreter: InterpreterParams
    default_budget_minutes: int = Field(ge=1, le=600)


class ActionSpec(TableModel):
    label: str
    minutes: int = Field(ge=0, le=60)
    kind: CriticalKind = Field(description="the CaseKey CriticalAction kind this action fulfils")


class FeedbackParams(TableModel):
    open_share_min: float = Field(ge=0, le=1)
    reflection_share_min: float = Field(ge=0, le=1)
    empathic_share_min: float = Field(ge=0, le=1)
    min_questions: int = Field(ge=0)
    messages: dict[str, str]


class StylesFile(TableModel):
    styles: dict[StyleName, StyleEffect]
    state: StateParams
    actions: dict[str, ActionSpec]
    feedback: FeedbackParams

    @model_validator(mode="after")
    def _all_styles(self) -> StylesFile:
        missing = sorted(set(STYLES) - set(self.styles))
        if missing:
            raise ValueError(f"no effect given for style(s) {missing}")
        return self


style_table = cached_table("interview/styles.yaml", StylesFile,
                           "Style effects, patient-state parameters and actions (cached).")


@lru_cache(maxsize=1)
def question_bank() -> dict[str, Question]:
    """Every question of the bank by id, in file order (cached)."""
    data = load_table("interview/questions.yaml", QuestionBankFile)
    bank: dict[str, Question] = {}
    for domain, by_style in data.domains.items():
        for style, texts in by_style.items():
            for n, entry in enumerate(texts, start=1):
                qid = f"{domain}.{style}.{n}"
                if isinstance(entry, str):
                    entry = QuestionEntry(text=entry)
                bank[qid] = Question(id=qid, domain=domain, style=style, text=entry.text, topic=entry.topic,
                                     discloses=entry.discloses)
    return bank
