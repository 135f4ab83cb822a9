"""Simulated submissions, for the demo, the tests and the benchmark: honest work of varied
quality and the attacks the grader must withstand. Each is a released notebook edited the way
a student (or a cheating student) would edit it; everything in it is synthetic.
"""
from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from sim.errors import UnknownNameError
from sim.grading.course import Course

KINDS = ("full", "partial", "blank", "wrong", "wrong_variant", "tampered_test", "infinite_loop",
         "big_output", "kernel_exit", "monkeypatch", "builtins", "invalid_json")

_RECORD_LINE = re.compile(r"""^record\(\s*["']([A-Za-z0-9_]+)["']\s*,\s*(.+)\)\s*$""")
_WRONG_HELPER = '''
def _wrong(gid, v):
    """Return a wrong answer of the right form (a simulated student's mistake)."""
    if isinstance(v, bool):
        return not v
    if gid == "a1_phq9_band":
        return "severe" if v != "severe" else "minimal"
    if gid == "a1_gad7_band":
        return "severe" if v != "severe" else "minimal"
    if gid == "a2_crisis_action":
        return "none" if v != "none" else "ipv_safety_plan"
    if gid == "a7_coverage_route":
        return "coverage_gap" if v != "coverage_gap" else "marketplace_subsidy"
    if gid == "a1_phq9_total":
        return (v + 1) % 28
    if isinstance(v, float):
        return v + 0.37 if v + 0.37 <= 1 or v > 1.5 else v - 0.37
    if isinstance(v, int):
        return v + 1
    if gid == "a1_needs_identified":
        return ["legal_immigration"]
    if gid == "a2_interventions":
        return ["end_of_life_care"]
    if gid == "a5_priority_order":
        return list(reversed(v))
    if gid == "a5_high_lace":
        return sorted({r["id"] for r in case["referrals"]} - set(v))
    if gid == "a5_first_seen":
        return sorted(r["id"] for r in case["referrals"] if r["id"] != v)[0]
    if gid == "a3_referrals":
        return {k: "R99" for k in v}
    if gid == "a4_dap_note":
        return {"data": "noncompliant", "assessment": "x", "plan": "y"}
    return v
'''.strip()


def _src(cell: dict[str, Any]) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _gid(cell: dict[str, Any]) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _strip_markers(src: str) -> str:
    return "\n".join(line for line in src.splitlines() if "### BEGIN SOLUTION" not in line
                     and "### END SOLUTION" not in line)


def _is_answer(cell: dict[str, Any]) -> bool:
    m = cell.get("metadata", {}).get("nbgrader", {})
    return bool(m.get("solution")) and not m.get("grade") and cell["cell_type"] == "code"


def _is_manual(cell: dict[str, Any]) -> bool:
    m = cell.get("metadata", {}).get("nbgrader", {})
    return bool(m.get("solution")) and bool(m.get("grade"))


def _new_code(src: str) -> dict[str, Any]:
    return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": src}


def build_submission(released: dict[str, Any], source: dict[str, Any], kind: str,
                     material: str = "a1") -> dict[str, Any] | str:
    """The notebook a simulated student of ``kind`` hands in (a str for invalid JSON)."""
    if kind not in KINDS:
        raise UnknownNameError("submission kind", kind, KINDS)
    if kind == "invalid_json":
        return json.dumps(released)[: 200]
    nb = copy.deepcopy(released)
    solutions = {_gid(c): _strip_markers(_src(c)) for c in source["cells"] if _is_answer(c) or _is_manual(c)}
    answers = [c for c in nb["cells"] if _is_answer(c)]
    manual = [c for c in nb["cells"] if _is_manual(c)]
    solve = {"full": len(answers), "partial": max(1, len(answers) // 2), "blank": 0}.get(kind, len(answers))
    if kind in ("monkeypatch", "builtins"):
        solve = 0
    for i, cell in enumerate(answers):
        if i < solve:
            cell["source"] = solutions[_gid(cell)]
        elif kind in ("monkeypatch", "builtins"):
            cell["source"] = "\n".join(line for line in _src(cell).splitlines()
                                       if line.startswith("record(")).replace("record(", "None and record(")
    if kind in ("full", "partial", "wrong", "wrong_variant", "tampered_test", "infinite_loop", "big_output"):
        for cell in manual[: len(manual) if kind != "partial" else max(1, len(manual) // 2)]:
            cell["source"] = ("A synthetic student's answer: I would introduce my role, explain the limits of "
                              "confidentiality, and ask an open question about going home.")
    if kind in ("wrong", "tampered_test"):
        for cell in answers:
            lines = []
            for line in _src(cell).splitlines():
                m = _RECORD_LINE.match(line.strip())
                lines.append(f'record("{m.group(1)}", _wrong("{m.group(1)}", {m.group(2)}))' if m else line)
            cell["source"] = _WRONG_HELPER + "\n" + "\n".join(lines)
    first_answer = nb["cells"].index(answers[0]) if answers else 1
    if kind == "wrong_variant":
        answers[0]["source"] = f'case = start("{material}", student="someone-else")\n' + _src(answers[0])
    elif kind == "tampered_test":
        tests = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")
                 and not c["metadata"]["nbgrader"].get("solution")]
        tests[0]["source"] = "# checks nothing\npass"
        nb["cells"].remove(tests[1])
    elif kind == "infinite_loop":
        nb["cells"].insert(first_answer, _new_code("while True:\n    pass"))
    elif kind == "big_output":
        nb["cells"].insert(first_answer, _new_code('print("x" * 50_000_000)'))
    elif kind == "kernel_exit":
        nb["cells"].insert(first_answer, _new_code("import os\nos._exit(0)"))
    elif kind == "monkeypatch":
        nb["cells"].insert(first_answer, _new_code(
            "import sim.grading.student as st\nst.check = lambda gid: None\ncheck = lambda gid: None\n"
            "st.answers.clear()"))
    elif kind == "builtins":
        nb["cells"].insert(first_answer, _new_code(
            "import builtins\nbuiltins.sum = lambda *a, **k: 27\n"
            'answers_ = {"a1_phq9_total": 27}'))
        answers[0]["source"] = 'phq9_total = 27\nrecord("a1_phq9_total", phq9_total)' \
            if material == "a1" else _src(answers[0])
    return nb


def write_submission(course: Course, assignment: str, student: str, kind: str) -> Path:
    """Write ``student``'s simulated submission of ``kind`` into ``submitted/`` and return it."""
    course.check_assignment(assignment)
    out_paths = []
    for source_path in course.source_notebooks(assignment):
        released_path = course.root / "release" / assignment / source_path.name
        released = json.loads(released_path.read_text(encoding="utf-8"))
        source = json.loads(source_path.read_text(encoding="utf-8"))
        nb = build_submission(released, source, kind, course.material_key(assignment))
        folder = course.root / "submitted" / student / assignment
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / source_path.name
        path.write_text(nb if isinstance(nb, str) else json.dumps(nb, indent=1), encoding="utf-8")
        (folder / "timestamp.txt").write_text("2026-11-20 17:00:00.000000 UTC", encoding="utf-8")
        out_paths.append(path)
    return out_paths[0]
