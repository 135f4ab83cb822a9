"""Write case files: YAML text and atomic writes."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

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
