"""What the grading sandbox costs: seconds per submission of `sim grade autograde` with and without it.

A1 submissions (one notebook each: 3 in 4 full, 1 in 4 partial) in a temporary copy of the course,
autograded with one worker (so the difference per submission is the sandbox's cost per notebook,
not parallelism) alternately without and with the sandbox, each mode ROUNDS times; the best round of
each mode is compared. Target: the sandbox adds at most 0.3 s per notebook. Prints the load average:
other work on the cores inflates both figures.
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

from sim.grading.autograde import UnsandboxedGradingWarning, autograde
from sim.grading.course import load_course
from sim.grading.sandbox import status
from sim.grading.simulate import write_submission

ASSIGNMENT = "a1_assessment"
TARGET_S = 0.3
REPO_COURSE = Path(__file__).resolve().parents[1] / "assignments"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10, help="submissions (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of each mode (default 2)")
    args = parser.parse_args()
    found = status()
    if not found.ok:
        print(f"no sandbox on this machine: {found.reason}")
        return 1
    warnings.simplefilter("ignore", UnsandboxedGradingWarning)
    load_before = os.getloadavg()
    times: dict[bool, list[float]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="sim-bench-sandbox-") as tmp:
        root = Path(tmp) / "course"
        shutil.copytree(REPO_COURSE, root, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
        course = load_course(root)
        course.generate([ASSIGNMENT])
        for i in range(args.n):
            write_submission(course, ASSIGNMENT, f"student{i:02d}", "full" if i % 4 else "partial")
        for _ in range(args.rounds):
            for sandbox in (False, True):
                started = time.perf_counter()
                results = autograde(course, ASSIGNMENT, jobs=1, progress=False, sandbox=sandbox)
                times[sandbox].append((time.perf_counter() - started) / args.n)
                assert all(r.graded for r in results), [r.problems for r in results if not r.graded]
    plain, boxed = min(times[False]), min(times[True])
    print(f"load average before: {load_before[0]:.1f} {load_before[1]:.1f}, after: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    print(f"sim grade autograde, 1 worker, {args.n} submissions of {ASSIGNMENT}, best of {args.rounds} rounds:")
    for sandbox, label in ((False, "without the sandbox:"), (True, "in the sandbox:     ")):
        rounds = ", ".join(f"{t:.2f}" for t in times[sandbox])
        print(f"  {label} {min(times[sandbox]):.2f} s per submission (rounds: {rounds})")
    print(f"sandbox cost: {boxed - plain:+.2f} s per notebook (target at most {TARGET_S} s); "
          f"ratio {boxed / plain:.2f}x (baseline: the same autograde without the sandbox)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
