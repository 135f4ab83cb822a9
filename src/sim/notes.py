"""Documentation practice: DAP, SOAP and BIRP notes (and the hospital psychosocial
assessment), checked section by section.

``check_note(text_or_dict, fmt, case=None)`` finds the sections by their headings ("D:",
"Data:", "## Data", "**Plan**"), checks each one (present, long enough, content that fits the
section), looks for the case's key needs and critical actions when a case is given, and flags
judgmental language and identifying details. ``template(fmt)`` gives a blank skeleton with
guidance. The rules are the data file ``sim/data/notes.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from sim.errors import UnknownNameError
from sim.feedback.rubric import keyword_pattern, mentions
from sim.tables import load_table

if TYPE_CHECKING:
    from sim.cases.model import Case

MessageKind = Literal["praise", "missed", "warning", "error"]
FORMATS = ("soap", "dap", "birp", "psychosocial")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cue(_Model):
    description: str
    words: list[str]
    numbers: bool = False


class SectionRule(_Model):
    id: str
    label: str
    headings: list[str] = Field(min_length=1)
    guidance: str
    min_words: int = Field(ge=0)
    expects: list[str]
    avoid: list[str] = Field(default_factory=list)


class FormatRule(_Model):
    label: str
    sections: list[SectionRule] = Field(min_length=1)


class Scoring(_Model):
    present: float
    length: float
    content: float
    misplaced: float = Field(ge=0, le=1)
    need_mentioned: float
    action_documented: float
    judgmental: float
    judgmental_max: float
    identifying: float
    identifying_max: float


class Judgmental(_Model):
    term: str
    instead: str


class Identifying(_Model):
    kind: str
    pattern: str

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression {value!r}: {exc}") from exc
        return value


class NoteRules(_Model):
    """The contents of ``sim/data/notes.yaml``."""

    scoring: Scoring
    cues: dict[str, Cue]
    formats: dict[str, FormatRule]
    action_sections: list[str]
    action_keywords: dict[str, list[str]]
    judgmental: list[Judgmental]
    identifying: list[Identifying]


@lru_cache(maxsize=1)
def rules() -> NoteRules:
    """The validated note rules (cached)."""
    loaded = load_table("notes.yaml", NoteRules)
    for fmt in loaded.formats.values():
        for section in fmt.sections:
            for cue in [*section.expects, *section.avoid]:
                if cue not in loaded.cues:
                    from sim.errors import DataTableError  # noqa: PLC0415

                    raise DataTableError(f"sim/data/notes.yaml: section {section.id!r} names unknown cue {cue!r}; "
                                         f"allowed: {', '.join(loaded.cues)}")
    return loaded


class NoteMessage(BaseModel):
    """One observation on a note; ``section`` is None for the whole note."""

    model_config = ConfigDict(extra="forbid")
    kind: MessageKind
    message: str
    section: str | None = None


class SectionReview(BaseModel):
    """How one section fared: found or not, its words, points and messages."""

    model_config = ConfigDict(extra="forbid")
    id: str
    label: str
    present: bool
    text: str = ""
    words: int = 0
    earned: float = 0.0
    possible: float = 0.0
    messages: list[NoteMessage] = Field(default_factory=list)


class NoteReview(BaseModel):
    """The result of :func:`check_note`: per-section reviews, note-level messages and a score."""

    model_config = ConfigDict(extra="forbid")
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
        icons = {"praise": "✔", "missed": "✘", "warning": "•", "error": "⚠"}
        lines = [f"**{rules().formats[self.fmt].label} note: {self.score:g} / {self.max_score:g}**", ""]
        for s in self.sections:
            lines.append(f"### {s.label} ({s.earned:g}/{s.possible:g})")
            lines += [f"- {icons[m.kind]} {m.message}" for m in s.messages]
            lines.append("")
        if self.messages:
            lines.append("### Whole note")
            lines += [f"- {icons[m.kind]} {m.message}" for m in self.messages]
        return "\n".join(lines).rstrip() + "\n"

    def html(self) -> str:
        """The review as an HTML fragment (all text escaped)."""
        import html as _html  # noqa: PLC0415

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


def _format(fmt: str) -> FormatRule:
    key = str(fmt).strip().lower()
    if key not in rules().formats:
        raise UnknownNameError("note format", fmt, rules().formats)
    return rules().formats[key]


def template(fmt: str) -> str:
    """A blank note skeleton in format ``fmt`` ("soap", "dap", "birp", "psychosocial"), with guidance."""
    spec = _format(fmt)
    parts = [f"# {spec.label} note (synthetic patient)", ""]
    for section in spec.sections:
        parts += [f"## {section.label}", f"<!-- {section.guidance} -->", ""]
    return "\n".join(parts)


_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*)?(?:[*_]{1,2})?\s*")
_HEADING = re.compile(r"^(?P<h>[A-Za-z][A-Za-z /]{0,70}?)\s*(?:[*_]{1,2})?\s*(?:[:\-–—.)]\s*(?:[*_]{1,2})?\s*(?P<rest>.*)|$)")


def _heading_index(spec: FormatRule) -> dict[str, str]:
    return {h.lower(): s.id for s in spec.sections for h in [*s.headings, s.id, s.label]}


def _other_headings(fmt: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, spec in rules().formats.items():
        if name != fmt:
            for s in spec.sections:
                for h in [*s.headings, s.label]:
                    out.setdefault(h.lower(), f"{spec.label} {s.label}")
    return out


def split_sections(text: str, fmt: str) -> tuple[dict[str, str], list[NoteMessage]]:
    """Text of each section found by its heading; messages for stray text, repeats, other formats."""
    spec = _format(fmt)
    index = _heading_index(spec)
    others = _other_headings(fmt.lower())
    own = set(index)
    found: dict[str, list[str]] = {}
    messages: list[NoteMessage] = []
    current: str | None = None
    stray: list[str] = []
    for line in text.splitlines():
        stripped = _MARKUP.sub("", line)
        markdown_heading = line.lstrip().startswith("#")
        match = _HEADING.match(stripped)
        name = match.group("h").strip().lower() if match else ""
        is_heading = match is not None and (match.group("rest") is not None or markdown_heading
                                            or stripped.strip().rstrip("*_ ").lower() == name)
        if is_heading and name in own:
            current = index[name]
            if current in found:
                messages.append(NoteMessage(kind="warning", section=current,
                                            message=f"The {current} section appears twice; the parts were joined."))
            found.setdefault(current, []).append(match.group("rest") or "")
            continue
        if is_heading and name in others and len(name) > 1:
            messages.append(NoteMessage(kind="warning", message=f"Heading {name.title()!r} belongs to the "
                                        f"{others[name]} section, not to a {spec.label} note."))
        if current is None:
            if line.strip() and not line.lstrip().startswith(("<!--", "# ")):
                stray.append(line.strip())
        else:
            found[current].append(line)
    if stray:
        messages.append(NoteMessage(kind="warning", message="Text before the first heading is in no section: "
                                    f"{' '.join(stray)[:60]!r}..."))
    return {k: "\n".join(v).strip() for k, v in found.items()}, messages


def _from_dict(data: dict[str, Any], spec: FormatRule) -> tuple[dict[str, str], list[NoteMessage]]:
    index = _heading_index(spec)
    out: dict[str, str] = {}
    messages = []
    for key, value in data.items():
        sid = index.get(str(key).strip().lower())
        if sid is None:
            messages.append(NoteMessage(kind="error", message=f"Unknown section {key!r}; a {spec.label} note has "
                                        f"{', '.join(s.id for s in spec.sections)}."))
            continue
        out[sid] = (out.get(sid, "") + "\n" + str(value or "")).strip()
    return out, messages


def _strip_comments(text: str) -> str:
    return re.sub(r"<!--.*?-->", "", text, flags=re.S).strip()


def _has_cue(text: str, cue: Cue) -> bool:
    return bool(keyword_pattern(tuple(cue.words)).search(text)) or (cue.numbers and bool(re.search(r"\d", text)))


def _check_section(section: SectionRule, text: str | None, points: float) -> SectionReview:
    sc, cues = rules().scoring, rules().cues
    review = SectionReview(id=section.id, label=section.label, present=bool(text), possible=round(points, 2))
    if not text:
        review.messages.append(NoteMessage(kind="missed", section=section.id,
                                           message=f"{section.label} section missing: {section.guidance}"))
        return review
    words = len(text.split())
    review.text, review.words = text, words
    earned = points * sc.present
    if words >= section.min_words:
        earned += points * sc.length
    else:
        review.messages.append(NoteMessage(kind="missed", section=section.id,
                                           message=f"{section.label} is short ({words} word{'s' if words != 1 else ''}; "
                                                   f"aim for {section.min_words} or more)."))
    lacking = [cues[c] for c in section.expects if not _has_cue(text, cues[c])]
    if section.expects:
        earned += points * sc.content * (1 - len(lacking) / len(section.expects))
    for cue in lacking:
        review.messages.append(NoteMessage(kind="missed", section=section.id,
                                           message=f"{section.label} should hold {cue.description}; none found."))
    misplaced = False
    for name in section.avoid:
        cue = cues[name]
        hit = keyword_pattern(tuple(cue.words)).search(text)
        if hit:
            misplaced = True
            earned -= points * sc.content * sc.misplaced
            review.messages.append(NoteMessage(
                kind="missed", section=section.id,
                message=f"{section.label} contains {hit.group(0)!r}, which reads as {cue.description.split(' (')[0]}; "
                        f"it belongs in another section."))
    if not lacking and not misplaced and words >= section.min_words:
        review.messages.append(NoteMessage(kind="praise", section=section.id,
                                           message=f"{section.label}: complete and in the right place."))
    review.earned = round(earned, 2)
    return review


def _case_checks(case: Case, texts: dict[str, str], full: str) -> tuple[list[NoteMessage], float, float]:
    sc, rl = rules().scoring, rules()
    messages: list[NoteMessage] = []
    earned = possible = 0.0
    from sim.feedback.evidence import need_label  # noqa: PLC0415

    for need in case.key.needs:
        possible += sc.need_mentioned
        label = need_label(need.domain)
        if mentions(full, need.domain):
            earned += sc.need_mentioned
            messages.append(NoteMessage(kind="praise", message=f"The note addresses {label.lower()}."))
        else:
            messages.append(NoteMessage(kind="missed", message=f"The note does not mention {label.lower()} "
                                        f"({need.evidence.rstrip('.')})."))
    where = " ".join(texts.get(s, "") for s in rl.action_sections)
    for action in case.key.critical_actions:
        possible += sc.action_documented
        pattern = keyword_pattern(tuple(rl.action_keywords.get(action.kind, [action.kind])))
        if pattern.search(where):
            earned += sc.action_documented
            messages.append(NoteMessage(kind="praise", message=f"Critical action documented: {action.description}."))
        elif pattern.search(full):
            earned += sc.action_documented / 2
            messages.append(NoteMessage(kind="missed", message=f"{action.description} is mentioned, but not in the "
                                        f"plan: document it there, with when it was or will be done."))
        else:
            messages.append(NoteMessage(kind="missed", message=f"Critical action not documented: {action.description}."))
    return messages, earned, possible


def _identifiers(case: Case | None) -> list[tuple[str, re.Pattern[str]]]:
    out = [(i.kind, re.compile(i.pattern, re.IGNORECASE if i.kind in {"date of birth"} else 0))
           for i in rules().identifying]
    if case is not None:
        p = case.patient
        dob = p.identity.date_of_birth
        literal = [("date of birth", dob.isoformat()), ("date of birth", f"{dob.month}/{dob.day}/{dob.year}"),
                   ("street address", p.address.street), ("telephone number", p.contact.phone),
                   ("e-mail address", p.contact.email)]
        literal += [("full name of a family member", m.name) for m in p.family if " " in m.name]
        out += [(kind, re.compile(re.escape(value), re.IGNORECASE)) for kind, value in literal if value]
    return out


def _penalties(texts: dict[str, str], case: Case | None) -> tuple[list[NoteMessage], float]:
    """Judgmental terms and identifying details, each message naming the section it is in."""
    sc = rules().scoring
    messages: list[NoteMessage] = []
    lost_j = 0.0
    for entry in rules().judgmental:
        pattern = keyword_pattern((entry.term,))
        for sid, text in texts.items():
            hit = pattern.search(text)
            if hit:
                lost_j = min(sc.judgmental_max, lost_j + sc.judgmental)
                messages.append(NoteMessage(kind="missed", section=sid,
                                            message=f"Judgmental language: {hit.group(0)!r}; instead, {entry.instead}."))
                break
    kinds: dict[str, tuple[str, str]] = {}
    for kind, pattern in _identifiers(case):
        for sid, text in texts.items():
            hit = pattern.search(text)
            if hit and kind not in kinds:
                kinds[kind] = (sid, hit.group(0))
    for kind, (sid, value) in kinds.items():
        tail = ("name the relationship instead (e.g. 'her son')" if kind.startswith("full name")
                else "the chart header identifies the patient")
        messages.append(NoteMessage(kind="missed", section=sid, message=f"Identifying detail not needed in the "
                                    f"note: {kind} ({value!r}); {tail}."))
    lost_i = min(sc.identifying_max, sc.identifying * len(kinds))
    return messages, lost_j + lost_i


def check_note(note: str | dict[str, Any], fmt: str, case: Case | None = None) -> NoteReview:
    """Check a note section by section.

    Args:
        note: the note's text (sections under headings such as "S:", "Data:", "## Plan") or a
            mapping of section id or heading to text.
        fmt: "soap", "dap", "birp" or "psychosocial".
        case: when given, the note is also checked for the case's key needs and critical
            actions, and for the patient's identifying details.

    Returns:
        A :class:`NoteReview`: per-section reviews and messages, note-level messages, a 0-100 score.

    Raises:
        UnknownNameError: ``fmt`` is not a known format (the message lists them).
    """
    spec = _format(fmt)
    fmt = fmt.strip().lower()
    if isinstance(note, dict):
        texts, messages = _from_dict(note, spec)
    elif isinstance(note, str):
        texts, messages = split_sections(note, fmt)
    else:
        texts, messages = {}, [NoteMessage(kind="error", message=f"A note is text or a mapping of sections, "
                                           f"not {type(note).__name__}.")]
    texts = {k: _strip_comments(v) for k, v in texts.items()}
    per_section = 100.0 / len(spec.sections)
    sections = [_check_section(s, texts.get(s.id), per_section) for s in spec.sections]
    if not any(s.present for s in sections) and isinstance(note, str) and note.strip():
        messages.append(NoteMessage(kind="error", message=f"No {spec.label} headings found; start each section "
                                    f"on its own line, e.g. {spec.sections[0].headings[-1].title()}:"))
    earned = sum(s.earned for s in sections)
    possible = sum(s.possible for s in sections)
    full = "\n".join(texts.values())
    if case is not None:
        case_msgs, case_earned, case_possible = _case_checks(case, texts, full)
        messages += case_msgs
        earned, possible = earned + case_earned, possible + case_possible
    penalty_msgs, lost = _penalties(texts, case)
    by_id = {s.id: s for s in sections}
    for m in penalty_msgs:
        section = by_id.get(m.section or "")
        if section is not None:
            section.messages = [x for x in section.messages if x.kind != "praise"] + [m]
        else:
            messages.append(m)
    score = max(0.0, earned - lost) / possible * 100 if possible else 0.0
    return NoteReview(fmt=fmt, score=round(min(100.0, score), 1), sections=sections, messages=messages)
