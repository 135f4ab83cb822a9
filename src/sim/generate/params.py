"""The generator's parameters: YAML tables in ``sim/data/generation/``, validated by pydantic.

Every prevalence and correlation the generator uses is here, each with its source or marked a
teaching assumption in the file. :func:`params` loads and cross-checks them once.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Literal, get_args

from pydantic import ConfigDict, Field, ValidationError, model_validator

from sim.errors import DataTableError, validation_message
from sim.generate.charlson import categories_of
from sim.model.base import TableModel
from sim.model.patient import AdmissionType, Prognosis
from sim.model.taxonomy import taxonomy
from sim.tables import load_table

Weights = dict[str, float]
PROGNOSES: tuple[Prognosis, ...] = get_args(Prognosis)
ADMISSIONS: tuple[AdmissionType, ...] = get_args(AdmissionType)
RISK_LEVELS = ("none", "low", "moderate", "high")


class LOS(TableModel):
    """Lognormal length of stay in days."""

    median: float = Field(ge=0)
    sigma: float = Field(ge=0)


class SettingParams(TableModel):
    """Case mix of one practice setting (settings.yaml)."""

    weight: float = Field(gt=0)
    inpatient: bool
    age_bands: list[tuple[int, int, float]]
    female_share: float = Field(ge=0, le=1)
    admission: dict[AdmissionType, float]
    diagnoses: Weights
    prognosis: dict[Prognosis, float]
    ed_visits_mean: float = Field(ge=0)
    fpl_median: float = Field(gt=0)
    fpl_sigma: float = Field(gt=0)
    referral: Weights
    need_multipliers: Weights = Field(default_factory=dict)
    los: LOS | None = None
    los_multiplier: float = 1.0

    @property
    def age_min(self) -> int:
        return min(b[0] for b in self.age_bands)

    @property
    def age_max(self) -> int:
        return max(b[1] for b in self.age_bands)


class SettingsTable(TableModel):
    """settings.yaml: the case mix of every setting."""

    source: str
    settings: dict[str, SettingParams]


class DiagnosisParams(TableModel):
    """One diagnosis or comorbidity (diagnoses.yaml)."""

    code: str = Field(pattern=r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
    label: str
    charlson: list[str]
    los: LOS | None = None
    age: tuple[int, int] = (0, 120)
    sex: Literal["female", "male"] | None = None
    prognosis_factor: Weights = Field(default_factory=dict)
    need_multipliers: Weights = Field(default_factory=dict)
    need_min: dict[str, int] = Field(default_factory=dict)
    risk_min: dict[str, Literal["low", "moderate", "high"]] = Field(default_factory=dict)
    ed_visits_factor: float = Field(default=1.0, ge=0)
    p: list[float] | None = None
    implies: list[str] = Field(default_factory=list)


class DiagnosesTable(TableModel):
    """diagnoses.yaml: diagnoses, comorbidities and Charlson weights."""

    source: str
    charlson_weights: dict[str, int]
    charlson_codes: dict[str, list[str]]
    charlson_hierarchy: list[tuple[str, str]]
    metastatic_prognoses: list[str]
    diagnoses: dict[str, DiagnosisParams]
    comorbidity_age_bands: list[tuple[int, int]]
    comorbidities: dict[str, DiagnosisParams]


class NeedParams(TableModel):
    """Prevalence, severity and modifiers of one need (needs.yaml)."""

    base: float = Field(ge=0, le=1)
    source: str
    severity: dict[int, float]
    eligible: dict[str, int | bool] = Field(default_factory=dict)
    modifiers: dict[str, list[float] | Weights | float] = Field(default_factory=dict)


class NeedsTable(TableModel):
    """generation/needs.yaml: need prevalences and modifiers."""

    max_p: float
    referral_severity: dict[int, float]
    fpl_bands: list[int]
    age_bands: list[tuple[int, int]]
    needs: dict[str, NeedParams]
    disclosure: dict[str, float]


class SuicideRisk(TableModel):
    """risks.yaml ``suicide``: chance by the driving need's severity, and the level's weights."""

    p_by_severity: list[float]
    crisis_extra: float
    level: Weights


class FallsRisk(TableModel):
    """risks.yaml ``falls``: chance by age band, the factor for any ADL dependency, the level's weights."""

    p_by_age: list[float]
    adl_any: float
    level: Weights


class RisksTable(TableModel):
    """risks.yaml: how risks follow needs, age, function and the chart."""

    source: str
    levels: list[str]
    suicide: SuicideRisk
    from_need: dict[str, str]
    child_maltreatment: dict[str, float]
    falls: FallsRisk
    readmission: dict[str, int]
    ed_visit_multipliers: dict[str, float]


class LatentTable(TableModel):
    """latent.yaml: latent state and functional status tables."""

    source: str
    depression: dict[int, dict[int, float]]
    anxiety: dict[int, dict[int, float]]
    alcohol: dict
    functional: dict
    disability: dict


class InsuranceRule(TableModel):
    """One insurance rule: conditions and plan weights."""

    when: dict[str, int | bool | str]
    plans: Weights


class InsuranceConstraint(TableModel):
    """What an insurance= constraint implies."""

    explain: str
    age_min: int = 0
    age_max: int = 120
    fpl_below: int | None = None
    fpl_at_least: int | None = None
    disabled_below: int | None = None
    under_65_weight: float = 1.0
    veteran: bool = False


class PopulationTable(TableModel):
    """population.yaml: identity, income, insurance, work and education."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reference_date: str
    race: dict
    hispanic: dict
    language: dict
    veteran: dict
    gender_identity: dict
    religion: dict
    poverty_guideline: dict
    fpl_max: int
    fpl_modifiers: Weights
    insurance: dict
    insurance_constraints: dict[str, InsuranceConstraint]
    employment: dict
    education: dict
    strengths: dict
    names: dict

    @property
    def insurance_rules(self) -> list[InsuranceRule]:
        return [InsuranceRule.model_validate(r) for r in self.insurance["rules"]]


class FamilyAges(TableModel):
    """Age spans (lowest, highest, in whole years) of family members (family.yaml ``ages``)."""

    partner_offset: tuple[int, int]
    ex_partner_offset: tuple[int, int]
    widowed_years_ago: tuple[int, int]
    mother_age_at_birth: tuple[int, int]
    father_minus_mother: tuple[int, int]
    parent_death_age: tuple[int, int]
    parent_max_age: int
    first_child_at: tuple[int, int]
    second_child_gap: tuple[int, int]
    third_child_gap: tuple[int, int]
    sibling_offset: tuple[int, int]
    grandmother_older_by: tuple[int, int]
    other_caregiver_age: tuple[int, int]


class FamilyTable(TableModel):
    """family.yaml: household and family structure."""

    source: str
    age_bands: list[tuple[int, int]]
    p_partner_by_age: list[float]
    p_married_given_partner: float
    p_ex_partner_by_age: list[float]
    p_widowed_female_by_age: list[float]
    p_widowed_male_by_age: list[float]
    children_by_age: list[dict[int, float]]
    p_adult_child_lives_with: float
    p_mother_alive_by_age: list[float]
    p_father_alive_by_age: list[float]
    p_lives_with_parents_adult: list[float]
    child_household: Weights
    siblings: dict[int, float]
    p_sibling_lives_with_adult: float
    quality: Weights
    health: Weights
    caregiver_order: list[str]
    other_caregiver: dict
    p_partner_lives_with: float
    p_same_sex_partner: float
    p_divorced_given_ex: float
    p_female_child: float
    p_sibling_alive_75_plus: float
    p_sibling_lives_with_child: float
    p_other_caregiver_male: float
    same_family_name: list[float] = Field(min_length=10, max_length=10)
    ages: FamilyAges


class County(TableModel):
    """A fictional county."""

    name: str
    state: str = Field(pattern=r"^[A-Z]{2}$")
    area_codes: list[str]
    zip: tuple[int, int]
    towns: list[str]


class PlacesTable(TableModel):
    """places.yaml: fictional counties, towns and streets."""

    source: str
    counties: list[County]
    street_names: list[str]
    street_suffixes: list[str]


class NarrativeTable(TableModel):
    """narrative.yaml: evidence phrases for needs and risks."""

    source: str
    evidence: dict[str, tuple[str, str, str]]
    risk_evidence: dict[str, str]


class Params(TableModel):
    """All generation tables, cross-checked against the taxonomy."""

    settings: SettingsTable
    diagnoses: DiagnosesTable
    needs: NeedsTable
    risks: RisksTable
    latent: LatentTable
    population: PopulationTable
    family: FamilyTable
    places: PlacesTable
    narrative: NarrativeTable

    @model_validator(mode="after")
    def _cross_check(self) -> Params:
        tx = taxonomy()
        domains, settings = set(tx.domains), set(tx.settings)
        problems: list[str] = []
        if set(self.settings.settings) != settings:
            problems.append(
                f"settings.yaml settings {sorted(set(self.settings.settings) ^ settings)} differ from needs.yaml"
            )
        if set(self.needs.needs) != domains:
            problems.append(f"needs.yaml domains {sorted(set(self.needs.needs) ^ domains)} differ from the taxonomy")
        if set(self.narrative.evidence) != domains:
            problems.append("narrative.yaml evidence must cover every need domain")
        for name, s in self.settings.settings.items():
            for dx in s.diagnoses:
                if dx not in self.diagnoses.diagnoses:
                    problems.append(f"setting {name!r} names unknown diagnosis {dx!r}")
            for d in [*s.referral, *s.need_multipliers]:
                if d not in domains:
                    problems.append(f"setting {name!r} names unknown need domain {d!r}")
        dg = self.diagnoses
        if set(dg.charlson_codes) != set(dg.charlson_weights):
            problems.append(f"charlson_codes and charlson_weights name different categories: "
                            f"{sorted(set(dg.charlson_codes) ^ set(dg.charlson_weights))}")
        for name, diagnosis in [*dg.diagnoses.items(), *dg.comorbidities.items()]:
            for c in diagnosis.charlson:
                if c not in dg.charlson_weights:
                    problems.append(f"diagnosis {name!r} names unknown Charlson category {c!r}")
            coded = categories_of(diagnosis.code, dg.charlson_codes)
            if sorted(diagnosis.charlson) != sorted(coded):
                problems.append(f"diagnosis {name!r} ({diagnosis.code}) lists Charlson {sorted(diagnosis.charlson)} "
                                f"but its code counts as {sorted(coded)} (charlson_codes, Quan et al. 2005)")
            for c in diagnosis.implies:
                if c not in dg.comorbidities:
                    problems.append(f"diagnosis {name!r} implies unknown comorbidity {c!r}; "
                                    f"allowed: {sorted(dg.comorbidities)}")
            for d in [*diagnosis.need_multipliers, *diagnosis.need_min]:
                if d not in domains:
                    problems.append(f"diagnosis {name!r} names unknown need domain {d!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self


@lru_cache(maxsize=1)
def params() -> Params:
    """Load and validate every generation table (cached)."""
    g = "generation/"
    try:
        return _assemble(g)
    except ValidationError as exc:
        problems = "; ".join(validation_message(e) for e in exc.errors())
        raise DataTableError(f"sim/data/{g}: the tables disagree: {problems}") from exc


def _assemble(g: str) -> Params:
    return Params(
        settings=load_table(g + "settings.yaml", SettingsTable),
        diagnoses=load_table(g + "diagnoses.yaml", DiagnosesTable),
        needs=load_table(g + "needs.yaml", NeedsTable),
        risks=load_table(g + "risks.yaml", RisksTable),
        latent=load_table(g + "latent.yaml", LatentTable),
        population=load_table(g + "population.yaml", PopulationTable),
        family=load_table(g + "family.yaml", FamilyTable),
        places=load_table(g + "places.yaml", PlacesTable),
        narrative=load_table(g + "narrative.yaml", NarrativeTable),
    )
