"""Checking a note section by section, against the case when one is given."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from sim.feedback.rubric import keyword_pattern, mentions
from sim.notes.review import NoteMessage, NoteReview, SectionReview
from sim.notes.rules import Cue, SectionRule, _format, rules
from sim.notes.sections import _from_dict, split_sections

if TYPE_CHECKING:
    from sim.model.case import Case


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
        review.messages.append(
            NoteMessage(
                kind="missed",
                section=section.id,
                message=f"{section.label} is short ({words} word{'s' if words != 1 else ''}; "
                f"aim for {section.min_words} or more).",
            )
        )
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
    from sim.feedback.evidence import need_label

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
            messages.append(NoteMessage(kind="missed",
                                        message=f"Critical action not documented: {action.description}."))
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
                message = f"Judgmental language: {hit.group(0)!r}; instead, {entry.instead}."
                messages.append(NoteMessage(kind="missed", section=sid, message=message))
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
