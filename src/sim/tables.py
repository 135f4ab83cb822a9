"""Load the domain tables shipped as YAML inside the package, validated by pydantic.

Tables live in ``sim/data/`` and are read with :mod:`importlib.resources`, so they work from
an installed wheel as well as from a checkout. Each table is parsed once and cached; a module
names its table's accessor with :func:`cached_table` (``rubric = cached_table("rubric.yaml", Rubric,
"...")``) instead of writing the same cached function again.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from sim.errors import DataTableError

M = TypeVar("M", bound=BaseModel)

# libyaml's safe loader parses the tables about ten times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@cache
def read_yaml(relative_path: str) -> Any:
    """Return the parsed YAML of ``sim/data/<relative_path>``."""
    resource = resources.files("sim").joinpath("data", *relative_path.split("/"))
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise DataTableError(f"data table sim/data/{relative_path} is missing") from exc
    try:
        return yaml.load(text, Loader=_SafeLoader)
    except yaml.YAMLError as exc:
        raise DataTableError(f"sim/data/{relative_path}: not valid YAML: {exc}") from exc


def list_tables(folder: str) -> list[str]:
    """Names (without .yaml) of the tables in ``sim/data/<folder>/``, sorted."""
    base = resources.files("sim").joinpath("data", *folder.split("/"))
    return sorted(p.name[:-5] for p in base.iterdir() if p.name.endswith(".yaml"))


_model_cache: dict[tuple[str, type], Any] = {}


def load_table(relative_path: str, model: type[M]) -> M:
    """Parse ``sim/data/<relative_path>`` and validate it as ``model``; cached per (path, model)."""
    key = (relative_path, model)
    if key not in _model_cache:
        try:
            _model_cache[key] = model.model_validate(read_yaml(relative_path))
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
            )
            raise DataTableError(f"sim/data/{relative_path} is invalid: {problems}") from exc
    return _model_cache[key]


def cached_table(relative_path: str, model: type[M], doc: str) -> Callable[[], M]:
    """A function of no arguments that returns the validated table, read once.

    Args:
        relative_path: the table under ``sim/data/``, e.g. ``"rubric.yaml"``.
        model: the pydantic model it is validated as.
        doc: the accessor's docstring.
    """
    @cache
    def table() -> M:
        return load_table(relative_path, model)

    table.__doc__ = doc
    return table
