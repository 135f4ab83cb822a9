"""Benchmark: 10,000 Monte Carlo replicates of a care plan (target: under 100 ms).

Prints the time of ``sim.outcomes.simulate`` (vectorized, end to end: plan compilation included)
and its speed-up over a baseline contained here: the same model run as a plain-Python loop, one
replicate at a time with the standard ``random`` module.

    .venv/bin/python benchmarks/outcomes.py [--n 10000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import math
import random
import sys
import time
from datetime import date

TARGET_MS = 100.0


def _sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def loop_baseline(model, n: int, seed: int) -> dict[str, float]:
    """The simulation model, one replicate at a time in plain Python (the baseline)."""
    from sim.outcomes import params

    p = params()
    pe, eff_tab, s = p.plan_effects, p.need_effects.domains, model.subject
    rng = random.Random(seed)
    k = pe.concentration
    lace_p = p.lace_readmission_30d.by_score[min(model.lace, 19)]
    totals = {"readmission_30d": 0.0, "readmission_90d": 0.0, "ed_visits_90d": 0.0, "wellbeing_90d": 0.0,
              "safety_event_90d": 0.0, "discharge_delay_days": 0.0}
    for _ in range(n):
        unmet = {d: [1.0, 1.0, 1.0, 1.0] for d in model.needs}
        for e in model.elements:
            eff = rng.betavariate(e.efficacy * k, (1 - e.efficacy) * k)
            works = eff if rng.random() < e.engage else 0.0
            fr = (max(0.0, 30 - e.delay_days) / 30, max(0.0, 90 - max(e.delay_days, 30)) / 60,
                  max(0.0, 90 - e.delay_days) / 90)
            u = unmet[e.need]
            for i in range(3):
                u[i] *= 1 - works * fr[i]
            u[3] *= 1 - eff

        def load(attr: str, w: int, unmet=unmet) -> float:
            return sum(getattr(eff_tab[d], attr) * sev / 3 * unmet[d][w] for d, sev in model.needs.items()) \
                + getattr(model.extra, attr)
        r30 = rng.random() < _sig(_logit(lace_p) + load("readmission", 0))
        r90 = r30 or rng.random() < _sig(_logit(lace_p * p.readmission_31_90.factor) + load("readmission", 1))
        rate = (p.ed_visits.base_rate_90d + p.ed_visits.per_prior_visit * s.patient.medical.ed_visits_6mo) \
            * math.exp(load("ed", 2))
        lam = rng.gammavariate(p.ed_visits.dispersion_shape, rate / p.ed_visits.dispersion_shape)
        visits, t = 0, rng.expovariate(1.0) if lam > 0 else math.inf
        while t < lam:
            visits += 1
            t += rng.expovariate(1.0)
        sb = p.safety_base_90d
        sh = rng.random() < _sig(_logit(sb.self_harm_by_suicide_level[s.latent("suicide")]) + load("self_harm", 2))
        vi = rng.random() < _sig(_logit(sb.violence_by_ipv_level[s.latent("ipv")]) + load("violence", 2))
        mean_delay = max(load("delay_days", 3), 0.0) if model.inpatient else 0.0
        delay = rng.gammavariate(p.discharge_delay.shape, mean_delay / p.discharge_delay.shape) if mean_delay else 0.0
        wb = p.wellbeing.base - p.wellbeing.per_depression_level * s.latent("depression") + load("wellbeing", 2)
        wb = min(max(wb + rng.gauss(0, p.wellbeing.noise_sd), 0), 100)
        totals["readmission_30d"] += r30
        totals["readmission_90d"] += r90
        totals["ed_visits_90d"] += visits
        totals["safety_event_90d"] += sh or vi
        totals["discharge_delay_days"] += delay
        totals["wellbeing_90d"] += wb
    return {key: v / n for key, v in totals.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--case", default="ed_ipv_01", help="library case id (default ed_ipv_01)")
    args = parser.parse_args()

    import sim
    from sim.outcomes import compile_plan, simulate
    from sim.practice.expert import reference_plan

    case = sim.load_case(args.case, seed=1)
    plan = reference_plan(case, start=date(2026, 11, 23))
    simulate(case, plan, n=100)  # warm the data-table caches
    times = []
    for i in range(args.repeat):
        t0 = time.perf_counter()
        simulate(case, plan, n=args.n, seed=i)
        times.append(time.perf_counter() - t0)
    vec_ms = min(times) * 1000
    model = compile_plan(case, plan)
    t0 = time.perf_counter()
    loop_baseline(model, args.n, seed=0)
    loop_ms = (time.perf_counter() - t0) * 1000
    print(
        f"outcome simulation of the reference plan of {case.id}, {args.n:,} replicates, "
        f"{len(model.elements)} plan elements, "
        f"{len(model.needs)} needs"
    )
    print(f"  vectorized simulate(): {vec_ms:8.1f} ms (best of {args.repeat}; target under {TARGET_MS:.0f} ms: "
          f"{'met' if vec_ms < TARGET_MS else 'NOT met'})")
    print(f"  baseline plain-Python per-replicate loop: {loop_ms:8.1f} ms")
    print(f"  ratio: {loop_ms / vec_ms:.1f}x faster than the baseline")
    return 0 if vec_ms < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
