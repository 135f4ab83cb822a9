"""The feedback a student sees: scored items, each with a message that explains itself.

A :class:`Feedback` is a list of :class:`FeedbackItem` (points earned out of points possible,
a category and a message) plus the overall score on a 0-100 scale, which a missed critical
action caps (as in an OSCE checklist). It renders as a feedback block (:mod:`sim.model.blocks`):
HTML, text or Markdown.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.model.base import Model
from sim.model.blocks import Block, Kind, Line, Renders, Section, points_text


class FeedbackItem(Model):
    """One scored (or unscored) observation about a submission.

    Attributes:
        category: what part of the work it is about, e.g. "needs", "critical actions".
        earned: points earned; negative for a penalty (a false alarm, a contraindicated choice).
        possible: points this item could earn (0 for penalties, warnings and input errors).
        message: what was right or wrong, citing the case's evidence.
        kind: "praise", "missed", "error" (an invalid part of the submission) or "warning".
    """
    category: str
    earned: float = 0.0
    possible: float = 0.0
    message: str
    kind: Kind

    @property
    def points(self) -> float:
        """Alias of ``earned``."""
        return self.earned

    @property
    def points_possible(self) -> float:
        """Alias of ``possible``."""
        return self.possible

    @property
    def lost(self) -> float:
        """Points lost on this item (possible minus earned, at least 0)."""
        return max(0.0, self.possible - self.earned)

    def line(self) -> Line:
        """The item as one message of a feedback block, with its points."""
        return Line(kind=self.kind, text=self.message, points=points_text(self.earned, self.possible))


class Feedback(Renders, Model):
    """Scored feedback on an assessment and/or a care plan.

    Attributes:
        score: 0-100 after the cap, rounded to one decimal.
        max_score: the scale of ``score`` (always 100).
        capped: True when a missed critical action limited the score.
        cap_reason: why, naming the missed actions.
        items: every observation, in the order found.
    """
    score: float = Field(ge=0, le=100)
    max_score: float = 100.0
    capped: bool = False
    cap_reason: str = ""
    items: list[FeedbackItem] = Field(default_factory=list)
    synthetic: Literal[True] = True

    @property
    def earned(self) -> float:
        """Raw points earned (penalties included), before scaling and cap."""
        return sum(i.earned for i in self.items)

    @property
    def possible(self) -> float:
        """Raw points possible, before scaling."""
        return sum(i.possible for i in self.items)

    def by_kind(self, kind: Kind) -> list[FeedbackItem]:
        """The items of one kind, e.g. ``fb.by_kind("missed")``."""
        return [i for i in self.items if i.kind == kind]

    def by_category(self, category: str) -> list[FeedbackItem]:
        """The items of one category, e.g. ``fb.by_category("needs")``."""
        return [i for i in self.items if i.category == category]

    def block(self) -> Block:
        """The feedback as a block: score, cap, then the items grouped by category."""
        groups: dict[str, list[Line]] = {}
        for item in self.items:
            groups.setdefault(item.category, []).append(item.line())
        return Block(title=f"Score: {self.score:g} / {self.max_score:g}", cap=self.cap_reason if self.capped else "",
                     sections=[Section(title=category.capitalize(), lines=lines) for category, lines in groups.items()])
