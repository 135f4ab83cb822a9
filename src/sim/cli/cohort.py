"""``sim cohort``: stream a cohort of synthetic patients to .csv, .parquet, .jsonl or FHIR NDJSON.

Patients are generated and written chunk by chunk (memory stays flat), in ``--workers``
processes; the output is the same whatever the number of workers. The file (or FHIR folder)
appears whole or not at all: it is written under a temporary name and renamed when complete.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from sim.cli import Subparsers
from sim.export.formats import EXTENSIONS, FORMATS

MAX_N = 100_000_000
"""Largest cohort in one run: memory is flat, but a slip of the keyboard should not run for hours."""


def register(subparsers: Subparsers) -> None:
    """Add ``sim cohort --n N --seed S [--setting NAME] [--format F] --out PATH``."""
    parser = subparsers.add_parser(
        "cohort", help="generate a cohort of synthetic patients to a file",
        description="Generate N synthetic patients and stream them to PATH: a table with one row per "
                    "patient (.csv, .parquet or .jsonl; the extension or --format picks it), or with "
                    "--format fhir a folder of FHIR R4 NDJSON files, one per resource type.")
    parser.add_argument("--n", required=True, metavar="N", help=f"number of patients (1 to {MAX_N:,})")
    parser.add_argument("--seed", default="0", metavar="S", help="seed (whole number, default 0)")
    parser.add_argument("--setting", metavar="NAME", help="only patients of this practice setting")
    parser.add_argument("--format", metavar="F", default=None,
                        help=f"output format: {', '.join(FORMATS)} (default: from the extension of --out)")
    parser.add_argument("--out", required=True, metavar="PATH",
                        help="output file (.csv, .parquet, .jsonl), or a new or empty folder for --format fhir")
    parser.add_argument("--force", action="store_true",
                        help="with --format fhir: replace the contents of a folder that is not empty")
    parser.add_argument("--workers", default="1", metavar="W",
                        help="processes to generate with (default 1; 2 uses both cores of a 2-core machine)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(handler=run)


def _whole(flag: str, text: str, minimum: int, what: str) -> int:
    from sim.cli import UsageError

    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{flag} {text!r} is not a whole number; use {what}") from None
    if value < minimum:
        raise UsageError(f"{flag} {value} is not allowed; use {what}")
    return value


def check_output(path_text: str, fmt: str | None, force: bool = False) -> tuple[Path, str]:
    """The output path and format if the format is known and the place writable, else UsageError."""
    from sim.cli import UsageError
    from sim.export.atomic import ExportError, check_folder
    from sim.export.tables import format_of

    path = Path(path_text)
    try:
        kind = format_of(path, fmt)
        if kind == "fhir":
            check_folder(path, force)
    except ExportError as exc:
        raise UsageError(str(exc)) from None
    folder = (path.parent if str(path.parent) else Path(".")) if kind != "fhir" or not path.is_dir() else path
    if kind != "fhir" and path.is_dir():
        raise UsageError(f"--out {path_text!r} is a folder; give a file name ending in {', '.join(EXTENSIONS)} "
                         "(or --format fhir for a folder)")
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
    return path, kind


def run(args: argparse.Namespace) -> int:
    """Handle ``sim cohort``: check the arguments, then generate and write in a stream."""
    from sim.cli import UsageError

    n = _whole("--n", args.n, 1, "a patient count of 1 or more, e.g. --n 1000")
    if n > MAX_N:
        raise UsageError(f"--n {n:,} is more than one run writes (allowed: 1 to {MAX_N:,}); "
                         "write several outputs with different --seed values")
    seed = _whole("--seed", args.seed, 0, "a whole number 0 or more, e.g. --seed 42")
    workers = _whole("--workers", args.workers, 1, "a number of processes of 1 or more, e.g. --workers 2")
    path, kind = check_output(args.out, args.format, force=args.force)
    from sim.export.tables import write_cohort
    from sim.generate.constraints import check, resolve
    from sim.seeds import check_seed

    check_seed(seed)
    resolve(check(**({"setting": args.setting} if args.setting else {})))
    progress = (not args.no_progress) and sys.stderr.isatty()
    write_cohort(path, n, seed, fmt=kind, setting=args.setting, workers=workers, progress=progress,
                 force=args.force)
    what = "FHIR R4 NDJSON files in" if kind == "fhir" else "to"
    print(f"sim: wrote {n} synthetic patients {what} {path}", file=sys.stderr)
    return 0
