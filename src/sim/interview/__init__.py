"""Interview simulation: questions by domain and style, rapport, disclosure of hidden facts,
crisis paths with the actions they require, a transcript and engagement feedback.

    >>> import sim
    >>> iv = sim.interview.start(sim.load_case("ed_ipv_01"), seed=0)
    >>> iv.ask_text("How are things at home?").emotion   # she needs a Spanish interpreter first
    'confused'
    >>> sim.interview.classify("You feel alone with this.").style
    'reflection'

The patient is synthetic; every reply is composed from the case (profile, chart, hidden facts).
"""
from __future__ import annotations

from sim.errors import UnknownQuestionError
from sim.interview.bank import STYLES, Question, question_bank
from sim.interview.classifier import Alternative, Classification, TypedTextError, classify
from sim.interview.consistency import check_reply
from sim.interview.crisis import CrisisItem
from sim.interview.engine import Interview, start
from sim.interview.errors import (
    ActionTakenError,
    InterviewDataError,
    InterviewEndedError,
    InterviewError,
    TimeBudgetError,
)
from sim.interview.models import ActionResult, Engagement, Reply, Turn

__all__ = [
    "STYLES", "ActionResult", "ActionTakenError", "Alternative", "Classification", "CrisisItem", "Engagement",
    "Interview", "TypedTextError", "classify",
    "InterviewDataError", "InterviewEndedError", "InterviewError", "Question", "Reply",
    "TimeBudgetError", "Turn", "UnknownQuestionError", "check_reply", "question_bank", "start",
]
