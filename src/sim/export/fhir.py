"""A cohort as FHIR R4 Bulk Data: one NDJSON file per resource type, streamed chunk by chunk.

Files (one resource per line, as the FHIR Bulk Data Access IG's export writes them):
``Patient``, ``Encounter`` (the stay that led to the social work referral), ``Condition``
(primary diagnosis as encounter diagnosis, comorbidities as problems, social needs as ICD-10-CM
Z-coded health concerns with the US Core ``sdoh`` category), ``Observation`` (every screening
instrument's panel, items and total, LOINC-coded where LOINC has codes, see
``sim/data/fhir/codes.yaml``), ``Coverage`` (the insurance), ``RelatedPerson`` (the main
caregiver) and ``Organization`` (the payers the Coverages name). Every reference resolves
inside the export.

Ids derive from each patient's seed (``P-<seed hex>``, ``E-<hex>``, ``O-<hex>-phq9-q1``, ...), so
they are stable for a cohort seed; chunks are built in worker processes and appended in order,
so the bytes do not depend on the number of workers. Each resource is labelled synthetic
(``meta.security`` HTEST, ``meta.tag`` synthetic).

Observations are the bulk (about 60 per patient); each is a template built once per item and
answer, with the patient id spliced in, so 100,000 patients take seconds, not minutes. To keep
them small, their codings carry code and system without display (the human-readable words are in
``code.text`` and ``valueCodeableConcept.text``; the LOINC displays are in codes.yaml), and the
encounter is named on the panel and the total, which link the items.
"""
from __future__ import annotations

from collections.abc import Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from sim.export.atomic import atomic_folder
from sim.export.fhir_json import (
    ACTIVE,
    CONFIRMED,
    COVERAGE_TYPE,
    ENCOUNTER_DIAGNOSIS,
    GENDER,
    HEALTH_CONCERN,
    ICD10CM,
    META,
    PATIENT_ID_SYSTEM,
    PAYERS,
    PROBLEM,
    SDOH,
    answer_value,
    coding,
    concept,
    dumps,
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
    from sim.generate.coded import Column

RESOURCE_TYPES = ("Patient", "Encounter", "Condition", "Observation", "Coverage", "RelatedPerson")
"""Files written chunk by chunk; ``Organization.ndjson`` (the payers) is written once."""
FHIR_CHUNK = 1_000
"""Patients per chunk: FHIR text is about 50 kB a patient, so chunks are smaller than for tables."""
H = "\x00"
"""Placeholder for a patient's seed hex in a template (never in the data: JSON escapes it)."""
SEVERITY = {1: ("255604002", "Mild"), 2: ("6736007", "Moderate"), 3: ("24484000", "Severe")}
"""SNOMED CT severity of a need's severity 1-3 (FHIR R4 condition-severity value set)."""
COHORT_INSTRUMENTS = ("phq9", "gad7", "auditc", "hits", "ahc_hrsn", "zbi12", "katz_adl", "lawton_iadl")


def _ref(kind: str, prefix: str, suffix: str = "") -> str:
    return f'{{"reference":"{kind}/{prefix}-{H}{suffix}"}}'


def _meta() -> str:
    return dumps(META)


@cache
def _effective() -> str:
    from sim.generate.params import params

    return str(params().population.reference_date)


def _head(kind: str, prefix: str, suffix: str = "") -> str:
    return f'{{"resourceType":"{kind}","id":"{prefix}-{H}{suffix}","meta":{_meta()}'


@dataclass(frozen=True)
class _Instrument:
    """Templates of one instrument's Observations: per item, one line per answer value."""

    id: str
    items: tuple[str, ...]
    item_lines: tuple[tuple[bytes, ...], ...]  # [item][value index] -> line with H for the hex
    lookup: tuple[np.ndarray | None, ...]  # points -> value index (None: the column holds the index)
    offset: tuple[int, ...]  # points of value index 0 (lookup[points - offset])
    total_lines: tuple[bytes, ...]  # [total - total_min]
    total_min: int
    panel_line: bytes | None


def _obs_common(inst: str) -> str:
    return f',"status":"final","category":{dumps(observation_categories(inst, False))}'


def _obs_tail(encounter: bool = False) -> str:
    enc = f',"encounter":{_ref("Encounter", "E")}' if encounter else ""
    return f',"subject":{_ref("Patient", "P")}{enc},"effectiveDateTime":"{_effective()}"'


@cache
def _instrument(inst_id: str) -> _Instrument:
    from sim.instruments import get

    inst = get(inst_id)
    common, tail = _obs_common(inst_id), _obs_tail()
    items: list[str] = []
    item_lines: list[tuple[bytes, ...]] = []
    lookups: list[np.ndarray | None] = []
    offsets: list[int] = []
    for item in inst.items:
        oid = f"-{inst_id}-{item.id}".replace("_", "-")
        head = _head("Observation", "O", oid) + common
        code = dumps(item_code(inst_id, item.id, f"{inst.short_name} {item.short}", False))
        points = [o.points for o in item.options]
        unique = len(set(points)) == len(points)
        if inst_id == "ahc_hrsn" or unique:
            values = [dumps(answer_value(inst_id, item.id, o.id, o.label, False)) for o in item.options]
            lines = tuple(f'{head},"code":{code}{tail},"valueCodeableConcept":{v}}}'.encode() for v in values)
            if inst_id == "ahc_hrsn":
                lookups.append(None)
                offsets.append(0)
            else:
                lo = min(points)
                table = np.full(max(points) - lo + 1, -1, dtype=np.int64)
                for k, pt in enumerate(points):
                    table[pt - lo] = k
                lookups.append(table)
                offsets.append(lo)
        else:  # several options share points (Lawton IADL): the points are the value
            lo, hi = min(points), max(points)
            lines = tuple(f'{head},"code":{code}{tail},"valueInteger":{v}}}'.encode() for v in range(lo, hi + 1))
            lookups.append(np.arange(hi - lo + 1, dtype=np.int64))
            offsets.append(lo)
        items.append(item.id)
        item_lines.append(lines)
    total_lines: tuple[bytes, ...] = ()
    total_min = 0
    if inst_id != "ahc_hrsn":
        lo = sum(min(o.points for o in it.options) for it in inst.items)
        hi = sum(max(o.points for o in it.options) for it in inst.items)
        head = _head("Observation", "O", f"-{inst_id}-total".replace("_", "-")) + common
        code = dumps(total_code(inst_id, f"{inst.short_name} total score", False))
        total_tail = _obs_tail(True)
        total_lines = tuple(f'{head},"code":{code}{total_tail},"valueInteger":{v}}}'.encode()
                            for v in range(lo, hi + 1))
        total_min = lo
    panel = panel_code(inst_id, inst.name, False)
    panel_line = None
    if panel is not None:
        members = [f"-{inst_id}-{i}".replace("_", "-") for i in items]
        if total_lines:
            members.append(f"-{inst_id}-total".replace("_", "-"))
        has = ",".join(_ref("Observation", "O", m) for m in members)
        panel_line = (_head("Observation", "O", f"-{inst_id}".replace("_", "-")) + common
                      + f',"code":{dumps(panel)}{_obs_tail(True)},"hasMember":[{has}]}}').encode()
    return _Instrument(inst_id, tuple(items), tuple(item_lines), tuple(lookups), tuple(offsets), total_lines,
                       total_min, panel_line)


def _text(col: Column) -> list[str | None]:
    """A text column as Python strings (None where missing)."""
    from sim.generate.coded import Coded

    if isinstance(col, Coded):
        cats = [str(c) for c in col.categories]
        return [cats[c] if c >= 0 else None for c in col.codes.tolist()]
    return [None if v is None else str(v) for v in np.asarray(col).tolist()]


def _codes(col: Column) -> tuple[np.ndarray, list[str]]:
    from sim.generate.coded import Coded

    if isinstance(col, Coded):
        return col.codes, [str(c) for c in col.categories]
    values = np.asarray(col).astype(str)
    cats, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(-1), [str(c) for c in cats]


def _observations(cols: Mapping[str, Column], hexes: list[str]) -> bytes:
    from sim.generate.responses import MISSING

    out: list[bytes] = []
    hb = H.encode()
    for inst_id in COHORT_INSTRUMENTS:
        spec = _instrument(inst_id)
        if f"{inst_id}_{spec.items[0]}" not in cols:
            continue
        first = cols[f"{inst_id}_{spec.items[0]}"]
        total = cols.get(f"{inst_id}_total")
        asked = _codes(first)[0] >= 0 if total is None else np.asarray(total) != MISSING
        rows = np.nonzero(asked)[0]
        if not len(rows):
            continue
        hx = [hexes[r].encode() for r in rows.tolist()]
        if spec.panel_line is not None:
            out.extend(spec.panel_line.replace(hb, h) for h in hx)
        for k, item in enumerate(spec.items):
            col = cols[f"{inst_id}_{item}"]
            lines = spec.item_lines[k]
            table = spec.lookup[k]
            if table is None:
                codes, cats = _codes(col)
                inst_cats = list(_item_options(inst_id, item))
                remap = np.array([inst_cats.index(c) for c in cats], dtype=np.int64)
                idx = remap[codes[rows]]
            else:
                idx = table[np.asarray(col)[rows] - spec.offset[k]]
            out.extend(lines[i].replace(hb, h) for i, h in zip(idx.tolist(), hx, strict=True))
        if spec.total_lines:
            totals = np.asarray(cols[f"{inst_id}_total"])[rows] - spec.total_min
            out.extend(spec.total_lines[t].replace(hb, h) for t, h in zip(totals.tolist(), hx, strict=True))
    return b"\n".join(out) + b"\n" if out else b""


@cache
def _item_options(inst_id: str, item: str) -> tuple[str, ...]:
    from sim.instruments import get

    return tuple(o.id for o in get(inst_id).item_named(item).options)


@dataclass(frozen=True)
class _ConditionTemplates:
    dx: dict[str, str]
    comorbid: dict[str, str]
    sdoh: dict[str, tuple[str, ...]]


@cache
def _condition_templates() -> _ConditionTemplates:
    from sim.export.fhir_codes import codes
    from sim.generate.params import params

    p = params()
    tail = f',"subject":{_ref("Patient", "P")},"encounter":{_ref("Encounter", "E")}'
    recorded = f',"recordedDate":"{_effective()}"'
    dx: dict[str, str] = {}
    for d in p.diagnoses.diagnoses.values():
        code = concept(coding(ICD10CM, value=d.code, display=d.label), text=d.label)
        dx[d.code] = (_head("Condition", "C", "-dx") + f',"clinicalStatus":{dumps(ACTIVE)},'
                      f'"verificationStatus":{dumps(CONFIRMED)},"category":[{dumps(ENCOUNTER_DIAGNOSIS)}],'
                      f'"code":{dumps(code)}{tail}{recorded}}}')
    comorbid: dict[str, str] = {}
    for c in p.diagnoses.comorbidities.values():
        code = concept(coding(ICD10CM, value=c.code, display=c.label), text=c.label)
        comorbid[c.code] = (_head("Condition", "C", f"-{c.code}") + f',"clinicalStatus":{dumps(ACTIVE)},'
                            f'"verificationStatus":{dumps(CONFIRMED)},"category":[{dumps(PROBLEM)}],'
                            f'"code":{dumps(code)}{tail}{recorded}}}')
    sdoh: dict[str, tuple[str, ...]] = {}
    for domain, z in codes().z_codes.items():
        code = concept(coding(ICD10CM, z), text=z.display)
        sdoh[domain] = tuple(
            _head("Condition", "C", f"-sdoh-{domain}".replace("_", "-")) + f',"clinicalStatus":{dumps(ACTIVE)},'
            f'"verificationStatus":{dumps(CONFIRMED)},"category":[{dumps(HEALTH_CONCERN)},{dumps(SDOH)}],'
            f'"severity":{dumps(concept(coding("http://snomed.info/sct", value=sev[0], display=sev[1])))},'
            f'"code":{dumps(code)}{tail}{recorded}}}'
            for sev in (SEVERITY[1], SEVERITY[2], SEVERITY[3]))
    return _ConditionTemplates(dx, comorbid, sdoh)


def _conditions(cols: Mapping[str, Column], hexes: list[str]) -> list[str]:
    t = _condition_templates()
    dx, comorbid, sdoh = t.dx, t.comorbid, t.sdoh
    dx_codes, cm_codes = _text(cols["diagnosis_code"]), _text(cols["comorbidity_codes"])
    needs = {d: np.asarray(cols[f"need_{d}"]).tolist() for d in sdoh if f"need_{d}" in cols}
    out: list[str] = []
    for i, h in enumerate(hexes):
        out.append(dx[str(dx_codes[i])].replace(H, h))
        for c in (cm_codes[i] or "").split(";"):
            if c:
                out.append(comorbid[c].replace(H, h))
        for d, sev in needs.items():
            if sev[i] > 0:
                out.append(sdoh[d][min(sev[i], 3) - 1].replace(H, h))
    return out


def _patients(cols: Mapping[str, Column], hexes: list[str]) -> list[str]:
    race_ext = {r: dumps(race_extension(r)) for r in set(_text(cols["race"])) if r}
    eth_ext = {e: dumps(ethnicity_extension(e)) for e in set(_text(cols["ethnicity"])) if e}
    given, family = _text(cols["given_name"]), _text(cols["family_name"])
    sex, dob = _text(cols["sex"]), _text(cols["date_of_birth"])
    phone, email, street = _text(cols["phone"]), _text(cols["email"]), _text(cols["street"])
    city, county = _text(cols["city"]), _text(cols["county"])
    state, zips = _text(cols["state"]), _text(cols["zip_code"])
    lang, race, eth = _text(cols["language"]), _text(cols["race"]), _text(cols["ethnicity"])
    head = _head("Patient", "P")
    out: list[str] = []
    for i, h in enumerate(hexes):
        name = {"use": "official", "family": family[i], "given": (given[i] or "").split(" ")}
        telecom = [{"system": "phone", "value": phone[i], "use": "home"}, {"system": "email", "value": email[i]}]
        address = [{"use": "home", "line": [street[i]], "city": city[i], "district": county[i], "state": state[i],
                    "postalCode": zips[i], "country": "US"}]
        out.append(
            f'{head.replace(H, h)},"extension":[{race_ext[str(race[i])]},{eth_ext[str(eth[i])]}],'
            f'"identifier":[{{"system":"{PATIENT_ID_SYSTEM}","value":"P-{h}"}}],"active":true,'
            f'"name":[{dumps(name)}],"telecom":{dumps(telecom)},"gender":"{GENDER[str(sex[i])]}",'
            f'"birthDate":"{dob[i]}","address":{dumps(address)},'
            f'"communication":[{{"language":{{"text":{dumps(lang[i])}}}}}]}}')
    return out


def _encounters(cols: Mapping[str, Column], hexes: list[str]) -> list[str]:
    from sim.generate.params import params

    settings = params().settings.settings
    setting, admission = _text(cols["setting"]), _text(cols["admission_type"])
    dx_codes, dx_labels = _text(cols["diagnosis_code"]), _text(cols["diagnosis_label"])
    end = np.datetime64(_effective())
    starts = (end - np.asarray(cols["length_of_stay_days"]).astype("timedelta64[D]")).astype(str).tolist()
    head = _head("Encounter", "E")
    classes: dict[tuple[str, str], str] = {}
    out: list[str] = []
    for i, h in enumerate(hexes):
        key = (str(setting[i]), str(admission[i]))
        if key not in classes:
            classes[key] = dumps(encounter_class(key[0], settings[key[0]].inpatient, key[1]))
        reason = concept(coding(ICD10CM, value=str(dx_codes[i]), display=dx_labels[i]), text=dx_labels[i])
        out.append(
            f'{head.replace(H, h)},"status":"finished","class":{classes[key]},'
            f'"type":[{{"text":{dumps(key[0].replace("_", " ") + " stay, " + key[1] + " admission")}}}],'
            f'"subject":{{"reference":"Patient/P-{h}"}},'
            f'"period":{{"start":"{starts[i]}","end":"{_effective()}"}},"reasonCode":[{dumps(reason)}]}}')
    return out


@cache
def _coverage_templates() -> dict[str, str]:
    out: dict[str, str] = {}
    for plan, payers in PAYERS.items():
        payor = ",".join(f'{{"reference":"Organization/{pid}","display":{dumps(name)}}}' for pid, name in payers)
        rel = concept(coding("http://terminology.hl7.org/CodeSystem/subscriber-relationship", value="self",
                             display="Self"))
        out[plan] = (_head("Coverage", "V") + f',"status":"active","type":{dumps(concept(text=COVERAGE_TYPE[plan]))},'
                     f'"subscriberId":"{H}","beneficiary":{_ref("Patient", "P")},"relationship":{dumps(rel)},'
                     f'"period":{{"start":"{_effective()}"}},"payor":[{payor}]}}')
    return out


def _coverages(cols: Mapping[str, Column], hexes: list[str]) -> list[str]:
    t = _coverage_templates()
    plans = _text(cols["insurance"])
    return [t[str(plan)].replace(H, h) for plan, h in zip(plans, hexes, strict=True) if plan in t]


def _related(cols: Mapping[str, Column], hexes: list[str]) -> list[str]:
    rel = _text(cols["caregiver_relation"])
    present = np.asarray(cols["caregiver_present"]).tolist()
    head = _head("RelatedPerson", "R")
    out: list[str] = []
    for i, h in enumerate(hexes):
        if present[i] and rel[i]:
            relationship = [concept(text=str(rel[i])), concept(text="caregiver")]
            out.append(f'{head.replace(H, h)},"active":true,"patient":{{"reference":"Patient/P-{h}"}},'
                       f'"relationship":{dumps(relationship)}}}')
    return out


def _join(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode() if lines else b""


def encode_fhir(cols: Mapping[str, Column], start: int, stop: int) -> tuple[bytes, ...]:
    """A chunk as NDJSON bytes, one per :data:`RESOURCE_TYPES` entry (run in worker processes)."""
    hexes = [str(i)[2:] for i in np.asarray(cols["id"]).tolist()]
    return (_join(_patients(cols, hexes)), _join(_encounters(cols, hexes)), _join(_conditions(cols, hexes)),
            _observations(cols, hexes), _join(_coverages(cols, hexes)), _join(_related(cols, hexes)))


def write_fhir(path: Path, n: int, seed: int, *, setting: str | None = None, workers: int = 1,
               progress: bool = False, force: bool = False) -> Path:
    """Stream ``n`` patients to the folder ``path`` as FHIR R4 NDJSON (see the module docstring).

    Raises:
        ExportError: ``path`` is a file, a non-empty folder without ``force``, or writing failed (then
            nothing is left under ``path``; with ``force`` its old contents stay until the new folder is
            complete).
    """
    from sim.generate.stream import stream_chunks

    with atomic_folder(path, force=force) as tmp:
        with open(tmp / "Organization.ndjson", "wb") as fh:
            fh.write(_join([dumps(o) for o in organizations()]))
        with ExitStack() as stack:
            handles = [stack.enter_context(open(tmp / f"{kind}.ndjson", "wb")) for kind in RESOURCE_TYPES]
            for chunk in stream_chunks(n, seed, encode_fhir, setting=setting, workers=workers, progress=progress,
                                       size=FHIR_CHUNK):
                for fh, data in zip(handles, chunk, strict=True):
                    fh.write(data)
    return path
