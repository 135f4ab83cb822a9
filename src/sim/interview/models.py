"""Pydantic models of an interview's output: a reply, a transcript turn, an action result and
the engagement measures given as feedback."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sim.cases.model import HiddenFact
from sim.interview.bank import Question

FactKind = Literal["need", "fact", "denies", "deflects", "chart", "strength"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Reply(_Model):
    """What the patient says to one question.

    ``facts`` lists what the reply asserts, as (kind, ref) pairs: ("need", domain) states the
    need's evidence; ("fact", id) discloses a hidden fact; ("denies", domain) denies a problem
    in a domain with no need; ("deflects", domain) asserts nothing; ("chart", field) restates
    the chart ("opening_statement" or "primary_diagnosis"); ("strength", text) names a strength
    from the profile.
    """

    text: str
    emotion: str = "neutral"
    asks_back: bool = False
    facts: list[tuple[FactKind, str]] = Field(default_factory=list)
    disclosed: list[HiddenFact] = Field(default_factory=list)


class Turn(_Model):
    """One step of the transcript: a question and its reply, or an action and its result."""

    index: int
    minute: int = Field(description="interview minute at which the turn began")
    kind: Literal["question", "action"] = "question"
    question: Question | None = None
    action: str | None = None
    reply: str
    emotion: str = "neutral"
    rapport_after: int
    disclosed: list[str] = Field(default_factory=list, description="ids of hidden facts disclosed")
    facts: list[tuple[FactKind, str]] = Field(default_factory=list)


class ActionResult(_Model):
    """What happened when the student took an action."""

    action: str
    minute: int
    message: str
    crisis_started: list[str] = Field(default_factory=list)


class Engagement(_Model):
    """Engagement measures over the questions asked, with short feedback messages."""

    questions: int
    open_share: float
    closed_share: float
    reflection_share: float
    empathic_share: float
    oars_share: float
    poor_share: float
    poor_questions: list[str] = Field(default_factory=list, description="ids of poor questions asked")
    minutes_used: int
    budget_minutes: int
    rapport_start: int
    rapport_end: int
    disclosed: int
    messages: list[str] = Field(default_factory=list)
