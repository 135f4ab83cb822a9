"""Benchmark: each lesson notebook runs headless, top to bottom, in under 20 s.

Runs every ``notebooks/*.ipynb`` (or the ones named) with nbclient in a fresh python3 kernel and
prints, per notebook, the wall time (kernel start included) and its ratio to the 20 s target.
Exits 1 if a notebook fails or is over the target.

    .venv/bin/python benchmarks/notebooks.py [notebooks/01_psychosocial_assessment.ipynb ...] [--show]

``--show`` also prints the text outputs of every cell (to read a lesson as a student would).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

TARGET_S = 20.0
ROOT = Path(__file__).resolve().parents[1]


def run(path: Path, show: bool = False) -> tuple[float, str | None]:
    """Execute one notebook in its folder; (seconds, error or None)."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).splitlines()[-1] if str(exc) else repr(exc)
    seconds = time.perf_counter() - start
    if show:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            print(">>>", cell.source.splitlines()[0] if cell.source else "")
            for out in cell.get("outputs", []):
                text = (
                    out.get("text") or out.get("data", {}).get("text/markdown") or out.get("data", {}).get("text/plain")
                )
                if text:
                    print(text if len(text) < 3000 else text[:3000] + "\n[...]")
    return seconds, error


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--show", action="store_true", help="print each cell's text output")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((ROOT / "notebooks").glob("*.ipynb"))
    worst = 0.0
    failed = False
    for path in paths:
        seconds, error = run(path, args.show)
        worst = max(worst, seconds)
        status = "ok" if error is None and seconds <= TARGET_S else ("FAILED: " + error if error else "over target")
        failed |= status != "ok"
        ratio = seconds / TARGET_S
        print(f"{path.name:40} {seconds:6.1f} s   ratio to the {TARGET_S:g} s target: {ratio:.2f}   {status}")
    print(f"slowest: {worst:.1f} s ({worst / TARGET_S:.2f} of the target)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
