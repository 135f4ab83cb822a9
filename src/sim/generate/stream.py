"""A cohort generated chunk by chunk, in worker processes, and handed on in order.

Chunk boundaries are fixed (:data:`CHUNK` patients, whatever the number of workers), every chunk
depends only on its patients' derived seeds, and results come back in chunk order: so whatever is
built from the chunks (file bytes, FHIR resources) is the same for any ``workers``. At most two
chunks per worker are in flight, so memory stays flat however many patients there are.

Workers are forked processes where the platform can fork (each loads nothing again: the tables
and name pools are loaded in the parent first), otherwise spawned ones.
"""
from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from sim.errors import SimValueError

if TYPE_CHECKING:  # pragma: no cover
    from sim.generate.coded import Column

CHUNK = 20_000
"""Patients per chunk: the unit of work, of progress and (for Parquet) of a row group."""

T = TypeVar("T")
Columns = dict[str, "Column"]
Encoder = Callable[[Columns, int, int], T]
Task = tuple[int, int, int, dict[str, object], Callable[[Columns, int, int], T]]


def chunk_bounds(n: int, size: int = CHUNK) -> list[tuple[int, int]]:
    """``(start, stop)`` of each chunk of a cohort of ``n`` patients."""
    return [(start, min(n, start + size)) for start in range(0, n, size)]


def chunk_columns(seed: int, start: int, stop: int, constraints: dict[str, object]) -> Columns:
    from sim.generate.columns import batch_columns
    from sim.generate.core import constrained_batch
    from sim.generate.rng import derived_seeds

    return batch_columns(constrained_batch(derived_seeds(seed, start, stop), constraints))


def _work(task: Task[T]) -> T:
    seed, start, stop, constraints, encode = task
    return encode(chunk_columns(seed, start, stop, constraints), start, stop)


def _keep_freed_memory() -> None:
    """Let glibc's malloc keep freed memory for reuse in this (worker) process.

    Each chunk allocates and frees the same large arrays. By default glibc maps every block above
    128 KiB afresh and returns it on free, so each chunk pays again for page faults on zeroed pages
    (in a 1M-patient cohort, about 2 s of system time across the workers). Raising the mmap and
    trim thresholds (``mallopt(3)``) keeps those pages in the heap; peak memory does not change.
    Nothing happens where the C library is not glibc.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if sys.platform != "linux" or name is None:
        return
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_top_pad, m_mmap_threshold = -1, -2, -3
    mallopt(m_mmap_threshold, 32 * 1024 * 1024)  # the largest glibc allows on 64-bit
    mallopt(m_trim_threshold, 1024 * 1024 * 1024)
    mallopt(m_top_pad, 64 * 1024 * 1024)


def _context() -> multiprocessing.context.BaseContext:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods and sys.platform != "darwin" else "spawn")


def check_n(n: object) -> int:
    """The cohort size ``n`` as an int if it is a whole number 1 or more, else :class:`SimValueError`."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise SimValueError(f"cohort size {n!r} is not allowed; use a whole number 1 or more")
    return int(n)


def check_workers(workers: object) -> int:
    """``workers`` as an int if it is a whole number 1 or more, else :class:`SimValueError`."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise SimValueError(f"workers {workers!r} is not allowed; use a whole number 1 or more")
    return workers


def stream_chunks(n: int, seed: int, encode: Encoder[T], *, setting: str | None = None, workers: int = 1,
                  progress: bool = False, size: int | None = None) -> Iterator[T]:
    """``encode(columns, start, stop)`` for each chunk of the cohort ``(n, seed, setting)``, in order.

    Args:
        n: number of patients (1 or more).
        seed: the cohort's seed; patient ``i`` has seed ``derived_seed(seed, i)``.
        encode: a module-level function (it is sent to worker processes) turning the columns of
            :func:`sim.generate.columns.batch_columns` into what the caller writes.
        setting: only patients of this practice setting.
        workers: processes to generate in; 1 generates in this process.
        progress: show a tqdm bar on stderr.
        size: patients per chunk (default :data:`CHUNK`; other sizes are for tests).

    Raises:
        SimValueError: bad ``n``, ``seed``, ``workers`` or an unknown setting (before any work).
    """
    from sim.generate.constraints import check, resolve
    from sim.seeds import check_seed

    n, seed, workers = check_n(n), check_seed(seed), check_workers(workers)
    constraints: dict[str, object] = {"setting": setting} if setting is not None else {}
    resolve(check(**constraints))
    encode(chunk_columns(seed, 0, 1, constraints), 0, 1)  # load every table once, before any fork
    tasks: list[Task[T]] = [(seed, a, b, constraints, encode) for a, b in chunk_bounds(n, size or CHUNK)]
    bar = None
    pool: ProcessPoolExecutor | None = None
    if workers > 1 and len(tasks) > 1:
        pool = ProcessPoolExecutor(max_workers=min(workers, len(tasks)), mp_context=_context(),
                                  initializer=_keep_freed_memory)
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=n, unit="patients", desc="cohort", file=sys.stderr)
    try:
        if pool is None:
            for task in tasks:
                out = _work(task)
                if bar is not None:
                    bar.update(task[2] - task[1])
                yield out
            return
        pending: deque[tuple[Task[T], Future[T]]] = deque()
        todo = iter(tasks)
        for task in todo:
            pending.append((task, pool.submit(_work, task)))
            if len(pending) >= 2 * workers:
                break
        while pending:
            task, future = pending.popleft()
            out = future.result()
            nxt = next(todo, None)
            if nxt is not None:
                pending.append((nxt, pool.submit(_work, nxt)))
            if bar is not None:
                bar.update(task[2] - task[1])
            yield out
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        if bar is not None:
            bar.close()
