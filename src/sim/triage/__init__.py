"""Caseload triage: a shift of referrals on one unit, more work than time, and a score for the
order (and minutes) a student chooses.

``make_shift(n, seed, unit="med_surg", hours=8)`` generates N referrals (synthetic patients from
:func:`sim.generate_patient`), each with a risk level (crisis, discharge today, high readmission
risk, routine) and tasks with time costs from ``sim/data/triage.yaml``.
``score_shift(shift, order, minutes=None)`` simulates the shift: who was seen in time, what
was left undone, whether a crisis waited too long (harm), the documentation backlog; and weighs
risk by timeliness, relative to a sound reference order.
"""
from __future__ import annotations

from sim.triage.rules import TriageError, TriageRules, rules
from sim.triage.scoring import ReferralOutcome, TriageResult, reference_order, score_shift
from sim.triage.shift import Referral, Shift, Task, make_shift, referral_for, shift_from_patients

__all__ = [
    "Referral", "ReferralOutcome", "Shift", "Task", "TriageError", "TriageResult", "TriageRules",
    "make_shift", "reference_order", "referral_for", "rules", "score_shift", "shift_from_patients",
]
