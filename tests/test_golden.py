"""Golden determinism: fixed seeds give byte-identical output, pinned by digests kept in the repo.

A change that moves any of these bytes on purpose (new columns, a new generation rule, a wording
change in the rendered case) updates the digests deliberately::

    SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

and says so in its commit message. An unintended move is a determinism or compatibility bug.
"""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cases import from_patient
from sim.cases.render import render_student
from sim.outcomes import simulate

DIGESTS = Path(__file__).parent / "golden" / "digests.json"


def _patient() -> bytes:
    return sim.generate_patient(20261204).model_dump_json(indent=1).encode()


def _cohort_csv() -> bytes:
    return sim.cohort(1000, seed=42, progress=False).to_csv(index=False, lineterminator="\n").encode()


def _rendered_case() -> bytes:
    case = from_patient(sim.generate_patient(7))
    return (render_student(case, "md") + "\n----\n" + render_student(case, "html")).encode()


def _outcome_table() -> bytes:
    result = simulate(sim.generate_patient(11), None, n=2000, seed=3)
    parts = [f"n={result.n} seed={result.seed} lace={result.lace}".encode()]
    for table in (result.distributions, result.risks):
        for name in sorted(table):
            values = np.ascontiguousarray(table[name], dtype=np.float64)
            parts.append(name.encode() + b"=" + values.tobytes())
    return b"\n".join(parts)


PRODUCERS: dict[str, Callable[[], bytes]] = {
    "patient_json": _patient,
    "cohort_1000_csv": _cohort_csv,
    "rendered_case": _rendered_case,
    "outcome_table": _outcome_table,
}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize("name", sorted(PRODUCERS))
def test_output_bytes_match_the_golden_digest(name: str) -> None:
    """Each fixed-seed output hashes to the digest kept in tests/golden/digests.json."""
    data = PRODUCERS[name]()
    assert data, f"{name} produced nothing"
    kept = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    if os.environ.get("SIM_UPDATE_GOLDEN") == "1":
        kept[name] = _digest(data)
        DIGESTS.write_text(json.dumps(kept, indent=2, sort_keys=True) + "\n")
    assert name in kept, f"no golden digest for {name}; create it with SIM_UPDATE_GOLDEN=1 (see the docstring)"
    assert _digest(data) == kept[name], (
        f"{name} changed for a fixed seed. If the change is intended, update the digests on purpose with "
        "SIM_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py and say so in the commit")


def test_the_digests_really_depend_on_the_seed() -> None:
    """Another seed gives other bytes (the digest is not of something constant)."""
    assert _digest(sim.generate_patient(1).model_dump_json().encode()) != _digest(
        sim.generate_patient(2).model_dump_json().encode())


def test_a_second_run_in_the_same_process_gives_the_same_bytes() -> None:
    """Nothing cached or global leaks between runs."""
    assert _digest(_cohort_csv()) == _digest(_cohort_csv())
    assert _digest(_outcome_table()) == _digest(_outcome_table())
