"""Screening-instrument responses synthesized from the latent state by :mod:`sim.instruments`.

Who answers what (teaching assumption, following each instrument's validated ages):
PHQ-9, GAD-7, AUDIT-C and HITS from age 12; Katz ADL and Lawton IADL for adults (18+); the AHC
HRSN screen for everyone (a parent answers for a child); the ZBI-12 only when the patient has a
caregiver (the caregiver answers). Katz and Lawton answers also name the chart's ADL and IADL
dependencies, so the form and the chart agree.
"""
from __future__ import annotations

from functools import cache

import numpy as np

import sim.instruments as instruments
from sim.generate.batch import SEXES, Batch
from sim.generate.coded import Column, coded
from sim.model import Patient

ITEM_SCORED = ("phq9", "gad7", "auditc", "hits", "zbi12", "katz_adl", "lawton_iadl")
INSTRUMENTS = ("phq9", "gad7", "auditc", "hits", "ahc_hrsn", "zbi12", "katz_adl", "lawton_iadl")
MIN_AGE = {"phq9": 12, "gad7": 12, "auditc": 12, "hits": 12, "ahc_hrsn": 0, "zbi12": 0, "katz_adl": 18,
           "lawton_iadl": 18}
MISSING = -1


@cache
def item_ids(instrument_id: str) -> tuple[str, ...]:
    """Item ids of an instrument, in its data file's order."""
    return tuple(i.id for i in instruments.get(instrument_id).items)


@cache
def _ahc_options() -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(o.id for o in item.options) for item in instruments.get("ahc_hrsn").items)


def draw_responses(b: Batch) -> None:
    """Fill ``resp_<id>`` arrays (and ``has_<id>`` masks) for every instrument."""
    from sim.generate.psychosocial import domains

    sev = b["need_sev"]
    latent: dict[str, np.ndarray] = {
        "depression": b["lat_depression"], "anxiety": b["lat_anxiety"], "alcohol": b["lat_alcohol"],
        "suicide": b["lat_suicide"], "ipv": b["lat_ipv"], "caregiver_burden": b["lat_caregiver_burden"],
        "adl_dependencies": b["adl"], "iadl_dependencies": b["iadl"],
        "sex": np.array(SEXES)[b["sex"]],
    }
    for j, d in enumerate(domains()):
        latent[f"need_{d}"] = sev[:, j]
    for inst in INSTRUMENTS:
        u = b.rs.u(f"instrument:{inst}", instruments.synth_width(inst))
        b[f"resp_{inst}"] = np.asarray(instruments.synthesize(inst, latent, u), dtype=np.int64)
        has = b["age"] >= MIN_AGE[inst]
        if inst == "zbi12":
            has = has & (b["caregiver_slot"] >= 0)
        b[f"has_{inst}"] = has
    b["adl_mask"] = b["resp_katz_adl"] == 0
    b["iadl_mask"] = b["resp_lawton_iadl"] == 0


def response_columns(b: Batch) -> dict[str, Column]:
    """Cohort columns ``<id>_<item>`` (points; AHC HRSN option ids) and ``<id>_total``.

    Instruments a patient does not answer hold -1 here (missing values, <NA>, in :func:`sim.cohort`).
    """
    cols: dict[str, Column] = {}
    if "resp_phq9" not in b:
        return cols
    for inst in INSTRUMENTS:
        resp, has = b[f"resp_{inst}"], b[f"has_{inst}"]
        if inst == "ahc_hrsn":
            for k, options in enumerate(_ahc_options()):
                cols[f"ahc_hrsn_q{k + 1}"] = coded(np.where(has, resp[:, k], -1), options)
            continue
        masked = np.where(has[:, None], resp, MISSING).T.copy()  # one contiguous row per item
        for k, item in enumerate(item_ids(inst)):
            cols[f"{inst}_{item}"] = masked[k]
        cols[f"{inst}_total"] = np.where(has, resp.sum(axis=1), MISSING)
    return cols


def response_columns_doc() -> dict[str, str]:
    """Descriptions of the response columns."""
    out: dict[str, str] = {}
    for inst in INSTRUMENTS:
        if inst == "ahc_hrsn":
            for k in range(len(_ahc_options())):
                out[f"ahc_hrsn_q{k + 1}"] = f"AHC HRSN question {k + 1}: option id (all ages)"
            continue
        who = "caregiver present" if inst == "zbi12" else f"age {MIN_AGE[inst]}+"
        for item in item_ids(inst):
            out[f"{inst}_{item}"] = f"{inst} item {item}: points (missing unless {who})"
        out[f"{inst}_total"] = f"{inst} total points (missing unless {who})"
    return out


def patient_responses(b: Batch, i: int) -> dict[str, list[int] | dict[str, str]]:
    """``Patient.responses`` for row ``i``: item points, or ``{question: option id}`` for AHC HRSN."""
    out: dict[str, list[int] | dict[str, str]] = {}
    if "resp_phq9" not in b:
        return out
    for inst in INSTRUMENTS:
        if not b[f"has_{inst}"][i]:
            continue
        row = b[f"resp_{inst}"][i]
        if inst == "ahc_hrsn":
            out[inst] = {f"q{k + 1}": _ahc_options()[k][int(v)] for k, v in enumerate(row)}
        else:
            out[inst] = [int(v) for v in row]
    return out


def flatten_responses(patient: Patient) -> dict[str, object]:
    """The response columns of one patient as :func:`sim.cohort` shows them (None when not asked)."""
    out: dict[str, object] = {}
    for inst in INSTRUMENTS:
        resp = patient.responses.get(inst)
        if inst == "ahc_hrsn":
            for k in range(len(_ahc_options())):
                out[f"ahc_hrsn_q{k + 1}"] = resp[f"q{k + 1}"] if isinstance(resp, dict) else None
            continue
        items = item_ids(inst)
        for k, item in enumerate(items):
            out[f"{inst}_{item}"] = resp[k] if isinstance(resp, list) else None
        out[f"{inst}_total"] = sum(resp) if isinstance(resp, list) else None
    return out
