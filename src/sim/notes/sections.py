"""Finding a note's sections by their headings (or from a mapping), and blank templates."""
from __future__ import annotations

import re
from typing import Any

from sim.notes.review import NoteMessage
from sim.notes.rules import FormatRule, _format, rules


def template(fmt: str) -> str:
    """A blank note skeleton in format ``fmt`` ("soap", "dap", "birp", "psychosocial"), with guidance."""
    spec = _format(fmt)
    parts = [f"# {spec.label} note (synthetic patient)", ""]
    for section in spec.sections:
        parts += [f"## {section.label}", f"<!-- {section.guidance} -->", ""]
    return "\n".join(parts)


_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*)?(?:[*_]{1,2})?\s*")
_HEADING = re.compile(
    r"^(?P<h>[A-Za-z][A-Za-z /]{0,70}?)\s*(?:[*_]{1,2})?\s*(?:[:\-–—.)]\s*(?:[*_]{1,2})?\s*(?P<rest>.*)|$)"
)


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
        if is_heading and match is not None and name in own:
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
