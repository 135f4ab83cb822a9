"""The need taxonomy and the other vocabularies (risks, interventions, functions, settings).

Loaded from ``sim/data/needs.yaml``; the rest of the package takes its names from here, so a
misspelled domain anywhere fails loudly against this list.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Literal, get_args

from pydantic import AfterValidator, model_validator

from sim.errors import UnknownNameError
from sim.model.base import TableModel
from sim.tables import cached_table


class NeedDomain(TableModel):
    """One domain of psychosocial need, with the interventions and instruments related to it."""
    label: str
    group: str
    interventions: list[str]
    instruments: list[str]
    risks: list[str]


class Taxonomy(TableModel):
    """Every vocabulary the domain model uses, keyed by id."""
    severity_scale: dict[int, str]
    domains: dict[str, NeedDomain]
    risks: dict[str, str]
    interventions: dict[str, str]
    functions: dict[str, str]
    settings: dict[str, str]

    @model_validator(mode="after")
    def _cross_references(self) -> Taxonomy:
        for name, domain in self.domains.items():
            for iv in domain.interventions:
                if iv not in self.interventions:
                    raise ValueError(f"domain {name!r} names unknown intervention {iv!r}")
            for risk in domain.risks:
                if risk not in self.risks:
                    raise ValueError(f"domain {name!r} names unknown risk {risk!r}")
        return self


taxonomy = cached_table("needs.yaml", Taxonomy, "The validated taxonomy (cached).")


def need_domains() -> list[str]:
    return list(taxonomy().domains)


def risk_kinds() -> list[str]:
    return list(taxonomy().risks)


def settings() -> list[str]:
    return list(taxonomy().settings)


def intervention_ids() -> list[str]:
    return list(taxonomy().interventions)


def function_ids() -> list[str]:
    return list(taxonomy().functions)


def check_name(kind: str, value: str, allowed: list[str]) -> str:
    """Return ``value`` if allowed, else raise :class:`UnknownNameError` with a suggestion."""
    if value not in allowed:
        raise UnknownNameError(kind, value, allowed)
    return value


def _named(kind: str, allowed: Callable[[], list[str]]) -> AfterValidator:
    return AfterValidator(lambda value: check_name(kind, value, allowed()))


# String types for model fields that must name an entry of the taxonomy (with "did you mean").
NeedDomainName = Annotated[str, _named("need domain", need_domains)]
RiskName = Annotated[str, _named("risk", risk_kinds)]
InterventionName = Annotated[str, _named("intervention", intervention_ids)]
FunctionName = Annotated[str, _named("function", function_ids)]
SettingName = Annotated[str, _named("setting", settings)]

Disposition = Literal[
    "home", "home_with_services", "skilled_nursing", "rehabilitation", "hospice", "shelter",
    "inpatient_hospice", "long_term_care", "assisted_living", "inpatient_psychiatry", "ltach",
    "medical_respite", "kinship_placement", "foster_care", "against_medical_advice",
]
"""Where the patient goes after this episode. ``rehabilitation`` is an inpatient rehabilitation
facility (IRF), ``hospice`` is hospice care where the patient lives, ``inpatient_hospice`` a
hospice unit or general inpatient hospice care; labels and eligibility are in the data tables
(``lesson_labels.yaml``, ``interventions.yaml``)."""
DISPOSITIONS: tuple[Disposition, ...] = get_args(Disposition)
ActionKind = Literal[
    "cssrs_today", "safety_plan", "mandated_report_child", "mandated_report_elder",
    "ipv_safety_planning", "private_setting", "urgent_mh_referral", "interpreter",
    "capacity_assessment", "goals_of_care_meeting",
    "child_safety_plan", "advance_directive", "health_care_proxy", "polst",
    "important_message", "moon_notice", "informed_refusal", "duty_to_warn", "involuntary_hold",
    "sexual_assault_care", "trafficking_response",
]
"""Critical and legal actions a plan can take; what each means and its source are in
``lesson_labels.yaml``."""
ACTIONS: tuple[str, ...] = get_args(ActionKind)
