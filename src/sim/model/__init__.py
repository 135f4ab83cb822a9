"""The core: pydantic v2 models of a synthetic patient and of a case file, and the vocabularies
they use (the need taxonomy, risks, interventions, dispositions and actions), and the feedback block
every check returns with its one renderer (``model.blocks``: HTML, text, Markdown). Everything else in
the package builds on these; nothing here imports another part of ``sim`` but the data tables.
"""
from __future__ import annotations

from sim.model.case import (
    Case,
    CaseKey,
    ChartExcerpt,
    CollateralContact,
    CriticalAction,
    HiddenFact,
    KeyAction,
    KeyDisposition,
    KeyIntervention,
    KeyNeed,
    KeyRisk,
    Referral,
)
from sim.model.patient import (
    Address,
    Contact,
    Culture,
    Diagnosis,
    Economics,
    FamilyMember,
    FunctionalStatus,
    Identity,
    LatentState,
    MedicalContext,
    Need,
    Patient,
    PsychosocialProfile,
    Risk,
)
from sim.model.taxonomy import Taxonomy, taxonomy

__all__ = [
    "Address", "Case", "CaseKey", "ChartExcerpt", "CollateralContact", "Contact", "CriticalAction", "Culture",
    "Diagnosis", "Economics", "FamilyMember", "FunctionalStatus", "HiddenFact", "Identity", "KeyAction",
    "KeyDisposition", "KeyIntervention", "KeyNeed", "KeyRisk", "LatentState", "MedicalContext", "Need",
    "Patient", "PsychosocialProfile", "Referral", "Risk", "Taxonomy", "taxonomy",
]
