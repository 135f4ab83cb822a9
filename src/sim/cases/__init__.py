"""Case files: YAML cases and templates in ``simcases/``, validated into :class:`sim.model.Case`.

Public API: :func:`load_case`, :func:`validate_file`, :func:`validate_paths`, :func:`library`,
:func:`render_student`, :func:`render_key`, :func:`from_patient`, :func:`json_schema`,
:func:`coverage`, :class:`Problem`, :class:`CaseInfo`. See :mod:`sim.cases.compile` for the file
format and :mod:`sim.cases.template` for templates and placeholders.
"""
from __future__ import annotations

from sim.cases.coverage import coverage
from sim.cases.derive import from_patient

# The functions named like their modules (library, coverage) are bound here, at import, so that
# importing the submodule later cannot shadow the function with the module.
from sim.cases.library import CaseInfo, library, library_dir, load_case, validate_file, validate_paths
from sim.cases.problems import CaseFileError, Problem
from sim.cases.render import render_key, render_student
from sim.cases.schema import json_schema

__all__ = [
    "CaseFileError", "Problem",
    "CaseInfo", "library", "library_dir", "load_case", "validate_file", "validate_paths", "coverage",
    "render_student", "render_key", "from_patient", "json_schema",
]

