"""One case generated and rendered: target under 50 ms (DESIGN.md).

Measures, as the median of repeated runs after one warm-up: loading a library case whose
patient is partial (so a patient is generated) and rendering the student's view; a template
drawn with a new seed each time; and a case derived from a freshly generated patient.
Prints each figure and its ratio to the named baseline, the 50 ms target.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 50.0


def median_ms(func, runs: int = 30) -> float:
    func(0)
    times = []
    for i in range(1, runs + 1):
        start = time.perf_counter()
        func(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    import sim
    from sim.cases import from_patient, load_case, render_student
    from sim.cases.library import case_files

    library_case = case_files(ROOT / "simcases")[0]
    template = ROOT / "tests" / "fixtures" / "cases" / "template.yaml"
    figures = {
        f"library case {library_case.stem} (patient generated) + render": median_ms(
            lambda i: render_student(load_case(library_case))),
        "template drawn with a new seed + render": median_ms(
            lambda i: render_student(load_case(template, seed=i))),
        "generate_patient + from_patient + render": median_ms(
            lambda i: render_student(from_patient(sim.generate_patient(1000 + i)))),
    }
    worst = 0.0
    for name, ms in figures.items():
        ratio = ms / TARGET_MS
        worst = max(worst, ratio)
        print(f"{name}: {ms:.1f} ms (ratio to baseline 'target 50 ms': {ratio:.2f})")
    return 0 if worst <= 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
