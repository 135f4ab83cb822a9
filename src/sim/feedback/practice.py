"""Thin adapters over the practice-engine modules the feedback consults: the community resource
directory (``sim.resources``) and the intervention catalogue (``sim.interventions``).

Feedback must never fail because one of them rejects a value: each adapter turns a
:class:`sim.errors.SimError` into a message.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sim.cases.model import Case
from sim.errors import SimError
from sim.plan import CarePlan


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        value = obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)
        if value is not None:
            return value
    return None


def _rid(obj: Any) -> str:
    if isinstance(obj, str):
        return obj
    inner = _get(obj, "resource")
    if inner is not None and not isinstance(inner, str):
        return _rid(inner)
    return str(_get(obj, "id", "resource_id", "resource"))


def _name(obj: Any) -> str:
    inner = _get(obj, "resource")
    if inner is not None and not isinstance(inner, str):
        return _name(inner)
    return str(_get(obj, "name", "label", "id") or obj)


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


def check_referral(case: Case, resource_id: str, need: str) -> ReferralCheck:
    """Look a referral up in the directory and match it to the patient for ``need``."""
    try:
        from sim import resources  # noqa: PLC0415 - practice engine, imported on use

        resource = resources.get(resource_id)
    except ImportError:
        return ReferralCheck(resource_id=resource_id, known=False,
                             unknown_message="the community resource directory is not available")
    except SimError as exc:
        return ReferralCheck(resource_id=resource_id, known=False, unknown_message=str(exc))
    check = ReferralCheck(resource_id=resource_id, name=_name(resource))
    try:
        result = resources.match(case.patient, need)
    except SimError as exc:
        check.serves_need, check.reasons = False, [str(exc)]
        return check
    eligible = list(_get(result, "eligible") or [])
    ineligible = list(_get(result, "ineligible") or [])
    check.alternatives = [_name(r) for r in eligible[:2]]
    if any(_rid(r) == resource_id for r in eligible):
        check.eligible = True
        return check
    for entry in ineligible:
        if _rid(entry) == resource_id:
            reasons = _get(entry, "reasons", "reason")
            if reasons is None and isinstance(entry, tuple) and len(entry) > 1:
                reasons = entry[1]
            check.reasons = [reasons] if isinstance(reasons, str) else [str(r) for r in reasons or []]
            return check
    check.serves_need = False
    return check


def eligible_for(case: Case, need: str) -> list[str] | None:
    """Names of resources the patient is eligible for, for ``need``; None if none is listed."""
    try:
        from sim import resources  # noqa: PLC0415

        result = resources.match(case.patient, need)
    except (SimError, ImportError):
        return None
    eligible = list(_get(result, "eligible") or [])
    ineligible = list(_get(result, "ineligible") or [])
    if not eligible and not ineligible:
        return None
    return [_name(r) for r in eligible]


def extra_contraindications(case: Case, plan: CarePlan) -> list[tuple[str, str]]:
    """(intervention id, reason) for each contraindication the catalogue finds in the plan."""
    try:
        from sim import interventions  # noqa: PLC0415

        found = interventions.contraindications(case, plan)
    except ImportError:
        return []
    except SimError as exc:
        return [("plan", str(exc))]
    out = []
    for entry in found or []:
        iv = _get(entry, "intervention", "intervention_id", "id")
        reason = _get(entry, "reason", "message", "rationale", "text")
        out.append((str(iv), str(reason or "")))
    return out
