"""What the patient's coverage means for the plan: who pays the stay and the disposition, and why.

The costs and rules are :mod:`sim.model.coverage` (CMS's yearly figures, the Medigap plan chart,
the Medicare Advantage and Medicaid rules). Each cost of the planned disposition gets one line:
paid (and by whom), or left to the patient, with the plan's answer to it (financial assistance,
an eligible referral for the need it makes) or a warning that says what to add. A Medicare
Advantage plan's prior authorization and 3-day-stay waiver are named where they apply. These
lines explain; the points stay with the key's needs and the eligibility rules.
"""
from __future__ import annotations

from sim.feedback import practice
from sim.feedback.evidence import need_label
from sim.feedback.model import FeedbackItem
from sim.model import coverage, eligibility
from sim.model.case import Case
from sim.practice.dispositions import label as disposition_label
from sim.practice.plan import CarePlan

CATEGORY = "coverage"
ANSWERS = ("financial_assistance", "advocacy_empowerment")


def _answer(case: Case, plan: CarePlan, domain: str) -> str | None:
    """How the plan takes up a financial need: an eligible referral for it, or an intervention."""
    for ref in plan.referrals:
        if ref.need == domain:
            check = practice.check_referral(case, ref.resource, domain)
            if check.eligible:
                return f"a referral to {check.name}"
    for item in plan.interventions:
        if item.intervention in ANSWERS and item.need in (domain, None, "financial_strain", "insurance_gap"):
            return item.intervention.replace("_", " ")
    return None


def score_coverage(case: Case, plan: CarePlan) -> list[FeedbackItem]:
    """One unscored line per cost of the stay and the planned disposition, and the Medicare
    Advantage plan's rules that apply to it (empty for a patient without Medicare)."""
    patient = case.patient
    payers = coverage.payers(patient)
    if not payers.medicare:
        return []
    items: list[FeedbackItem] = []
    where = f" ({payers.describe()})"
    for line in coverage.costs(patient, plan.discharge):
        if line.left == "none":
            items.append(FeedbackItem(category=CATEGORY, kind="praise",
                                      message=f"Coverage{where}: {line.sentence()}."))
            continue
        answer = _answer(case, plan, line.domain)
        left = "part of it is left to the patient" if line.left == "part" else "it is left to the patient"
        if answer is not None:
            items.append(FeedbackItem(category=CATEGORY, kind="praise",
                                      message=f"Coverage{where}: {line.sentence()}; {left}, and the plan "
                                              f"takes it up with {answer}."))
            continue
        found = practice.eligible_for(case, line.domain)
        options = f" Eligible options: {', '.join(found[0][:3])}." if found and found[0] else ""
        items.append(FeedbackItem(category=CATEGORY, kind="warning",
                                  message=f"Coverage{where}: {line.sentence()}; {left}, and the plan does not "
                                          f"take it up: add financial assistance or a referral for "
                                          f"{need_label(line.domain).lower()}.{options}"))
    rule = coverage.prior_authorization(patient, plan.discharge)
    if rule is not None and plan.discharge is not None:
        items.append(FeedbackItem(category=CATEGORY, kind="warning",
                                  message=f"Coverage{where}: discharge to {disposition_label(plan.discharge)} "
                                          f"needs the plan's approval first: {rule.reason} ({rule.source}). "
                                          f"Start the request before the discharge day."))
    if plan.discharge == "skilled_nursing" and payers.waives_three_day_stay \
            and not eligibility.qualifying_inpatient_stay(patient):
        waiver = coverage.table().medicare_advantage.three_day_waiver
        items.append(FeedbackItem(category=CATEGORY, kind="praise",
                                  message=f"Coverage{where}: no 3-day inpatient stay, but {waiver.reason}, and "
                                          f"this plan does ({waiver.source})."))
    return items
