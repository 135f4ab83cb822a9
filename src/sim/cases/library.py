"""Load, validate and list case files; find the case library.

The library is the ``simcases/`` folder of the repository, found in this order:

1. the folder named by the ``SIM_CASES_DIR`` environment variable;
2. walking up from this package's folder to a folder that contains ``simcases/``;
3. walking up from the current working directory likewise.

A case is named either by a path (``simcases/ed_ipv_01.yaml``) or by its id (``ed_ipv_01``),
looked up as ``<library>/<id>.yaml``: a case's id is its file name (:mod:`sim.cases.ids`), so
one case is never listed or loaded under two names.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from sim.cases.compile import Compiled, compile_source
from sim.cases.ids import CASE_SUFFIXES, id_problems
from sim.cases.problems import CaseFileError, Problem
from sim.cases.source import Source, read_source
from sim.errors import SimError, UnknownNameError
from sim.model.case import Case

TEMPLATE_SEEDS = 3
"""A template is validated with its own seed and the next ones, to try more of its choices."""


class LibraryNotFoundError(SimError):
    """No ``simcases/`` folder could be found."""


def library_dir() -> Path:
    """The case library folder (see the module docstring for the search order)."""
    env = os.environ.get("SIM_CASES_DIR")
    if env:
        path = Path(env).expanduser()
        if not path.is_dir():
            raise LibraryNotFoundError(f"SIM_CASES_DIR={env!r} is not a folder")
        return path
    for start in (Path(__file__).resolve().parent, Path.cwd().resolve()):
        for folder in (start, *start.parents):
            candidate = folder / "simcases"
            if candidate.is_dir():
                return candidate
    raise LibraryNotFoundError("no simcases/ folder found: set SIM_CASES_DIR to the case library folder")


def case_files(folder: Path) -> list[Path]:
    """The case files of ``folder`` (``*.yaml``/``*.yml``, not the schema), sorted by name."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in CASE_SUFFIXES)


def compile_file(path: str | Path, seed: int | None = None) -> Compiled | list[Problem]:
    """Compile one file; a file that cannot even be read gives its problems instead."""
    source, problems = read_source(path)
    if source is None:
        return problems
    compiled = compile_source(source, seed)
    unreadable = {p.path for p in problems}  # a value YAML could not read is reported once, not again by the model
    compiled.problems = problems + [p for p in compiled.problems if p.path not in unreadable or not p.path]
    if problems:
        compiled.case = None
    return compiled


def resolve_name(path_or_id: str | os.PathLike[str]) -> Path:
    """The file for a case path or library id (see the module docstring)."""
    path = Path(path_or_id)
    if path.suffix in CASE_SUFFIXES or path.exists() or os.sep in str(path_or_id) or "/" in str(path_or_id):
        if not path.exists():
            raise SimError(f"case file {str(path)!r} does not exist")
        return path
    folder = library_dir()
    name = str(path_or_id)
    for suffix in CASE_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return candidate
    raise UnknownNameError(f"case id (library {folder})", name, [p.stem for p in case_files(folder)])


def load_case(path_or_id: str | os.PathLike[str], seed: int | None = None) -> Case:
    """Load a case from a file or from the library by id.

    Args:
        path_or_id: a case file path, or a case id from the library folder.
        seed: for a template (or a partial patient), the seed to use instead of the file's ``seed:``.

    Returns:
        The concrete, validated :class:`Case`: the same for the same file and seed.

    Raises:
        CaseFileError: the file has problems (the message lists them as FILE:LINE:COL lines).
        UnknownNameError: no case with this id in the library.
    """
    compiled = compile_file(resolve_name(path_or_id), seed)
    if isinstance(compiled, list):
        raise CaseFileError(compiled)
    if compiled.case is None:
        raise CaseFileError(compiled.problems)
    return compiled.case


def deep_problems(compiled: Compiled) -> list[Problem]:
    """What a compiled case contradicts beyond its fields (:mod:`sim.cases.consistency`), and what
    the interview, the reference plan and its grading find (:mod:`sim.cases.dryrun`)."""
    from sim.cases.consistency import check_consistency
    from sim.cases.dryrun import dry_run

    if compiled.case is None:
        return []
    problems = check_consistency(compiled.case, compiled.source)
    return problems or dry_run(compiled.case, compiled.source)


def _library_or_none() -> Path | None:
    try:
        return library_dir()
    except LibraryNotFoundError:
        return None


def validate_file(path: str | Path, *, deep: bool = True) -> list[Problem]:
    """Every problem of one case file (an empty list when it is valid).

    With ``deep`` (the default, and what ``sim case validate`` does) the compiled case is also
    checked for consistency and run through the interview, the reference plan and its grading
    (:func:`deep_problems`); ``deep=False`` checks the file's fields and ids only.

    Besides compiling it: its id is its file name and no other case of the library has it. A
    template is compiled with its own seed and the next ``TEMPLATE_SEEDS - 1`` seeds, so that
    more of its choices are tried; a problem is reported once.
    """
    compiled = compile_file(path)
    if isinstance(compiled, list):
        return compiled
    problems = sorted(compiled.problems + id_problems(compiled.source, Path(path), _library_or_none())
                      + (deep_problems(compiled) if deep else []), key=lambda p: (p.line, p.col))
    if compiled.template and not problems:
        for extra in range(1, TEMPLATE_SEEDS):
            again = compile_file(path, compiled.seed + extra)
            if isinstance(again, list):
                break
            for p in again.problems:
                if p not in problems:
                    problems.append(
                        Problem(p.file, p.line, p.col, p.path, f"{p.message} (with seed {compiled.seed + extra})")
                    )
    return problems


def validate_text(text: str, name: str) -> list[Problem]:
    """Every problem of a case file's text (not saved anywhere), as :func:`validate_file` finds them."""
    from sim.cases.source import parse_text

    source, problems = parse_text(text.encode("utf-8"), name)
    if source is None or problems:
        return problems
    compiled = compile_source(source)
    return sorted(compiled.problems + id_problems(source, Path(name), _library_or_none()) + deep_problems(compiled),
                  key=lambda p: (p.line, p.col))


def expand_paths(paths: Iterable[str | Path]) -> list[tuple[Path, list[Problem]]]:
    """Files named directly or found in named folders; a missing path gives a problem."""
    out: list[tuple[Path, list[Problem]]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            out += [(f, []) for f in case_files(path)]
        elif path.exists():
            out.append((path, []))
        else:
            out.append((path, [Problem(str(path), 1, 1, "", "no such file or folder")]))
    return out


def validate_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Problems of every case file named or found in the folders named.

    Each file is checked against the library (see :func:`validate_file`); files outside the
    library are also checked against each other: a file named after the id keeps it, and the
    clash is reported on the others.
    """
    problems: list[Problem] = []
    library = _library_or_none()
    by_id: dict[str, list[tuple[Path, Source]]] = {}
    for path, missing in expand_paths(paths):
        if missing:
            problems += missing
            continue
        problems += validate_file(path)
        if library is not None and path.resolve().parent == library.resolve():
            continue  # already checked against the whole library
        source, _ = read_source(path)
        if source is not None and isinstance(source.data.get("id"), str):
            by_id.setdefault(source.data["id"], []).append((path, source))
    for case_id, files in by_id.items():
        named = [path for path, _ in files if path.stem == case_id]
        owner = named[0] if named else files[0][0]
        problems += [source.problem(("id",), f"case id {case_id!r} is already used by {owner}; "
                                             "each case needs its own id")
                     for path, source in files if path != owner]
    return problems


@dataclass(frozen=True)
class CaseInfo:
    """One entry of the case library."""

    id: str
    title: str
    summary: str
    setting: str | None
    competencies: tuple[int, ...]
    interventions: tuple[str, ...]
    functions: tuple[str, ...]
    path: Path
    template: bool = False
    problems: tuple[Problem, ...] = field(default=())

    @property
    def valid(self) -> bool:
        return not self.problems


def info_for(path: Path, folder: Path | None = None) -> CaseInfo:
    """The library entry for one file (with its problems when it does not compile, or when its
    id is not its file name or is taken in ``folder``); a file with problems is listed by its
    file name, so no id is listed twice."""
    compiled = compile_file(path)
    if isinstance(compiled, list):
        return CaseInfo(path.stem, "", "", None, (), (), (), path, problems=tuple(compiled))
    case = compiled.case
    problems = compiled.problems + id_problems(compiled.source, path, folder)
    if case is None or problems:
        data = compiled.source.data
        return CaseInfo(path.stem, str(data.get("title", "")),
                        str(data.get("summary", "")), None, (), (), (), path,
                        compiled.template, tuple(problems))
    return CaseInfo(case.id, case.title, case.summary, case.patient.medical.setting,
                    tuple(case.key.competencies), tuple(k.intervention for k in case.key.recommended),
                    tuple(case.key.functions), path, compiled.template)


def library(folder: str | Path | None = None) -> list[CaseInfo]:
    """Every case file of the library (or of ``folder``), sorted by file name.

    Files with problems are listed too, with ``problems`` set, so that nothing is skipped silently.
    """
    base = Path(folder) if folder is not None else library_dir()
    if not base.is_dir():
        raise LibraryNotFoundError(f"case folder {str(base)!r} does not exist or is not a folder; "
                                   "give a folder of case files (.yaml)")
    return [info_for(p, base) for p in case_files(base)]
