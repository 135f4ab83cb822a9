"""Cognition, self-neglect indicators and supplemental coverage of a patient.

The vocabularies and their rules (screen cut-offs, dementia codes, self-neglect indicators, which
coverage goes with which insurance) are the data table ``sim/data/clinical.yaml``, each with its
public source: the Mini-Cog (Borson et al. 2000), MoCA (Nasreddine et al. 2005) and MMSE
(Folstein et al. 1975) papers; the definition of self-neglect in 45 CFR 1324.401 (ACL's Adult
Protective Services rule, as NAPSA uses it); the Social Security Act for Medigap (1882) and the
Medicare Savings Programs (1902(a)(10)(E), 1905(p)).

    >>> screen = CognitiveScreen(instrument="mini_cog", score=2)
    >>> screen.positive, screen.shown()
    (True, 'Mini-Cog 2/5 (positive screen: below 3)')
"""
from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from sim.errors import UnknownNameError
from sim.model.base import Model, TableModel
from sim.tables import cached_table, read_yaml

CognitiveStatus = Literal["intact", "suspected", "mild_cognitive_impairment", "dementia"]
SupplementalKind = Literal["medigap", "medicare_advantage", "part_d", "extra_help", "qmb", "slmb", "qi",
                           "employer_retiree"]


class ScreenRule(TableModel):
    label: str
    max: int
    positive_below: int
    source: str


class IndicatorSet(TableModel):
    source: str
    indicators: dict[str, str]


class CoverageRule(TableModel):
    label: str
    with_insurance: list[str]
    excludes: list[SupplementalKind]
    max_fpl_percent: int | None = None
    source: str


class ClinicalTable(TableModel):
    """The data file ``clinical.yaml``."""

    cognitive_screens: dict[str, ScreenRule]
    cognitive_status: dict[CognitiveStatus, str]
    dementia_codes: list[str]
    mci_codes: list[str]
    risk_indicators: dict[str, IndicatorSet]
    supplemental: dict[SupplementalKind, CoverageRule]

    @model_validator(mode="after")
    def _complete(self) -> ClinicalTable:
        from typing import get_args

        for name, table, names in (("cognitive_status", self.cognitive_status, get_args(CognitiveStatus)),
                                   ("supplemental", self.supplemental, get_args(SupplementalKind))):
            missing = sorted(set(names) - set(table))
            if missing:
                raise ValueError(f"{name}: no entry for {missing}")
        return self


clinical = cached_table("clinical.yaml", ClinicalTable, "The validated table (cached).")


class CognitiveScreen(Model):
    """One cognitive screening result as the chart records it (the score, not the answers)."""

    instrument: str = Field(description="mini_cog (0-5), moca (0-30) or mmse (0-30)")
    score: int = Field(ge=0)

    @field_validator("instrument")
    @classmethod
    def _known(cls, value: str) -> str:
        screens = clinical().cognitive_screens
        if value not in screens:
            raise UnknownNameError("cognitive screen", value, list(screens))
        return value

    @model_validator(mode="after")
    def _in_range(self) -> CognitiveScreen:
        rule = clinical().cognitive_screens[self.instrument]
        if self.score > rule.max:
            raise ValueError(f"{rule.label} scores 0 to {rule.max} (got {self.score})")
        return self

    @property
    def positive(self) -> bool:
        """Below the published cut-off: impairment possible (a screen, not a diagnosis)."""
        return self.score < clinical().cognitive_screens[self.instrument].positive_below

    def shown(self) -> str:
        """The result in words, as a chart line."""
        rule = clinical().cognitive_screens[self.instrument]
        verdict = f"positive screen: below {rule.positive_below}" if self.positive else "negative screen"
        return f"{rule.label} {self.score}/{rule.max} ({verdict})"


class Cognition(Model):
    """What is known of the patient's cognition: screening results and the diagnostic status."""

    status: CognitiveStatus = Field(
        description="intact | suspected (screen positive or the team's concern, not evaluated) | "
                    "mild_cognitive_impairment | dementia (a diagnosis, coded among the diagnoses)")
    stage: Literal["mild", "moderate", "severe"] | None = Field(
        default=None, description="for dementia only: mild, moderate or severe")
    screens: list[CognitiveScreen] = Field(default_factory=list)
    notes: str = Field(default="", description="what the chart says (orientation, who noticed what)")

    @model_validator(mode="after")
    def _consistent(self) -> Cognition:
        if self.stage is not None and self.status != "dementia":
            raise ValueError(f"stage {self.stage!r} is given for status {self.status!r}; a stage is for "
                             "status 'dementia' only (leave stage out)")
        positive = [s for s in self.screens if s.positive]
        if self.status == "intact" and positive:
            raise ValueError(f"status 'intact' with a positive screen ({positive[0].shown()}); use "
                             "'suspected' (not yet evaluated), 'mild_cognitive_impairment' or 'dementia'")
        return self

    def shown(self) -> str:
        """Status, stage and screens in words, as a chart line."""
        status = clinical().cognitive_status[self.status]
        if self.stage:
            status += f", {self.stage}"
        parts = [status, *(s.shown() for s in self.screens)]
        return "; ".join(parts) + (f". {self.notes}" if self.notes else "")


class Supplemental(Model):
    """Coverage beside the main insurance (Medigap, Medicare Advantage, a Medicare Savings Program...)."""

    kind: SupplementalKind
    plan: str = Field(default="", description="the plan as the card says it, e.g. 'Plan G'")
    monthly_premium: int | None = Field(default=None, ge=0, description="US dollars a month the patient pays")
    waives_three_day_stay: bool = Field(
        default=False, description="medicare_advantage only: the plan covers a SNF stay without the prior "
                                   "3-day inpatient stay (42 CFR 422.101(c))")

    @model_validator(mode="after")
    def _plan_fits(self) -> Supplemental:
        if self.waives_three_day_stay and self.kind != "medicare_advantage":
            raise ValueError(f"waives_three_day_stay is for a medicare_advantage plan (got kind {self.kind!r}); "
                             "leave it out")
        if self.kind == "medigap" and self.plan and medigap_letter(self.plan) is None:
            letters = ", ".join(medigap_plans())
            raise ValueError(f"medigap plan {self.plan!r} names no standardized plan letter; write it as "
                             f"'Plan G' (letters: {letters}; CMS, Choosing a Medigap Policy)")
        return self

    def shown(self) -> str:
        text = clinical().supplemental[self.kind].label + (f", {self.plan}" if self.plan else "")
        return text + (f" (${self.monthly_premium}/month)" if self.monthly_premium is not None else "")


def medigap_plans() -> list[str]:
    """The standardized Medigap plan letters (``coverage.yaml``, from CMS's Medigap plan chart)."""
    return list(read_yaml("coverage.yaml")["medigap"]["plans"])


def medigap_letter(plan: str) -> str | None:
    """The standardized Medigap plan letter a plan's name gives ('Plan G' -> 'G'), or None.

        >>> medigap_letter("Plan G"), medigap_letter("high-deductible plan F"), medigap_letter("gold")
        ('G', 'F', None)
    """
    found = re.search(r"\bplan\s+([a-z])\b|^\s*([A-Z])\s*$", plan, flags=re.IGNORECASE)
    letter = next((g for g in found.groups() if g), "").upper() if found else ""
    return letter if letter in medigap_plans() else None


def supplemental_problem(insurance: str, supplemental: list[Supplemental]) -> str | None:
    """Why this coverage cannot go together (with the rule's source), or None."""
    rules = clinical().supplemental
    kinds = [s.kind for s in supplemental]
    for kind in kinds:
        rule = rules[kind]
        if insurance not in rule.with_insurance:
            return (f"supplemental {kind!r} goes with insurance {' or '.join(map(repr, rule.with_insurance))} "
                    f"(got insurance {insurance!r}; {rule.source})")
        clash = [k for k in kinds if k in rule.excludes]
        if clash:
            return f"supplemental {kind!r} cannot be held together with {clash[0]!r} ({rule.source})"
        if kinds.count(kind) > 1:
            return f"supplemental {kind!r} is listed more than once"
    return None


def indicator_problem(kind: str, indicators: list[str]) -> str | None:
    """Why these indicators do not fit a risk of this kind, or None."""
    table = clinical().risk_indicators
    if not indicators:
        return None
    if kind not in table:
        return (f"risk {kind!r} has no indicator list (indicators are for: {', '.join(table)}); "
                "describe it in evidence instead")
    unknown = [i for i in indicators if i not in table[kind].indicators]
    if unknown:
        return str(UnknownNameError(f"{kind} indicator", unknown[0], list(table[kind].indicators)))
    return None


def indicator_labels(kind: str, indicators: list[str]) -> str:
    """The indicators of a risk in words, for the instructor's key."""
    table = clinical().risk_indicators.get(kind)
    words = [table.indicators.get(i, i) if table is not None else i for i in indicators]
    return "; ".join(w[:1].lower() + w[1:] for w in words)
