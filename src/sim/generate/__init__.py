"""Synthetic patients: one from a seed, or a whole cohort, vectorized.

``generate_patient(seed, **constraints)`` returns a :class:`sim.model.Patient`; the same seed and
package version always give the same patient. ``cohort(n, seed, setting=None)`` returns a
pandas DataFrame with one row per patient (columns in :data:`COLUMNS`); row ``i`` equals
``flatten(generate_patient(derived_seed(seed, i), setting=setting))``.
"""
from __future__ import annotations

from sim.generate.api import COLUMNS, cohort, cohort_columns, derived_seed, flatten, generate_patient, generate_patients

__all__ = ["COLUMNS", "cohort", "cohort_columns", "derived_seed", "flatten", "generate_patient", "generate_patients"]
