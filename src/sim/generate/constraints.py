"""Constraints on a generated patient: checked, then resolved into what the generator may draw.

``generate_patient(seed, setting=..., age_range=..., sex=..., insurance=..., language=...,
needs=..., risks=...)``. Unknown names raise :class:`UnknownNameError` (with "did you mean");
constraints that no patient can satisfy raise :class:`ConstraintError` with a one-line message
naming the conflict and what is allowed.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np

from sim.errors import ConstraintError, SimValueError, UnknownNameError
from sim.generate.params import params
from sim.model.taxonomy import need_domains, risk_kinds, settings

AGE_MAX = 110
SEXES = ("female", "male", "intersex")
PLANS = ("medicare", "medicaid", "dual", "private", "marketplace", "va", "uninsured")
SEVERITIES = (1, 2, 3)
KEYWORDS = ("setting", "age_range", "sex", "insurance", "language", "needs", "risks")
# Ages at which a need or risk can be drawn (needs.yaml `eligible`, and teaching assumptions for risks).
RISK_AGES = {"suicide": (10, AGE_MAX), "ipv": (13, AGE_MAX), "elder_abuse": (60, AGE_MAX),
             "substance_use": (12, AGE_MAX)}
RISK_NEED = {"suicide": "emotional_distress", "ipv": "domestic_violence", "elder_abuse": "elder_abuse",
             "substance_use": "substance_use", "child_maltreatment": "child_welfare"}


@dataclass(frozen=True)
class Constraints:
    """Validated constraints (all optional)."""

    setting: str | None = None
    age_range: tuple[int, int] | None = None
    sex: str | None = None
    insurance: str | None = None
    language: str | None = None
    needs: dict[str, int] = field(default_factory=dict)
    risks: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """What the generator may draw after resolving constraints."""

    constraints: Constraints
    settings: tuple[str, ...]
    age_lo: int
    age_hi: int
    under_65_weight: float = 1.0
    fpl_low: float | None = None
    fpl_high: float | None = None
    force_disabled: bool = False
    force_veteran: bool = False
    min_need: dict[str, int] = field(default_factory=dict)


def languages() -> list[str]:
    """Languages a patient may speak at home (population.yaml)."""
    lang = params().population.language
    return sorted({k for table in ("hispanic", "asian", "other") for k in lang[table]})


def check(**kwargs: object) -> Constraints:
    """Validate constraint keywords and names; return :class:`Constraints`."""
    for key in kwargs:
        if key not in KEYWORDS:
            raise UnknownNameError("constraint", key, KEYWORDS)
    def named(key: str, kind: str, allowed: list[str] | tuple[str, ...]) -> str | None:
        value = kwargs.get(key)
        return None if value is None else _name(kind, value, allowed)

    setting = named("setting", "setting", settings())
    sex = named("sex", "sex", SEXES)
    insurance = named("insurance", "insurance", PLANS)
    language = named("language", "language", languages())
    ages = kwargs.get("age_range")
    age_range = None if ages is None else _age_range(ages)
    needs = _needs(kwargs.get("needs"))
    risks = _risks(kwargs.get("risks"))
    return Constraints(setting, age_range, sex, insurance, language, needs, risks)


def _name(kind: str, value: object, allowed: list[str] | tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise UnknownNameError(kind, value, allowed)
    return value


def _age_range(value: object) -> tuple[int, int]:
    if (isinstance(value, (tuple, list)) and len(value) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in value)):
        lowest, highest = int(value[0]), int(value[1])
        if 0 <= lowest <= highest <= AGE_MAX:
            return lowest, highest
    raise SimValueError(f"age_range {value!r} is not allowed; give (lowest, highest) whole ages "
                        f"with 0 <= lowest <= highest <= {AGE_MAX}")


def _needs(value: object) -> dict[str, int]:
    if value is None:
        return {}
    items: Iterable[tuple[object, object]]
    if isinstance(value, str):
        items = [(value, 1)]
    elif isinstance(value, Mapping):
        items = value.items()
    elif isinstance(value, Iterable):
        items = [(d, 1) for d in value]
    else:
        raise SimValueError(f"needs {value!r} is not allowed; give a need domain, a list of them, "
                            f"or a mapping of need domain to minimum severity (1, 2, 3)")
    out: dict[str, int] = {}
    for domain, sev in items:
        name = _name("need domain", domain, need_domains())
        if isinstance(sev, bool) or sev not in SEVERITIES:
            raise SimValueError(f"minimum severity {sev!r} for need {domain!r} is not allowed; allowed: 1, 2, 3")
        out[name] = SEVERITIES[SEVERITIES.index(sev)]
    return out


AUTHORED_RISKS = ("self_neglect",)
"""Risk kinds only a case author writes, with the indicators seen (sim/data/clinical.yaml): the
generator does not draw them, so a patient generated for a cohort never has one."""


def _risks(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise SimValueError(f"risks {value!r} is not allowed; give a risk kind or a list of them")
    names = tuple(_name("risk", r, risk_kinds()) for r in value)
    authored = [r for r in names if r in AUTHORED_RISKS]
    if authored:
        raise ConstraintError(f"risk {authored[0]!r} is not generated: write it in the case file with the "
                              "indicators seen (generated risks: "
                              f"{', '.join(r for r in risk_kinds() if r not in AUTHORED_RISKS)})")
    return names


def resolve(c: Constraints) -> Plan:
    """Narrow ages, settings and incomes to what every constraint allows, or raise ConstraintError."""
    p = params()
    lo, hi, why = 0, AGE_MAX, "ages 0-110"
    if c.age_range is not None:
        lo, hi, why = c.age_range[0], c.age_range[1], f"age_range={c.age_range}"

    def narrow(a: int, b: int, reason: str, explain: str = "") -> None:
        nonlocal lo, hi, why
        b = min(b, AGE_MAX)
        if max(lo, a) > min(hi, b):
            detail = f" ({explain})" if explain else ""
            raise ConstraintError(f"{reason} conflicts with {why}{detail}; {reason} allows ages {a}-{b}")
        lo, hi, why = max(lo, a), min(hi, b), f"{why} and {reason}"

    income = Plan(c, (), lo, hi)  # the insurance's bounds on income and status, if any
    if c.insurance is not None:
        ic = p.population.insurance_constraints[c.insurance]
        narrow(ic.age_min, ic.age_max, f"insurance {c.insurance!r}", ic.explain)
        income = Plan(c, (), lo, hi, under_65_weight=ic.under_65_weight, force_veteran=ic.veteran,
                      fpl_low=ic.fpl_at_least, fpl_high=ic.fpl_below,
                      force_disabled=ic.disabled_below is not None and lo < ic.disabled_below)
    min_need = dict(c.needs)
    for kind in c.risks:
        if kind in RISK_NEED:
            domain = RISK_NEED[kind]
            min_need[domain] = max(min_need.get(domain, 0), 2 if kind == "suicide" else 1)
        if kind in RISK_AGES:
            narrow(*RISK_AGES[kind], f"risk {kind!r}")
    for domain in min_need:
        rule = p.needs.needs[domain].eligible
        if "age_min" in rule or "age_max" in rule:
            narrow(int(rule.get("age_min", 0)), int(rule.get("age_max", AGE_MAX)), f"need {domain!r}")
    candidates = [c.setting] if c.setting else list(p.settings.settings)
    kept = []
    reasons: list[str] = []
    for name in candidates:
        s = p.settings.settings[name]
        if max(lo, s.age_min) > min(hi, s.age_max):
            reasons.append(f"setting {name!r} serves ages {s.age_min}-{s.age_max}, which conflicts with {why}")
        elif c.sex is not None and not _sex_ok(c.sex, s.female_share):
            reasons.append(f"setting {name!r} serves only {'female' if s.female_share >= 1 else 'male'} "
                           f"patients, which conflicts with sex={c.sex!r}")
        elif "readmission" in c.risks and not s.inpatient:
            reasons.append(f"risk 'readmission' needs an inpatient setting, which {name!r} is not")
        else:
            kept.append(name)
    if not kept:
        if c.setting:
            raise ConstraintError(reasons[0])
        spans = ", ".join(f"{n} {p.settings.settings[n].age_min}-{p.settings.settings[n].age_max}"
                          for n in candidates)
        raise ConstraintError(f"no setting serves {why}" + (f" and sex={c.sex!r}" if c.sex else "")
                              + f"; settings serve ages: {spans}")
    return replace(income, settings=tuple(kept), age_lo=lo, age_hi=hi, min_need=min_need)


def _sex_ok(sex: str, female_share: float) -> bool:
    if female_share >= 1.0:
        return sex == "female"
    if female_share <= 0.0:
        return sex == "male"
    return True
