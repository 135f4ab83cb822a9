"""Domain model: pydantic v2 models of a synthetic patient and the vocabularies they use."""
from __future__ import annotations

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
    "Address", "Contact", "Culture", "Diagnosis", "Economics", "FamilyMember", "FunctionalStatus",
    "Identity", "LatentState", "MedicalContext", "Need", "Patient", "PsychosocialProfile", "Risk",
    "Taxonomy", "taxonomy",
]
