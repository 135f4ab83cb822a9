"""The library of reusable rubric comments for manual grading (``rubric_comments.yaml``)."""
from __future__ import annotations

from typing import Any

import yaml

from sim.errors import UnknownNameError
from sim.grading.course import Course, CourseError


def load_comments(course: Course) -> dict[str, dict[str, Any]]:
    """Rubric row id -> {title, comments}."""
    path = course.root / "rubric_comments.yaml"
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))["rows"]
    except FileNotFoundError:
        raise CourseError(f"{path}: missing") from None
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise CourseError(f"{path}: invalid ({exc}); needs a 'rows' mapping") from None
    for row, entry in rows.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("comments"), list):
            raise CourseError(f"{path}: row {row!r} needs a 'comments' list")
    return rows


def format_comments(course: Course, row: str | None = None) -> str:
    """The comments of ``row`` (or of every row), numbered, ready to paste."""
    rows = load_comments(course)
    if row is not None and row not in rows:
        raise UnknownNameError("rubric row", row, rows)
    out = []
    for rid in ([row] if row else list(rows)):
        out.append(f"{rid}: {rows[rid].get('title', '')}")
        out += [f"  {i}. {c}" for i, c in enumerate(rows[rid]["comments"], 1)]
    return "\n".join(out)
