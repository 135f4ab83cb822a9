"""Synthetic patients: one from a seed, or a whole cohort, vectorized.

Public API:

* ``generate_patient(seed, **constraints) -> sim.model.Patient``: the same seed (and package
  version) always gives the same patient. Constraints: ``setting=``, ``age_range=(lo, hi)``,
  ``sex=``, ``insurance=``, ``language=``, ``needs=[domain, ...]`` or ``{domain: min_severity}``
  (the first becomes the referral reason), ``risks=[kind, ...]``. Unknown names raise
  :class:`~sim.errors.UnknownNameError` (with "did you mean"); constraints no patient can meet
  raise :class:`~sim.errors.ConstraintError`.
* ``generate_patients(seeds, **constraints)``: several at once (vectorized).
* ``cohort(n, seed, setting=None, progress=None, workers=1) -> pandas.DataFrame``: one row per
  patient, columns described in :data:`COLUMNS`; row ``i`` equals
  ``flatten(generate_patient(derived_seed(seed, i), setting=setting))``.
* ``derived_seed(seed, i)`` and ``flatten(patient) -> dict`` make that equality checkable.

How: every random number is a splitmix64 hash of (patient seed, named stream, index), so a
patient depends only on its own seed; the generator runs vectorized over an array of seeds
(length 1 for one patient). Every prevalence and correlation comes from the YAML tables in
``sim/data/generation/`` (each with its source or marked a teaching assumption). Everything
generated is synthetic: fictional places, 555-01xx phones, example.org e-mail, ``synthetic=True``.
"""
from __future__ import annotations

from sim.generate.api import COLUMNS, cohort, cohort_columns, derived_seed, flatten, generate_patient, generate_patients

__all__ = ["COLUMNS", "cohort", "cohort_columns", "derived_seed", "flatten", "generate_patient", "generate_patients"]
