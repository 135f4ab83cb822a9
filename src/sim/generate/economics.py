"""Stage 4: household income (percent of the federal poverty level), insurance, employment and
education. Income and state drive insurance (Medicaid under 138% FPL in expansion states, the
coverage gap and Marketplace plans in the others, dual eligibility at 65+ with low income) and
later the social-determinant needs."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.generate.batch import Batch
from sim.generate.names import places
from sim.generate.params import params
from sim.generate.sampling import categorical, truncated_lognormal

PLANS = ("medicare", "medicaid", "dual", "private", "marketplace", "va", "uninsured")


def poverty_guideline(household_size: np.ndarray) -> np.ndarray:
    """HHS poverty guideline in dollars for a household of the given size."""
    g = params().population.poverty_guideline
    return g["first_person"] + g["each_additional"] * (np.asarray(household_size) - 1)


def draw_income(b: Batch) -> None:
    """Household income as a lognormal percent of FPL by setting, household and age; then dollars."""
    p = params()
    pop = p.population
    settings = list(p.settings.settings)
    median = np.array([p.settings.settings[s].fpl_median for s in settings])[b["setting"]]
    sigma = np.array([p.settings.settings[s].fpl_sigma for s in settings])[b["setting"]]
    mods = pop.fpl_modifiers
    partnered = b["f_exists"][:, 0] & b["f_living"][:, 0]
    median = median * np.where(partnered, mods["partnered"], 1.0)
    median = median * np.where(b["lives_alone"] & (b["age"] >= 18), mods["lives_alone"], 1.0)
    median = median * np.where(b["age"] >= 65, mods["age_65_plus"], 1.0)
    low = b.plan.fpl_low + 0.5 if b.plan.fpl_low is not None else None
    high = b.plan.fpl_high - 0.5 if b.plan.fpl_high is not None else float(pop.fpl_max)
    raw = truncated_lognormal(b.rs.u_open("fpl"), median, sigma, low, high)
    raw = np.clip(raw, low or 0.0, high)
    guideline = poverty_guideline(b["household_size"])
    income = np.floor(raw * guideline / 100.0).astype(np.int64)
    b["income"] = income
    b["fpl"] = (income * 100 // guideline).astype(np.int64)


def draw_insurance(b: Batch) -> None:
    """Insurance by the first matching rule of population.yaml (age, income, disability, veteran,
    setting, and whether the patient's state has expanded Medicaid)."""
    p = params()
    fixed = b.plan.constraints.insurance
    if fixed is not None:
        b["insurance"] = np.full(b.n, PLANS.index(fixed), dtype=np.int64)
        return
    settings = list(p.settings.settings)
    setting_name = np.array(settings)[b["setting"]]
    age, fpl = b["age"], b["fpl"]
    plan = np.full(b.n, -1, dtype=np.int64)
    u = b.rs.u("insurance")
    expansion = ~np.isin(places().state, p.population.insurance["non_expansion_states"])[b["county"]]
    for rule in p.population.insurance_rules:
        w = rule.when
        m = plan < 0
        if "age_min" in w:
            m &= age >= int(w["age_min"])
        if "age_max" in w:
            m &= age <= int(w["age_max"])
        if "fpl_below" in w:
            m &= fpl < int(w["fpl_below"])
        if "fpl_at_least" in w:
            m &= fpl >= int(w["fpl_at_least"])
        if "disabled" in w:
            m &= b["disabled"] == bool(w["disabled"])
        if "veteran" in w:
            m &= b["veteran"] == bool(w["veteran"])
        if "setting" in w:
            m &= setting_name == w["setting"]
        if "expansion" in w:
            m &= expansion == bool(w["expansion"])
        if m.any():
            names = list(rule.plans)
            k = categorical(u[m], list(rule.plans.values()))
            plan[m] = np.array([PLANS.index(x) for x in names])[k]
    b["insurance"] = plan


GROUPS = ("child", "school_age", "adult_low_income", "adult", "older")


@lru_cache(maxsize=1)
def employment_labels() -> list[str]:
    """Employment statuses (codes index this list)."""
    emp = params().population.employment
    labels: list[str] = []
    for g in GROUPS:
        for k in emp[g]:
            if k not in labels:
                labels.append(k)
    if emp["disabled_label"] not in labels:
        labels.append(emp["disabled_label"])
    return labels


@lru_cache(maxsize=1)
def education_labels() -> list[str]:
    """Education levels (codes index this list)."""
    ed = params().population.education
    return [ed["child"], ed["in_school"], *ed["levels"]]


def draw_work_education(b: Batch) -> None:
    """Employment by age and income (SSDI disability overrides) and education by income."""
    pop = params().population
    age, fpl = b["age"], b["fpl"]
    emp = pop.employment
    groups = GROUPS
    labels = employment_labels()
    group = np.where(age < 5, 0, np.where(age < 18, 1, np.where(age >= 65, 4, np.where(fpl < 138, 2, 3))))
    u = b.rs.u("employment")
    out = np.zeros(b.n, dtype=np.int64)
    for gi, g in enumerate(groups):
        m = group == gi
        if m.any():
            keys = list(emp[g])
            out[m] = np.array([labels.index(k) for k in keys])[categorical(u[m], list(emp[g].values()))]
    from sim.generate.params import PROGNOSES

    terminal = np.isin(b["prognosis"], [PROGNOSES.index(g) for g in emp["not_working_prognoses"]])
    stops = (age >= 18) & (b["disabled"] | terminal | (b["adl"] > 0))
    out = np.where(
        stops, np.where(age >= 65, labels.index(emp["retired_label"]), labels.index(emp["disabled_label"])), out
    )
    ed = pop.education
    u = b.rs.u("education")
    edu = np.where(fpl < 138, categorical(u, ed["low_income"]),
                   np.where(fpl < 400, categorical(u, ed["middle_income"]), categorical(u, ed["high_income"]))) + 2
    edu = np.where(age < 5, 0, np.where(age < 18, 1, edu))
    edu = np.where((age >= 18) & (age < 22) & (edu > 4), 4, edu)  # too young for a completed degree
    b["employment"], b["education"] = out, edu
