"""Facts of a patient that Medicare's post-acute rules turn on, shared by the catalogue's
eligibility rules (:mod:`sim.practice.interventions`) and the derived case keys
(:mod:`sim.cases.rules`).

* A qualifying inpatient stay: admitted (not observation, outpatient or the emergency
  department) for at least 3 days (42 CFR 409.30(a)).
* A skilled condition: a diagnosis whose recovery calls for daily skilled nursing or therapy
  (``interventions.yaml`` ``skilled_need``; 42 CFR 409.31-409.35). With an ADL dependency it
  is a daily skilled need; help with daily activities alone is custodial care (42 CFR 411.15(g)).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from sim.tables import read_yaml

if TYPE_CHECKING:
    from sim.model.patient import Patient

INPATIENT_ADMISSIONS = ("emergent", "urgent", "elective")


def _norm(code: str) -> str:
    return code.replace(".", "").upper()


def covers(entry: str, code: str) -> bool:
    """True if an ICD-10 list entry (a prefix, or a ``LO-HI`` range of prefixes of equal length)
    covers ``code``.

        >>> covers("I60-I63", "I63.9"), covers("S72", "S72.001A"), covers("K70.0-K70.3", "K70.4")
        (True, True, False)
    """
    c = _norm(code)
    if "-" in entry:
        lo, hi = (_norm(x) for x in entry.split("-", 1))
        return len(c) >= len(lo) and lo <= c[: len(lo)] <= hi
    return c.startswith(_norm(entry))


def qualifying_inpatient_stay(patient: Patient) -> bool:
    """An admitted stay of at least 3 days (midnights); observation days do not count."""
    med = patient.medical
    return med.admission_type in INPATIENT_ADMISSIONS and med.length_of_stay_days >= 3


def skilled_condition(patient: Patient) -> bool:
    """Whether a diagnosis of the patient is one whose recovery calls for daily skilled care."""
    entries = read_yaml("interventions.yaml")["skilled_need"]["diagnoses"]
    med = patient.medical
    codes = [med.primary_diagnosis.code, *(d.code for d in med.comorbidities)]
    return any(covers(entry, code) for entry in entries for code in codes)


def daily_skilled_need(patient: Patient, adl_dependencies: int) -> bool:
    """A daily skilled need: an ADL dependency from a skilled condition."""
    return adl_dependencies >= 1 and skilled_condition(patient)
