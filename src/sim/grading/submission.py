"""Read a submission from outside the kernel: recorded answers, variants, and signs of trouble.

Nothing here executes student code. The executed notebook (``autograded/...``) gives the
answers the student's cells recorded and what went wrong while running (timeouts, truncated
output); the submitted notebook gives the source, scanned for tampering; the released notebook
gives the test cells as students received them, to spot edited or deleted ones.
"""
from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nbclient.exceptions import CellTimeoutError

from sim.grading.nbext import TRUNCATED
from sim.grading.student import ANSWER_MIME, VARIANT_MIME

#: Source patterns that reach into grading internals or patch what tests call (flagged, not scored).
SUSPICIOUS: dict[str, str] = {
    r"__builtins__|\bimport\s+builtins\b|\bbuiltins\s*\.": "touches builtins",
    r"\bgc\s*\.\s*get_(objects|referrers|referents)": "walks the garbage collector's objects",
    r"__dict__|__globals__|__code__|__closure__|__subclasses__": "reaches into object internals",
    r"\bsys\s*\.\s*modules\b|\bimportlib\s*\.\s*reload\b": "edits loaded modules",
    r"\bsys\s*\.\s*(settrace|setprofile)\b|input_transformers|events\s*\.\s*register": "hooks later cells",
    r"\b(reference_plan|expert|CaseKey|SCORERS|scoring|keys\.yaml|load_keys)\b|\b_key\b|\.key\b":
        "reaches for the answer key",
    r"\bsetattr\s*\(|\bdelattr\s*\(": "sets attributes dynamically",
    r"SIM_STUDENT_ID|JUPYTERHUB_USER|SIM_COURSE_SALT|NBGRADER_STUDENT_ID|_session\b": "changes the student identity",
    r"\bstart\s*\([^)]*student\s*=": "asks for another student's variant",
    r"\bos\s*\.\s*_exit\b|\bos\s*\.\s*kill\b": "kills the kernel",
}
PROTECTED = {"check", "record", "start", "case", "print", "len", "sum", "sorted", "set", "abs",
             "AssertionError", "min", "max", "isinstance", "str", "int", "float", "bool"}


@dataclass
class Executed:
    """What the executed notebook shows."""

    answers: dict[str, Any] = field(default_factory=dict)
    variants: set[tuple[str, str]] = field(default_factory=set)  # (student, seed)
    failed_tests: set[str] = field(default_factory=set)
    passed_tests: set[str] = field(default_factory=set)
    timeouts: int = 0
    truncated: int = 0


def read_executed(path: Path) -> Executed:
    """Answers, variants and run problems of an executed (autograded) notebook."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    out = Executed()
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        errored = False
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if ANSWER_MIME in data and isinstance(data[ANSWER_MIME], dict):
                payload = data[ANSWER_MIME]
                out.answers[str(payload.get("grade_id"))] = payload.get("value")
                out.variants.add((str(payload.get("student")), str(payload.get("seed"))))
            if VARIANT_MIME in data and isinstance(data[VARIANT_MIME], dict):
                payload = data[VARIANT_MIME]
                out.variants.add((str(payload.get("student")), str(payload.get("seed"))))
            if o.get("output_type") == "error":
                errored = True
                out.timeouts += o.get("ename") == CellTimeoutError.__name__
            text = o.get("text", "") if isinstance(o.get("text"), str) else "".join(o.get("text", []))
            if TRUNCATED.split("{")[0].strip() in text or "Output truncated" in text or \
                    TRUNCATED.split("{")[0].strip() in str(data.get("text/plain", "")):
                out.truncated += 1
        if meta.get("grade") and not meta.get("solution"):
            (out.failed_tests if errored else out.passed_tests).add(meta.get("grade_id", ""))
    return out


def test_cells(nb: dict[str, Any]) -> dict[str, str]:
    """grade id -> source of the autograder test cells of a notebook (as JSON dict)."""
    cells = {}
    for cell in nb.get("cells", []):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and cell.get("cell_type") == "code":
            src = cell.get("source", "")
            cells[meta.get("grade_id", "")] = src if isinstance(src, str) else "".join(src)
    return cells


def _norm(src: str) -> str:
    """Source without hidden-test regions and trailing spaces (source and release then compare equal)."""
    lines, hidden = [], False
    for line in src.strip().splitlines():
        if "BEGIN HIDDEN TESTS" in line:
            hidden = True
        elif "END HIDDEN TESTS" in line:
            hidden = False
        elif not hidden:
            lines.append(line.rstrip())
    return "\n".join(lines).strip()


def test_cell_changes(submitted: dict[str, Any], released: dict[str, Any]) -> list[str]:
    """Problems with test cells: edited, deleted or duplicated, compared to the released notebook."""
    problems = []
    given, expected = test_cells(submitted), test_cells(released)
    for gid, src in expected.items():
        if gid not in given:
            problems.append(f"test cell {gid} deleted")
        elif _norm(given[gid]) != _norm(src):
            problems.append(f"test cell {gid} edited")
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in submitted.get("cells", [])]
    dupes = sorted({i for i in ids if i and ids.count(i) > 1})
    problems += [f"cell id {d} duplicated" for d in dupes]
    return problems


def student_code(submitted: dict[str, Any], released: dict[str, Any]) -> list[str]:
    """Sources of code cells the student could write (not the released locked cells)."""
    locked = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
              for c in released.get("cells", [])
              if c.get("metadata", {}).get("nbgrader", {}).get("locked")}
    sources = []
    for cell in submitted.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        if cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") in locked - {None}:
            continue
        src = cell.get("source", "")
        sources.append(src if isinstance(src, str) else "".join(src))
    return sources


def scan_source(sources: list[str]) -> list[str]:
    """Tampering signs in student code: suspicious names, patched functions, redefined helpers."""
    found: list[str] = []
    for src in sources:
        for pattern, why in SUSPICIOUS.items():
            match = re.search(pattern, src)
            if match and f"{why}" not in " ".join(found):
                found.append(f"{why} ({match.group(0).strip()!r})")
        found += _rebinding(src)
    return sorted(set(found))


def _rebinding(src: str) -> list[str]:
    """AST check: attribute assignment on imported names (monkeypatching) or rebinding helpers."""
    try:
        tree = ast.parse("\n".join(line for line in src.splitlines() if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return []
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imported |= {(a.asname or a.name).split(".")[0] for a in node.names}
    found = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in PROTECTED - {"case"}:
            found.append(f"redefines {node.name}()")
        for t in targets:
            if isinstance(t, ast.Attribute):
                base = t.value
                while isinstance(base, ast.Attribute):
                    base = base.value
                if isinstance(base, ast.Name) and (base.id in imported or base.id in PROTECTED):
                    found.append(f"monkeypatches {ast.unparse(t)}")
            elif isinstance(t, ast.Name) and t.id in PROTECTED - {"case"}:
                found.append(f"rebinds {t.id}")
    return found


def load_json(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    """The notebook JSON at ``path``, or ``(None, why)`` if it is not a valid notebook."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, f"not valid notebook JSON ({type(exc).__name__}: {str(exc)[:80]})"
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        return None, "not a notebook (no cell list)"
    return nb, None
