"""JSON fragments of FHIR R4 resources shared by the cohort export and the case bundle.

Everything here is plain text built once (codings, categories, the synthetic-data label); the
cohort writer splices patient ids and values into it, the case bundle parses it back into dicts.
"""
from __future__ import annotations

import json
from functools import cache

from sim.export.fhir_codes import Code, codes

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
US_CORE_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/us-core-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
US_CORE_CONDITION_CATEGORY = "http://hl7.org/fhir/us/core/CodeSystem/condition-category"
CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
CDCREC = "urn:oid:2.16.840.1.113883.6.238"
SIM = "https://example.org/sim/fhir"
PATIENT_ID_SYSTEM = f"{SIM}/synthetic-patient-id"
TAG_SYSTEM = f"{SIM}/CodeSystem/data-origin"
INTERVIEW_TAG = {"system": TAG_SYSTEM, "code": "interview-disclosure",
                 "display": "Social history the patient reveals in the interview, not in the chart"}

META: dict[str, object] = {
    "security": [{"system": ACT_REASON, "code": "HTEST"}],
    "tag": [{"system": TAG_SYSTEM, "code": "synthetic"}],
}
"""Every resource carries this: the HL7 security label HTEST ("test health data") and the tag
``synthetic`` (a synthetic record, not a real person); displays are left out to keep 60 Observations
a patient small."""


def dumps(value: object) -> str:
    """Compact JSON, key order as given (the export's bytes depend only on the data)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def coding(system: str, code: Code | None = None, *, value: str | None = None, display: str | None = None,
           displays: bool = True) -> dict[str, str]:
    """A Coding from a table code, or from a bare code value (``displays=False``: without display)."""
    if code is not None:
        if not displays:
            return {"system": system, "code": code.code}
        return {"system": system, "code": code.code, "display": code.display}
    out = {"system": system, "code": str(value)}
    if display and displays:
        out["display"] = display
    return out


def concept(*codings: dict[str, str], text: str | None = None) -> dict[str, object]:
    """A CodeableConcept."""
    out: dict[str, object] = {}
    if codings:
        out["coding"] = list(codings)
    if text is not None:
        out["text"] = text
    return out


def fhir_id(*parts: str) -> str:
    """A FHIR id from parts: letters, digits, '-' and '.' only (``_`` becomes ``-``)."""
    return "-".join(parts).replace("_", "-")


@cache
def observation_categories(instrument: str, displays: bool = True) -> list[dict[str, object]]:
    """The categories of an instrument's Observations (survey; social-history; a US Core category)."""
    spec = codes().instruments[instrument]
    d = displays
    cats: list[dict[str, object]] = [concept(coding(OBS_CATEGORY, value="survey", display="Survey", displays=d))]
    if spec.social_history:
        cats.append(concept(coding(OBS_CATEGORY, value="social-history", display="Social History", displays=d)))
    if spec.us_core_category == "sdoh":
        cats.append(concept(coding(US_CORE_CATEGORY, value="sdoh", display="SDOH", displays=d)))
    elif spec.us_core_category == "functional-status":
        cats.append(concept(coding(US_CORE_CATEGORY, value="functional-status", display="Functional Status",
                                   displays=d)))
    return cats


def item_code(instrument: str, item: str, text: str, displays: bool = True) -> dict[str, object]:
    """Observation.code of an instrument item: LOINC if the table has it, else the local system."""
    spec = codes().instruments[instrument]
    found = spec.items.get(item)
    if found is not None:
        return concept(coding(LOINC, found, displays=displays), text=text)
    return concept(coding(codes().local_system, value=f"{instrument}.{item}"), text=text)


def total_code(instrument: str, text: str, displays: bool = True) -> dict[str, object]:
    """Observation.code of an instrument's total score."""
    spec = codes().instruments[instrument]
    if spec.total is not None:
        return concept(coding(LOINC, spec.total, displays=displays), text=text)
    return concept(coding(codes().local_system, value=f"{instrument}.total"), text=text)


def panel_code(instrument: str, text: str, displays: bool = True) -> dict[str, object] | None:
    """Observation.code of an instrument's panel, or None when LOINC has no panel for it here."""
    spec = codes().instruments[instrument]
    return concept(coding(LOINC, spec.panel, displays=displays), text=text) if spec.panel is not None else None


def answer_value(instrument: str, item: str, option_id: str, label: str, displays: bool = True) \
        -> dict[str, object]:
    """valueCodeableConcept of an answer: its LOINC answer code where the table has one, and its label."""
    spec = codes().instruments[instrument]
    found = spec.items.get(item)
    lst = (found.answers if found is not None and found.answers else None) or spec.answers
    code = codes().answer_lists[lst].get(option_id) if lst else None
    if code is None:
        return concept(text=label)
    return concept(coding(LOINC, code, displays=displays), text=label)


def status(system: str, code: str, display: str) -> dict[str, object]:
    """A status CodeableConcept (clinical, verification)."""
    return concept(coding(system, value=code, display=display))


ACTIVE = status(CLINICAL, "active", "Active")
CONFIRMED = status(VERIFICATION, "confirmed", "Confirmed")
ENCOUNTER_DIAGNOSIS = concept(coding(CONDITION_CATEGORY, value="encounter-diagnosis", display="Encounter Diagnosis"))
PROBLEM = concept(coding(CONDITION_CATEGORY, value="problem-list-item", display="Problem List Item"))
HEALTH_CONCERN = concept(coding(US_CORE_CONDITION_CATEGORY, value="health-concern", display="Health Concern"))
SDOH = concept(coding(US_CORE_CATEGORY, value="sdoh", display="SDOH"))


def _omb_extension(name: str, value: str, code: Code | None) -> dict[str, object]:
    """A US Core race or ethnicity extension: the OMB category where there is one, and the text."""
    ext: list[dict[str, object]] = []
    if code is not None:
        ext.append({"url": "ombCategory", "valueCoding": coding(CDCREC, code)})
    ext.append({"url": "text", "valueString": value})
    return {"url": f"http://hl7.org/fhir/us/core/StructureDefinition/us-core-{name}", "extension": ext}


def race_extension(race: str) -> dict[str, object]:
    """The US Core race extension."""
    return _omb_extension("race", race, codes().race.get(race))


def ethnicity_extension(ethnicity: str) -> dict[str, object]:
    """The US Core ethnicity extension."""
    return _omb_extension("ethnicity", ethnicity, codes().ethnicity.get(ethnicity))


GENDER = {"female": "female", "male": "male", "intersex": "other"}
"""Administrative gender (FHIR) of the sex recorded at birth; intersex is 'other'."""

PAYERS: dict[str, tuple[tuple[str, str], ...]] = {
    "medicare": (("payer-medicare", "Medicare (synthetic payer record)"),),
    "medicaid": (("payer-medicaid", "State Medicaid program (synthetic payer record)"),),
    "dual": (("payer-medicare", "Medicare (synthetic payer record)"),
             ("payer-medicaid", "State Medicaid program (synthetic payer record)")),
    "private": (("payer-private", "Employer-sponsored private plan (synthetic payer record)"),),
    "marketplace": (("payer-marketplace", "Health Insurance Marketplace plan (synthetic payer record)"),),
    "va": (("payer-va", "Veterans Health Administration (synthetic payer record)"),),
}
"""Payers of each insurance value (``uninsured`` has none, so no Coverage)."""

COVERAGE_TYPE = {"medicare": "Medicare", "medicaid": "Medicaid", "dual": "Medicare and Medicaid (dual eligible)",
                 "private": "Private health insurance", "marketplace": "Marketplace plan",
                 "va": "Veterans Affairs health care"}


def organizations() -> list[dict[str, object]]:
    """The payer Organizations every Coverage refers to."""
    seen: dict[str, str] = {}
    for payers in PAYERS.values():
        for pid, name in payers:
            seen.setdefault(pid, name)
    return [{"resourceType": "Organization", "id": pid, "meta": META, "active": True,
             "type": [concept(coding("http://terminology.hl7.org/CodeSystem/organization-type", value="pay",
                                     display="Payer"))],
             "name": name} for pid, name in seen.items()]


def encounter_class(setting: str, inpatient: bool, admission: str) -> dict[str, str]:
    """Encounter.class (v3 ActCode) of a setting and admission type."""
    if setting == "emergency":
        return coding(ACT_CODE, value="EMER", display="emergency")
    if setting == "home_health":
        return coding(ACT_CODE, value="HH", display="home health")
    if admission == "observation":
        return coding(ACT_CODE, value="OBSENC", display="observation encounter")
    if inpatient and admission != "outpatient":
        return coding(ACT_CODE, value="IMP", display="inpatient encounter")
    return coding(ACT_CODE, value="AMB", display="ambulatory")
