"""Documentation practice: DAP, SOAP and BIRP notes (and the hospital psychosocial
assessment), checked section by section.

``check_note(text_or_dict, fmt, case=None)`` finds the sections by their headings ("D:",
"Data:", "## Data", "**Plan**"), checks each one (present, long enough, content that fits the
section), looks for the case's key needs and critical actions when a case is given, and flags
judgmental language and identifying details. ``template(fmt)`` gives a blank skeleton with
guidance. The rules are the data file ``sim/data/notes.yaml``.
"""
from __future__ import annotations

from sim.notes.check import check_note
from sim.notes.review import NoteMessage, NoteReview, SectionReview
from sim.notes.rules import FORMATS, NoteRules, rules
from sim.notes.sections import split_sections, template

__all__ = [
    "FORMATS", "NoteMessage", "NoteReview", "NoteRules", "SectionReview", "check_note", "rules",
    "split_sections", "template",
]
