"""``sim cohort``: write a cohort of synthetic patients to .csv, .parquet or .jsonl.

The file appears whole or not at all: rows go to a temporary file in the same folder, renamed
when complete.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

FORMATS = (".csv", ".parquet", ".jsonl")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``sim cohort --n N --seed S [--setting NAME] --out FILE``."""
    parser = subparsers.add_parser(
        "cohort", help="generate a cohort of synthetic patients to a file",
        description="Generate N synthetic patients (one row each) and write them to FILE; the "
                    "extension picks the format: .csv, .parquet or .jsonl.")
    parser.add_argument("--n", required=True, metavar="N", help="number of patients (1 to 5,000,000)")
    parser.add_argument("--seed", default="0", metavar="S", help="seed (whole number, default 0)")
    parser.add_argument("--setting", metavar="NAME", help="only patients of this practice setting")
    parser.add_argument("--out", required=True, metavar="FILE", help="output file: .csv, .parquet or .jsonl")
    parser.add_argument(
        "--workers", default="1", metavar="W", help="threads to generate with (default 1; 2 uses both cores)"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


MAX_N = 5_000_000
"""Largest cohort in one file: about 1.5 kB of memory per patient, so 5 million is about 7.5 GB."""


def _whole(flag: str, text: str, minimum: int, what: str) -> int:
    from sim.cli import UsageError

    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a whole number; use {what}") from None
    if value < minimum:
        raise UsageError(f"{flag} {value} is not allowed; use {what}")
    return value


def check_output(path_text: str) -> Path:
    """The output path if its extension is known and its folder writable, else UsageError."""
    from sim.cli import UsageError

    path = Path(path_text)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise UsageError(f"--out {path_text!r}: unknown file type {ext or '(none)'!r}; allowed: {', '.join(FORMATS)}")
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UsageError(f"--out {path_text!r} is a folder; give a file name ending in {', '.join(FORMATS)}")
    if not folder.is_dir():
        raise UsageError(f"--out {path_text!r}: folder {str(folder)!r} does not exist; choose an existing folder")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--out {path_text!r}: cannot write there (permission denied); choose a writable folder")
    try:  # probe: the folder must accept a new file (read-only mounts, /proc, ...)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(f"--out {path_text!r}: cannot write there ({exc.strerror or exc}); "
                         "choose a writable folder") from exc
    return path


def write_frame(df: object, path: Path) -> None:
    """Write ``df`` to ``path`` by extension, through a temporary file renamed when complete."""
    from sim.cli import UsageError

    ext = path.suffix.lower()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise UsageError(f"--out {str(path)!r}: cannot write there ({exc.strerror or exc}); "
                         "choose a writable folder") from exc
    os.close(fd)
    try:
        if ext == ".csv":
            df.to_csv(tmp, index=False)  # type: ignore[attr-defined]
        elif ext == ".parquet":
            df.to_parquet(tmp, index=False)  # type: ignore[attr-defined]
        else:
            df.to_json(tmp, orient="records", lines=True, force_ascii=False)  # type: ignore[attr-defined]
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"--out {str(path)!r}: could not write ({exc.strerror or exc})") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def run(args: argparse.Namespace) -> int:
    """Handle ``sim cohort``: check the arguments, generate, write atomically."""
    n = _whole("--n", args.n, 1, "a patient count of 1 or more, e.g. --n 1000")
    if n > MAX_N:
        from sim.cli import UsageError

        raise UsageError(f"--n {n:,} is more than one file holds here (allowed: 1 to {MAX_N:,}, about 1.5 kB "
                         "of memory per patient); write several files with different --seed values")
    seed = _whole("--seed", args.seed, 0, "a whole number 0 or more, e.g. --seed 42")
    workers = _whole("--workers", args.workers, 1, "a number of threads of 1 or more, e.g. --workers 2")
    path = check_output(args.out)
    from sim.generate import cohort
    from sim.generate.constraints import check, resolve
    from sim.generate.rng import check_seed

    check_seed(seed)
    resolve(check(**({"setting": args.setting} if args.setting else {})))
    progress = (not args.no_progress) and sys.stderr.isatty()
    df = cohort(n, seed, setting=args.setting, progress=progress, workers=workers)
    write_frame(df, path)
    print(f"sim: wrote {n} synthetic patients to {path}", file=sys.stderr)
    return 0
