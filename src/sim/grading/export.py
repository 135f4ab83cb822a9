"""Grade export: a CSV that Canvas's gradebook import accepts, or nbgrader's plain CSV."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from sim.errors import UnknownNameError
from sim.grading.course import Course
from sim.grading.gradebook import gradebook

CANVAS_FIXED = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
FORMATS = ("canvas", "csv")


def canvas_rows(course: Course) -> list[list[str]]:
    """Header, the "Points Possible" row, then one row per student (missing work scores 0)."""
    with gradebook(course.db_url, course.course_id) as gb:
        assignments = sorted(gb.assignments, key=lambda a: a.name)
        header = CANVAS_FIXED + [f"{course.title(a.name)} (points)" for a in assignments]
        rows = [header, ["Points Possible", "", "", "", ""] + [f"{a.max_score:g}" for a in assignments]]
        for student in sorted(gb.students, key=lambda s: s.id):
            name = ", ".join(x for x in (student.last_name, student.first_name) if x) or student.id
            row = [name, student.lms_user_id or "", student.id, student.id, ""]
            for a in assignments:
                try:
                    score = gb.find_submission(a.name, student.id).score
                except Exception:  # MissingEntry: no submission
                    score = 0.0
                row.append(f"{float(score):.2f}")
            rows.append(row)
    return rows


def export(course: Course, fmt: str = "canvas", out: Path | None = None) -> Path:
    """Write grades as ``fmt`` (``canvas`` or ``csv``, nbgrader's own) to ``out``; return the path."""
    if fmt not in FORMATS:
        raise UnknownNameError("export format", fmt, FORMATS)
    out = Path(out or course.root / f"grades_{fmt}.csv").resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        course.nbgrader("export", "--to", str(out))
        return out
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(canvas_rows(course))
    if out.exists() and not out.is_file():  # a device or a pipe: renaming over it would replace it
        out.write_text(buffer.getvalue(), encoding="utf-8")
        return out
    tmp = out.with_suffix(out.suffix + ".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    tmp.replace(out)  # nothing half-written
    return out
