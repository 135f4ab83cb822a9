"""Benchmark: a cohort of 100,000 synthetic patients (target: >= 50,000 patients/s on 2 cores,
and >= 25 times a per-record Faker loop producing the same fields; DESIGN.md).

``sim.cohort`` generates full profiles (identity, contact, address, economics, medical context,
family, needs, risks, latent state) and the instrument responses (PHQ-9, GAD-7, AUDIT-C, HITS,
AHC HRSN, ZBI-12, Katz, Lawton), vectorized with counter-based randomness. The baseline,
contained here, is the plain approach: one record at a time, a Faker call per text field and the
``random`` module for the rest, then a DataFrame from the records. It runs on --baseline-n
records and is scaled to patients per second.

    .venv/bin/python benchmarks/cohort.py [--n 100000] [--workers 2] [--baseline-n 2000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time

TARGET_RATE = 50_000
TARGET_RATIO = 25.0


def _cpu() -> float:
    import resource

    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def faker_loop(n: int, seed: int) -> object:
    """The baseline: one record at a time with Faker and ``random`` (same fields as the cohort)."""
    import pandas as pd
    from faker import Faker

    from sim.generate.params import params
    from sim.model.taxonomy import need_domains, risk_kinds, settings

    fake = Faker("en_US")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    p = params()
    dx = [(d.code, d.label) for d in p.diagnoses.diagnoses.values()]
    domains, risks, places = need_domains(), risk_kinds(), settings()
    plans = ["medicare", "medicaid", "dual", "private", "marketplace", "va", "uninsured"]
    levels = ["none", "low", "moderate", "high"]
    records = []
    for i in range(n):
        sex = rng.choice(["female", "male"])
        given = fake.first_name_female() if sex == "female" else fake.first_name_male()
        family = fake.last_name()
        rec: dict[str, object] = {
            "id": f"P-{i:016x}", "seed": i, "synthetic": True, "given_name": given, "family_name": family,
            "sex": sex, "date_of_birth": fake.date_of_birth(minimum_age=0, maximum_age=100).isoformat(),
            "language": rng.choice(["English", "Spanish", "Chinese", "Vietnamese"]),
            "race": rng.choice(["White", "Black or African American", "Asian", "Two or more races"]),
            "phone": f"({fake.numerify('###')}) 555-01{rng.randint(0, 99):02d}",
            "email": f"{given.lower()}.{family.lower()}{rng.randint(0, 99):02d}@example.org",
            "street": fake.street_address(), "city": fake.city(), "county": f"{fake.last_name()} County",
            "state": fake.state_abbr(), "zip_code": fake.zipcode(),
            "insurance": rng.choice(plans), "household_size": rng.randint(1, 6),
            "household_income": rng.randint(0, 200_000), "setting": rng.choice(places),
        }
        code, label = rng.choice(dx)
        rec.update({"diagnosis_code": code, "diagnosis_label": label, "charlson_index": rng.randint(0, 8),
                    "length_of_stay_days": rng.randint(0, 20), "ed_visits_6mo": rng.randint(0, 5)})
        for d in domains:
            rec[f"need_{d}"] = rng.choice([0, 0, 0, 1, 2, 3])
        for r in risks:
            rec[f"risk_{r}"] = rng.choice(levels)
        for k in range(8):
            rec[f"latent_{k}"] = rng.randint(0, 3)
        rec["family"] = [fake.name() for _ in range(6)]
        for inst, items, top in (("phq9", 9, 3), ("gad7", 7, 3), ("auditc", 3, 4), ("hits", 4, 5),
                                 ("ahc_hrsn", 10, 2), ("zbi12", 12, 4), ("katz_adl", 6, 1), ("lawton_iadl", 8, 1)):
            answers = [rng.randint(0, top) for _ in range(items)]
            for k, a in enumerate(answers):
                rec[f"{inst}_{k + 1}"] = a
            rec[f"{inst}_total"] = sum(answers)
        records.append(rec)
    return pd.DataFrame.from_records(records)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--baseline-n", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="runs of sim.cohort; the best is reported")
    args = parser.parse_args()
    import sim

    sim.cohort(200, args.seed, progress=False)  # warm-up: tables, pools, instrument definitions
    walls, cpus = [], []
    for _ in range(args.repeat):
        cpu0, start = _cpu(), time.perf_counter()
        df = sim.cohort(args.n, args.seed, progress=False, workers=args.workers)
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu() - cpu0)
    ours, cpu = min(walls), min(cpus)
    assert len(df) == args.n and "phq9_total" in df.columns, "instrument responses missing"
    start = time.perf_counter()
    faker_loop(args.baseline_n, args.seed)
    base = time.perf_counter() - start
    rate, base_rate = args.n / ours, args.baseline_n / base
    print(f"sim.cohort: {args.n:,} patients, {df.shape[1]} columns, {args.workers} thread(s), best of {args.repeat}: "
          f"{ours:.2f} s = {rate:,.0f} patients/s (target >= {TARGET_RATE:,})")
    print(f"baseline per-record Faker loop: {args.baseline_n:,} records in {base:.2f} s = {base_rate:,.0f} records/s")
    print(f"ratio: {rate / base_rate:.1f}x the baseline (target >= {TARGET_RATIO:.0f}x)")
    print(f"CPU time (all threads): {cpu:.2f} s = {args.n / cpu:,.0f} patients per CPU-second "
          "(with one thread, the wall-clock rate on an idle core)")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} "
          "(other jobs on the machine lower the wall-clock figure, not the CPU figure)")
    ok = rate >= TARGET_RATE and rate / base_rate >= TARGET_RATIO
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
