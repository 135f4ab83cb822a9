"""Small helpers the lesson notebooks use: pick a case from the library or a generated one from a
seed, and build the interview panel with the CSS classes the lessons (and the browser test) use.

    >>> import sim.lesson as lesson
    >>> lesson.pick_case("ed_ipv_01").id
    'ed_ipv_01'
    >>> lesson.pick_case(None, seed=7).id             # a generated case for seed 7
    'gen-P-0000000000000007'
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sim.cases.pick import case_menu, library_cases, pick_case

if TYPE_CHECKING:
    from sim.model.case import Case

__all__ = ["case_menu", "interview_panel", "library_cases", "pick_case", "synthetic_banner"]


def interview_panel(case: Case, seed: int = 0, budget_minutes: int | None = None) -> Any:
    """The interview panel (:class:`sim.widgets.interview_panel.InterviewPanel`) for ``case``,
    its container marked ``sim-interview-panel`` and its conversation ``sim-conversation``.

    Its engagement feedback is marked ``sim-interview-feedback`` instead of ``sim-feedback``, so
    that on a lesson page the first ``.sim-feedback`` is the exercise's (the assessment form's
    "Check my assessment" result), not the interview's, which stays empty until the interview ends.
    """
    from sim.widgets.interview_panel import InterviewPanel

    panel = InterviewPanel(case, seed=seed, budget_minutes=budget_minutes)
    panel.widget.add_class("sim-interview-panel")
    panel.conversation.add_class("sim-conversation")
    panel.error.add_class("sim-error-area")
    panel.feedback.remove_class("sim-feedback")
    panel.feedback.add_class("sim-interview-feedback")
    return panel


def synthetic_banner() -> str:
    """The line every lesson shows under a case."""
    return "All people, places and records in this lesson are synthetic: invented for teaching."
