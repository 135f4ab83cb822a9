"""Case files: YAML cases and templates in ``simcases/``, validated into :class:`sim.model.Case`.

Public API: :func:`load_case`, :func:`validate_file`, :func:`validate_paths`, :func:`library`,
:func:`render_student`, :func:`render_key`, :func:`from_patient`, :func:`json_schema`,
:func:`coverage`, :class:`Problem`, :class:`CaseInfo`. See :mod:`sim.cases.compile` for the file
format and :mod:`sim.cases.template` for templates and placeholders.
"""
from __future__ import annotations

import importlib
from typing import Any

from sim.cases.coverage import coverage

# The functions named like their modules (library, coverage) are bound here, at import, so that
# importing the submodule later cannot shadow the function with the module.
from sim.cases.library import CaseInfo, library, library_dir, load_case, validate_file, validate_paths
from sim.cases.problems import CaseFileError, Problem

# Loaded on first use.
_LAZY = {
    "render_student": "sim.cases.render", "render_key": "sim.cases.render",
    "from_patient": "sim.cases.derive", "json_schema": "sim.cases.schema",
}

__all__ = [
    "CaseFileError", "Problem",
    "CaseInfo", "library", "library_dir", "load_case", "validate_file", "validate_paths", "coverage",
    "render_student", "render_key", "from_patient", "json_schema",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.cases' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
