"""The feedback a student sees: scored items, each with a message that explains itself.

A :class:`Feedback` is a list of :class:`FeedbackItem` (points earned out of points possible,
a category and a message) plus the overall score on a 0-100 scale, which a missed critical
action caps (as in an OSCE checklist). It renders to Markdown and to HTML.
"""
from __future__ import annotations

import html as _html
from typing import Literal

from pydantic import Field

from sim.model.base import Model

Kind = Literal["praise", "missed", "error", "warning"]

STATUS_ICONS: dict[str, str] = {"praise": "✔", "missed": "✘", "error": "⚠", "warning": "•"}
"""The one icon of each kind of feedback message, in every renderer (Markdown, HTML, widgets)."""


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


class Feedback(Model):
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

    def markdown(self) -> str:
        """The feedback as Markdown: score line, cap, then items grouped by category."""
        lines = [f"**Score: {self.score:g} / {self.max_score:g}**", ""]
        if self.capped:
            lines += [f"> Score capped: {self.cap_reason}", ""]
        for category, items in _grouped(self.items):
            lines.append(f"### {category.capitalize()}")
            for item in items:
                pts = _points(item)
                lines.append(f"- {STATUS_ICONS[item.kind]} {item.message}{f' ({pts})' if pts else ''}")
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"

    def html(self) -> str:
        """The feedback as a self-contained HTML fragment (all text escaped)."""
        esc = _html.escape
        parts = ['<div class="sim-feedback">',
                 f'<p class="sim-score"><strong>Score: {self.score:g} / {self.max_score:g}</strong></p>']
        if self.capped:
            parts.append(f'<p class="sim-cap">Score capped: {esc(self.cap_reason)}</p>')
        for category, items in _grouped(self.items):
            parts.append(f"<h4>{esc(category.capitalize())}</h4><ul>")
            for item in items:
                pts = _points(item)
                parts.append(f'<li class="sim-{item.kind}">{STATUS_ICONS[item.kind]} {esc(item.message)}'
                             f'{f" <small>({esc(pts)})</small>" if pts else ""}</li>')
            parts.append("</ul>")
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        return self.markdown()


def _grouped(items: list[FeedbackItem]) -> list[tuple[str, list[FeedbackItem]]]:
    groups: dict[str, list[FeedbackItem]] = {}
    for item in items:
        groups.setdefault(item.category, []).append(item)
    return list(groups.items())


def _points(item: FeedbackItem) -> str:
    if item.possible:
        return f"{item.earned:g}/{item.possible:g} points"
    if item.earned:
        return f"{item.earned:g} points"
    return ""
