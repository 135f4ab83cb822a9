"""Autograde throughput: `sim grade autograde --jobs 2` against plain sequential `nbgrader autograde`.

24 simulated submissions (``--n``) of a real assignment (A1 psychosocial assessment: 3 in 4 full),
in two fresh temporary copies of the course, graded in the same run: first plain nbgrader (one
process, every student in turn), then `sim grade autograde --jobs 2` (which also re-scores every
submission outside the kernel, every kernel in the sandbox). Prints both times and the throughput
ratio; target >= 1.8 on 2 cores. The machine should be otherwise idle: other jobs on the cores lower
the ratio. Run it without ``PYTHONDONTWRITEBYTECODE`` so that plain nbgrader's kernels reuse their
``.pyc`` files as on an ordinary machine (the sandboxed ones use the grader's bytecode cache).
"""
from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sim.grading.course import load_course
from sim.grading.simulate import write_submission

ASSIGNMENT = "a1_assessment"
N = 24
TARGET = 1.8
REPO_COURSE = Path(__file__).resolve().parents[1] / "assignments"


def make_course(root: Path, n: int = N):
    shutil.copytree(REPO_COURSE, root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
    course = load_course(root)
    course.generate([ASSIGNMENT])
    for i in range(n):
        write_submission(course, ASSIGNMENT, f"student{i:02d}", "full" if i % 4 else "partial")
    return course


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=N, help=f"submissions (default {N})")
    n = parser.parse_args().n
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="sim-bench-") as tmp:
        plain = make_course(Path(tmp) / "plain", n)
        ours = make_course(Path(tmp) / "ours", n)
        cpu0 = _child_cpu()
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT],
                              cwd=plain.root, env=plain.env(), capture_output=True, text=True)
        t_plain = time.perf_counter() - started
        cpu_plain, cpu0 = _child_cpu() - cpu0, _child_cpu()
        if proc.returncode != 0:
            print(proc.stderr[-2000:])
            return 1
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "sim", "grade", "--course", str(ours.root), "autograde",
                               ASSIGNMENT, "--jobs", "2", "--quiet"], capture_output=True, text=True)
        t_ours = time.perf_counter() - started
        cpu_ours = _child_cpu() - cpu0
        if proc.returncode != 0:
            print(proc.stderr[-2000:])
            return 1
        graded = sum(1 for line in proc.stdout.splitlines() if re.match(r"student\d+ ", line))
    ratio = t_plain / t_ours
    print(f"PYTHONDONTWRITEBYTECODE={os.environ.get('PYTHONDONTWRITEBYTECODE', '(unset)')}")
    print(f"load average before: {load_before:.1f}, after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
          "(other jobs on the cores lower the ratio)")
    print(f"plain sequential nbgrader autograde, {n} submissions: {t_plain:.1f} s ({n / t_plain:.2f}/s), "
          f"CPU {cpu_plain:.1f} s")
    print(f"sim grade autograde --jobs 2, {graded} submissions (with re-scoring): {t_ours:.1f} s "
          f"({n / t_ours:.2f}/s), CPU {cpu_ours:.1f} s")
    print(f"throughput ratio: {ratio:.2f}x (target >= {TARGET}x, baseline: plain sequential nbgrader)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
