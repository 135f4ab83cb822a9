"""The parameters of the follow-up simulation (``sim/data/outcomes.yaml``), validated."""
from __future__ import annotations

from functools import lru_cache

from pydantic import Field, field_validator, model_validator

from sim.errors import UnknownNameError
from sim.model.base import TableModel
from sim.model.taxonomy import intervention_ids, need_domains


class Effects(TableModel):
    """Additive effects on each outcome (log-odds, log-rate, points or days; see outcomes.yaml)."""

    readmission: float = 0.0
    ed: float = 0.0
    wellbeing: float = 0.0
    delay_days: float = 0.0
    self_harm: float = 0.0
    violence: float = 0.0
    maltreatment: float = 0.0
    burnout: float = 0.0

    def plus(self, other: Effects) -> Effects:
        return Effects(**{k: getattr(self, k) + getattr(other, k) for k in Effects.model_fields})


class LaceCurve(TableModel):
    source: str
    by_score: list[float] = Field(min_length=20, max_length=20)

    @field_validator("by_score")
    @classmethod
    def _increasing(cls, value: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(value, value[1:], strict=False)) or not 0 < value[0] < value[-1] < 1:
            raise ValueError("LACE risks must be probabilities rising with the score")
        return value


class Factor(TableModel):
    factor: float = Field(gt=0)
    source: str


class EdVisits(TableModel):
    base_rate_90d: float = Field(ge=0)
    per_prior_visit: float = Field(ge=0)
    dispersion_shape: float = Field(gt=0)
    source: str


class Wellbeing(TableModel):
    base: float = Field(ge=0, le=100)
    per_depression_level: float
    noise_sd: float = Field(ge=0)
    source: str


class Delay(TableModel):
    shape: float = Field(gt=0)
    no_disposition_days: float = Field(ge=0)
    source: str


class SafetyBase(TableModel):
    source: str
    self_harm_by_suicide_level: list[float] = Field(min_length=4, max_length=4)
    violence_by_ipv_level: list[float] = Field(min_length=4, max_length=4)
    maltreatment_by_risk_level: list[float] = Field(min_length=4, max_length=4)


class Burnout(TableModel):
    by_burden_level: list[float] = Field(min_length=4, max_length=4)
    per_adl_dependency: float
    source: str


class NeedEffects(TableModel):
    source: str
    domains: dict[str, Effects]

    @model_validator(mode="after")
    def _all_domains(self) -> NeedEffects:
        if set(self.domains) != set(need_domains()):
            missing = sorted(set(need_domains()) - set(self.domains))
            extra = sorted(set(self.domains) - set(need_domains()))
            raise ValueError(f"need_effects must list every need domain (missing {missing}, unknown {extra})")
        return self


class FollowThrough(TableModel):
    base: float = Field(gt=0, le=1)
    with_coordination: float = Field(gt=0, le=1)
    coordination_interventions: list[str]
    language_barrier_factor: float = Field(gt=0, le=1)
    source: str


class PlanEffects(TableModel):
    source: str
    concentration: float = Field(gt=0)
    intervention_engagement: float = Field(gt=0, le=1)
    intervention_efficacy: dict[str, float]
    referral_efficacy: float = Field(gt=0, lt=1)
    referral_follow_through: FollowThrough

    @field_validator("intervention_efficacy")
    @classmethod
    def _all_interventions(cls, value: dict[str, float]) -> dict[str, float]:
        for name in value:
            if name not in intervention_ids():
                raise UnknownNameError("intervention", name, intervention_ids())
        if set(value) != set(intervention_ids()) or not all(0 < v < 1 for v in value.values()):
            raise ValueError("give an efficacy strictly between 0 and 1 for each of the twelve interventions")
        return value


class RuleEffects(TableModel):
    source: str
    rules: dict[str, Effects]
    default: Effects


class ActionEffects(TableModel):
    source: str
    actions: dict[str, Effects]


class GoalAttainment(TableModel):
    base: float
    per_resolved: float
    per_severity_above_1: float
    source: str


class HarmIndex(TableModel):
    source: str
    weights: dict[str, float]


class OutcomeParams(TableModel):
    """The whole outcomes table."""

    horizon_days: int = Field(gt=30)
    lace_readmission_30d: LaceCurve
    readmission_31_90: Factor
    ed_visits: EdVisits
    wellbeing: Wellbeing
    discharge_delay: Delay
    safety_base_90d: SafetyBase
    caregiver_burnout_90d: Burnout
    need_effects: NeedEffects
    plan_effects: PlanEffects
    contraindication_effects: RuleEffects
    missed_action_effects: ActionEffects
    goal_attainment: GoalAttainment
    harm_index: HarmIndex


@lru_cache(maxsize=1)
def params() -> OutcomeParams:
    """The validated outcome parameters (cached)."""
    from sim.tables import load_table

    return load_table("outcomes.yaml", OutcomeParams)
