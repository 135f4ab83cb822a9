"""Stage 5: needs (referral reason first), risks, ED visits, readmission (LACE) and the latent
state that drives instrument answers. All correlations come from the YAML tables."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from sim.errors import DataTableError
from sim.generate.batch import Batch, band_index
from sim.generate.constraints import AUTHORED_RISKS
from sim.generate.economics import PLANS
from sim.generate.medical import comorbidity_names, dx_names
from sim.generate.params import PROGNOSES, params
from sim.generate.sampling import categorical, poisson
from sim.model.taxonomy import need_domains, risk_kinds

LEVELS = ("none", "low", "moderate", "high")


@lru_cache(maxsize=1)
def domains() -> list[str]:
    """Need domains in taxonomy order (columns of the need arrays)."""
    return need_domains()


@lru_cache(maxsize=1)
def risks() -> list[str]:
    """Risk kinds the generator draws, in taxonomy order (columns of the risk array); the kinds
    only a case author writes (``AUTHORED_RISKS``, e.g. self-neglect) are not among them."""
    return [r for r in risk_kinds() if r not in AUTHORED_RISKS]


def _has_minor_child(b: Batch) -> np.ndarray:
    ex, liv, age = b["f_exists"], b["f_living"], b["f_age"]
    return (ex[:, 4:7] & liv[:, 4:7] & (age[:, 4:7] < 18)).any(axis=1)


def needs_care(b: Batch) -> np.ndarray:
    """Patients who need a caregiver: children, ADL or 3+ IADL dependence, a poor or terminal
    prognosis, or age 80+."""
    return (b["age"] < 18) | (b["age"] >= 80) | (b["adl"] > 0) | (b["iadl"] >= 3) | (b["prognosis"] >= 2)


def _eligible(b: Batch) -> np.ndarray:
    nt = params().needs
    age = b["age"]
    minor_child = _has_minor_child(b)
    out = np.ones((b.n, len(domains())), dtype=bool)
    for j, d in enumerate(domains()):
        rule = nt.needs[d].eligible
        if "age_min" in rule:
            out[:, j] &= age >= int(rule["age_min"])
        if "age_max" in rule:
            out[:, j] &= age <= int(rule["age_max"])
        if rule.get("child_or_parent"):
            out[:, j] &= (age < 18) | minor_child
        if rule.get("needs_care"):
            out[:, j] &= needs_care(b)
    return out


def _factor(modifiers: dict[str, list[float] | dict[str, float] | float], domain: str, key: str) -> float:
    """A need's multiplier ``key`` that is one number (1 when not named)."""
    value = modifiers.get(key, 1.0)
    if isinstance(value, (list, dict)):
        raise DataTableError(f"needs.yaml: modifier {key!r} of need {domain!r} must be one number (got {value!r})")
    return float(value)


@lru_cache(maxsize=1)
def _need_tables() -> dict[str, np.ndarray]:
    """Multiplier tables (levels x domains) from the YAML files, built once."""
    p = params()
    nt = p.needs
    doms = domains()
    D = len(doms)
    dxs = [p.diagnoses.diagnoses[d] for d in dx_names()]
    cms = [p.diagnoses.comorbidities[c] for c in comorbidity_names()]
    t: dict[str, np.ndarray] = {
        "base": np.array([nt.needs[d].base for d in doms]),
        "setting": np.array([[s.need_multipliers.get(d, 1.0) for d in doms] for s in p.settings.settings.values()]),
        "dx": np.array([[x.need_multipliers.get(d, 1.0) for d in doms] for x in dxs]),
        "dx_min": np.array([[x.need_min.get(d, 0) for d in doms] for x in dxs], dtype=np.int8),
        "log_cm": np.log(np.array([[c.need_multipliers.get(d, 1.0) for d in doms] for c in cms])),
    }
    vocab = {"fpl": range(len(nt.fpl_bands) + 1), "age": range(len(nt.age_bands)),
             "sex": ("female", "male", "intersex"), "insurance": PLANS, "prognosis": PROGNOSES}
    for key, levels in vocab.items():
        table = np.ones((len(levels), D))
        for j, d in enumerate(doms):
            mod = nt.needs[d].modifiers.get(key)
            if isinstance(mod, list):
                table[:, j] = mod
            elif isinstance(mod, dict):
                table[:, j] = [mod.get(str(x), 1.0) for x in levels]
        t[key] = table
    for key in ("interpreter", "non_english", "lives_alone", "adl_any", "iadl3"):
        t[key] = np.array([_factor(nt.needs[d].modifiers, d, key) for d in doms])
    return t


def need_probabilities(b: Batch) -> np.ndarray:
    """Probability of each need (n, D) before the referral reason and forced minimums."""
    nt = params().needs
    t = _need_tables()
    fpl_band = np.searchsorted(np.array(nt.fpl_bands), b["fpl"], side="right")
    age_band = band_index(b["age"], nt.age_bands)
    english = np.array(_languages()) == "English"
    flags = {
        "interpreter": b["interpreter"],
        "non_english": ~english[b["language"]],
        "lives_alone": b["lives_alone"] & (b["age"] >= 18),
        "adl_any": b["adl"] > 0,
        "iadl3": b["iadl"] >= 3,
    }
    prob = t["setting"][b["setting"]] * t["base"][None, :]
    prob *= t["dx"][b["dx"]]
    comorbid = b["comorbid"]
    for c, j in zip(*np.nonzero(t["log_cm"]), strict=False):  # only the few comorbidities that move a need
        prob[:, j] *= np.where(comorbid[:, c], np.exp(t["log_cm"][c, j]), 1.0)
    prob *= t["fpl"][fpl_band]
    prob *= t["age"][age_band]
    prob *= t["sex"][b["sex"]]
    prob *= t["insurance"][b["insurance"]]
    prob *= t["prognosis"][b["prognosis"]]
    for key, flag in flags.items():
        for j in np.flatnonzero(t[key] != 1.0):
            prob[:, j] *= np.where(flag, t[key][j], 1.0)
    np.minimum(prob, nt.max_p, out=prob)
    b["eligible"] = _eligible(b)
    return prob * b["eligible"]


@lru_cache(maxsize=1)
def _languages() -> list[str]:
    from sim.generate.demographics import language_names

    return language_names()


@lru_cache(maxsize=1)
def _referral_table() -> np.ndarray:
    p = params()
    return np.array([[s.referral.get(d, 0.0) for d in domains()] for s in p.settings.settings.values()])


def draw_needs(b: Batch) -> None:
    """The referral need, the other needs by their probabilities, severities and minimums."""
    p = params()
    nt = p.needs
    D = len(domains())
    prob = need_probabilities(b)
    present = b.rs.u("need", D) < prob
    u_sev = b.rs.u("need_severity", D)
    w = np.array([[nt.needs[d].severity.get(k, 0.0) for k in (1, 2, 3)] for d in domains()])
    cum = np.cumsum(w, axis=1) / w.sum(axis=1, keepdims=True)
    sev_draw = (u_sev >= cum[None, :, 0]).astype(np.int8)
    sev_draw += u_sev >= cum[None, :, 1]
    sev_draw += 1
    sev = np.where(present, sev_draw, np.int8(0))
    # the referral reason: the setting's mix among needs this patient can have
    eligible = b["eligible"]
    ref_w = _referral_table()[b["setting"]]
    ref_w = ref_w * eligible
    fallback = np.where(eligible.any(axis=1), 0, 1)[:, None] * (np.arange(D) == domains().index("emotional_distress"))
    ref = categorical(b.rs.u("referral"), ref_w + fallback * (ref_w.sum(axis=1) == 0)[:, None])
    wanted = b.plan.constraints.needs
    if wanted:
        ref = np.full(b.n, domains().index(next(iter(wanted))), dtype=np.int64)
    rs_table = nt.referral_severity
    ref_sev = np.array(list(rs_table))[categorical(b.rs.u("referral_severity"), list(rs_table.values()))]
    rows = np.arange(b.n)
    sev[rows, ref] = np.maximum(sev[rows, ref], ref_sev.astype(np.int8))
    # minimums from the diagnosis and from the constraints
    floor = _need_tables()["dx_min"][b["dx"]]
    plan_min = np.array([b.plan.min_need.get(d, 0) for d in domains()])
    if plan_min.any():
        floor = np.maximum(floor, plan_min[None, :].astype(np.int8))
    by_adl = np.array(p.latent.functional["disability_need_min_by_adl"], dtype=np.int8)[b["adl"]]
    j = domains().index("disability_equipment")
    floor[:, j] = np.maximum(floor[:, j], by_adl)
    forced = floor > 0
    sev[forced] = np.maximum(sev[forced], np.maximum(floor[forced], sev_draw[forced]))
    b["need_sev"], b["referral"] = sev, ref


def draw_disclosure(b: Batch) -> None:
    """How hard each need is to disclose (only for Patient objects; cohorts do not show it)."""
    nt = params().needs
    base = np.array([nt.disclosure[d] for d in domains()])
    u = b.rs.u("disclosure", len(base))
    b["disclosure"] = np.round(np.clip(base[None, :] + (u - 0.5) * 0.2, 0.0, 1.0), 2)


def _level_weights(table: dict[str, float]) -> list[float]:
    """Weights of the levels low, moderate, high (0 for a level the table does not name)."""
    return [table.get(k, 0.0) for k in LEVELS[1:]]


def draw_risks(b: Batch) -> None:
    """Risk levels, ED visits and the LACE index."""
    p = params()
    rt = p.risks
    D = {d: j for j, d in enumerate(domains())}
    sev = b["need_sev"]
    R = {r: j for j, r in enumerate(risks())}
    level = np.zeros((b.n, len(R)), dtype=np.int64)
    # suicide
    drive = np.maximum(sev[:, D["emotional_distress"]], sev[:, D["crisis"]])
    ps = np.array(rt.suicide.p_by_severity)[drive] + np.where(
        sev[:, D["crisis"]] > 0, rt.suicide.crisis_extra, 0.0
    )
    has = (b.rs.u("suicide") < ps) & (b["age"] >= 10)
    lvl = 1 + categorical(b.rs.u("suicide_level"), _level_weights(rt.suicide.level))
    forced = _forced_risk_level(b, "suicide")
    level[:, R["suicide"]] = np.where(has | (forced > 0), np.maximum(lvl, forced), 0)
    for kind, domain in rt.from_need.items():
        level[:, R[kind]] = sev[:, D[domain]]
    cw = sev[:, D["child_welfare"]]
    forced_cm = _forced_risk_level(b, "child_maltreatment")
    cm = (cw > 0) & ((b.rs.u("child_maltreatment") < rt.child_maltreatment["p_given_need"]) | (forced_cm > 0))
    level[:, R["child_maltreatment"]] = np.where(cm, np.maximum(cw, forced_cm), 0)
    pf = np.array(rt.falls.p_by_age)[b["age_band"]] * np.where(b["adl"] > 0, rt.falls.adl_any, 1.0)
    falls = (b.rs.u("falls") < pf) | ("falls" in b.plan.constraints.risks)
    level[:, R["falls"]] = np.where(falls, 1 + categorical(b.rs.u("falls_level"), _level_weights(rt.falls.level)), 0)
    # ED visits, then the LACE index for inpatients
    mean = np.array([p.settings.settings[s].ed_visits_mean for s in p.settings.settings])[b["setting"]]
    for d, f in rt.ed_visit_multipliers.items():
        mean = mean * np.where(sev[:, D[d]] > 0, f, 1.0)
    mean = mean * np.array([p.diagnoses.diagnoses[x].ed_visits_factor for x in dx_names()])[b["dx"]]
    b["ed_visits"] = poisson(b.rs.u("ed_visits"), mean, cap=50)
    b["lace"] = lace(b["los"], b["admission"] == 0, b["charlson"], b["ed_visits"])
    rd = rt.readmission
    lace_level = np.where(b["lace"] >= rd["high_from"], 3, np.where(b["lace"] >= rd["moderate_from"], 2, 1))
    level[:, R["readmission"]] = np.where(b["inpatient"], lace_level, 0)
    b["risk_level"] = level


def _forced_risk_level(b: Batch, kind: str) -> np.ndarray:
    dxs = [params().diagnoses.diagnoses[d] for d in dx_names()]
    out = np.array([LEVELS.index(x.risk_min[kind]) if kind in x.risk_min else 0 for x in dxs])[b["dx"]]
    if kind in b.plan.constraints.risks:
        out = np.maximum(out, 1)
    return out


def lace(los: np.ndarray, emergent: np.ndarray, charlson: np.ndarray, ed: np.ndarray) -> np.ndarray:
    """LACE index (van Walraven et al. 2010), 0-19."""
    l_pts = np.select([los < 1, los <= 3, los <= 6, los <= 13], [0, los, 4, 5], 7)
    c_pts = np.where(charlson >= 4, 5, charlson)
    return (l_pts + np.where(emergent, 3, 0) + c_pts + np.minimum(ed, 4)).astype(np.int64)


def draw_latent(b: Batch) -> None:
    """The latent state (LatentState scales) from the needs and risks."""
    lt = params().latent
    D = {d: j for j, d in enumerate(domains())}
    R = {r: j for j, r in enumerate(risks())}
    sev = b["need_sev"]
    ed = sev[:, D["emotional_distress"]]

    def by_table(table: dict, drive: np.ndarray, stream: str) -> np.ndarray:
        u = b.rs.u(stream)
        out = np.zeros(b.n, dtype=np.int64)
        for s, w in table.items():
            m = drive == int(s)
            if m.any():
                out[m] = np.array(list(w))[categorical(u[m], list(w.values()))]
        return out

    b["lat_depression"] = by_table(lt.depression, ed, "latent_depression")
    b["lat_anxiety"] = by_table(lt.anxiety, ed, "latent_anxiety")
    al = lt.alcohol
    su = sev[:, D["substance_use"]]
    alcohol_problem = (su > 0) & (b.rs.u("alcohol_involved") < al["share_alcohol_in_substance_use"])
    problem = by_table(
        {int(k): v for k, v in al["by_substance_severity"].items()}, np.where(alcohol_problem, su, 0), "latent_alcohol"
    )
    u = b.rs.u("latent_alcohol_none")
    adult_table, minor_table = al["adult_no_alcohol_problem"], al["minor_no_alcohol_problem"]
    adult_none = np.array(list(adult_table))[categorical(u, list(adult_table.values()))]
    minor_none = np.array(list(minor_table))[categorical(u, list(minor_table.values()))]
    none = np.where(b["age"] >= 18, adult_none, np.where(b["age"] >= 12, minor_none, 0))
    b["lat_alcohol"] = np.where(alcohol_problem, problem, none)
    b["lat_suicide"] = b["risk_level"][:, R["suicide"]]
    b["lat_ipv"] = sev[:, D["domestic_violence"]].astype(np.int64)
    b["lat_caregiver_burden"] = sev[:, D["caregiver_strain"]].astype(np.int64)
