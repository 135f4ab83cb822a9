"""Small helpers to write nbgrader source notebooks from Python (used by build_sources.py)."""
from __future__ import annotations

import textwrap

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def _meta(grade_id: str, *, grade: bool, solution: bool, locked: bool, points: float | None = None) -> dict:
    meta = {"grade": grade, "solution": solution, "locked": locked, "grade_id": grade_id,
            "schema_version": 3}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(textwrap.dedent(text).strip())


def locked_md(grade_id: str, text: str) -> nbformat.NotebookNode:
    cell = md(text)
    cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
    return cell


def setup(grade_id: str, source: str) -> nbformat.NotebookNode:
    cell = new_code_cell(textwrap.dedent(source).strip())
    cell.metadata.update(_meta(grade_id, grade=False, solution=False, locked=True))
    return cell


def code(source: str) -> nbformat.NotebookNode:
    return new_code_cell(textwrap.dedent(source).strip())


def answer(grade_id: str, solution: str, record: str) -> nbformat.NotebookNode:
    """An autograded answer cell: the solution region, then the record(...) line(s)."""
    body = "### BEGIN SOLUTION\n" + textwrap.dedent(solution).strip() + "\n### END SOLUTION\n"
    cell = new_code_cell(body + textwrap.dedent(record).strip())
    cell.metadata.update(_meta(f"{grade_id}_answer", grade=False, solution=True, locked=False))
    return cell


def test(grade_id: str, points: float, what: str, visible: str, hidden: str = "") -> nbformat.NotebookNode:
    """An autograder test cell opening with a one-line comment of what it checks."""
    src = f"# checks {what}\n" + textwrap.dedent(visible).strip()
    if hidden:
        src += "\n### BEGIN HIDDEN TESTS\n" + textwrap.dedent(hidden).strip() + "\n### END HIDDEN TESTS"
    cell = new_code_cell(src)
    cell.metadata.update(_meta(grade_id, grade=True, solution=False, locked=True, points=points))
    return cell


def manual(grade_id: str, points: float, model_answer: str) -> nbformat.NotebookNode:
    """A manually graded written answer; the model answer and mark scheme are cleared on release."""
    cell = md("=== BEGIN MARK SCHEME ===")  # placeholder, replaced below
    cell.source = ("### BEGIN SOLUTION\n" + textwrap.dedent(model_answer).strip()
                   + "\n### END SOLUTION")
    cell.metadata.update(_meta(grade_id, grade=True, solution=True, locked=False, points=points))
    return cell


def notebook(cells: list) -> nbformat.NotebookNode:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb
