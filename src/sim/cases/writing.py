"""Write case files: YAML text, atomic writes, a concrete case from a template."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from sim.cases.problems import CaseFileError
from sim.errors import SimValueError


class _NoAliases:
    """Block style, keys in the given order, long texts folded, no aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class _PyDumper(_NoAliases, yaml.SafeDumper):
    """The pure-Python dumper, where PyYAML was built without libyaml."""


_Dumper: type[_PyDumper | _CDumper] = _PyDumper
if yaml.__with_libyaml__:  # PyYAML defines CSafeDumper only when built with libyaml

    class _CDumper(_NoAliases, yaml.CSafeDumper):
        """libyaml's emitter."""

    _Dumper = _CDumper


def _str(dumper: Any, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 80 and "\n" not in value else ("|" if "\n" in value else None)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def to_yaml(data: Any, header: str = "") -> str:
    """``data`` as block-style YAML, preceded by ``header`` lines as comments."""
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
    lines = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return lines + body


def write_atomic(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SimValueError(f"cannot write {path}: the folder {folder} does not exist; "
                            "create it first or choose another path")
    if path.is_dir():
        raise SimValueError(f"cannot write {path}: it is a folder; give a file name")
    if path.exists() and not path.is_file():  # a device or a pipe: renaming over it would replace it
        path.write_text(text, encoding="utf-8")
        return path
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise SimValueError(f"cannot write {path}: {exc.strerror}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def concrete_from_template(template: str | Path, seed: int) -> dict[str, Any]:
    """The template's fields with every spec drawn for ``seed``, ready to save as a case.

    ``template`` is a file or a library id.

    The patient stays as partial as the template wrote it and ``format:`` (the current one; a
    template of an earlier format is upgraded) and ``seed:`` are set, so loading the result
    generates the same patient; placeholders stay in the text and are filled on loading.

    Raises:
        CaseFileError: the template has problems with this seed.
    """
    from sim.cases.compile import META_KEYS
    from sim.cases.formats import current_format, file_format, upgrade
    from sim.cases.library import compile_file, resolve_name
    from sim.cases.source import read_source
    from sim.cases.template import resolve

    template = resolve_name(template)
    compiled = compile_file(template, seed)
    if isinstance(compiled, list):
        raise CaseFileError(compiled)
    if compiled.problems:
        raise CaseFileError(compiled.problems)
    source, _ = read_source(template)
    assert source is not None  # compile_file read it a moment ago
    data = {k: v for k, v in source.data.items() if k not in META_KEYS}
    if compiled.template:
        data, problems = resolve(data, seed, source)
        if problems:
            raise CaseFileError(problems)
    if file_format(source.data) < current_format():
        data, _ = upgrade(data)
    return {"format": current_format(), "seed": seed, **data}


def new_from_template(template: str | Path, seed: int, out: str | Path) -> Path:
    """Write the concrete case drawn from ``template`` with ``seed`` to ``out`` (atomically).

    The new case's ``id`` is the name of ``out`` (``simcases/geri_discharge_12.yaml`` gets
    ``id: geri_discharge_12``), since a case's id is its file name.
    """
    from sim.cases.ids import CASE_SUFFIXES
    from sim.cases.library import resolve_name

    if Path(out).suffix not in CASE_SUFFIXES:
        raise SimValueError(f"cannot write {out}: a case file's name ends in .yaml (or .yml), and the name "
                            f"before it is the case's id, e.g. {Path(out).stem or 'new_case_01'}.yaml")
    template = resolve_name(template)
    data = concrete_from_template(template, seed)
    data = {key: (Path(out).stem if key == "id" else value) for key, value in data.items()}
    header = (f"Synthetic case drawn from {Path(template).name} with seed {seed}; every person in it is "
              "invented.\nEdit freely, then check it with: sim case validate " + str(out))
    return write_atomic(Path(out), to_yaml(data, header))
