"""Public entry points: :func:`generate_patient`, :func:`generate_patients`, :func:`cohort`."""
from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np

from sim.generate.coded import Coded, Column, merge_coded
from sim.generate.columns import COLUMNS, flatten
from sim.generate.core import constrained_batch
from sim.generate.responses import MISSING
from sim.generate.rng import derived_seed
from sim.generate.stream import CHUNK, check_n
from sim.seeds import check_seed

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from sim.model import Patient

RESPONSE_INT = {name for name, text in COLUMNS.items() if "missing unless" in text}

__all__ = ["COLUMNS", "cohort", "cohort_columns", "derived_seed", "flatten", "generate_patient", "generate_patients"]


def generate_patient(seed: int, **constraints: object) -> Patient:
    """One synthetic patient from ``seed``; the same seed (and version) gives the same patient.

    Args:
        seed: whole number 0 .. 2**63-1.
        **constraints: any of ``setting=``, ``age_range=(lo, hi)``, ``sex=``, ``insurance=``,
            ``language=``, ``needs=[domain, ...]`` or ``{domain: min_severity}``, ``risks=[kind, ...]``.

    Raises:
        UnknownNameError: a constraint names a setting, need, risk, plan or language we do not know.
        ConstraintError: no patient can satisfy the constraints together.
    """
    from sim.generate.assemble import to_patients

    seeds = np.array([check_seed(seed)], dtype=np.int64)
    return to_patients(constrained_batch(seeds, constraints))[0]


def generate_patients(seeds: list[int] | np.ndarray, **constraints: object) -> list[Patient]:
    """Several patients at once (vectorized), one per seed, same constraints for all."""
    from sim.generate.assemble import to_patients

    arr = np.array([check_seed(s) for s in seeds], dtype=np.int64)
    return to_patients(constrained_batch(arr, constraints)) if len(arr) else []


def _identity(cols: dict[str, Column], start: int, stop: int) -> dict[str, Column]:
    return cols


def cohort_columns(n: int, seed: int, setting: str | None = None,
                   progress: bool | None = None, workers: int = 1) -> dict[str, Column]:
    """The columns of :func:`cohort`: numpy arrays, or :class:`~sim.generate.coded.Coded` codes
    for text with few distinct values (chunks of 20,000, tqdm bar on a terminal; ``workers``
    processes generate the chunks, see :mod:`sim.generate.stream`)."""
    from sim.generate.stream import check_workers, stream_chunks

    n = check_n(n)
    check_seed(seed)
    check_workers(workers)
    if progress is None:
        progress = n > CHUNK and sys.stderr.isatty()
    parts = list(stream_chunks(n, seed, _identity, setting=setting, workers=workers, progress=progress,
                               size=CHUNK))
    if len(parts) == 1:
        return parts[0]
    return {k: _merge([p[k] for p in parts]) for k in parts[0]}


def _merge(chunks: list[Column]) -> Column:
    """One column from its chunks (all coded, or all arrays)."""
    coded = [c for c in chunks if isinstance(c, Coded)]
    if coded:
        return merge_coded(coded)
    return np.concatenate([c for c in chunks if isinstance(c, np.ndarray)])


def columns_frame(cols: Mapping[str, object]) -> pd.DataFrame:
    """A pandas DataFrame of cohort columns: :class:`Coded` text as categoricals, instrument
    columns a patient was not asked as <NA>."""
    import pandas as pd

    data: dict[str, object] = {}
    for name, values in cols.items():
        if isinstance(values, Coded):
            data[name] = pd.Categorical.from_codes(values.codes, categories=pd.Index(values.categories, dtype=object))
        elif name in RESPONSE_INT and isinstance(values, np.ndarray) and values.dtype.kind == "i":
            data[name] = pd.arrays.IntegerArray(values, mask=values == MISSING)
        else:
            data[name] = values
    return pd.DataFrame(data)


def cohort(n: int, seed: int, setting: str | None = None, progress: bool | None = None,
           workers: int = 1) -> pd.DataFrame:
    """A cohort of ``n`` synthetic patients as a pandas DataFrame, one row per patient.

    Row ``i`` equals ``flatten(generate_patient(derived_seed(seed, i), setting=setting))``.
    Generation is vectorized (counter-based randomness per patient seed), in chunks of 20,000
    with a progress bar when stderr is a terminal (``progress=`` forces it on or off);
    ``workers=2`` generates chunks in two processes (same rows, same order).
    The columns, described in :data:`sim.generate.COLUMNS` and listed below, are: identity,
    contact, address, economics, medical context, ``need_<domain>`` severities, ``risk_<kind>``
    levels, ``latent_*``, household counts, and instrument item/total columns when
    :mod:`sim.instruments` is available. Text with few distinct values (setting, insurance,
    names, ...) is a pandas categorical; instrument columns a patient was not asked are <NA>.
    """
    return columns_frame(cohort_columns(n, seed, setting=setting, progress=progress, workers=workers))


cohort.__doc__ = (cohort.__doc__ or "") + "\n    Columns:\n" + "".join(
    f"        {name}: {text}\n" for name, text in COLUMNS.items())
