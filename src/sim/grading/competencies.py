"""Attainment of CSWE 2022 EPAS competencies, per student and for the class, from the gradebook.

``assignments/competencies.yaml`` maps each grade id to the competencies it gives evidence of.
A student's attainment of a competency is the points earned over the points possible on its
grade ids, over every released assignment (work not submitted counts as 0). The class figure
is the mean of the students' attainments; the share of students at or above the benchmark is
reported too, as EPAS asks of programs.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.grading.course import Course, CourseError
from sim.grading.gradebook import gradebook


@dataclass(frozen=True)
class Map:
    benchmark: float
    names: dict[int, str]
    grades: dict[str, list[int]]


def load_map(course: Course) -> Map:
    path = course.root / "competencies.yaml"
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        names = {int(k): str(v) for k, v in data["competencies"].items()}
        grades = {str(g): [int(c) for c in cs] for g, cs in data["grades"].items()}
    except FileNotFoundError:
        raise CourseError(f"{path}: missing") from None
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
        raise CourseError(f"{path}: invalid ({exc}); needs 'competencies' and 'grades' mappings") from None
    for gid, cs in grades.items():
        bad = [c for c in cs if c not in names]
        if bad:
            raise CourseError(f"{path}: grade id {gid!r} names unknown competencies {bad}; allowed 1-9")
    return Map(float(data.get("benchmark", 0.8)), names, grades)


def attainment(course: Course) -> tuple[list[dict[str, Any]], Map]:
    """Rows (student, competency, earned, possible, attainment), class rows with student 'CLASS'."""
    cmap = load_map(course)
    earned: dict[tuple[str, int], float] = defaultdict(float)
    possible: dict[tuple[str, int], float] = defaultdict(float)
    with gradebook(course.db_url, course.course_id) as gb:
        students = sorted(s.id for s in gb.students)
        for a in gb.assignments:
            cells = [(nb.name, gc.name, float(gc.max_score)) for nb in a.notebooks for gc in nb.grade_cells]
            for student in students:
                try:
                    sub = gb.find_submission(a.name, student)
                    scores = {(nb.name, g.name): float(g.score or 0.0) for nb in sub.notebooks for g in nb.grades}
                except Exception:  # MissingEntry: counts as 0
                    scores = {}
                for nb_name, gid, max_score in cells:
                    for comp in cmap.grades.get(gid, []):
                        earned[student, comp] += scores.get((nb_name, gid), 0.0)
                        possible[student, comp] += max_score
    rows = []
    comps = sorted({c for _, c in possible})
    for student in students:
        for comp in comps:
            p = possible[student, comp]
            rows.append({"student": student, "competency": comp, "name": cmap.names[comp],
                         "earned": round(earned[student, comp], 4), "possible": p,
                         "attainment": round(earned[student, comp] / p, 4) if p else 0.0})
    for comp in comps:
        values = [r["attainment"] for r in rows if r["competency"] == comp]
        if values:
            rows.append({"student": "CLASS", "competency": comp, "name": cmap.names[comp],
                         "earned": "", "possible": "", "attainment": round(sum(values) / len(values), 4),
                         "share_at_benchmark": round(sum(v >= cmap.benchmark for v in values) / len(values), 4)})
    return rows, cmap


def report(course: Course, out_dir: Path | None = None) -> tuple[Path, Path]:
    """Write ``competencies.csv`` and ``competencies.png`` into ``out_dir``; return both paths."""
    out = Path(out_dir or course.root / "reports").resolve()
    if out.exists() and not out.is_dir():
        raise CourseError(f"--out {str(out)!r} is a file; give a folder for competencies.csv and .png")
    rows, cmap = attainment(course)
    out.mkdir(parents=True, exist_ok=True)
    csv_path, png_path = out / "competencies.csv", out / "competencies.png"
    fields = ["student", "competency", "name", "earned", "possible", "attainment", "share_at_benchmark"]
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    _plot(rows, cmap, png_path)
    return csv_path, png_path


def _plot(rows: list[dict[str, Any]], cmap: Map, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    class_rows = [r for r in rows if r["student"] == "CLASS"]
    comps = [r["competency"] for r in class_rows]
    fig, ax = plt.subplots(figsize=(8, 4.5), dpi=110)
    ax.bar(range(len(comps)), [r["attainment"] for r in class_rows], color="#4C72B0", alpha=0.8,
           label="class mean")
    for i, comp in enumerate(comps):
        ys = [r["attainment"] for r in rows if r["student"] != "CLASS" and r["competency"] == comp]
        ax.scatter([i + (j % 7 - 3) * 0.04 for j in range(len(ys))], ys, s=8, color="black", alpha=0.5,
                   label="students" if i == 0 else None)
    ax.axhline(cmap.benchmark, color="#C44E52", linestyle="--", label=f"benchmark {cmap.benchmark:.0%}")
    ax.set_xticks(range(len(comps)), [f"C{c}" for c in comps])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("attainment (points earned / possible)")
    ax.set_title("CSWE 2022 EPAS competency attainment (synthetic course data)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
