"""Benchmark: reading typed interview questions (targets: held-out need domain >= 90 % and style
>= 85 % correct; 100 questions classified warm in under 1 s, the first call under 2 s).

Scores ``sim.interview.classify`` on ``corpus/interview/heldout.yaml`` (synthetic questions never
trained on) side by side with a baseline contained here: the nearest neighbour in the question
bank by word-overlap (cosine of word counts), which takes the bank question's domain and style.
Prints accuracy, confusion tables by domain and by style, the time of 100 questions warm and of the
first call in a fresh process (model loading included), and the machine's load average.

    .venv/bin/python benchmarks/interview_classify.py [--errors]
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HELDOUT = ROOT / "corpus" / "interview" / "heldout.yaml"
TARGETS = {"domain": 0.90, "style": 0.85, "warm_s": 1.0, "first_s": 2.0}


def nearest_bank(texts: list[str]) -> list[tuple[str, str]]:
    """Baseline: the (domain, style) of the bank question sharing the most words (cosine)."""
    from sim.interview import question_bank
    from sim.interview.features import words

    bank = list(question_bank().values())
    vectors = [Counter(words(q.text)) for q in bank]
    norms = [math.sqrt(sum(v * v for v in c.values())) for c in vectors]
    out = []
    for text in texts:
        c = Counter(words(text))
        n = math.sqrt(sum(v * v for v in c.values())) or 1.0
        scores = [sum(c[w] * v[w] for w in c) / (n * (nv or 1.0)) for v, nv in zip(vectors, norms, strict=True)]
        best = bank[max(range(len(bank)), key=scores.__getitem__)]
        out.append((best.domain, best.style))
    return out


def confusion(pairs: list[tuple[str, str]], title: str, short: dict[str, str]) -> str:
    """A confusion table (rows: true label, columns: predicted) with per-row accuracy."""
    labels = sorted({t for t, _ in pairs} | {p for _, p in pairs})
    counts = Counter(pairs)
    head = f"{title:24s}" + "".join(f"{short.get(label, label)[:5]:>6s}" for label in labels) + "   acc"
    lines = [head]
    for t in labels:
        row = [counts[(t, p)] for p in labels]
        total = sum(row)
        if not total:
            continue
        cells = "".join(f"{(str(v) if v else '.'):>6s}" for v in row)
        lines.append(f"{t[:24]:24s}{cells}  {counts[(t, t)] / total:4.0%}")
    return "\n".join(lines)


def first_call_seconds() -> tuple[float, float]:
    """In a fresh process: seconds from ``import sim`` to the first classified question, and the
    part of it after ``sim.interview`` was imported (numpy, the model file, the first reading)."""
    code = ("import time; t = time.perf_counter(); import sim; interview = sim.interview; "
            "t1 = time.perf_counter(); interview.classify('How are you managing with money these days?'); "
            "t2 = time.perf_counter(); print(t2 - t, t2 - t1)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    total, own = out.stdout.split()
    return float(total), float(own)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every misread held-out question")
    args = parser.parse_args()
    from sim.interview import classify
    from sim.interview.training import load_items

    items = load_items(HELDOUT)
    texts = [i.text for i in items]
    first, first_own = first_call_seconds()
    classify(texts[0])
    start = time.perf_counter()
    readings = [classify(t) for t in (texts * 2)[:100]]
    warm = time.perf_counter() - start
    readings = [classify(t) for t in texts]
    start = time.perf_counter()
    base = nearest_bank((texts * 2)[:100])
    base_time = time.perf_counter() - start
    base = nearest_bank(texts)

    n = len(items)
    dom = sum(r.domain == i.domains[0] for r, i in zip(readings, items, strict=True)) / n
    sty = sum(r.style == i.style for r, i in zip(readings, items, strict=True)) / n
    b_dom = sum(b[0] == i.domains[0] for b, i in zip(base, items, strict=True)) / n
    b_sty = sum(b[1] == i.style for b, i in zip(base, items, strict=True)) / n
    double = [(r, i) for r, i in zip(readings, items, strict=True) if i.style == "double_barrelled"]
    both = sum(r.domains == i.domains for r, i in double)
    unsure = [(r, i) for r, i in zip(readings, items, strict=True) if not r.understood]
    wrong_unsure = sum(r.domain != i.domains[0] or r.style != i.style for r, i in unsure)
    load = os.getloadavg()

    print(f"held-out set: {n} synthetic questions never trained on ({HELDOUT.relative_to(ROOT)})")
    print(f"{'':28s}{'classify':>12s}{'nearest bank question':>24s}{'target':>10s}")
    print(f"{'need domain correct':28s}{dom:>12.1%}{b_dom:>24.1%}{TARGETS['domain']:>10.0%}")
    print(f"{'style correct':28s}{sty:>12.1%}{b_sty:>24.1%}{TARGETS['style']:>10.0%}")
    print(f"{'100 questions, warm':28s}{warm:>11.3f}s{base_time:>23.3f}s{TARGETS['warm_s']:>9.1f}s")
    print(f"{'first call (fresh process)':28s}{first:>11.3f}s{'':>24s}{TARGETS['first_s']:>9.1f}s")
    print(f"  of which after `import sim.interview` (numpy, model file, first reading): {first_own:.3f}s")
    print(f"double-barrelled: both domains named correctly in {both} of {len(double)}")
    print(f"below the confidence threshold (patient asks what was meant): {len(unsure)} of {n}, "
          f"{wrong_unsure} of them misread")
    print(f"ratio to baseline: domain {dom / max(b_dom, 1e-9):.2f}x, style {sty / max(b_sty, 1e-9):.2f}x")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores\n")
    short = {d: d.replace("_", "")[:5] for d in {i.domains[0] for i in items}}
    print(confusion([(i.domains[0], r.domain) for r, i in zip(readings, items, strict=True)], "domain (rows true)",
                    short))
    print()
    print(confusion([(i.style, r.style) for r, i in zip(readings, items, strict=True)], "style (rows true)", {}))
    if args.errors:
        print("\nmisread:")
        for r, i in zip(readings, items, strict=True):
            if r.domain != i.domains[0] or r.style != i.style:
                print(f"  {'+'.join(i.domains)}/{i.style} read as {'+'.join(r.domains)}/{r.style} "
                      f"({r.confidence:.2f}): {i.text}")
    ok = (dom >= TARGETS["domain"] and sty >= TARGETS["style"] and warm < TARGETS["warm_s"]
          and first < TARGETS["first_s"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
