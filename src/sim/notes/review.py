"""What a note check returns: messages, a review per section, and the whole review."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.errors import UnknownNameError
from sim.feedback.model import STATUS_ICONS
from sim.model.base import Model
from sim.notes.rules import MessageKind, rules


class NoteMessage(Model):
    """One observation on a note; ``section`` is None for the whole note."""
    kind: MessageKind
    message: str
    section: str | None = None


class SectionReview(Model):
    """How one section fared: found or not, its words, points and messages."""
    id: str
    label: str
    present: bool
    text: str = ""
    words: int = 0
    earned: float = 0.0
    possible: float = 0.0
    messages: list[NoteMessage] = Field(default_factory=list)


class NoteReview(Model):
    """The result of :func:`check_note`: per-section reviews, note-level messages and a score."""
    fmt: str
    score: float = Field(ge=0, le=100)
    max_score: float = 100.0
    sections: list[SectionReview]
    messages: list[NoteMessage] = Field(default_factory=list)
    synthetic: Literal[True] = True

    def section(self, section_id: str) -> SectionReview:
        """The review of one section, by id (e.g. "plan")."""
        for s in self.sections:
            if s.id == section_id:
                return s
        raise UnknownNameError("section", section_id, [s.id for s in self.sections])

    def all_messages(self) -> list[NoteMessage]:
        """Section messages in order, then note-level ones."""
        return [m for s in self.sections for m in s.messages] + self.messages

    def markdown(self) -> str:
        """The review as Markdown."""
        lines = [f"**{rules().formats[self.fmt].label} note: {self.score:g} / {self.max_score:g}**", ""]
        for s in self.sections:
            lines.append(f"### {s.label} ({s.earned:g}/{s.possible:g})")
            lines += [f"- {STATUS_ICONS[m.kind]} {m.message}" for m in s.messages]
            lines.append("")
        if self.messages:
            lines.append("### Whole note")
            lines += [f"- {STATUS_ICONS[m.kind]} {m.message}" for m in self.messages]
        return "\n".join(lines).rstrip() + "\n"

    def html(self) -> str:
        """The review as an HTML fragment (all text escaped)."""
        import html as _html

        esc = _html.escape
        parts = ['<div class="sim-note-review">',
                 f"<p><strong>{esc(rules().formats[self.fmt].label)} note: {self.score:g} / {self.max_score:g}"
                 "</strong></p>"]
        for s in self.sections:
            parts.append(f"<h4>{esc(s.label)} ({s.earned:g}/{s.possible:g})</h4><ul>")
            parts += [f'<li class="sim-{m.kind}">{esc(m.message)}</li>' for m in s.messages]
            parts.append("</ul>")
        if self.messages:
            parts.append("<h4>Whole note</h4><ul>")
            parts += [f'<li class="sim-{m.kind}">{esc(m.message)}</li>' for m in self.messages]
            parts.append("</ul>")
        parts.append("</div>")
        return "\n".join(parts)

    def _repr_markdown_(self) -> str:
        return self.markdown()
