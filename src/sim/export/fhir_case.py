"""One case as a FHIR R4 transaction Bundle, for loading into a teaching EHR.

The bundle holds what a chart would show the social worker before the interview: the patient
(with US Core race and ethnicity), the encounter, the referral to social work
(``ServiceRequest``), the physician's and the nurse's notes (``DocumentReference``), medications
(``MedicationStatement``), vital signs, diagnoses (``Condition``), insurance (``Coverage`` and the
payer ``Organization``), family members (``RelatedPerson``), and the answers the patient gives on
each screening instrument (``Observation``: panel, items and total with LOINC codes).

The social history the interview can reveal (the case's hidden facts) is there too, as
``social-history`` Observations tagged ``interview-disclosure`` and with a note saying what it
takes to hear it, so an instructor can hide them from the student's view. The answer key (needs,
risks, the reference plan) is not exported.

Entries are POSTed with ``urn:uuid`` full URLs derived from the case id (the same case gives the
same bundle); every reference points at an entry of the bundle.
"""
from __future__ import annotations

import base64
import uuid
from typing import TYPE_CHECKING

from sim.export.fhir_codes import codes
from sim.export.fhir_json import (
    ACTIVE,
    CONFIRMED,
    COVERAGE_TYPE,
    ENCOUNTER_DIAGNOSIS,
    GENDER,
    ICD10CM,
    INTERVIEW_TAG,
    LOINC,
    META,
    OBS_CATEGORY,
    PATIENT_ID_SYSTEM,
    PAYERS,
    PROBLEM,
    SIM,
    answer_value,
    coding,
    concept,
    encounter_class,
    ethnicity_extension,
    item_code,
    observation_categories,
    organizations,
    panel_code,
    race_extension,
    total_code,
)

if TYPE_CHECKING:  # pragma: no cover
    from sim.model.case import Case

Resource = dict[str, object]
NAMESPACE = uuid.UUID("6f1c1b1e-5a0e-4d8e-9a64-2f7f8a6b1c01")
"""Namespace of the bundle's uuid5 full URLs (fixed, so a case always gives the same URLs)."""
INTERVIEW_TAG_META: dict[str, object] = {
    "security": META["security"],
    "tag": [{"system": INTERVIEW_TAG["system"], "code": "synthetic"}, INTERVIEW_TAG],
}
"""The label of a hidden fact: synthetic, and revealed in the interview (not in the chart)."""


class _Bundle:
    """Entries in order, each with a stable ``urn:uuid`` from the case id and a key."""

    def __init__(self, case_id: str) -> None:
        self.case_id = case_id
        self.entries: list[dict[str, object]] = []

    def url(self, key: str) -> str:
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'{self.case_id}/{key}')}"

    def ref(self, key: str, display: str | None = None) -> dict[str, str]:
        out = {"reference": self.url(key)}
        if display:
            out["display"] = display
        return out

    def add(self, key: str, resource: Resource) -> None:
        kind = str(resource["resourceType"])
        self.entries.append({"fullUrl": self.url(key), "resource": {"resourceType": kind, "meta": META, **resource},
                             "request": {"method": "POST", "url": kind}})


def _patient(b: _Bundle, case: Case) -> None:
    p = case.patient
    i = p.identity
    b.add("patient", {
        "resourceType": "Patient",
        "extension": [race_extension(i.race), ethnicity_extension(i.ethnicity)],
        "identifier": [{"system": PATIENT_ID_SYSTEM, "value": p.id}],
        "active": True,
        "name": [{"use": "official", "family": i.family_name, "given": i.given_name.split(" ")}],
        "telecom": [{"system": "phone", "value": p.contact.phone, "use": "home"},
                    {"system": "email", "value": p.contact.email}],
        "gender": GENDER[i.sex],
        "birthDate": i.date_of_birth.isoformat(),
        "address": [{"use": "home", "line": [p.address.street], "city": p.address.city,
                     "district": p.address.county, "state": p.address.state, "postalCode": p.address.zip_code,
                     "country": "US"}],
        "communication": [{"language": {"text": i.language}, "preferred": True}],
    })


def _encounter(b: _Bundle, case: Case, effective: str) -> None:
    from datetime import date, timedelta

    from sim.generate.params import params

    m = case.patient.medical
    start = date.fromisoformat(effective) - timedelta(days=m.length_of_stay_days)
    inpatient = params().settings.settings[m.setting].inpatient
    dx = m.primary_diagnosis
    b.add("encounter", {
        "resourceType": "Encounter", "status": "in-progress",
        "class": encounter_class(m.setting, inpatient, m.admission_type),
        "type": [concept(text=f"{m.setting.replace('_', ' ')} stay, {m.admission_type} admission")],
        "subject": b.ref("patient"), "period": {"start": start.isoformat()},
        "reasonCode": [concept(coding(ICD10CM, value=dx.code, display=dx.label), text=dx.label)],
    })


def _conditions(b: _Bundle, case: Case, effective: str) -> None:
    m = case.patient.medical
    for k, (dx, category) in enumerate([(m.primary_diagnosis, ENCOUNTER_DIAGNOSIS),
                                        *((c, PROBLEM) for c in m.comorbidities)]):
        b.add(f"condition/{k}", {
            "resourceType": "Condition", "clinicalStatus": ACTIVE, "verificationStatus": CONFIRMED,
            "category": [category], "code": concept(coding(ICD10CM, value=dx.code, display=dx.label), text=dx.label),
            "subject": b.ref("patient"), "encounter": b.ref("encounter"), "recordedDate": effective,
        })


def _chart(b: _Bundle, case: Case, effective: str) -> None:
    priority = {"routine": "routine", "same_day": "urgent", "urgent": "urgent"}[case.referral.urgency]
    b.add("referral", {
        "resourceType": "ServiceRequest", "status": "active", "intent": "order", "priority": priority,
        "code": concept(text="Social work consultation"), "subject": b.ref("patient"),
        "encounter": b.ref("encounter"), "authoredOn": effective,
        "requester": {"display": case.referral.source}, "reasonCode": [concept(text=case.referral.reason)],
    })
    notes = [("physician-note", "Physician note", case.chart.physician_note),
             ("nursing-note", "Nursing note", case.chart.nursing_note)]
    for key, title, text in notes:
        if not text:
            continue
        data = base64.b64encode(text.encode()).decode()
        b.add(key, {
            "resourceType": "DocumentReference", "status": "current", "type": concept(text=title),
            "category": [concept(coding("http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
                                        value="clinical-note", display="Clinical Note"))],
            "subject": b.ref("patient"), "date": f"{effective}T00:00:00Z",
            "content": [{"attachment": {"contentType": "text/plain; charset=utf-8", "data": data, "title": title}}],
            "context": {"encounter": [b.ref("encounter")]},
        })
    for k, med in enumerate(case.chart.medications):
        b.add(f"medication/{k}", {
            "resourceType": "MedicationStatement", "status": "active", "medicationCodeableConcept": concept(text=med),
            "subject": b.ref("patient"), "context": b.ref("encounter"), "effectiveDateTime": effective,
        })
    _vitals(b, case, effective)


def _vitals(b: _Bundle, case: Case, effective: str) -> None:
    v = case.chart.vitals
    if v is None:
        return
    vc = codes().vitals
    category = [concept(coding(OBS_CATEGORY, value="vital-signs", display="Vital Signs"))]
    common = {"resourceType": "Observation", "status": "final", "category": category,
              "subject": b.ref("patient"), "encounter": b.ref("encounter"), "effectiveDateTime": effective}

    def qty(value: float, unit: str, ucum: str) -> dict[str, object]:
        return {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": ucum}

    if v.bp and "/" in v.bp:
        sys_, dia = (int(x) for x in v.bp.split("/", 1))
        b.add("vitals/bp", {**common, "code": concept(coding(LOINC, vc["bp"]), text="Blood pressure"),
                            "component": [
                                {"code": concept(coding(LOINC, vc["systolic"])),
                                 "valueQuantity": qty(sys_, "mmHg", "mm[Hg]")},
                                {"code": concept(coding(LOINC, vc["diastolic"])),
                                 "valueQuantity": qty(dia, "mmHg", "mm[Hg]")}]})
    if v.hr is not None:
        b.add("vitals/hr", {**common, "code": concept(coding(LOINC, vc["hr"]), text="Heart rate"),
                            "valueQuantity": qty(v.hr, "beats/minute", "/min")})
    if v.temp_c is not None:
        b.add("vitals/temp", {**common, "code": concept(coding(LOINC, vc["temp_c"]), text="Body temperature"),
                              "valueQuantity": qty(v.temp_c, "C", "Cel")})
    spo2 = v.spo2
    if spo2 is not None:
        b.add("vitals/spo2", {**common, "code": concept(coding(LOINC, vc["spo2"]), coding(LOINC, vc["spo2_arterial"]),
                                                        text="Oxygen saturation"),
                              "valueQuantity": qty(spo2, "%", "%")})


def _coverage(b: _Bundle, case: Case, effective: str) -> None:
    plan = case.patient.economics.insurance
    if plan not in PAYERS:
        return
    orgs = {str(o["id"]): o for o in organizations()}
    for pid, _ in PAYERS[plan]:
        org = {k: v for k, v in orgs[pid].items() if k not in ("id", "meta")}
        b.add(f"payer/{pid}", org)
    b.add("coverage", {
        "resourceType": "Coverage", "status": "active", "type": concept(text=COVERAGE_TYPE[plan]),
        "subscriberId": case.patient.id, "beneficiary": b.ref("patient"),
        "relationship": concept(coding("http://terminology.hl7.org/CodeSystem/subscriber-relationship",
                                       value="self", display="Self")),
        "period": {"start": effective},
        "payor": [b.ref(f"payer/{pid}", name) for pid, name in PAYERS[plan]],
    })


def _family(b: _Bundle, case: Case) -> None:
    for member in case.patient.family:
        if not member.living:
            continue
        parts = member.name.split(" ")
        relationship = [concept(text=member.relation)]
        if member.role in ("caregiver", "support"):
            relationship.append(concept(text=member.role))
        b.add(f"family/{member.id}", {
            "resourceType": "RelatedPerson", "active": True, "patient": b.ref("patient"),
            "relationship": relationship,
            "name": [{"family": parts[-1], "given": parts[:-1]} if len(parts) > 1 else {"text": member.name}],
            "gender": GENDER[member.sex],
        })


def _answers(b: _Bundle, case: Case, effective: str) -> None:
    from sim.instruments import get

    for inst_id, answers in case.patient.responses.items():
        if inst_id not in codes().instruments:
            continue
        inst = get(inst_id)
        cats = observation_categories(inst_id)
        common = {"resourceType": "Observation", "status": "final", "category": cats,
                  "subject": b.ref("patient"), "encounter": b.ref("encounter"), "effectiveDateTime": effective}
        members: list[dict[str, str]] = []
        points_total = 0
        for k, item in enumerate(inst.items):
            if isinstance(answers, dict):
                option_id = answers.get(item.id)
                option = next((o for o in item.options if o.id == option_id), None)
            else:
                pts = answers[k] if k < len(answers) else None
                matches = [o for o in item.options if o.points == pts]
                option = matches[0] if len(matches) == 1 else None
                points_total += int(pts) if pts is not None else 0
                if option is None and pts is not None:
                    key = f"answer/{inst_id}/{item.id}"
                    b.add(key, {**common, "code": item_code(inst_id, item.id, f"{inst.short_name} {item.short}"),
                                "valueInteger": int(pts)})
                    members.append(b.ref(key))
                    continue
            if option is None:
                continue
            key = f"answer/{inst_id}/{item.id}"
            b.add(key, {**common, "code": item_code(inst_id, item.id, f"{inst.short_name} {item.short}"),
                        "valueCodeableConcept": answer_value(inst_id, item.id, option.id, option.label)})
            members.append(b.ref(key))
        if isinstance(answers, list) and inst.kind == "summed":
            key = f"answer/{inst_id}/total"
            b.add(key, {**common, "code": total_code(inst_id, f"{inst.short_name} total score"),
                        "valueInteger": points_total})
            members.append(b.ref(key))
        panel = panel_code(inst_id, inst.name)
        if panel is not None and members:
            b.add(f"answer/{inst_id}", {**common, "code": panel, "hasMember": members})


def _disclosures(b: _Bundle, case: Case, effective: str) -> None:
    for fact in case.hidden_facts:
        about = fact.domain.replace("_", " ")
        b.add(f"disclosure/{fact.id}", {
            "resourceType": "Observation", "meta": INTERVIEW_TAG_META, "status": "final",
            "category": [concept(coding(OBS_CATEGORY, value="social-history", display="Social History"))],
            "code": concept(coding(f"{SIM}/CodeSystem/interview-disclosure", value=fact.id),
                            text=f"Social history revealed in the interview: {about}"),
            "subject": b.ref("patient"), "encounter": b.ref("encounter"), "effectiveDateTime": effective,
            "valueString": " ".join(fact.statement.split()),
            "note": [{"text": f"Revealed in the interview only: the patient says this when asked about {about} "
                              f"once rapport reaches {fact.min_rapport} (of 100). Hide it from the student's "
                              "chart view."}],
        })


def case_bundle(case: Case) -> dict[str, object]:
    """The case as a FHIR R4 transaction Bundle (a dict ready for ``json.dumps``)."""
    from sim.generate.params import params

    effective = str(params().population.reference_date)
    b = _Bundle(case.id)
    _patient(b, case)
    _encounter(b, case, effective)
    _chart(b, case, effective)
    _conditions(b, case, effective)
    _coverage(b, case, effective)
    _family(b, case)
    _answers(b, case, effective)
    _disclosures(b, case, effective)
    return {"resourceType": "Bundle", "id": case.id.replace("_", "-"), "meta": META, "type": "transaction",
            "entry": b.entries}
