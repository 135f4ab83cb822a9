"""The community resource directory and eligibility matching.

The directory (``sim/data/resources.yaml``) is synthetic: fictional agencies in the generator's
fictional counties (:func:`counties`; a patient elsewhere finds no county-limited resource), with
eligibility rules taken from the real programmes where they exist (SNAP 130% FPL, WIC 185% FPL
with a pregnancy, postpartum or child-under-5 requirement, Medicaid through one of its groups:
expansion adults to 138% FPL, pregnancy and children in every state; LIHEAP 150% FPL, hospice
terminal prognosis, ...). Immigration status (``Identity.immigration_status``; None means
not recorded and is treated as eligible) bars SNAP and full Medicaid as federal law does.

    >>> import sim
    >>> patient = sim.load_case("tpl_phc_sdoh").patient    # 167% FPL, Harwick County
    >>> result = sim.resources.match(patient, "food_insecurity")
    >>> [r.id for r in result.eligible]
    ['alder_food_bank']
    >>> result.ineligible["snap_office"][0].split(" (")[0]
    "income 167% FPL is above SNAP's limit of 130%"
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from pydantic import Field, field_validator, model_validator

from sim.errors import UnknownNameError
from sim.model.base import TableModel
from sim.model.patient import ImmigrationStatus
from sim.model.states import in_this_state, state_name
from sim.model.taxonomy import ActionKind, need_domains
from sim.practice.interventions import Subject
from sim.tables import cached_table, read_yaml

if TYPE_CHECKING:
    from sim.model.case import Case
    from sim.model.patient import Patient

Insurance = Literal["medicare", "medicaid", "dual", "private", "marketplace", "va", "uninsured"]


def _pregnancy_or_small_child(s: Subject) -> bool:
    p = s.patient
    codes = [p.medical.primary_diagnosis.code, *(d.code for d in p.medical.comorbidities)]
    pregnant = any(c.upper().startswith(("O", "Z33", "Z34", "Z39", "Z3A")) for c in codes)
    postpartum = p.medical.setting == "maternity"
    child = p.identity.age < 5 or any(m.living and m.lives_with_patient and m.age < 5 for m in p.family)
    return pregnant or postpartum or child


def _functional_limitation(s: Subject) -> bool:
    fs = s.patient.medical.functional_status
    return (s.adl_dependencies >= 1 or max(len(fs.iadl_dependent), s.patient.latent.iadl_dependencies) >= 2
            or fs.mobility != "independent" or s.needs.get("disability_equipment", 0) >= 1)


def _homebound(s: Subject) -> bool:
    return s.adl_dependencies >= 2 or s.patient.medical.functional_status.mobility != "independent"


def _pregnant_or_postpartum(s: Subject) -> bool:
    p = s.patient
    codes = [p.medical.primary_diagnosis.code, *(d.code for d in p.medical.comorbidities)]
    return p.medical.setting == "maternity" or any(c.upper().startswith(("O", "Z33", "Z34", "Z3A")) for c in codes)


def _homebound_under_medicare(s: Subject) -> bool:
    return s.patient.economics.insurance not in ("medicare", "dual") or _homebound(s)


def _minor_in_household(s: Subject) -> bool:
    """A child under 18 other than the patient lives with the patient."""
    return any(m.living and m.lives_with_patient and m.age < 18 for m in s.patient.family)


def _child_in_household(s: Subject) -> bool:
    p = s.patient
    return p.identity.age < 18 or any(m.living and m.lives_with_patient and m.age < 18 for m in p.family)


def _msp_already(s: Subject) -> str:
    """The Medicaid help with Medicare costs the patient already has, in words ('' for none)."""
    econ = s.patient.economics
    if econ.insurance == "dual":
        return "Medicaid as a dual eligible"
    held = [x.kind.upper() for x in econ.supplemental if x.kind in ("qmb", "slmb", "qi")]
    return f"{held[0]}, a Medicare Savings Program" if held else ""


def _limited_english(s: Subject) -> bool:
    ident = s.patient.identity
    return ident.interpreter_needed or not ident.language.lower().startswith("en")


# Named requirements: test on the facts, and what the patient lacks, in words.
REQUIREMENTS: dict[str, tuple[Callable[[Subject], bool], str]] = {
    "pregnant_postpartum_or_child_under_5": (
        _pregnancy_or_small_child,
        "{name} serves pregnant and postpartum women and children under 5; no pregnancy, recent "
        "birth or child under 5 in the household is recorded"),
    "terminal_prognosis": (
        lambda s: s.patient.medical.prognosis in ("terminal_months", "terminal_weeks"),
        "{name} requires a terminal prognosis (life expectancy of 6 months or less); the "
        "prognosis is {prognosis!r}"),
    "homebound": (
        _homebound,
        "{name} requires the patient to be homebound; mobility is {mobility!r} with {adl} ADL "
        "dependencies"),
    "homebound_under_medicare": (
        _homebound_under_medicare,
        "{name} under Medicare requires the patient to be homebound; mobility is {mobility!r} with "
        "{adl} ADL dependencies"),
    "pregnant_or_postpartum": (
        _pregnant_or_postpartum,
        "{name} covers pregnancy and the postpartum year; no pregnancy or recent birth is recorded"),
    "functional_limitation": (
        _functional_limitation,
        "{name} serves people with a disability or functional limitation; none is recorded"),
    "caregiver_present": (
        lambda s: s.has_caregiver,
        "{name} serves family caregivers; no caregiver is recorded"),
    "ipv_survivor": (
        lambda s: s.latent("ipv") >= 1 or s.risks.get("ipv", 0) >= 2 or s.needs.get("domestic_violence", 0) >= 1,
        "{name} serves survivors of domestic violence; no violence is recorded"),
    "child_in_household": (
        _child_in_household,
        "{name} concerns children; no child under 18 lives in the household"),
    "vulnerable_adult": (
        lambda s: s.patient.identity.age >= 60 or (s.patient.identity.age >= 18 and _functional_limitation(s)),
        "{name} serves adults 60 or over or adults with a disability; the patient is {age} "
        "with no recorded disability"),
    "homeless": (
        lambda s: s.needs.get("housing_instability", 0) >= 2,
        "{name} serves people who are homeless; housing instability is below moderate"),
    "severe_substance_use": (
        lambda s: s.needs.get("substance_use", 0) >= 3 or s.latent("alcohol") >= 3,
        "{name} admits severe substance use with withdrawal risk; the recorded use is not severe"),
    "no_medicare_savings_program": (
        lambda s: not _msp_already(s),
        "{name} is for people on Medicare without Medicaid's help with its costs; the patient already has "
        "{coverage}, and Extra Help comes with it automatically (42 CFR 423.773(c))"),
    "limited_english": (
        _limited_english,
        "{name} is for patients who need language assistance; the patient speaks English"),
}


class ImmigrationBar(TableModel):
    """A status that bars the programme, with the reason in words (``{who}``: adults or children)."""

    reason: str
    from_age: int = Field(default=0, ge=0, description="the bar applies from this age; younger people are exempt")


class ImmigrationRule(TableModel):
    """Immigration-status rules of a federal public benefit (8 U.S.C. 1611, 1612, 1641)."""

    not_eligible: dict[ImmigrationStatus, ImmigrationBar]
    children_note: str | None = Field(default=None, description="added for an adult with a child at home")
    source: str


class Criteria(TableModel):
    """Age, income, state and named requirements; every one that is set must hold."""

    min_age: int | None = Field(default=None, ge=0)
    max_age: int | None = Field(default=None, ge=0)
    max_fpl_percent: int | None = Field(default=None, gt=0)
    income_source: str | None = None
    income_note: str | None = Field(default=None, description="added to the income reason (e.g. state options)")
    income_waived_for: list[Insurance] = Field(default_factory=list)
    not_in_states: list[str] = Field(default_factory=list, description="not offered in these states")
    state_reason: str | None = Field(default=None, description="why not there; may use {state}")
    requires: list[str] = Field(default_factory=list)

    @field_validator("requires")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in REQUIREMENTS:
                raise UnknownNameError("eligibility requirement", name, REQUIREMENTS)
        return value


class EligibilityGroup(Criteria):
    """One way into a programme (e.g. Medicaid's expansion adults, pregnancy, children)."""

    label: str


class Eligibility(Criteria):
    """The rules of one resource: its criteria, accepted insurance, immigration-status rules and,
    when ``groups`` are given, at least one group whose criteria all hold."""

    insurance: list[Insurance] | None = None
    immigration: ImmigrationRule | None = None
    groups: list[EligibilityGroup] = Field(default_factory=list)


class Resource(TableModel):
    """One community resource (synthetic unless ``real``)."""

    id: str
    name: str
    short_name: str
    kind: str
    needs: list[str]
    counties: list[str]
    eligibility: Eligibility
    capacity: int = Field(ge=0, description="open places now; 0 means a waitlist")
    start_days: int = Field(ge=0, description="days to first service when a place is open")
    waitlist_days: int = Field(ge=0, description="days to first service when full")
    hours: str
    languages: list[str]
    interpreter_available: bool
    phone: str = Field(pattern=r"^(\(555\) 555-01\d\d|988)$")
    source: str | None = None
    real: bool = False
    with_action: ActionKind | None = Field(
        default=None, description="a reporting line used through this critical action"
    )

    @field_validator("needs")
    @classmethod
    def _needs(cls, value: list[str]) -> list[str]:
        for name in value:
            if name not in need_domains():
                raise UnknownNameError("need domain", name, need_domains())
        return value

    @property
    def delay_days(self) -> int:
        """Days until the service starts: ``start_days`` with an open place, else the waitlist."""
        return self.start_days if self.capacity > 0 else self.waitlist_days

    @property
    def has_capacity(self) -> bool:
        return self.capacity > 0


class Directory(TableModel):
    synthetic: Literal[True]
    service_areas: dict[str, list[str]]
    resources: list[Resource]

    @model_validator(mode="after")
    def _consistent(self) -> Directory:
        ids = [r.id for r in self.resources]
        if len(ids) != len(set(ids)):
            raise ValueError("resource ids must be unique")
        allowed = [*counties(), "all"]
        known = {_county_key(c) for c in allowed}
        named = [c for area in self.service_areas.values() for c in area]
        named += [c for r in self.resources for c in r.counties]
        for c in named:
            if _county_key(c) not in known:
                raise UnknownNameError("county", c, allowed)
        return self


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _county_key(name: str) -> str:
    return name.strip().lower().removesuffix(" county")


def known_county(name: str) -> bool:
    """Whether the directory knows ``name`` as a county (as :func:`ineligibility` compares them:
    case and a trailing " County" aside); a county it does not know has no local resource."""
    return _county_key(name) in {_county_key(c) for c in counties()}


@dataclass
class MatchResult:
    """Resources for one need: eligible ones (soonest start first) and the rest with reasons."""

    need: str
    eligible: list[Resource] = field(default_factory=list)
    ineligible: dict[str, list[str]] = field(default_factory=dict)

    @property
    def available(self) -> list[Resource]:
        """Eligible resources with an open place now."""
        return [r for r in self.eligible if r.has_capacity]

    def best(self) -> Resource | None:
        """The eligible resource that starts soonest (open places before waitlists)."""
        return self.eligible[0] if self.eligible else None


table = cached_table("resources.yaml", Directory, "The validated directory table (cached).")


def directory() -> list[Resource]:
    """Every resource in the directory."""
    return list(table().resources)


def counties() -> list[str]:
    """The fictional counties of the patient generator (``generation/places.yaml``), the one list."""
    return [c["name"] for c in read_yaml("generation/places.yaml")["counties"]]


@lru_cache(maxsize=1)
def _by_id() -> dict[str, Resource]:
    return {r.id: r for r in table().resources}


def get(resource_id: str) -> Resource:
    """One resource by id; :class:`UnknownNameError` with a suggestion otherwise."""
    found = _by_id().get(resource_id)
    if found is None:
        raise UnknownNameError("resource", resource_id, _by_id())
    return found


def _criteria_reasons(s: Subject, r: Resource, c: Criteria) -> list[str]:
    p = s.patient
    reasons: list[str] = []
    if p.address.state in c.not_in_states:
        state = state_name(p.address.state)
        why = (c.state_reason or "{name} is not offered in {state}").format(state=state, name=r.short_name)
        reasons.append(f"lives {in_this_state(p.address.state)}: {why}")
    age = p.identity.age
    if c.min_age is not None and age < c.min_age:
        reasons.append(f"age {age} is below the minimum age of {c.min_age} for {r.short_name}")
    if c.max_age is not None and age > c.max_age:
        reasons.append(f"age {age} is above the maximum age of {c.max_age} for {r.short_name}")
    fpl = p.economics.fpl_percent
    if c.max_fpl_percent is not None and fpl > c.max_fpl_percent and p.economics.insurance not in c.income_waived_for:
        note = f" ({c.income_note})" if c.income_note else ""
        reasons.append(f"income {fpl}% FPL is above {r.short_name}'s limit of {c.max_fpl_percent}%{note}")
    for name in c.requires:
        test, words = REQUIREMENTS[name]
        if not test(s):
            reasons.append(words.format(name=r.short_name, prognosis=p.medical.prognosis, age=age,
                                        mobility=p.medical.functional_status.mobility,
                                        adl=s.adl_dependencies, coverage=_msp_already(s)))
    return reasons


def _immigration_reason(s: Subject, r: Resource, rule: ImmigrationRule) -> str | None:
    ident = s.patient.identity
    bar = rule.not_eligible.get(ident.immigration_status) if ident.immigration_status else None
    if bar is None or ident.age < bar.from_age:
        return None
    adult = ident.age >= 18
    words = f"{r.short_name}: {bar.reason.format(who='adults' if adult else 'children')}"
    if adult and rule.children_note and _minor_in_household(s):
        words += f"; {rule.children_note}"
    return words


def ineligibility(case_or_patient: Case | Patient | Subject, resource: Resource | str) -> list[str]:
    """Why this patient cannot use ``resource``, in words; an empty list means eligible."""
    s = Subject.of(case_or_patient)
    r = get(resource) if isinstance(resource, str) else resource
    p, e = s.patient, r.eligibility
    reasons: list[str] = []
    if "all" not in r.counties and _county_key(p.address.county) not in {_county_key(c) for c in r.counties}:
        reasons.append(f"lives in {p.address.county}; {r.short_name} serves {_and(r.counties)} only")
    reasons += _criteria_reasons(s, r, e)
    if e.groups:
        by_group = [(g, _criteria_reasons(s, r, g)) for g in e.groups]
        if all(why for _, why in by_group):
            reasons += [f"not eligible as {g.label}: {'; '.join(why)}" for g, why in by_group]
    if e.insurance is not None and p.economics.insurance not in e.insurance:
        reasons.append(f"insurance {p.economics.insurance!r} is not accepted by {r.short_name} "
                       f"(accepts: {', '.join(e.insurance)})")
    if e.immigration is not None:
        status = _immigration_reason(s, r, e.immigration)
        if status:
            reasons.append(status)
    language = p.identity.language
    spoken = {lang.lower() for lang in r.languages}
    if p.identity.interpreter_needed and language.lower() not in spoken and not r.interpreter_available:
        reasons.append(f"speaks {language} and needs an interpreter; {r.short_name} works in "
                       f"{', '.join(r.languages)} only and offers no interpreter")
    return reasons


def match(case_or_patient: Case | Patient | Subject, need: str) -> MatchResult:
    """Resources serving ``need``, split into eligible (soonest first) and ineligible with reasons.

    Raises:
        UnknownNameError: ``need`` is not a need domain of the taxonomy.
    """
    if need not in need_domains():
        raise UnknownNameError("need domain", need, need_domains())
    s = Subject.of(case_or_patient)
    result = MatchResult(need=need)
    for r in table().resources:
        if need not in r.needs:
            continue
        reasons = ineligibility(s, r)
        if reasons:
            result.ineligible[r.id] = reasons
        else:
            result.eligible.append(r)
    result.eligible.sort(key=lambda r: (r.delay_days, not r.has_capacity, r.id))
    return result
