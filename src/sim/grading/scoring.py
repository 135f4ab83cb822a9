"""The answer key and the scorers, run by ``sim grade`` in its own process (never in a kernel).

Each autograded grade id has a scorer ``(value, material, keys) -> Verdict``: a fraction of the
cell's points and a message for the student that explains it. The key is recomputed from the
student's variant seed (:mod:`sim.grading.material`), the published scoring rules and the
judgment tables of the course folder's ``keys.yaml``.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from sim.errors import SimValueError, UnknownNameError
from sim.grading import material as mat
from sim.model.base import Model


@dataclass(frozen=True)
class Verdict:
    """The score of one grade cell as a fraction of its points, and why."""

    fraction: float
    message: str


class KeysError(SimValueError):
    """The course's ``keys.yaml`` is missing or malformed."""


class CrisisRule(Model):
    action: str
    intervention: str | None
    mandated_report: bool


class InterventionRule(Model):
    required_min_severity: int = Field(ge=1, le=3)
    unrelated_penalty: float = Field(ge=0, le=1)


class A3Rule(Model):
    gas_rho: float = Field(ge=0, lt=1)
    gas_tolerance: float = Field(gt=0)
    rate_tolerance: float = Field(gt=0)
    eligible_not_best: float = Field(ge=0, le=1)


class A4Rule(Model):
    min_words_per_section: int = Field(ge=1)
    stigmatizing_terms: list[str]


class A5Rule(Model):
    weights: dict[Literal["cssrs_high", "ipv_disclosed", "cssrs_moderate", "discharge_today", "lace_high",
                          "alone_75_plus", "cssrs_low"], int]
    lace_high: int = Field(ge=0, le=19)


class A6Rule(Model):
    rate_tolerance: float = Field(gt=0)
    ratio_tolerance: float = Field(gt=0)


class A7Rule(Model):
    fpl_tolerance: float = Field(gt=0)
    ratio_tolerance: float = Field(gt=0)
    medicaid_expansion_max_fpl: float = Field(gt=0)
    premium_tax_credit_min_fpl: float = Field(gt=0)


class Keys(Model):
    """The judgment tables of a course's ``keys.yaml``."""

    crisis: dict[str, CrisisRule]
    interventions: InterventionRule
    a3: A3Rule
    a4: A4Rule
    a5: A5Rule
    a6: A6Rule
    a7: A7Rule

    @model_validator(mode="after")
    def _complete(self) -> Keys:
        from sim.grading.forms import form_of
        from sim.model.taxonomy import intervention_ids

        actions = form_of("a2_crisis_action").choices or []
        missing = set(mat.DISCLOSURES) - set(self.crisis)
        if missing:
            raise ValueError(f"crisis: no rule for {sorted(missing)}")
        for kind, rule in self.crisis.items():
            if rule.action not in actions:
                raise ValueError(f"crisis.{kind}.action {rule.action!r} is not one of {actions}")
            if rule.intervention is not None and rule.intervention not in intervention_ids():
                raise ValueError(f"crisis.{kind}.intervention {rule.intervention!r} is not an intervention id")
        return self


def load_keys(course_dir: Path) -> dict[str, Any]:
    """The judgment tables of ``course_dir/keys.yaml``, validated (as plain dicts for the scorers)."""
    path = Path(course_dir) / "keys.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KeysError(f"{path}: missing; the answer key tables must be in the course folder") from None
    except yaml.YAMLError as exc:
        raise KeysError(f"{path}: not valid YAML: {exc}") from None
    try:
        return Keys.model_validate(data).model_dump()
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'top'}: {e['msg']}" for e in exc.errors())
        raise KeysError(f"{path} is invalid: {problems}") from None


# ---- published scoring rules (each instrument's paper, cited in sim/data/instruments/) ---------

def phq9_band(total: int) -> str:
    """PHQ-9 severity band (Kroenke, Spitzer, Williams 2001)."""
    return ("minimal" if total <= 4 else "mild" if total <= 9 else "moderate" if total <= 14
            else "moderately severe" if total <= 19 else "severe")


def gad7_band(total: int) -> str:
    """GAD-7 severity band (Spitzer et al. 2006)."""
    return "minimal" if total <= 4 else "mild" if total <= 9 else "moderate" if total <= 14 else "severe"


def hrsn_positive(h: dict[str, Any]) -> list[str]:
    """Positive AHC HRSN core domains, as need-domain ids."""
    found = []
    if h["living_situation"] != mat.HRSN_LIVING[0] or h["housing_problems"] != ["None of the above"]:
        found.append("housing_instability")
    if {h["food_worried_would_run_out"], h["food_did_not_last"]} & {"Often true", "Sometimes true"}:
        found.append("food_insecurity")
    if h["transportation_kept_from_care"] == "Yes":
        found.append("transportation")
    if h["utilities_shut_off_threat"] in ("Yes", "Already shut off"):
        found.append("utilities")
    if sum(h["safety_hurt_insult_threaten_scream"]) > 10:
        found.append("domestic_violence")
    return found


def a1_needs(m: dict[str, Any]) -> set[str]:
    """A1 key: needs from HRSN positives, PHQ-9/GAD-7 of 10 or more, and PHQ-9 item 9."""
    needs = set(hrsn_positive(m["ahc_hrsn"]))
    if sum(m["phq9"]) >= 10 or sum(m["gad7"]) >= 10:
        needs.add("emotional_distress")
    if m["phq9"][8] > 0:
        needs.add("crisis")
    return needs


def disclosure_kind(m: dict[str, Any]) -> str:
    return next(k for k, text in mat.DISCLOSURES.items() if text == m["disclosure"])


def gas_tscore(goals: list[dict[str, Any]], rho: float) -> float:
    """Goal attainment scaling T-score (Kiresuk & Sherman 1968)."""
    w = [g["weight"] for g in goals]
    x = [g["attainment"] for g in goals]
    num = 10 * sum(wi * xi for wi, xi in zip(w, x, strict=False))
    den = math.sqrt((1 - rho) * sum(wi * wi for wi in w) + rho * sum(w) ** 2)
    return 50 + num / den


def a5_order(m: dict[str, Any], k: dict[str, Any]) -> list[str]:
    """A5 key: referrals by urgency points (keys.yaml), then LACE, then id."""
    wt = k["a5"]["weights"]

    def points(r: dict[str, Any]) -> int:
        p = wt.get(f"cssrs_{r['cssrs_risk']}", 0)
        p += wt["ipv_disclosed"] * r["ipv_disclosed"] + wt["discharge_today"] * r["discharge_today"]
        p += wt["lace_high"] * (r["lace"] >= k["a5"]["lace_high"])
        p += wt["alone_75_plus"] * (r["lives_alone"] and r["age"] >= 75)
        return int(p)

    return [r["id"] for r in sorted(m["referrals"], key=lambda r: (-points(r), -r["lace"], r["id"]))]


# ---- helpers --------------------------------------------------------------------------------

def _exact(value: Any, key: Any, what: str) -> Verdict:
    if value == key:
        return Verdict(1.0, f"Correct {what}.")
    return Verdict(0.0, f"The {what} {value!r} is not right for your case; recheck it against the scoring rule.")


def _close(value: float, key: float, tol: float, what: str) -> Verdict:
    if abs(value - key) <= tol:
        return Verdict(1.0, f"Correct {what}.")
    return Verdict(0.0, f"The {what} {value:g} is off by more than {tol:g}; recompute it.")


def _set_score(given: set[str], key: set[str], what: str) -> Verdict:
    if not key and not given:
        return Verdict(1.0, f"Correct: no {what}.")
    hit = given & key
    precision = len(hit) / len(given) if given else 0.0
    recall = len(hit) / len(key) if key else 0.0
    f1 = 0.0 if not hit else 2 * precision * recall / (precision + recall)
    parts = [f"{len(hit)} of {len(key)} {what} found"]
    if key - given:
        parts.append(f"missed: {', '.join(sorted(key - given))}")
    if given - key:
        parts.append(f"not supported by the case: {', '.join(sorted(given - key))}")
    return Verdict(round(f1, 4), "; ".join(parts) + ".")


# ---- scorers by grade id --------------------------------------------------------------------

def _a2_interventions(v: list[str], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    from sim.model.taxonomy import taxonomy

    domains = taxonomy().domains
    kc = k["crisis"][disclosure_kind(m)]
    ki = k["interventions"]
    required = {domains[n["domain"]].interventions[0] for n in m["needs"]
                if n["severity"] >= ki["required_min_severity"]}
    acceptable = {iv for n in m["needs"] for iv in domains[n["domain"]].interventions}
    if kc["intervention"]:
        required.add(kc["intervention"])
    given = set(v)
    recall = len(given & required) / len(required)
    unrelated = given - required - acceptable
    fraction = max(0.0, recall - ki["unrelated_penalty"] * len(unrelated))
    msg = [f"{len(given & required)} of {len(required)} expected interventions chosen"]
    if required - given:
        msg.append("consider: " + ", ".join(sorted(required - given)))
    if unrelated:
        msg.append("not linked to an assessed need: " + ", ".join(sorted(unrelated)))
    return Verdict(round(fraction, 4), "; ".join(msg) + ".")


def _a3_referrals(v: dict[str, Any], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    p = m["patient"]
    total, notes = 0.0, []
    for need in m["needs"]:
        eligible = [r for r in m["resources"] if r["serves"] == need and p["insurance"] in r["accepts"]
                    and p["age"] >= r["min_age"] and r["accepting_referrals"]]
        best = min(r["waitlist_days"] for r in eligible)
        pick = next((r for r in eligible if r["id"] == v.get(need)), None)
        if pick is None:
            notes.append(f"{need}: {v.get(need)!r} is not an eligible, open resource for this patient")
        elif pick["waitlist_days"] == best:
            total += 1
        else:
            total += k["a3"]["eligible_not_best"]
            notes.append(f"{need}: eligible, but another eligible resource has a shorter wait")
    return Verdict(round(total / len(m["needs"]), 4), "; ".join(notes) + "." if notes else
                   "Every referral is eligible and the soonest available.")


def _a4_sections(v: dict[str, Any]) -> dict[str, str]:
    return {s: str(v.get(s, "") or "") for s in ("data", "assessment", "plan")}


def _a4_structure(v: dict[str, Any], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    short = [s for s, text in _a4_sections(v).items() if len(text.split()) < k["a4"]["min_words_per_section"]]
    if not short:
        return Verdict(1.0, "All three DAP sections are written.")
    return Verdict(0.0, f"Sections too short or missing: {', '.join(short)}.")


def _a4_data_facts(v: dict[str, Any], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    data = _a4_sections(v)["data"].lower()
    e = m["encounter"]
    found = [str(e["phq9_total"]) in data, e["patient_quote"].lower() in data]
    missing = [
        w for w, ok in zip(("the PHQ-9 total", "the patient's own words (quoted)"), found, strict=False) if not ok
    ]
    return Verdict(sum(found) / 2, "Data section cites the screening result and the patient's words."
                   if not missing else f"Data section lacks {' and '.join(missing)}.")


def _a4_language(v: dict[str, Any], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    text = " ".join(_a4_sections(v).values()).lower()
    bad = [t for t in k["a4"]["stigmatizing_terms"] if t in text]
    return Verdict(0.0, f"Stigmatizing wording: {', '.join(bad)}; describe behaviour instead."
                   ) if bad else Verdict(1.0, "Objective, person-first wording.")


def _a4_plan(v: dict[str, Any], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    plan = _a4_sections(v)["plan"].lower()
    e = m["encounter"]
    found = [str(e["follow_up_days"]) in plan, e["referral_made"].lower() in plan]
    return Verdict(sum(found) / 2, "Plan names the referral and when you follow up."
                   if all(found) else "Plan should name the referral made and the follow-up interval in days.")


def _kendall(order: list[str], key: list[str]) -> float:
    pos = {x: i for i, x in enumerate(order)}
    n, agree = len(key), 0
    for i in range(n):
        for j in range(i + 1, n):
            agree += 1 if pos[key[i]] < pos[key[j]] else -1
    return agree / (n * (n - 1) / 2)


def _a5_order(v: list[str], m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    key = a5_order(m, k)
    if sorted(v) != sorted(key):
        return Verdict(0.0, "The order must list each of the eight referral ids exactly once.")
    tau = _kendall(v, key)
    return Verdict(round(max(0.0, tau), 4), f"Agreement with the expected order (Kendall tau) {tau:.2f}.")


def _a6(m: dict[str, Any]) -> dict[str, float]:
    c = m["cohort"]
    n = len(c["patient_id"])
    interp = [r for r, i in zip(c["readmitted_30d"], c["interpreter_needed"], strict=False) if i]
    other = [r for r, i in zip(c["readmitted_30d"], c["interpreter_needed"], strict=False) if not i]
    ri, ro = sum(interp) / len(interp), sum(other) / len(other)
    return {"food": sum(c["food_insecure"]) / n, "ri": ri, "ro": ro, "ratio": ri / ro}


def a7_fpl_percent(m: dict[str, Any]) -> float:
    """Household income as a percent of the poverty guideline for the household's size."""
    g, p = m["poverty_guideline"], m["patient"]
    line = g["first_person"] + g["each_additional"] * (p["household_size"] - 1)
    return 100.0 * p["annual_income"] / line


def a7_coverage_route(m: dict[str, Any], k: dict[str, Any]) -> str:
    """Where an adult citizen without dependent children, not pregnant and not disabled, gets
    coverage: Medicaid's expansion group up to 138% FPL where the state has expanded (42 U.S.C.
    1396a(a)(10)(A)(i)(VIII)); else premium tax credits on the Marketplace from 100% FPL (26 U.S.C.
    36B(c)(1)); below 100% FPL in a state that has not expanded, neither: the coverage gap."""
    fpl = a7_fpl_percent(m)
    if m["medicaid_expansion"][m["patient"]["state"]] and fpl <= k["a7"]["medicaid_expansion_max_fpl"]:
        return "medicaid_expansion"
    if fpl >= k["a7"]["premium_tax_credit_min_fpl"]:
        return "marketplace_subsidy"
    return "coverage_gap"


def _a7_ratio(m: dict[str, Any]) -> float:
    c = m["cohort"]
    non = [u for u, e in zip(c["uninsured"], c["expansion_state"], strict=True) if not e]
    exp = [u for u, e in zip(c["uninsured"], c["expansion_state"], strict=True) if e]
    return (sum(non) / len(non)) / (sum(exp) / len(exp))


def _a7_route(v: str, m: dict[str, Any], k: dict[str, Any]) -> Verdict:
    from sim.model.states import in_this_state

    state = m["patient"]["state"]
    where = in_this_state(state)
    status = ("Medicaid covers adults up to 138% FPL" if m["medicaid_expansion"][state]
              else "Medicaid has not been expanded to adults without dependent children")
    if v == a7_coverage_route(m, k):
        return Verdict(1.0, f"Correct coverage route: {where} {status}.")
    return Verdict(0.0, f"The coverage route {v!r} is not right for your case: {where} {status} "
                        f"(KFF, Status of State Medicaid Expansion Decisions); premium tax credits start "
                        f"at 100% FPL. Recheck the income against the poverty guideline.")


Scorer = Callable[[Any, dict[str, Any], dict[str, Any]], Verdict]

#: grade id -> (assignment, the answer id it reads, scorer)
SCORERS: dict[str, tuple[str, str, Scorer]] = {
    "a1_phq9_total": ("a1", "a1_phq9_total", lambda v, m, k: _exact(v, sum(m["phq9"]), "PHQ-9 total")),
    "a1_phq9_band": ("a1", "a1_phq9_band", lambda v, m, k: _exact(v, phq9_band(sum(m["phq9"])), "PHQ-9 band")),
    "a1_item9_flag": ("a1", "a1_item9_flag", lambda v, m, k: _exact(v, m["phq9"][8] > 0, "item 9 flag")),
    "a1_gad7_band": ("a1", "a1_gad7_band", lambda v, m, k: _exact(v, gad7_band(sum(m["gad7"])), "GAD-7 band")),
    "a1_needs_identified": ("a1", "a1_needs_identified",
                            lambda v, m, k: _set_score(set(v), a1_needs(m), "needs")),
    "a2_interventions": ("a2", "a2_interventions", _a2_interventions),
    "a2_crisis_action": ("a2", "a2_crisis_action",
                         lambda v, m, k: _exact(v, k["crisis"][disclosure_kind(m)]["action"], "crisis action")),
    "a2_mandated_report": ("a2", "a2_mandated_report",
                           lambda v, m, k: _exact(v, k["crisis"][disclosure_kind(m)]["mandated_report"],
                                                  "mandated-report decision")),
    "a3_referrals": ("a3", "a3_referrals", _a3_referrals),
    "a3_gas_tscore": ("a3", "a3_gas_tscore", lambda v, m, k: _close(
        v, gas_tscore(m["goals"], k["a3"]["gas_rho"]), k["a3"]["gas_tolerance"], "GAS T-score")),
    "a3_readmission_rate": ("a3", "a3_readmission_rate", lambda v, m, k: _close(
        v, sum(m["simulated_30day_readmitted"]) / len(m["simulated_30day_readmitted"]),
        k["a3"]["rate_tolerance"], "30-day readmission rate")),
    "a4_dap_structure": ("a4", "a4_dap_note", _a4_structure),
    "a4_dap_data_facts": ("a4", "a4_dap_note", _a4_data_facts),
    "a4_objective_language": ("a4", "a4_dap_note", _a4_language),
    "a4_plan_followup": ("a4", "a4_dap_note", _a4_plan),
    "a5_first_seen": ("a5", "a5_first_seen", lambda v, m, k: _exact(v, a5_order(m, k)[0], "first referral")),
    "a5_priority_order": ("a5", "a5_priority_order", _a5_order),
    "a5_high_lace": ("a5", "a5_high_lace", lambda v, m, k: _set_score(
        set(v), {r["id"] for r in m["referrals"] if r["lace"] >= k["a5"]["lace_high"]}, "high-LACE referrals")),
    "a6_food_insecurity_rate": ("a6", "a6_food_insecurity_rate", lambda v, m, k: _close(
        v, _a6(m)["food"], k["a6"]["rate_tolerance"], "food insecurity rate")),
    "a6_readmit_rate_interpreter": ("a6", "a6_readmit_rate_interpreter", lambda v, m, k: _close(
        v, _a6(m)["ri"], k["a6"]["rate_tolerance"], "readmission rate with an interpreter")),
    "a6_readmit_rate_no_interpreter": ("a6", "a6_readmit_rate_no_interpreter", lambda v, m, k: _close(
        v, _a6(m)["ro"], k["a6"]["rate_tolerance"], "readmission rate without an interpreter")),
    "a6_rate_ratio": ("a6", "a6_rate_ratio", lambda v, m, k: _close(
        v, _a6(m)["ratio"], k["a6"]["ratio_tolerance"], "rate ratio")),
    "a7_fpl_percent": ("a7", "a7_fpl_percent", lambda v, m, k: _close(
        v, a7_fpl_percent(m), k["a7"]["fpl_tolerance"], "percent of the poverty guideline")),
    "a7_coverage_route": ("a7", "a7_coverage_route", _a7_route),
    "a7_uninsured_rate_ratio": ("a7", "a7_uninsured_rate_ratio", lambda v, m, k: _close(
        v, _a7_ratio(m), k["a7"]["ratio_tolerance"], "uninsured rate ratio")),
}


def score_answer(grade_id: str, answers: dict[str, Any], seed: int, keys: dict[str, Any]) -> Verdict:
    """Score grade cell ``grade_id`` from the recorded ``answers`` against variant ``seed``."""
    from sim.grading.forms import AnswerFormError, check_form

    if grade_id not in SCORERS:
        raise UnknownNameError("autograded grade id", grade_id, SCORERS)
    assignment, answer_id, scorer = SCORERS[grade_id]
    if answer_id not in answers:
        return Verdict(0.0, "No answer was recorded.")
    try:
        value = check_form(answer_id, answers[answer_id])
    except AnswerFormError as exc:
        return Verdict(0.0, str(exc))
    if answer_id == "a3_referrals":
        value = {str(a): str(b) for a, b in value.items()}
    return scorer(value, mat.material(assignment, seed), keys)
