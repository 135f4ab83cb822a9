"""Case ids: a case's ``id`` is its file name, and no two cases of the library share one.

A file validated alone is checked against the whole library, and a clash is reported on the
file that takes an id already owned (the library file named after the id keeps it).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sim.cases.problems import Problem
from sim.cases.source import Source, read_source

CASE_SUFFIXES = (".yaml", ".yml")


@lru_cache(maxsize=4096)
def _id_of(path: str, mtime_ns: int, size: int) -> str | None:
    """The ``id:`` written in a file (cached while the file is unchanged), or None."""
    source, _ = read_source(path)
    if source is None:
        return None
    value = source.data.get("id")
    return value if isinstance(value, str) else None


def written_id(path: Path) -> str | None:
    """The ``id:`` of a case file, or None when it has none or cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return _id_of(str(path), stat.st_mtime_ns, stat.st_size)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _owner(case_id: str, path: Path, library: Path) -> Path | None:
    """The library file that owns ``case_id`` against ``path``, or None when nothing clashes.

    A library file named after the id owns it. Between two files that are both wrongly named
    (or both rightly, ``x.yaml`` beside ``x.yml``) the first by name owns it.
    """
    others = [p for p in sorted(library.iterdir()) if p.is_file() and p.suffix in CASE_SUFFIXES
              and not _same_file(p, path) and written_id(p) == case_id]
    if not others:
        return None
    right = [p for p in others if p.stem == case_id]
    if not _same_file(path.parent, library):
        return (right or others)[0]
    if path.stem != case_id:
        return right[0] if right else next((p for p in others if p.name < path.name), None)
    return next((p for p in right if p.name < path.name), None)


def id_problems(source: Source, path: Path, library: Path | None) -> list[Problem]:
    """The id of ``source`` (read from ``path``) is its file name and is not taken in ``library``.

    Args:
        source: the parsed file.
        path: where it was read from (its name is the expected id).
        library: the case library folder, or None when there is none to check against.
    """
    case_id = source.data.get("id")
    if not isinstance(case_id, str):
        return []  # a missing or malformed id is reported by the model
    problems: list[Problem] = []
    if path.suffix in CASE_SUFFIXES and case_id != path.stem:
        problems.append(source.problem(
            ("id",), f"id {case_id!r} differs from the file name {path.name!r}; a case's id is its file name: "
                     f"write id: {path.stem} (or rename the file to {case_id}{path.suffix})"))
    if library is not None and library.is_dir():
        owner = _owner(case_id, path, library)
        if owner is not None:
            problems.append(source.problem(
                ("id",), f"case id {case_id!r} is already used by {owner}; each case needs its own id "
                         "(choose another id and name the file after it)"))
    return problems
