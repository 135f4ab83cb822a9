"""ipywidgets GUIs: thin classes over the engine, holding no logic of their own.

Each GUI class is imported on first use (``sim.widgets.AssessmentForm``), so that importing
``sim.widgets`` does not load ipywidgets. The widget-free state behind them is
:mod:`sim.widgets.drafts`.
"""
from __future__ import annotations

import importlib
from typing import Any

_LAZY: dict[str, str] = {
    "CaseViewer": "sim.widgets.case_viewer",
    "CasePicker": "sim.widgets.case_picker",
    "AssessmentForm": "sim.widgets.assessment_form",
    "InterventionPicker": "sim.widgets.intervention_picker",
    "CarePlanBuilder": "sim.widgets.care_plan",
    "OutcomePlot": "sim.widgets.outcome_plot",
    "NoteEditor": "sim.widgets.note_editor",
    "CaseloadBoard": "sim.widgets.caseload_board",
    "InstrumentForm": "sim.widgets.instrument_form",
    "InterviewPanel": "sim.widgets.interview_panel",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'sim.widgets' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
