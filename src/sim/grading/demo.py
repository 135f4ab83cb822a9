"""``make demo``: a whole synthetic class through the course, in a temporary copy of it.

Builds the course (generate_assignment), simulates a class of 30 students whose work varies
(full, partial, blank, wrong answers), autogrades every assignment in parallel, simulates the
instructor's manual grades (seeded, labelled as simulated), writes feedback, the Canvas CSV, the
competency report and its plot into ``demo_output/`` and prints where they are. The repository's
course folder is never written to.

Run: ``python -m sim.grading.demo [--students 30] [--assignments a1_assessment ...] [--jobs N]``.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

from sim.grading.course import Course, load_course

KIND_WEIGHTS = {"full": 0.5, "partial": 0.25, "blank": 0.1, "wrong": 0.15}
REPO_COURSE = Path(__file__).resolve().parents[3] / "assignments"


def class_kinds(n: int, seed: int) -> dict[str, str]:
    """Student id -> kind of work, drawn from :data:`KIND_WEIGHTS` (same seed, same class)."""
    rng = np.random.default_rng(seed)
    kinds = rng.choice(list(KIND_WEIGHTS), size=n, p=list(KIND_WEIGHTS.values()))
    return {f"student{i + 1:02d}": str(k) for i, k in enumerate(kinds)}


def simulate_manual_grades(course: Course, assignment: str, kinds: dict[str, str], seed: int) -> int:
    """Give each written answer a simulated manual score in line with the student's kind of work."""
    from sim.grading.gradebook import gradebook, with_retry

    rng = np.random.default_rng(seed)
    share = {"full": (0.7, 1.0), "partial": (0.3, 0.8), "wrong": (0.2, 0.6), "blank": (0.0, 0.0)}
    count = 0

    def action() -> None:
        nonlocal count
        with gradebook(course.db_url, course.course_id) as gb:
            for student, kind in kinds.items():
                try:
                    sub = gb.find_submission(assignment, student)
                except Exception:
                    continue
                for nb in sub.notebooks:
                    for grade in nb.grades:
                        if grade.cell.cell_type == "markdown":
                            lo, hi = share[kind]
                            grade.manual_score = round(float(rng.uniform(lo, hi)) * grade.max_score * 2) / 2
                            grade.needs_manual_grade = False
                            count += 1
            gb.db.commit()

    with_retry(action)
    return count


def run(out_dir: Path, students: int = 30, assignments: list[str] | None = None, jobs: int | None = None,
        seed: int = 20261123) -> dict[str, Path]:
    """Run the demo; return the paths of what it wrote."""
    from sim.grading.autograde import autograde, summary
    from sim.grading.competencies import report
    from sim.grading.export import export
    from sim.grading.feedback import generate_feedback
    from sim.grading.simulate import write_submission

    out_dir = Path(out_dir).resolve()
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="sim-course-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(REPO_COURSE, root, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
        course = load_course(root)
        names = assignments or list(course.assignments)
        print(f"Building the course in {root} (a temporary copy) ...", flush=True)
        course.generate(names)
        kinds = class_kinds(students, seed)
        summaries = []
        from sim.grading.sandbox import status

        sandboxed = status().ok  # the demo's class is synthetic: without a sandbox it still runs, and says so
        if not sandboxed:
            print(f"No sandbox on this machine ({status().reason}); the synthetic demo class is graded without one.")
        for i, name in enumerate(names):
            for student, kind in kinds.items():
                write_submission(course, name, student, kind)
            started = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                results = autograde(course, name, jobs=jobs, sandbox=sandboxed)
            seconds = time.perf_counter() - started
            simulate_manual_grades(course, name, kinds, seed + i)
            summaries.append(f"== {name}: {len(results)} submissions autograded in {seconds:.1f} s\n"
                             + summary(results))
            generate_feedback(course, name)
        (out_dir / "autograde_summary.txt").write_text("\n\n".join(summaries) + "\n", encoding="utf-8")
        paths = {"summary": out_dir / "autograde_summary.txt",
                 "canvas": export(course, "canvas", out_dir / "grades_canvas.csv")}
        csv_path, png_path = report(course, out_dir)
        paths.update(competencies_csv=csv_path, competencies_png=png_path)
        shutil.copytree(root / "feedback", out_dir / "feedback")
        shutil.copytree(root / "reports", out_dir / "reports", dirs_exist_ok=True)
        shutil.copy(root / "gradebook.db", out_dir / "gradebook.db")
        paths.update(feedback=out_dir / "feedback", gradebook=out_dir / "gradebook.db")
        (out_dir / "class.txt").write_text(
            "Simulated class (synthetic; manual grades are simulated too):\n"
            + "\n".join(f"{s}\t{k}" for s, k in kinds.items()) + "\n", encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sim.grading.demo", description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="demo_output")
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--assignments", nargs="*", default=None)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    paths = run(Path(args.out), args.students, args.assignments, args.jobs)
    print(Path(paths["summary"]).read_text(encoding="utf-8"))
    print(f"Demo finished in {time.perf_counter() - started:.0f} s. Everything is synthetic. Outputs:")
    for label, path in paths.items():
        print(f"  {label:<18} {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
