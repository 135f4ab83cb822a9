"""ipywidgets GUIs: thin classes over the engine, holding no logic of their own.

ipywidgets itself is imported when a GUI is built, not when this package is imported. The
widget-free state behind the GUIs is :mod:`sim.widgets.drafts`.
"""
from __future__ import annotations

from sim.widgets.assessment_form import AssessmentForm
from sim.widgets.care_plan import CarePlanBuilder
from sim.widgets.case_editor import CaseDraft, CaseEditor
from sim.widgets.case_picker import CasePicker
from sim.widgets.case_viewer import CaseViewer
from sim.widgets.caseload_board import CaseloadBoard
from sim.widgets.instrument_form import InstrumentForm
from sim.widgets.intervention_picker import InterventionPicker
from sim.widgets.interview_panel import InterviewPanel
from sim.widgets.note_editor import NoteEditor
from sim.widgets.outcome_plot import OutcomePlot

__all__ = [
    "AssessmentForm", "CarePlanBuilder", "CaseDraft", "CaseEditor", "CasePicker", "CaseViewer", "CaseloadBoard",
    "InstrumentForm",
    "InterventionPicker", "InterviewPanel", "NoteEditor", "OutcomePlot",
]
