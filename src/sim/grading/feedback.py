"""Feedback HTML without hidden tests, with the scorers' messages beside each score.

``nbgrader generate_feedback`` runs with the course's :class:`sim.grading.nbext.StripHiddenTests`
(set in ``nbgrader_config.py``); the messages come from the answer cells' comments that
``sim grade autograde`` wrote. Afterwards every feedback file is checked: if any line of a hidden
test region (of four characters or more) still appears, the file is removed and reported.
"""
from __future__ import annotations

import html
import json
from pathlib import Path

from sim.grading.course import Course, CourseError


def _split_lines(paths: list[Path]) -> tuple[set[str], set[str]]:
    hidden: set[str] = set()
    visible: set[str] = set()
    for path in paths:
        try:
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        for cell in cells:
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            inside = False
            for line in src.splitlines():
                if "BEGIN HIDDEN TESTS" in line:
                    inside = True
                elif "END HIDDEN TESTS" in line:
                    inside = False
                else:
                    (hidden if inside else visible).add(line.strip())
    return hidden, visible


def hidden_lines(course: Course, assignment: str, student: str | None = None) -> set[str]:
    """Distinctive lines of hidden-test regions: in no visible part of the source notebooks, nor
    (when ``student`` is given) anywhere in that student's own submission."""
    hidden, visible = _split_lines(course.source_notebooks(assignment))
    if student:
        sub_hidden, sub_visible = _split_lines(sorted(
            (course.root / "submitted" / student / assignment).glob("*.ipynb")))
        visible |= sub_hidden | sub_visible
    return {line for line in hidden - visible if len(line) >= 12}


def leaks(page: str, lines: set[str]) -> list[str]:
    """Hidden lines that appear in an HTML page (compared on its unescaped, tag-free text)."""
    import re

    text = html.unescape(re.sub(r"<[^>]+>", "", page))
    text = " ".join(text.split())
    return [line for line in lines if " ".join(line.split()) in text]


def generate_feedback(course: Course, assignment: str, student: str | None = None) -> list[Path]:
    """Generate feedback HTML for ``assignment``; return the files; raise if hidden tests leak."""
    course.check_assignment(assignment)
    if not any((course.root / "autograded").glob(f"{student or '*'}/{assignment}")):
        who = f"student {student!r}" if student else "any student"
        raise CourseError(f"no autograded submission of {assignment} for {who} in "
                          f"{course.root / 'autograded'}; run 'sim grade autograde {assignment}' first")
    args = ["generate_feedback", assignment, "--force"]
    if student:
        args += ["--student", student]
    course.nbgrader(*args)
    files = sorted((course.root / "feedback").glob(f"{student or '*'}/{assignment}/*.html"))
    leaked = []
    for path in files:
        if leaks(path.read_text(encoding="utf-8"), hidden_lines(course, assignment, path.parent.parent.name)):
            path.unlink()
            leaked.append(path.parent.parent.name)
    if leaked:
        raise CourseError(f"hidden tests appeared in the feedback of {', '.join(leaked)}; those files were "
                          "removed. Check that nbgrader_config.py sets GenerateFeedback.preprocessors.")
    return [p for p in files if p.exists()]
