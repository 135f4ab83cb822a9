"""Thin adapters over the practice-engine modules the feedback consults: the community resource
directory (:mod:`sim.practice.resources`) and the intervention catalogue (:mod:`sim.practice.interventions`).

Feedback must never fail because one of them rejects a value: each adapter turns a
:class:`sim.errors.SimError` into a message.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sim.errors import SimError
from sim.model.case import Case
from sim.practice.plan import CarePlan


@dataclass
class ReferralCheck:
    """What the directory says about one planned referral."""

    resource_id: str
    name: str = ""
    known: bool = True
    unknown_message: str = ""
    eligible: bool = False
    serves_need: bool = True
    reasons: list[str] = field(default_factory=list)
    alternatives: list[str] = field(default_factory=list)
    needs: list[str] = field(default_factory=list)


def check_referral(case: Case, resource_id: str, need: str) -> ReferralCheck:
    """Look a referral up in the directory and match it to the patient for ``need``."""
    from sim.practice import resources

    try:
        resource = resources.get(resource_id)
    except SimError as exc:
        return ReferralCheck(resource_id=resource_id, known=False, unknown_message=str(exc))
    check = ReferralCheck(resource_id=resource_id, name=resource.short_name, needs=list(resource.needs))
    if need not in resource.needs:
        check.serves_need = False
        check.reasons = [f"it serves {', '.join(n.replace('_', ' ') for n in resource.needs)}"]
        return check
    try:
        result = resources.match(case, need)
    except SimError as exc:
        check.serves_need, check.reasons = False, [str(exc)]
        return check
    check.alternatives = [r.short_name for r in result.eligible[:2]]
    if any(r.id == resource_id for r in result.eligible):
        check.eligible = True
    else:
        check.reasons = list(result.ineligible.get(resource_id, []))
    return check


def eligible_for(case: Case, need: str) -> tuple[list[str], list[str]] | None:
    """Resources for ``need``: short names of those the patient is eligible for, and the
    reasons the others are closed to them. None when the directory lists no resource for the need.
    """
    from sim.practice import resources

    try:
        result = resources.match(case, need)
    except SimError:
        return None
    if not result.eligible and not result.ineligible:
        return None
    closed = [f"{resources.get(rid).short_name}: {'; '.join(why)}" for rid, why in result.ineligible.items()]
    return [r.short_name for r in result.eligible], closed


@dataclass
class Concern:
    """A contraindication or unmet prerequisite the catalogue finds in a plan.

    ``item`` is the index of the planned intervention it is about (None for the disposition or a
    prerequisite, which concerns every planned item of its intervention); ``kind`` is "unsafe" or
    "ineligible" for a rule, "prerequisite" for a missing first step.
    """

    intervention: str | None
    discharge: str | None
    reason: str
    source: str = ""
    prerequisite: str | None = None
    variant: str | None = None
    item: int | None = None
    kind: str = "unsafe"
    label: str = ""


def catalogue_concerns(case: Case, plan: CarePlan) -> list[Concern]:
    """Contraindications (catalogue rules, not the case key's) and unmet prerequisites."""
    from sim.practice import interventions

    out: list[Concern] = []
    try:
        for c in interventions.contraindications(case, plan):
            if not c.rule.startswith("case_key"):
                out.append(Concern(intervention=c.intervention, discharge=c.discharge, reason=c.reason,
                                   source=c.source, variant=c.variant, item=c.item, kind=c.kind, label=c.label))
        for u in interventions.unmet_prerequisites(case, plan):
            out.append(Concern(intervention=u.intervention, discharge=None, reason=u.text, prerequisite=u.action,
                               kind="prerequisite"))
    except SimError as exc:
        out.append(Concern(intervention=None, discharge=None, reason=str(exc), kind="error"))
    return out


def indicated_needs(case: Case, intervention: str) -> list[str]:
    """The case's key needs for which the catalogue indicates ``intervention`` at the key's
    severity, for this patient (end-of-life care is not indicated for a bereavement)."""
    from sim.practice import interventions

    try:
        iv = interventions.get(intervention)
        subject = interventions.Subject.of(case)
    except SimError:
        return []
    return [n.domain for n in case.key.needs if iv.indicated_for(n.domain, n.severity, subject)]
