"""The feedback rubric (``sim/data/rubric.yaml``): weights, caps and evidence rules, validated.

Also the keyword matcher shared with note checking: :func:`mentions` tells whether a text talks
about a need domain, using the rubric's ``need_keywords``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from pydantic import Field, field_validator, model_validator

from sim.model.base import TableModel
from sim.model.taxonomy import need_domains, risk_kinds
from sim.tables import cached_table


class CapRules(TableModel):
    critical_action_missed: float = Field(ge=0, le=100)
    unsafe_choice: float = Field(default=50, ge=0, le=100)


class AssessmentWeights(TableModel):
    need_found: dict[int, float]
    severity_off_by: dict[int, float]
    false_alarm: float = Field(ge=0)
    false_alarm_max: float = Field(ge=0)
    risk_found: dict[str, float]
    risk_level_off_by: dict[int, float]
    risk_false_alarm: float = Field(ge=0)
    strengths: float = Field(ge=0)
    formulation: float = Field(ge=0)
    formulation_min_words: int = Field(ge=0)

    @model_validator(mode="after")
    def _complete(self) -> AssessmentWeights:
        for sev in (1, 2, 3):
            if sev not in self.need_found:
                raise ValueError(f"need_found has no weight for severity {sev}; give 1, 2 and 3")
        for level in ("low", "moderate", "high"):
            if level not in self.risk_found:
                raise ValueError(f"risk_found has no weight for level {level!r}; give low, moderate, high")
        return self


class SmartShares(TableModel):
    specific: float = Field(ge=0, le=1)
    measurable: float = Field(ge=0, le=1)
    achievable: float = Field(ge=0, le=1)
    relevant: float = Field(ge=0, le=1)
    time_bound: float = Field(ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> SmartShares:
        total = sum(self.model_dump().values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"SMART shares must add up to 1, they add up to {total:g}")
        return self


class PlanWeights(TableModel):
    critical_action: float = Field(ge=0)
    recommended: float = Field(ge=0)
    contraindicated: float = Field(ge=0)
    referral: float = Field(ge=0)
    referral_min_severity: int = Field(ge=1, le=3)
    ineligible_referral: float = Field(ge=0)
    goal: float = Field(ge=0)
    goal_min_severity: int = Field(ge=1, le=3)
    smart: SmartShares
    goal_min_words: int = Field(ge=1)
    unrealistic_words: list[str] = Field(default_factory=list)
    measurable_words: list[str]
    discharge: float = Field(ge=0)
    optional_discharge_settings: list[str] = Field(default_factory=list)
    follow_up: float = Field(ge=0)

    @field_validator("optional_discharge_settings")
    @classmethod
    def _settings(cls, value: list[str]) -> list[str]:
        from sim.model.taxonomy import settings

        unknown = sorted(set(value) - set(settings()))
        if unknown:
            raise ValueError(f"optional_discharge_settings names unknown settings {unknown}; allowed: {settings()}")
        return value


class EvidenceRules(TableModel):
    max_answers: int = Field(ge=0)
    items: dict[str, dict[str, list[int]]]
    risk_items: dict[str, dict[str, list[int]]] = Field(default_factory=dict)
    names: dict[str, str] = Field(default_factory=dict)
    action_risks: dict[str, str | list[str]] = Field(
        default_factory=dict, description="a risk, or risks in order: the first the case key lists is cited")
    normal: dict[str, list[int | str]]

    @field_validator("items")
    @classmethod
    def _domains(cls, value: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, list[int]]]:
        unknown = sorted(set(value) - set(need_domains()))
        if unknown:
            raise ValueError(f"evidence.items names unknown need domains {unknown}")
        return value

    @field_validator("risk_items")
    @classmethod
    def _risks(cls, value: dict[str, dict[str, list[int]]]) -> dict[str, dict[str, list[int]]]:
        unknown = sorted(set(value) - set(risk_kinds()))
        if unknown:
            raise ValueError(f"evidence.risk_items names unknown risks {unknown}")
        return value


class Rubric(TableModel):
    """Every weight the feedback uses; see ``sim/data/rubric.yaml`` for the meaning of each."""

    cap: CapRules
    assessment: AssessmentWeights
    plan: PlanWeights
    evidence: EvidenceRules
    need_keywords: dict[str, list[str]]

    @field_validator("need_keywords")
    @classmethod
    def _keyword_domains(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        unknown = sorted(set(value) - set(need_domains()))
        if unknown:
            raise ValueError(f"need_keywords names unknown need domains {unknown}")
        return value


rubric = cached_table("rubric.yaml", Rubric, "The validated rubric (cached).")


@lru_cache(maxsize=256)
def keyword_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """A case-insensitive regex for whole words or phrases; a trailing ``*`` matches any ending."""
    parts = []
    for word in words:
        stem = word.endswith("*")
        body = re.escape(word.rstrip("*"))
        end = "" if stem else r"(?!\w)"
        parts.append(r"(?<!\w)" + body + end)
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def mentions(text: str, domain: str) -> bool:
    """True when ``text`` uses one of the rubric's keywords for need ``domain``."""
    words = rubric().need_keywords.get(domain, [])
    return bool(words) and bool(keyword_pattern(tuple(words)).search(text))
