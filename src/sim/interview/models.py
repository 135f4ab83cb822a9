"""Pydantic models of an interview's output: a reply, a transcript turn, an action result and
the engagement measures given as feedback."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.interview.bank import Question
from sim.interview.classifier import Classification
from sim.model.base import Model
from sim.model.case import HiddenFact

FactKind = Literal["need", "fact", "denies", "deflects", "chart", "strength"]


class Reply(Model):
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


class Turn(Model):
    """One step of the transcript: a question and its reply, or an action and its result.

    A typed question keeps the student's words in ``typed`` and how they were read in
    ``reading``; one the patient did not understand is a turn of kind ``unclear`` with no
    ``question``.
    """

    index: int
    minute: int = Field(description="interview minute at which the turn began")
    kind: Literal["question", "action", "unclear"] = "question"
    question: Question | None = None
    typed: str | None = Field(default=None, description="the student's own words, for a typed question")
    reading: Classification | None = Field(default=None, description="how a typed question was read")
    action: str | None = None
    reply: str
    emotion: str = "neutral"
    rapport_after: int
    disclosed: list[str] = Field(default_factory=list, description="ids of hidden facts disclosed")
    facts: list[tuple[FactKind, str]] = Field(default_factory=list)


class ActionResult(Model):
    """What happened when the student took an action."""

    action: str
    minute: int
    message: str
    crisis_started: list[str] = Field(default_factory=list)


class MitiSummary(Model):
    """MITI-style counts over an interview's turns, with messages quoting the student
    (see :mod:`sim.interview.miti`)."""

    questions: int
    reflections: int
    complex_reflections: int
    ratio: float | None = Field(description="reflections per question (None when no question was asked)")
    complex_share: float | None = Field(description="complex reflections / reflections (None without reflections)")
    open_share: float = Field(description="open questions / questions")
    empathic_share: float = Field(description="empathic and normalizing turns / all spoken turns")
    unclear: int = Field(description="typed turns the patient did not understand")
    messages: list[str] = Field(default_factory=list)


class Engagement(Model):
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
    miti: MitiSummary | None = Field(default=None, description="MITI-style coding of the same turns")
