"""One feedback block model and its one renderer, for every engine and widget.

A :class:`Block` is what any check says to a student: a headline (the score), a few plain
paragraphs (a cap, totals), then sections of :class:`Line` messages, each of one kind (praise,
missed, error, warning) with its icon and, where it has them, its points. Plan and assessment
feedback (:class:`sim.feedback.Feedback`), note reviews (:class:`sim.notes.NoteReview`), a triage
shift (:class:`sim.triage.TriageResult`) and the widgets' inline lists are all built as blocks and
rendered by :func:`render`:

- ``"html"``: a self-contained, escaped fragment for the widgets and notebooks; each message is
  coloured by kind from the Okabe-Ito palette (Okabe and Ito, "Color Universal Design", 2008),
  and never by colour alone: it keeps its icon and its words;
- ``"text"``: plain lines for the terminal;
- ``"markdown"``: for exports and notebooks' Markdown display.

>>> block = Block(title="Score: 50 / 100", sections=[Section(title="Needs", lines=[
...     Line(kind="praise", text="Food insecurity found.", points="2/2 points"),
...     Line(kind="missed", text="Housing missed.", points="0/2 points")])])
>>> print(render(block, "text"))
Score: 50 / 100
<BLANKLINE>
Needs
  ✔ Food insecurity found. (2/2 points)
  ✘ Housing missed. (0/2 points)
<BLANKLINE>
"""
from __future__ import annotations

import html
from collections.abc import Callable
from typing import Literal, NamedTuple

from pydantic import Field

from sim.model.base import Model

Kind = Literal["praise", "missed", "error", "warning"]
Format = Literal["html", "text", "markdown"]
FORMATS: tuple[Format, ...] = ("html", "text", "markdown")

STATUS_ICONS: dict[str, str] = {"praise": "✔", "missed": "✘", "error": "⚠", "warning": "•"}
"""The one icon of each kind of message, in every format."""

KIND_COLOURS: dict[str, str] = {"praise": "#009E73", "missed": "#D55E00", "error": "#D55E00", "warning": "#E69F00"}
"""The colour of each kind of message in HTML: Okabe-Ito green, vermillion, vermillion, orange."""


class Line(Model):
    """One message: its kind, its words and, when it is scored, its points ("2/3 points")."""
    kind: Kind
    text: str
    points: str = ""


class Section(Model):
    """Messages under one heading; ``title`` "" for a list without one; ``empty`` is said when
    there is no message (e.g. "Nothing to add.")."""
    title: str = ""
    lines: list[Line] = Field(default_factory=list)
    empty: str = ""


class Block(Model):
    """A whole piece of feedback.

    Attributes:
        css: the HTML class of the block ("sim-feedback", "sim-note-review", "sim-triage", ...).
        title: the headline, in bold ("Score: 80 / 100"); "" for none.
        cap: why the score was capped, said as a warning under the title; "" for none.
        notes: plain paragraphs under the title (totals, what the score is relative to).
        sections: the messages, in order.
        footer: a closing remark in italics; "" for none.
    """
    css: str = "sim-feedback"
    title: str = ""
    cap: str = ""
    notes: list[str] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    footer: str = ""


def points_text(earned: float, possible: float) -> str:
    """The points of a scored message: "2/3 points", "-1 points" for a penalty, "" for none."""
    if possible:
        return f"{earned:g}/{possible:g} points"
    if earned:
        return f"{earned:g} points"
    return ""


def line_html(line: Line) -> str:
    """One message as an HTML list item: class ``sim-<kind>``, coloured icon, escaped words, points."""
    points = f" <small>({html.escape(line.points)})</small>" if line.points else ""
    return (f"<li class='sim-{line.kind}' style='color:{KIND_COLOURS[line.kind]}'>{STATUS_ICONS[line.kind]} "
            f"<span style='color:#000'>{html.escape(line.text)}</span>{points}</li>")


def lines_html(lines: list[Line]) -> str:
    """Messages as an HTML list ("" for none)."""
    return f"<ul>{''.join(line_html(x) for x in lines)}</ul>" if lines else ""


def _line_plain(line: Line) -> str:
    return f"{STATUS_ICONS[line.kind]} {line.text}" + (f" ({line.points})" if line.points else "")


def to_html(block: Block) -> str:
    """The block as an escaped HTML fragment."""
    esc = html.escape
    parts = [f"<div class='{esc(block.css)}'>"]
    if block.title:
        parts.append(f"<p class='sim-score'><strong>{esc(block.title)}</strong></p>")
    if block.cap:
        parts.append(f"<p class='sim-cap'>Score capped: {esc(block.cap)}</p>")
    parts += [f"<p>{esc(note)}</p>" for note in block.notes]
    for section in block.sections:
        if section.title:
            parts.append(f"<h4>{esc(section.title)}</h4>")
        parts.append(lines_html(section.lines)
                     or (f"<p>{STATUS_ICONS['praise']} {esc(section.empty)}</p>" if section.empty else ""))
    if block.footer:
        parts.append(f"<p><i>{esc(block.footer)}</i></p>")
    parts.append("</div>")
    return "\n".join(p for p in parts if p)


class _Style(NamedTuple):
    title: Callable[[str], str]
    heading: Callable[[str], str]
    bullet: str
    quote: str
    footer: Callable[[str], str]


def _plain(block: Block, style: _Style) -> str:
    out = [style.title(block.title), ""] if block.title else []
    if block.cap:
        out += [f"{style.quote}Score capped: {block.cap}", ""]
    for note in block.notes:
        out += [note, ""]
    for section in block.sections:
        if section.title:
            out.append(style.heading(section.title))
        lines = [_line_plain(x) for x in section.lines]
        if not lines and section.empty:
            lines = [f"{STATUS_ICONS['praise']} {section.empty}"]
        out += [style.bullet + x for x in lines]
        out.append("")
    if block.footer:
        out.append(style.footer(block.footer))
    return "\n".join(out).rstrip() + "\n"


_MARKDOWN = _Style(title=lambda t: f"**{t}**", heading=lambda t: f"### {t}", bullet="- ", quote="> ",
                   footer=lambda t: f"*{t}*")
_TEXT = _Style(title=str, heading=str, bullet="  ", quote="", footer=str)


def to_markdown(block: Block) -> str:
    """The block as Markdown: bold title, quoted cap, ``###`` sections, bulleted messages."""
    return _plain(block, _MARKDOWN)


def to_text(block: Block) -> str:
    """The block as plain text for a terminal: indented messages under their headings."""
    return _plain(block, _TEXT)


_RENDERERS: dict[str, Callable[[Block], str]] = {"html": to_html, "text": to_text, "markdown": to_markdown}


def render(block: Block, fmt: Format = "html") -> str:
    """The block in one format: "html", "text" or "markdown".

    Raises:
        UnknownNameError: another format, naming the three.
    """
    if fmt not in _RENDERERS:
        from sim.errors import UnknownNameError

        raise UnknownNameError("feedback format", fmt, FORMATS)
    return _RENDERERS[fmt](block)


class Renders:
    """Mixin for a result that says itself as a :class:`Block`: ``html()``, ``text()``,
    ``markdown()`` and the notebook's Markdown display all come from :meth:`block`."""

    def block(self) -> Block:
        """The result as a feedback block."""
        raise NotImplementedError

    def html(self) -> str:
        """The result as an escaped HTML fragment."""
        return to_html(self.block())

    def text(self) -> str:
        """The result as plain text for a terminal."""
        return to_text(self.block())

    def markdown(self) -> str:
        """The result as Markdown."""
        return to_markdown(self.block())

    def _repr_markdown_(self) -> str:
        return self.markdown()
