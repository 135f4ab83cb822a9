"""Benchmark: ``import sim`` in a fresh interpreter (target: under 50 ms; DESIGN.md).

Every autograded notebook pays for ``import sim`` once per student, so it must not pull in
pandas, matplotlib, ipywidgets, Faker or the pydantic models. Prints the median of several fresh
subprocesses, and the same for ``import pandas`` as the named baseline, with the ratio.

    .venv/bin/python benchmarks/import_time.py [--runs 7]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

TARGET_S = 0.05
HEAVY = ("pandas", "matplotlib", "ipywidgets", "faker", "pydantic", "numpy")


def import_seconds(module: str, runs: int) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(runs)]
    return statistics.median(times)


def heavy_modules_loaded() -> list[str]:
    code = f"import sys, sim; print(' '.join(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    ours = import_seconds("sim", args.runs)
    baseline = import_seconds("pandas", args.runs)
    heavy = heavy_modules_loaded()
    print(
        f"import sim:    {ours * 1000:7.1f} ms (median of {args.runs} fresh processes; "
        f"target < {TARGET_S * 1000:.0f} ms)"
    )
    print(f"import pandas: {baseline * 1000:7.1f} ms (baseline)")
    print(f"ratio sim/pandas: {ours / baseline:.3f}  (import sim is {baseline / ours:.1f}x faster than import pandas)")
    print(f"heavy modules loaded by import sim: {', '.join(heavy) or 'none'}")
    ok = ours < TARGET_S and not heavy
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
