"""Triage rules: task times, risk levels and their triggers, unit mixes (``sim/data/triage.yaml``)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from sim.errors import SimValueError, UnknownNameError
from sim.model.base import TableModel
from sim.model.taxonomy import need_domains, risk_kinds, settings
from sim.tables import cached_table

if TYPE_CHECKING:
    pass

Level = Literal["crisis", "discharge_today", "high", "routine"]
TaskKind = Literal["crisis_response", "assessment", "discharge_planning", "family_meeting", "documentation"]
_RISK_ORDER = {"none": 0, "low": 1, "moderate": 2, "high": 3}


class TriageError(SimValueError):
    """An order or time allocation that cannot be scored; the message lists every problem."""


class TaskRule(TableModel):
    label: str
    minutes: int = Field(ge=1)
    per_other_task: int = Field(default=0, ge=0)
    source: str


class LevelRule(TableModel):
    label: str
    weight: float = Field(gt=0)
    window_minutes: int | None = Field(default=None, ge=1)
    late_credit: float = Field(ge=0, le=1)
    harm_if_late: bool


class Trigger(TableModel):
    latent_at_least: dict[str, int] = Field(default_factory=dict)
    risk_at_least: dict[str, Literal["low", "moderate", "high"]] = Field(default_factory=dict)
    lace_at_least: int | None = None

    @model_validator(mode="after")
    def _known(self) -> Trigger:
        for kind in self.risk_at_least:
            if kind not in risk_kinds():
                raise UnknownNameError("risk", kind, risk_kinds())
        return self


class UnitMix(TableModel):
    discharge_today: float = Field(ge=0, le=1)
    crisis: float = Field(ge=0, le=1)


class TriageRules(TableModel):
    """The contents of ``sim/data/triage.yaml``."""

    tasks: dict[TaskKind, TaskRule]
    levels: dict[Level, LevelRule]
    triggers: dict[Literal["crisis", "high"], Trigger]
    latent_labels: dict[str, list[str]] = Field(default_factory=dict)
    needs_family_meeting: dict[str, int]
    harm_penalty: float = Field(ge=0)
    backlog_penalty_per_hour: float = Field(ge=0)
    units: dict[str, UnitMix]
    reasons: dict[str, str]

    @model_validator(mode="after")
    def _names(self) -> TriageRules:
        for unit in self.units:
            if unit != "default" and unit not in settings():
                raise UnknownNameError("unit", unit, ["default", *settings()])
        for need in self.needs_family_meeting:
            if need not in need_domains():
                raise UnknownNameError("need domain", need, need_domains())
        if "default" not in self.units:
            raise ValueError("units needs a 'default' entry")
        return self


rules = cached_table("triage.yaml", TriageRules, "The validated triage rules (cached).")

