"""Re-score autograded cells outside the kernel and overwrite the gradebook where it differs.

After nbgrader's autograde, :func:`rescore_submission` reads the answers the executed notebook
recorded, scores them against the variant of the student the submission belongs to (from the
submission path, never from the notebook), writes each score as the grade cell's ``auto_score``
(manual scores are untouched: nbgrader's final score prefers them) and the explanation as the
answer cell's ``auto_comment`` (shown beside the answer in feedback, one Markdown line of a feedback
block per grade cell: :mod:`sim.model.blocks`), and lists problems.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sim.grading import submission
from sim.grading.course import Course
from sim.grading.gradebook import gradebook, with_retry
from sim.grading.scoring import SCORERS, Verdict, load_keys, score_answer
from sim.grading.variant import student_variant
from sim.model.blocks import Block, Line, Section, points_text, to_markdown

_RECORD = re.compile(r"""record\(\s*["']([A-Za-z0-9_]+)["']""")


@dataclass
class StudentResult:
    """Outcome of grading one student's submission of one assignment."""

    student: str
    score: float = 0.0
    max_score: float = 0.0
    graded: bool = False
    problems: list[str] = field(default_factory=list)
    verdicts: dict[str, tuple[float, float, str]] = field(default_factory=dict)  # gid -> (pts, max, msg)
    changed: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # what the sandbox stopped (sim.grading.sandbox.report)

    def to_json(self) -> dict[str, Any]:
        return {"student": self.student, "score": self.score, "max_score": self.max_score,
                "graded": self.graded, "problems": self.problems, "changed": self.changed, "blocked": self.blocked,
                "verdicts": {k: list(v) for k, v in self.verdicts.items()}}


def answer_cells(nb: dict[str, Any]) -> dict[str, str]:
    """answer id -> grade id of the solution cell whose source records it."""
    found = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            for aid in _RECORD.findall(src if isinstance(src, str) else "".join(src)):
                found[aid] = meta.get("grade_id", "")
    return found


def rescore_submission(course: Course, assignment: str, student: str, keys: dict[str, Any] | None = None,
                       ) -> StudentResult:
    """Score ``student``'s autograded ``assignment`` outside the kernel; update the gradebook."""
    result = StudentResult(student)
    keys = keys or load_keys(course.root)
    expected_seed = student_variant(student, course.salt, course.material_key(assignment))
    for source_path in course.source_notebooks(assignment):
        name = source_path.stem
        source_nb = json.loads(source_path.read_text(encoding="utf-8"))
        released_path = course.root / "release" / assignment / source_path.name
        released = json.loads(released_path.read_text(encoding="utf-8")) if released_path.is_file() else source_nb
        submitted_path = course.root / "submitted" / student / assignment / source_path.name
        executed_path = course.root / "autograded" / student / assignment / source_path.name
        if not submitted_path.is_file():
            result.problems.append(f"{name}: no submitted notebook")
            continue
        submitted, why = submission.load_json(submitted_path)
        if submitted is None:
            result.problems.append(f"{name}: {why}")
            continue
        result.problems += [f"{name}: {p}" for p in submission.test_cell_changes(submitted, released)]
        result.problems += [f"{name}: tampering? {p}"
                            for p in submission.scan_source(submission.student_code(submitted, released))]
        if not executed_path.is_file():
            continue
        run = submission.read_executed(executed_path)
        result.graded = True
        if run.timeouts:
            result.problems.append(f"{name}: {run.timeouts} cell(s) timed out")
        if run.truncated:
            result.problems.append(f"{name}: output over the limit was truncated in {run.truncated} cell(s)")
        others = sorted({s for s, seed in run.variants if seed != str(expected_seed)})
        if others:
            result.problems.append(f"{name}: variant mismatch: answers recorded on the variant of "
                                   f"{', '.join(others)}; scored against {student}'s own")
        graded_ids = [g for g in submission.test_cells(source_nb) if g in SCORERS]
        verdicts = {gid: score_answer(gid, run.answers, expected_seed, keys) for gid in graded_ids}
        for gid in graded_ids:
            answer_id = SCORERS[gid][1]
            if gid in run.passed_tests and answer_id not in run.answers:
                result.problems.append(f"{name}: tampering? test {gid} passed in the kernel "
                                       "without a recorded answer (tests patched)")
        cells = answer_cells(source_nb)
        _write(course, assignment, name, student, verdicts, cells, result)
    return result


def verdict_line(grade_id: str, points: float, max_score: float, message: str) -> Line:
    """One grade cell's verdict as a feedback line: praise at full marks, missed otherwise.

    >>> to_markdown(Block(sections=[Section(lines=[verdict_line("a1_needs", 2, 3, "One need missed.")])]))
    '- ✘ a1_needs: One need missed. (2/3 points)\\n'
    """
    return Line(kind="praise" if points >= max_score else "missed", text=f"{grade_id}: {message}",
                points=points_text(points, max_score))


def _write(course: Course, assignment: str, notebook: str, student: str, verdicts: dict[str, Verdict],
           cells: dict[str, str], result: StudentResult) -> None:
    def action() -> None:
        from nbgrader.api import MissingEntry

        changed: list[str] = []
        comments: dict[str, list[Line]] = {}
        with gradebook(course.db_url, course.course_id) as gb:
            for gid, verdict in verdicts.items():
                try:
                    grade = gb.find_grade(gid, notebook, assignment, student)
                except MissingEntry:
                    continue
                points = round(verdict.fraction * float(grade.max_score), 2)
                if grade.auto_score is None or abs(float(grade.auto_score) - points) > 1e-9:
                    changed.append(f"{gid}: in-kernel {grade.auto_score} -> {points}")
                    grade.auto_score = points
                result.verdicts[gid] = (points, float(grade.max_score), verdict.message)
                cell = cells.get(SCORERS[gid][1])
                if cell:
                    comments.setdefault(cell, []).append(verdict_line(gid, points, float(grade.max_score),
                                                                      verdict.message))
            for cell, lines in comments.items():
                try:
                    comment = gb.find_comment(cell, notebook, assignment, student)
                except MissingEntry:
                    continue
                comment.auto_comment = to_markdown(Block(sections=[Section(lines=lines)])).rstrip()
            gb.db.commit()
        result.changed[:] = changed

    with_retry(action)
