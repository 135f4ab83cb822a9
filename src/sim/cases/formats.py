"""Case file format versions: read ``format:``, upgrade an earlier format in memory (so that
files written for it keep loading) and in the file itself (``sim case migrate``).

Format 1 is the format before structured dispositions and acts: the key gave the discharge
disposition in words only (scored by the words that name a disposition), and a contraindicated
intervention was contraindicated in any form (one the key also recommended was only a caution).
Format 2 (current) adds ``key.dispositions`` (ids with fit, rationale and required actions),
contraindicated acts with conditions and ``key.contraindicated_actions``. A file without ``format:`` is format 1. The
versions, and the words format 1 matched, are the data table ``sim/data/case_formats.yaml``.

The upgrade of a file edits its text: it adds ``format: 2`` above the first field and a
``dispositions:`` block at the end of the key, and leaves every other line (comments, order,
quoting, blank lines) as it was. What the upgrade cannot decide (which disposition is unsafe,
which actions make one safe, the condition of a contraindicated act) is reported for the author.

    >>> derive_dispositions("To a nursing home, not a shelter")
    ['skilled_nursing']
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import model_validator

from sim.cases.problems import CaseFileError, Problem, short_repr
from sim.cases.source import Source, parse_text
from sim.errors import SimValueError
from sim.model.base import Model
from sim.model.taxonomy import DISPOSITIONS, Disposition
from sim.tables import cached_table


class FormatTable(Model):
    """The data file ``case_formats.yaml``."""
    current: int
    supported: list[int]
    disposition_words: dict[Disposition, list[str]]
    disposition_also: dict[Disposition, list[Disposition]]

    @model_validator(mode="after")
    def _current_is_supported(self) -> FormatTable:
        if self.current not in self.supported or self.current != max(self.supported):
            raise ValueError(f"current format {self.current} must be the newest of supported {self.supported}")
        return self


formats = cached_table("case_formats.yaml", FormatTable, "The validated format table (cached).")


def current_format() -> int:
    """The format this version of sim writes (files of every supported format load)."""
    return formats().current


class UnsupportedFormatError(SimValueError):
    """A case file's ``format:`` is not one this version of sim reads."""


@dataclass(frozen=True)
class Note:
    """One thing the upgrade did (``decide`` false) or leaves to the author (``decide`` true)."""

    path: str
    message: str
    decide: bool = False

    def __str__(self) -> str:
        return f"{'decide' if self.decide else 'changed'}: {self.path}: {self.message}"


def format_problem(value: Any) -> str | None:
    """Why ``value`` is not a format this sim reads, or None (``None`` itself means format 1)."""
    supported = formats().supported
    allowed = ", ".join(map(str, supported))
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return f"format must be a whole number (got {short_repr(value)}; supported: {allowed})"
    if value > formats().current:
        return (f"format {value} is newer than this version of sim reads (supported: {allowed}); "
                "upgrade sim to load this file")
    if value not in supported:
        return f"format {value} is not a case format (supported: {allowed})"
    return None


def file_format(data: dict[str, Any]) -> int:
    """The format of parsed file data (1 when it has no ``format:``); assumes it is valid."""
    value = data.get("format")
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


_NEGATED = re.compile(r"\b(?:not|no|avoid|never|without)\b(?:\W+\w+){0,3}\W*$", re.IGNORECASE)


def _pattern(words: list[str]) -> re.Pattern[str]:
    parts = [r"(?<!\w)" + re.escape(w.rstrip("*")) + ("" if w.endswith("*") else r"(?!\w)") for w in words]
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def derive_dispositions(text: str) -> list[str]:
    """The disposition ids a format-1 free-text disposition named, in the order the text names
    them (then those each one also accepted), as format 1 matched them."""
    table = formats()
    stripped = text.strip()
    found: list[str] = []
    if stripped in DISPOSITIONS:
        found = [stripped]
    else:
        matches: list[tuple[int, int, str]] = []
        for disposition, words in table.disposition_words.items():
            for m in _pattern(words).finditer(text):
                if not _NEGATED.search(text[max(0, m.start() - 40):m.start()]):
                    matches.append((m.start(), m.end(), disposition))
        kept = [(s, d) for s, e, d in matches
                if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and d2 != d for s2, e2, d2 in matches)]
        for _, d in sorted(kept):
            if d not in found:
                found.append(d)
    also = {str(k): [str(x) for x in v] for k, v in table.disposition_also.items()}
    for named in list(found):
        found += [extra for extra in also.get(named, []) if extra not in found]
    return found


def upgrade(data: dict[str, Any]) -> tuple[dict[str, Any], list[Note]]:
    """Format-1 file data upgraded to the current format (a copy), and what was done or is left.

    Args:
        data: the file's fields (templates already drawn, or not: a spec is left alone).

    Returns:
        ``(data, notes)``; ``data`` has ``key.dispositions`` derived from the key's words when it
        had none. Nothing else changes meaning between the formats.
    """
    out = copy.deepcopy(data)
    notes: list[Note] = []
    key = out.get("key")
    if not isinstance(key, dict):
        return out, notes
    words = key.get("discharge_disposition")
    if "dispositions" not in key and words is not None:
        ids = derive_dispositions(words) if isinstance(words, str) else []
        if not isinstance(words, str):
            notes.append(Note("key.discharge_disposition", "is drawn in the template, so no disposition "
                              "could be read from its words; write key.dispositions by hand", True))
        elif not ids:
            notes.append(Note("key.dispositions", f"no disposition is named in the words "
                              f"{short_repr(' '.join(words.split()))}; write key.dispositions (ids from "
                              "sim.model.taxonomy with fit expected, acceptable or unsafe)", True))
        else:
            rationale = " ".join(words.split())
            key["dispositions"] = [{"id": d, "fit": "expected" if i == 0 else "acceptable", "rationale": rationale}
                                   for i, d in enumerate(ids)]
            notes.append(Note("key.dispositions", f"added {', '.join(ids)} from the words of "
                              f"key.discharge_disposition ({ids[0]} expected"
                              + (", the others acceptable)" if len(ids) > 1 else ")")))
            notes.append(Note("key.dispositions", "check each fit (is one of them unsafe for this patient?), "
                              "give each its own rationale, and add requires_actions where a disposition is "
                              "safe only with an action (e.g. capacity_assessment, informed_refusal)", True))

    def entries(part: str) -> list[Any]:
        found = key.get(part)
        return found if isinstance(found, list) else []

    chosen = {k.get("intervention") for part in ("recommended", "acceptable")
              for k in entries(part) if isinstance(k, dict) and isinstance(k.get("intervention"), str)}
    for i, entry in enumerate(entries("contraindicated")):
        if not isinstance(entry, dict) or not isinstance(entry.get("intervention"), str) \
                or entry.get("intervention") not in chosen:
            continue
        if any(entry.get(c) for c in ("variant", "with_discharge", "unless_actions", "aimed_at")):
            continue
        notes.append(Note(f"key.contraindicated.{i}", f"{entry.get('intervention')!r} is also recommended or "
                          "acceptable: in format 1 this was a caution about how it is done, in format 2 it "
                          "contraindicates every form; name the harmful act with variant, with_discharge, "
                          "unless_actions or aimed_at, or remove the entry", True))
    return out, notes


@dataclass
class Migration:
    """The outcome of upgrading one file's text."""

    file: str
    old_format: int
    new_format: int
    text: str
    notes: list[Note] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.old_format != self.new_format


def _top_level_lines(source: Source) -> list[int]:
    return sorted(line for path, (line, _) in source.keys.items() if len(path) == 1)


def _dispositions_block(entries: list[dict[str, Any]], indent: str) -> list[str]:
    from sim.cases.writing import to_yaml

    lines = [f"{indent}dispositions:"]
    for entry in entries:
        lines += [f"{indent}  {line}" for line in to_yaml([entry]).splitlines()]
    return lines


def migrate_text(text: str, name: str) -> Migration:
    """Upgrade the text of a case file to the current format, keeping every other line as it is.

    Raises:
        CaseFileError: the text is not a readable case file.
        UnsupportedFormatError: its ``format:`` is not one this sim reads.
    """
    source, problems = parse_text(text.encode("utf-8"), name)
    if source is None or problems:
        raise CaseFileError(problems)
    value = source.data.get("format")
    problem = format_problem(value)
    if problem is not None:
        raise UnsupportedFormatError(f"{name}: {problem}")
    old = file_format(source.data)
    current = current_format()
    if old == current:
        return Migration(name, old, current, text)
    upgraded, notes = upgrade(source.data)
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    edits: list[tuple[int, list[str], int]] = []  # (0-based line, new lines, lines replaced)

    key = upgraded.get("key")
    if isinstance(key, dict) and "dispositions" in key and "dispositions" not in source.data["key"]:
        key_line = source.keys[("key",)][0]
        children = [source.keys[("key", k)] for k in source.data["key"]]
        if not children or children[0][0] == key_line:
            notes.append(Note("key", "is written as a flow mapping ({...}); add the dispositions above "
                              "to it by hand", True))
            upgraded["key"].pop("dispositions")
        else:
            following = [n for n in _top_level_lines(source) if n > key_line]
            end = (following[0] - 1) if following else len(lines)  # 1-based last line of the block
            while end > key_line and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
                end -= 1
            indent = " " * (children[0][1] - 1)
            block = _dispositions_block(key["dispositions"], indent)
            edits.append((end, [line + newline for line in block], 0))
            if not lines[end - 1].endswith(("\n", "\r")):
                edits.append((end - 1, [lines[end - 1] + newline], 1))

    if ("format",) in source.keys:
        line = source.keys[("format",)][0] - 1
        edits.append((line, [re.sub(r"^(\s*format\s*:\s*)[^#\s]+", rf"\g<1>{current}", lines[line])], 1))
    else:
        first = _top_level_lines(source)[0] - 1
        edits.append((first, [f"format: {current}{newline}"], 0))

    for at, new, replaced in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[at:at + replaced] = new
    result = "".join(lines)
    check, check_problems = parse_text(result.encode("utf-8"), name)
    expected = {"format": current, **{k: v for k, v in upgraded.items() if k != "format"}}
    if check is None or check_problems or check.data != expected:
        raise SimValueError(f"{name}: the upgraded text does not read back as the upgraded case; "
                            "the file was left as it is (upgrade it by hand: add format: "
                            f"{current} and key.dispositions)")
    return Migration(name, old, current, result, notes)


def migrate_file(path: str | Path, out: str | Path | None = None, *, write: bool = True) -> Migration:
    """Upgrade one case file, in place or into ``out``; with ``write`` false, only report.

    Raises:
        CaseFileError, UnsupportedFormatError: as :func:`migrate_text`.
        SimValueError: the file cannot be read or written.
    """
    from sim.cases.writing import write_atomic

    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise SimValueError(f"cannot read {p}: {exc}") from exc
    migration = migrate_text(text, str(p))
    if write and (migration.changed or out is not None):
        write_atomic(Path(out) if out is not None else p, migration.text)
    return migration


def problems_of_format(source: Source) -> list[Problem]:
    """The problem with the file's ``format:``, located (an empty list when it is readable)."""
    problem = format_problem(source.data.get("format"))
    return [source.problem(("format",), problem)] if problem else []
