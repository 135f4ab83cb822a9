"""What a student sees of their own variant: the public case material of each assignment.

Everything here is a pure function of the variant seed (numpy only), JSON-serializable and
labelled ``synthetic: True``. There is no answer key in this module: the key is computed by
:mod:`sim.grading.scoring` in the ``sim grade`` process, with the judgment tables of the
course folder (``assignments/keys.yaml``), which students never receive.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypedDict

import numpy as np

from sim.tables import read_yaml

HRSN_LIVING = ["I have a steady place to live",
               "I have a place to live today, but I am worried about losing it in the future",
               "I do not have a steady place to live"]
HRSN_FOOD = ["Often true", "Sometimes true", "Never true"]
HRSN_UTIL = ["Yes", "No", "Already shut off"]
HOUSING_PROBLEMS = ["Pests such as bugs, ants, or mice", "Mold", "Lead paint or pipes",
                    "Lack of heat", "Oven or stove not working", "Smoke detectors missing or not working",
                    "Water leaks"]
DISCLOSURES = {
    "none": "I'm managing. It's a lot, but I have people I can call.",
    "suicidal_ideation": "Some nights I think everyone would be better off if I just didn't wake up. "
                         "Last week I looked up how many of my pills it would take.",
    "ipv": "He checks my phone and last month he pushed me into the door. Please don't tell him I said that.",
    "child_maltreatment": "My boyfriend hits my son with a belt when he cries. There were marks on his legs "
                          "when I picked him up from daycare.",
    "elder_abuse": "My nephew handles my money now. He took my bank card and I haven't had groceries "
                   "in a week; he says I'm too confused to manage it.",
}
A2_NEEDS = ["emotional_distress", "caregiver_strain", "substance_use", "housing_instability",
            "food_insecurity", "transportation", "financial_strain", "insurance_gap",
            "disability_equipment", "social_isolation"]
A3_DOMAINS = ["housing_instability", "food_insecurity", "transportation", "caregiver_strain",
              "disability_equipment", "emotional_distress"]
INSURANCE = ["medicare", "medicaid", "private", "uninsured"]


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


def _person(rng: np.random.Generator, min_age: int = 19, max_age: int = 88) -> dict[str, Any]:
    pools = read_yaml("grading/variants.yaml")
    return {
        "name": f"{rng.choice(pools['given_names'])} {rng.choice(pools['family_names'])}",
        "age": int(rng.integers(min_age, max_age + 1)),
        "setting": str(rng.choice(pools["settings"])),
        "language": str(rng.choice(pools["languages"], p=[0.5, 0.2, 0.1, 0.08, 0.07, 0.05])),
    }


def _items(rng: np.random.Generator, n: int, level: float) -> list[int]:
    """n item answers 0-3 around a latent level (0 = none, 3 = nearly every day)."""
    raw = rng.normal(level, 0.8, size=n)
    return [int(v) for v in np.clip(np.rint(raw), 0, 3)]


def a1(seed: int) -> dict[str, Any]:
    """A1 psychosocial assessment: a referral, PHQ-9, GAD-7 and AHC HRSN answers."""
    rng = _rng(seed)
    person = _person(rng)
    phq = _items(rng, 9, float(rng.choice([0.3, 0.9, 1.4, 1.9, 2.5])))
    if rng.random() < 0.35:  # item 9 endorsed in about a third of variants, whatever the total
        phq[8] = int(rng.integers(1, 4))
    else:
        phq[8] = 0
    gad = _items(rng, 7, float(rng.choice([0.3, 0.9, 1.5, 2.3])))
    problems = [str(p) for p in rng.choice(HOUSING_PROBLEMS, size=int(rng.integers(0, 3)), replace=False)]
    hrsn = {
        "living_situation": str(rng.choice(HRSN_LIVING, p=[0.6, 0.25, 0.15])),
        "housing_problems": problems or ["None of the above"],
        "food_worried_would_run_out": str(rng.choice(HRSN_FOOD, p=[0.15, 0.25, 0.6])),
        "food_did_not_last": str(rng.choice(HRSN_FOOD, p=[0.1, 0.25, 0.65])),
        "transportation_kept_from_care": str(rng.choice(["Yes", "No"], p=[0.3, 0.7])),
        "utilities_shut_off_threat": str(rng.choice(HRSN_UTIL, p=[0.2, 0.7, 0.1])),
        "safety_hurt_insult_threaten_scream": [int(v) for v in rng.choice([1, 1, 2, 3, 4, 5], size=4)],
    }
    return {"assignment": "a1", "synthetic": True, "patient": person,
            "referral": f"{person['name']}, {person['age']}, referred by the attending physician for "
                        f"'low mood, missed appointments, worried about going home'.",
            "phq9": phq, "gad7": gad, "ahc_hrsn": hrsn}


def a2(seed: int) -> dict[str, Any]:
    """A2 intervention selection and crisis response: assessed needs and a disclosure."""
    rng = _rng(seed)
    person = _person(rng)
    domains = [str(d) for d in rng.choice(A2_NEEDS, size=int(rng.integers(2, 5)), replace=False)]
    severities = [int(rng.integers(1, 4)) for _ in domains]
    if all(s < 2 for s in severities):
        severities[0] = 2
    needs = [{"domain": d, "severity": s} for d, s in zip(domains, severities, strict=True)]
    kind = str(rng.choice(list(DISCLOSURES), p=[0.3, 0.25, 0.2, 0.125, 0.125]))
    if kind == "child_maltreatment":
        person["age"] = int(rng.integers(19, 45))
    if kind == "elder_abuse":
        person["age"] = int(rng.integers(68, 95))
    return {"assignment": "a2", "synthetic": True, "patient": person, "needs": needs,
            "disclosure": DISCLOSURES[kind]}


class _Resource(TypedDict):
    """One community resource of an A3 directory."""

    id: str
    serves: str
    accepts: list[str]
    min_age: int
    accepting_referrals: bool
    waitlist_days: int


def a3(seed: int) -> dict[str, Any]:
    """A3 care and discharge plan: needs, a resource directory, 30-day goal attainment, follow-ups."""
    rng = _rng(seed)
    person = _person(rng)
    person["insurance"] = str(rng.choice(INSURANCE, p=[0.35, 0.3, 0.25, 0.1]))
    needs = [str(d) for d in rng.choice(A3_DOMAINS, size=3, replace=False)]
    resources: list[_Resource] = []
    for i, domain in enumerate(needs):
        for j in range(3):
            accepts = [str(x) for x in INSURANCE if rng.random() < 0.65] or [person["insurance"]]
            resources.append({
                "id": f"R{i + 1}{j + 1}", "serves": domain,
                "accepts": accepts, "min_age": int(rng.choice([18, 18, 60, 65])),
                "accepting_referrals": bool(rng.random() < 0.8),
                "waitlist_days": int(rng.choice([0, 3, 7, 14, 30, 60])),
            })
    for domain in needs:  # at least one eligible, open resource per need
        group = [r for r in resources if r["serves"] == domain]
        pick = group[int(rng.integers(0, 3))]
        pick["accepting_referrals"], pick["min_age"] = True, 18
        if person["insurance"] not in pick["accepts"]:
            pick["accepts"].append(person["insurance"])
    goals = [{"goal": f"goal {k + 1}", "weight": int(rng.integers(1, 4)),
              "attainment": int(rng.integers(-2, 3))} for k in range(3)]
    p = float(rng.uniform(0.08, 0.3))
    followups = [bool(v) for v in rng.random(200) < p]
    return {"assignment": "a3", "synthetic": True, "patient": person, "needs": needs,
            "resources": resources, "discharge_in_days": int(rng.choice([1, 2, 3, 5])),
            "goals": goals, "simulated_30day_readmitted": followups}


def a4(seed: int) -> dict[str, Any]:
    """A4 documentation: the facts of an encounter, from which to write a DAP note."""
    rng = _rng(seed)
    person = _person(rng)
    phq_total = int(rng.integers(5, 24))
    days = int(rng.choice([3, 7, 14]))
    quote = str(rng.choice(["I can't keep doing this alone",
                            "I don't know how I'll pay the rent",
                            "my daughter can't take me to dialysis anymore",
                            "I haven't slept since the diagnosis"]))
    return {"assignment": "a4", "synthetic": True, "patient": person,
            "encounter": {"minutes": int(rng.choice([20, 30, 45])), "phq9_total": phq_total,
                          "patient_quote": quote, "follow_up_days": days,
                          "observations": ["tearful at times", "good eye contact", "oriented x3"],
                          "referral_made": str(rng.choice(["outpatient counseling", "food pantry",
                                                           "caregiver support group"]))}}


def a5(seed: int) -> dict[str, Any]:
    """A5 caseload triage: eight referrals waiting on a morning list."""
    rng = _rng(seed)
    referrals = []
    ids = [f"P{k}" for k in rng.permutation(np.arange(101, 109))]
    for pid in ids:
        person = _person(rng)
        referrals.append({
            "id": pid, "age": person["age"], "lives_alone": bool(rng.random() < 0.4),
            "cssrs_risk": str(rng.choice(["none", "low", "moderate", "high"], p=[0.6, 0.2, 0.12, 0.08])),
            "ipv_disclosed": bool(rng.random() < 0.12),
            "discharge_today": bool(rng.random() < 0.35),
            "lace": int(rng.integers(2, 17)),
        })
    return {"assignment": "a5", "synthetic": True, "referrals": referrals}


def a6(seed: int, n: int = 300) -> dict[str, Any]:
    """A6 population analysis: a unit's cohort as columns (load it with ``pandas.DataFrame``)."""
    rng = _rng(seed)
    pools = read_yaml("grading/variants.yaml")
    language = rng.choice(pools["languages"], size=n, p=[0.5, 0.2, 0.1, 0.08, 0.07, 0.05])
    interpreter = (language != "English") & (rng.random(n) < 0.8)
    income_low = rng.random(n) < 0.35
    food = rng.random(n) < np.where(income_low, 0.45, 0.12)
    housing = rng.random(n) < np.where(income_low, 0.3, 0.06)
    base = 0.1 + 0.08 * interpreter + 0.07 * housing
    readmit = rng.random(n) < base
    return {"assignment": "a6", "synthetic": True, "cohort": {
        "patient_id": [f"U{k:04d}" for k in range(n)],
        "age": [int(v) for v in rng.integers(18, 95, size=n)],
        "language": [str(v) for v in language],
        "interpreter_needed": [bool(v) for v in interpreter],
        "low_income": [bool(v) for v in income_low],
        "food_insecure": [bool(v) for v in food],
        "housing_unstable": [bool(v) for v in housing],
        "readmitted_30d": [bool(v) for v in readmit],
    }}


def a7(seed: int, n: int = 400) -> dict[str, Any]:
    """A7 coverage and economic justice: one adult without dependent children, their state's
    Medicaid expansion status and the poverty guideline; and a cohort of low-income adults
    across states (load it with ``pandas.DataFrame``)."""
    rng = _rng(seed)
    pools = read_yaml("grading/variants.yaml")
    states, guideline = pools["a7_states"], pools["a7_poverty_guideline"]
    expansion = dict.fromkeys(states["expansion"], True) | dict.fromkeys(states["non_expansion"], False)
    person = _person(rng, 21, 63)
    state = str(rng.choice(states["non_expansion"] if rng.random() < 0.5 else states["expansion"]))
    household = int(rng.choice([1, 2], p=[0.7, 0.3]))
    line = guideline["first_person"] + guideline["each_additional"] * (household - 1)
    income = int(round(line * float(rng.uniform(0.3, 2.4)) / 100.0) * 100)
    codes = sorted(expansion)
    cohort_state = rng.choice(codes, size=n)
    in_expansion = np.array([expansion[str(s)] for s in cohort_state])
    uninsured = rng.random(n) < np.where(in_expansion, 0.14, 0.33)
    return {"assignment": "a7", "synthetic": True,
            "patient": {**person, "state": state, "household_size": household, "annual_income": income,
                        "dependent_children": 0, "pregnant": False, "disability_benefits": False,
                        "citizen": True},
            "poverty_guideline": dict(guideline),
            "medicaid_expansion": expansion,
            "expansion_source": "KFF, Status of State Medicaid Expansion Decisions (2025)",
            "cohort": {
                "person_id": [f"C{k:04d}" for k in range(n)],
                "state": [str(s) for s in cohort_state],
                "expansion_state": [bool(v) for v in in_expansion],
                "uninsured": [bool(v) for v in uninsured],
            }}


BUILDERS: dict[str, Callable[[int], dict[str, Any]]] = {
    "a1": a1, "a2": a2, "a3": a3, "a4": a4, "a5": a5, "a6": a6, "a7": a7}


def material(assignment: str, seed: int) -> dict[str, Any]:
    """The public material of ``assignment`` for the variant ``seed``."""
    builder = BUILDERS.get(assignment)
    if builder is None:
        from sim.errors import UnknownNameError

        raise UnknownNameError("assignment", assignment, BUILDERS)
    return builder(seed)
