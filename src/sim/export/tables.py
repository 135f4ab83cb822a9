"""A cohort streamed to one table file: CSV, Parquet or JSON lines.

Worker processes turn each chunk of patients into bytes (CSV or JSON text, or an Arrow record
batch for Parquet); this process appends them in chunk order. A Parquet file has one row group per
chunk of :data:`sim.generate.stream.CHUNK` patients, so the bytes do not depend on the number of
workers. Rows equal :func:`sim.cohort`'s (the CSV byte for byte).
"""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.export.atomic import ExportError, atomic_file
from sim.export.formats import EXTENSIONS, FORMATS

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from sim.generate.coded import Column


_PLAIN_TEXT = ("date_of_birth", "zip_code")
"""Coded columns whose categories are whole calendars or ZIP ranges: written as plain text."""
_UNIQUE = ("id", "seed", "street", "email", "household_income", *_PLAIN_TEXT)
"""Columns with (nearly) one value per patient: Parquet dictionary encoding only costs time there."""
_DICTIONARIES: dict[int, tuple[object, pa.Array]] = {}


def _dictionary(categories: np.ndarray) -> pa.Array:
    import pyarrow as pa

    hit = _DICTIONARIES.get(id(categories))
    if hit is None or hit[0] is not categories:
        hit = (categories, pa.array(categories, type=pa.string()))
        _DICTIONARIES[id(categories)] = hit
    return hit[1]


def record_batch(cols: Mapping[str, Column]) -> pa.RecordBatch:
    """An Arrow record batch of cohort columns (text with few values as dictionaries, unasked
    instrument items as nulls)."""
    import pyarrow as pa

    from sim.generate.api import RESPONSE_INT
    from sim.generate.coded import Coded
    from sim.generate.responses import MISSING

    arrays: list[pa.Array] = []
    for name, values in cols.items():
        if isinstance(values, Coded):
            missing = values.codes < 0
            idx = pa.array(values.codes.astype(np.int32), mask=missing if missing.any() else None)
            dictionary = _dictionary(values.categories)
            arrays.append(dictionary.take(idx) if name in _PLAIN_TEXT
                          else pa.DictionaryArray.from_arrays(idx, dictionary))
            continue
        arr = np.asarray(values)
        if name in RESPONSE_INT and arr.dtype.kind == "i":
            missing = arr == MISSING
            arrays.append(pa.array(arr, mask=missing if missing.any() else None, type=pa.int64()))
        elif arr.dtype == object:
            arrays.append(pa.array(arr, type=pa.string()))
        else:
            arrays.append(pa.array(arr))
    return pa.RecordBatch.from_arrays(arrays, names=list(cols))


def _pandas_metadata(cols: Mapping[str, Column]) -> dict[bytes, bytes]:
    """The pandas schema metadata, so ``pandas.read_parquet`` gives :func:`sim.cohort`'s dtypes."""
    import pyarrow as pa

    from sim.generate.api import columns_frame
    from sim.generate.coded import Coded

    plain = {k: (v.values() if isinstance(v, Coded) and k in _PLAIN_TEXT else v) for k, v in cols.items()}
    return dict(pa.Schema.from_pandas(columns_frame(plain), preserve_index=False).metadata or {})


def _narrow(batch: pa.RecordBatch) -> pa.RecordBatch:
    """``batch`` with small integers as int8 and dictionary indices as int16.

    For the trip between processes only (an eighth of the bytes to copy through the pipe); the
    writer casts each batch back to the file's schema, so the file does not change.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    arrays = []
    for arr in batch.columns:
        if pa.types.is_int64(arr.type) and len(arr):
            lo, hi = pc.min_max(arr).values()
            if lo.is_valid and lo.as_py() >= -128 and hi.as_py() <= 127:
                arr = arr.cast(pa.int8())
        elif pa.types.is_dictionary(arr.type) and len(arr.dictionary) <= 32767:
            arr = arr.cast(pa.dictionary(pa.int16(), arr.type.value_type))
        arrays.append(arr)
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def encode_arrow(cols: Mapping[str, Column], start: int, stop: int) -> bytes:
    """A chunk as an Arrow IPC stream in narrow types (cheap to send between processes)."""
    import pyarrow as pa

    batch = _narrow(record_batch(cols))
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return bytes(sink.getvalue())


def encode_csv(cols: Mapping[str, Column], start: int, stop: int) -> bytes:
    """A chunk as CSV text (the header with the first chunk), as ``DataFrame.to_csv`` writes it."""
    from sim.generate.api import columns_frame

    return str(columns_frame(cols).to_csv(index=False, header=start == 0)).encode()


def encode_jsonl(cols: Mapping[str, Column], start: int, stop: int) -> bytes:
    """A chunk as JSON lines, one object per patient."""
    from sim.generate.api import columns_frame

    text = columns_frame(cols).to_json(orient="records", lines=True, force_ascii=False)
    return str(text if text.endswith("\n") else text + "\n").encode()


def format_of(path: Path, fmt: str | None) -> str:
    """The format named by ``fmt``, or else by the extension of ``path``.

    Raises:
        ExportError: ``fmt`` is not one of :data:`FORMATS`, or neither it nor the extension says.
    """
    if fmt is not None:
        if fmt.lower() not in FORMATS:
            raise ExportError(f"--format {fmt!r} is not known; allowed: {', '.join(FORMATS)}")
        return fmt.lower()
    ext = path.suffix.lower()
    if ext not in EXTENSIONS:
        raise ExportError(f"--out {str(path)!r}: unknown file type {ext or '(none)'!r}; allowed: "
                          f"{', '.join(EXTENSIONS)} (or --format {'/'.join(FORMATS)})")
    return EXTENSIONS[ext]


def write_cohort(path: Path | str, n: int, seed: int, *, fmt: str | None = None, setting: str | None = None,
                 workers: int = 1, progress: bool = False, force: bool = False) -> Path:
    """Generate ``n`` patients and stream them to ``path`` (a file, or a folder for ``fhir``).

    Args:
        path: output file (.csv, .parquet, .jsonl) or, for ``fmt="fhir"``, a folder.
        n: number of patients; seed: the cohort's seed; setting: only this practice setting.
        fmt: one of :data:`FORMATS`; by default the extension of ``path`` decides.
        workers: processes to generate in. progress: tqdm bar on stderr.
        force: replace a non-empty FHIR folder (an existing table file is always replaced).

    Returns:
        The path written. Memory stays flat in ``n``; the output is the same for any ``workers``.

    Raises:
        ExportError: unknown format, a non-empty folder without ``force``, or a failed write (the
            output then does not exist under its final name).
        SimValueError: bad ``n``, ``seed``, ``workers`` or setting.
    """
    path = Path(path)
    kind = format_of(path, fmt)
    if kind == "fhir":
        from sim.export.fhir import write_fhir

        return write_fhir(path, n, seed, setting=setting, workers=workers, progress=progress, force=force)
    if path.is_dir():
        raise ExportError(f"--out {str(path)!r} is a folder; give a file name (or --format fhir for a folder)")
    if not path.parent.is_dir():
        raise ExportError(f"--out {str(path)!r}: folder {str(path.parent)!r} does not exist; "
                          "choose an existing folder")
    with atomic_file(path) as tmp:
        if kind == "parquet":
            _write_parquet(tmp, n, seed, setting, workers, progress)
        else:
            from sim.generate.stream import stream_chunks

            encode = encode_csv if kind == "csv" else encode_jsonl
            with open(tmp, "wb") as fh:
                for chunk in stream_chunks(n, seed, encode, setting=setting, workers=workers, progress=progress):
                    fh.write(chunk)
    return path


def _write_parquet(tmp: Path, n: int, seed: int, setting: str | None, workers: int, progress: bool) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sim.generate.stream import chunk_columns, stream_chunks

    constraints: dict[str, object] = {"setting": setting} if setting is not None else {}
    writer: pq.ParquetWriter | None = None
    try:
        for chunk in stream_chunks(n, seed, encode_arrow, setting=setting, workers=workers, progress=progress):
            batch = pa.ipc.open_stream(chunk).read_next_batch()
            if writer is None:
                first = chunk_columns(seed, 0, 1, constraints)
                schema = record_batch(first).schema.with_metadata(_pandas_metadata(first))
                # Rows come in random order, so every row group's min and max span the whole
                # range: statistics would let a reader skip nothing and cost a fifth of the time.
                writer = pq.ParquetWriter(tmp, schema, write_statistics=False,
                                          use_dictionary=[c for c in schema.names if c not in _UNIQUE])
            writer.write_batch(batch.cast(schema))
    finally:
        if writer is not None:
            writer.close()
