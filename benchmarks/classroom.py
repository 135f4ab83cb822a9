"""The classroom on a live JupyterHub: a whole term for 30 students, release to feedback.

Runs ``sim classroom demo`` (without its injected faults) for N students and prints the seconds of
each step (start, spawn, release, fetch, fill, submit, collect, autograde, feedback, fetchback,
grades, stop), the end-to-end total and its ratio to the 5-minute target; while all N servers run,
the p50/p95 latency of the hub's REST API (as many requests as a class of N polling it) and its
ratio to the 1 s target; and the memory of each idle student server (PSS: its own pages plus its
share of the shared ones; RSS beside it). The load average is printed beside the figures: on a
shared machine other work lengthens every step. Needs root (it creates system users).

Run: ``python benchmarks/classroom.py [--students 30]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sim.classroom.room import Classroom
from sim.classroom.term import run_demo

TARGET_TOTAL_S = 300.0
TARGET_P95_S = 1.0


def memory_kib(uid: int) -> tuple[int, int]:
    """(PSS, RSS) in KiB of every process of ``uid``."""
    pss = rss = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != uid:
                continue
            for line in (entry / "smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
                elif line.startswith("Rss:"):
                    rss += int(line.split()[1])
        except OSError:
            continue
    return pss, rss


def measure(room: Classroom, figures: dict[str, float], requests: int) -> None:
    """While every server runs: API latency under concurrent polling; memory per idle server."""
    hub = room.hub
    names = list(room.students)
    time.sleep(5)  # let the servers settle to idle
    per = [memory_kib(room.students[n].uid) for n in names]
    figures["pss_mib"] = statistics.mean(p for p, _ in per) / 1024
    figures["rss_mib"] = statistics.mean(r for _, r in per) / 1024

    def one(i: int) -> float:
        started = time.perf_counter()
        if i % 3 == 0:
            hub.api("GET", "/users")
        elif i % 3 == 1:
            hub.api("GET", f"/users/{names[i % len(names)]}")
        else:
            hub.user_server(names[i % len(names)], "GET", "/api/status")
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=8) as pool:
        times = sorted(pool.map(one, range(requests)))
    figures["p50"] = times[len(times) // 2]
    figures["p95"] = times[int(len(times) * 0.95) - 1]
    figures["requests"] = requests
    figures["load_during_1min"] = os.getloadavg()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--requests", type=int, default=300, help="hub API requests for the latency figure")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("benchmarks/classroom.py creates system users and needs root", file=sys.stderr)
        return 2
    figures: dict[str, float] = {}
    load_before = os.getloadavg()
    started = time.perf_counter()
    report = run_demo(args.students, faults=False, say=lambda line: print(line, flush=True),
                      while_running=lambda room: measure(room, figures, args.requests))
    total = time.perf_counter() - started
    graded = sum(1 for s in report.students if s.score is not None)
    fetched = sum(1 for s in report.students if s.feedback_fetched)
    print(f"\nclassroom, {args.students} students on one hub: {graded} graded, {fetched} fetched their feedback")
    for step, seconds in report.steps.items():
        print(f"  {step:<10} {seconds:7.1f} s")
    print(f"end to end (with setting up users and clean-up): {total:.0f} s; "
          f"ratio to the {TARGET_TOTAL_S:.0f} s target: {total / TARGET_TOTAL_S:.2f}")
    print(f"hub REST API with {args.students} servers running, {figures['requests']} requests, 8 at a time: "
          f"p50 {figures['p50'] * 1000:.0f} ms, p95 {figures['p95'] * 1000:.0f} ms; "
          f"p95 ratio to the {TARGET_P95_S:g} s target: {figures['p95'] / TARGET_P95_S:.2f}")
    print(f"memory per idle student server: PSS {figures['pss_mib']:.0f} MiB (RSS {figures['rss_mib']:.0f} MiB)")
    print(f"load average (1, 5, 15 min) before {tuple(round(x, 2) for x in load_before)}, "
          f"1 min while measuring the API {figures['load_during_1min']:.2f}, after "
          f"{tuple(round(x, 2) for x in os.getloadavg())} on {os.cpu_count()} cores")
    return 0 if graded == args.students and fetched == args.students else 1


if __name__ == "__main__":
    sys.exit(main())
