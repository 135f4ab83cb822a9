"""What a note check returns: messages, a review per section, and the whole review (a feedback block)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.errors import find_by_id
from sim.model.base import Model
from sim.model.blocks import Block, Line, Renders, Section
from sim.notes.rules import MessageKind, rules


class NoteMessage(Model):
    """One observation on a note; ``section`` is None for the whole note."""
    kind: MessageKind
    message: str
    section: str | None = None

    def line(self) -> Line:
        """The message as one line of a feedback block."""
        return Line(kind=self.kind, text=self.message)


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

    def as_section(self) -> Section:
        """The section's review as a block section: label, missing or not, points, messages."""
        return Section(title=f"{self.label}{'' if self.present else ' (missing)'}: {self.earned:g} / {self.possible:g}",
                       lines=[m.line() for m in self.messages], empty="Nothing to add.")


class NoteReview(Renders, Model):
    """The result of :func:`check_note`: per-section reviews, note-level messages and a score."""
    fmt: str
    score: float = Field(ge=0, le=100)
    max_score: float = 100.0
    sections: list[SectionReview]
    messages: list[NoteMessage] = Field(default_factory=list)
    synthetic: Literal[True] = True

    def section(self, section_id: str) -> SectionReview:
        """The review of one section, by id (e.g. "plan")."""
        return find_by_id(self.sections, section_id, "section")

    def all_messages(self) -> list[NoteMessage]:
        """Section messages in order, then note-level ones."""
        return [m for s in self.sections for m in s.messages] + self.messages

    def block(self) -> Block:
        """The review as a feedback block: the score, each section, then the whole note."""
        sections = [s.as_section() for s in self.sections]
        if self.messages:
            sections.append(Section(title="Whole note", lines=[m.line() for m in self.messages]))
        return Block(css="sim-note-review", title=f"{rules().formats[self.fmt].label} note: {self.score:g} / "
                     f"{self.max_score:g}", sections=sections,
                     footer="Synthetic patient: practise writing as you would in a real record.")
