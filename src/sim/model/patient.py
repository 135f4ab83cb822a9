"""The synthetic patient referred to social work: pydantic v2 models.

A :class:`Patient` holds identity, economics, address, medical context, household and family,
the psychosocial profile (needs, risks, strengths, culture), the latent state that drives
instrument answers, and the synthesized screening responses. Every record carries
``synthetic=True``: no real person's data is ever modelled here.
"""
from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from sim.model.base import Model
from sim.model.clinical import Cognition, Supplemental, clinical, indicator_problem, supplemental_problem
from sim.model.taxonomy import NeedDomainName, RiskName, SettingName

Severity = Literal[0, 1, 2, 3]
RiskLevel = Literal["none", "low", "moderate", "high"]
Sex = Literal["female", "male", "intersex"]
Insurance = Literal["medicare", "medicaid", "dual", "private", "marketplace", "va", "uninsured"]
AdmissionType = Literal["emergent", "urgent", "elective", "outpatient", "observation"]
Prognosis = Literal["good", "guarded", "poor", "terminal_months", "terminal_weeks"]
Role = Literal["caregiver", "dependent", "support", "stressor", "none"]
Quality = Literal["strong", "moderate", "tenuous", "conflicted", "abusive", "cut_off"]
# citizen (or US national); qualified immigrant (8 U.S.C. 1641(b)) without a waiting period or
# exempt from it (refugees, asylees, ...); qualified but within the 5-year bar (8 U.S.C. 1613);
# undocumented.
ImmigrationStatus = Literal["citizen", "qualified", "qualified_5yr_bar", "undocumented"]


class Identity(Model):
    """Who the patient is. Names come from Faker pools and are synthetic."""

    given_name: str
    family_name: str
    pronouns: str
    sex: Sex
    gender_identity: str
    date_of_birth: date
    age: int = Field(ge=0, le=110)
    language: str
    interpreter_needed: bool
    race: str
    ethnicity: str
    veteran: bool
    immigration_status: ImmigrationStatus | None = Field(
        default=None, description="for benefit eligibility; None = not recorded (treated as eligible)")

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class Contact(Model):
    """Fictional contact details: 555-01xx telephone numbers, example.org e-mail."""

    phone: str = Field(pattern=r"^\(\d{3}\) 555-01\d\d$")
    email: str = Field(pattern=r"^[^@\s]+@example\.org$")


class Address(Model):
    street: str
    city: str
    county: str
    state: str
    zip_code: str


class Economics(Model):
    insurance: Insurance
    household_size: int = Field(ge=1, le=12)
    household_income: int = Field(ge=0, description="annual, US dollars")
    fpl_percent: int = Field(ge=0, description="household income as percent of the federal poverty level")
    employment: str
    education: str
    supplemental: list[Supplemental] = Field(
        default_factory=list,
        description="coverage beside the main insurance: medigap, medicare_advantage, part_d, extra_help, "
                    "the Medicare Savings Programs (qmb, slmb, qi), employer_retiree")

    @model_validator(mode="after")
    def _coverage_fits(self) -> Economics:
        problem = supplemental_problem(self.insurance, self.supplemental)
        if problem is not None:
            raise ValueError(problem)
        return self


class Diagnosis(Model):
    code: str = Field(description="ICD-10-CM code")
    label: str


class FunctionalStatus(Model):
    """Katz ADL and Lawton IADL items the patient needs help with."""

    adl_dependent: list[str] = Field(default_factory=list)
    iadl_dependent: list[str] = Field(default_factory=list)
    mobility: str = "independent"


class MedicalContext(Model):
    setting: SettingName
    admission_type: AdmissionType
    primary_diagnosis: Diagnosis
    comorbidities: list[Diagnosis] = Field(default_factory=list)
    charlson_index: int = Field(ge=0, le=30)
    length_of_stay_days: int = Field(ge=0, le=365)
    ed_visits_6mo: int = Field(ge=0, le=50)
    prognosis: Prognosis
    functional_status: FunctionalStatus = Field(default_factory=FunctionalStatus)
    cognition: Cognition | None = Field(
        default=None, description="screening results and diagnostic status; leave out when not assessed")

    @model_validator(mode="after")
    def _dementia_is_coded(self) -> MedicalContext:
        if self.cognition is not None and self.cognition.status == "dementia":
            codes = [d.code.upper() for d in (self.primary_diagnosis, *self.comorbidities)]
            wanted = clinical().dementia_codes
            if not any(c.startswith(tuple(wanted)) for c in codes):
                raise ValueError(f"cognition status 'dementia' with no dementia diagnosis among the codes "
                                 f"(got {', '.join(codes)}); add one of {', '.join(wanted)} to comorbidities, "
                                 "or use status 'suspected'")
        return self


class FamilyMember(Model):
    """A person in the patient's family or household: enough for a genogram and an ecomap."""

    id: str
    name: str
    relation: str
    sex: Sex
    age: int = Field(ge=0, le=110)
    living: bool = True
    lives_with_patient: bool = False
    health: str = "well"
    role: Role = "none"
    relationship_quality: Quality = "moderate"
    partner_status: Literal["married", "partnered", "separated", "divorced", "widowed"] | None = None


class Need(Model):
    """A psychosocial need: its domain, severity 0-3, the evidence for it, how hard it is to disclose."""

    domain: NeedDomainName
    severity: Severity
    evidence: str
    disclosure_difficulty: float = Field(ge=0.0, le=1.0, description="0 says it at once, 1 only with deep rapport")


class Risk(Model):
    kind: RiskName
    level: RiskLevel
    evidence: str = ""
    indicators: list[str] = Field(
        default_factory=list, description="for self_neglect: the indicators seen (sim/data/clinical.yaml)")

    @model_validator(mode="after")
    def _indicators(self) -> Risk:
        problem = indicator_problem(self.kind, self.indicators)
        if problem is not None:
            raise ValueError(problem)
        if self.kind in clinical().risk_indicators and self.level != "none" and not self.indicators:
            allowed = ", ".join(clinical().risk_indicators[self.kind].indicators)
            raise ValueError(f"a {self.kind} risk names the indicators seen (allowed: {allowed})")
        return self


class Culture(Model):
    religion: str
    spirituality_importance: Literal["low", "moderate", "high"]
    notes: str = ""


class PsychosocialProfile(Model):
    needs: list[Need]
    risks: list[Risk]
    strengths: list[str]
    culture: Culture

    def need(self, domain: str) -> Need | None:
        return next((n for n in self.needs if n.domain == domain), None)

    def risk(self, kind: str) -> Risk | None:
        return next((r for r in self.risks if r.kind == kind), None)


class LatentState(Model):
    """The patient's true state, which drives how they answer screening instruments.

    Scales: ``depression`` 0-4 (PHQ-9 band: minimal .. severe); ``anxiety`` 0-3 (GAD-7 band);
    ``alcohol`` 0-3 (none, low risk, hazardous, severe); ``suicide`` 0-3 (none, passive wish,
    active ideation, ideation with intent or recent behaviour); ``ipv`` 0-3; ``caregiver_burden``
    0-3 (of the main caregiver); ``adl_dependencies`` 0-6; ``iadl_dependencies`` 0-8.
    """

    depression: int = Field(ge=0, le=4)
    anxiety: int = Field(ge=0, le=3)
    alcohol: int = Field(ge=0, le=3)
    suicide: int = Field(ge=0, le=3)
    ipv: int = Field(ge=0, le=3)
    caregiver_burden: int = Field(ge=0, le=3)
    adl_dependencies: int = Field(ge=0, le=6)
    iadl_dependencies: int = Field(ge=0, le=8)


class Patient(Model):
    """One synthetic patient referred to social work."""

    id: str
    seed: int
    synthetic: Literal[True] = True
    identity: Identity
    contact: Contact
    address: Address
    economics: Economics
    medical: MedicalContext
    family: list[FamilyMember]
    profile: PsychosocialProfile
    latent: LatentState
    responses: dict[str, list[int] | dict[str, str]] = Field(
        default_factory=dict, description="synthesized screening answers by instrument id")

    @model_validator(mode="after")
    def _at_least_one_need(self) -> Patient:
        if not any(n.severity > 0 for n in self.profile.needs):
            raise ValueError("a patient referred to social work has at least one need with severity above 0")
        return self

    @property
    def lives_alone(self) -> bool:
        """No one lives with the patient: a household of one, and no living relative in it."""
        return self.economics.household_size == 1 and not any(m.lives_with_patient and m.living for m in self.family)

    @property
    def caregiver(self) -> FamilyMember | None:
        return next((m for m in self.family if m.role == "caregiver" and m.living), None)
