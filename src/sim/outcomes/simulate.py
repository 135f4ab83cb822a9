"""Vectorized Monte Carlo follow-up: one numpy Generator, every replicate at once."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from sim.errors import SimValueError
from sim.outcomes.model import SimModel, compile_plan
from sim.outcomes.params import params

if TYPE_CHECKING:
    from sim.model.case import Case
    from sim.model.patient import Patient
    from sim.practice.plan import CarePlan

SUMMARY_KEYS = ("readmission_30d", "readmission_90d", "ed_visits_90d", "safety_event_90d",
                "self_harm_90d", "violence_90d", "maltreatment_90d", "caregiver_burnout_90d",
                "discharge_delay_days", "wellbeing_90d", "goal_attainment")
RATES = ("readmission_30d", "readmission_90d", "safety_event_90d", "self_harm_90d", "violence_90d",
         "maltreatment_90d", "caregiver_burnout_90d")


class SimulationSizeError(SimValueError):
    """The number of replicates is out of range."""


@dataclass
class OutcomeResult:
    """Simulated 30- and 90-day outcomes of one plan for one case.

    ``distributions`` holds one array of length ``n`` per outcome (0/1 for events, counts, days,
    points, and ``goal:<i>`` per goal); ``risks`` holds, for each event, the per-replicate
    probability (it varies with the uncertain effect sizes). ``notes`` say how each plan element
    was counted.
    """

    n: int
    seed: int
    lace: int
    distributions: dict[str, np.ndarray]
    risks: dict[str, np.ndarray]
    goals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    missed_actions: list[str] = field(default_factory=list)
    contraindicated: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        """Outcome name -> mean over replicates (rates 0-1, counts, days, wellbeing 0-100)."""
        return {k: float(self.distributions[k].mean()) for k in SUMMARY_KEYS}

    def interval(self, name: str, level: float = 0.8) -> tuple[float, float]:
        """Central ``level`` interval: of the per-replicate risk for events, else of the values."""
        if not 0 < level < 1:
            raise SimValueError(f"level must be between 0 and 1, got {level!r}")
        values = self.risks.get(name, self.distributions[name])
        lo, hi = np.quantile(values, [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)

    def harm_index(self) -> float:
        """Weighted sum of the summary (outcomes.yaml ``harm_index``): lower is better."""
        s = self.summary()
        return float(sum(w * s[k] for k, w in params().harm_index.weights.items()))


def _logit(p: np.ndarray | float) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def run(model: SimModel, n: int, rng: np.random.Generator) -> OutcomeResult:
    """Draw ``n`` replicates of ``model`` from ``rng`` (vectorized over replicates)."""
    p = params()
    pe = p.plan_effects
    k = pe.concentration
    horizon = float(p.horizon_days)
    s = model.subject
    # Unmet share of each need: at 30 days, over days 31-90, over 90 days, and at discharge.
    unmet = {d: [np.ones(n), np.ones(n), np.ones(n), np.ones(n)] for d in model.needs}
    for e in model.elements:
        eff = rng.beta(e.efficacy * k, (1 - e.efficacy) * k, n)
        works = eff * (rng.random(n) < e.engage)
        fracs = (max(0.0, 30 - e.delay_days) / 30, max(0.0, horizon - max(e.delay_days, 30)) / (horizon - 30),
                 max(0.0, horizon - e.delay_days) / horizon)
        u = unmet[e.need]
        for i, frac in enumerate(fracs):
            u[i] *= 1 - works * frac
        u[3] *= 1 - eff  # arranged before discharge, whether or not it is later followed through
    eff_tab = p.need_effects.domains
    zero = np.zeros(n)

    def load(attr: str, window: int) -> np.ndarray:
        total = zero.copy()
        for d, sev in model.needs.items():
            w = getattr(eff_tab[d], attr)
            if w:
                total += w * (sev / 3) * unmet[d][window]
        return total + getattr(model.extra, attr)

    lace_p = p.lace_readmission_30d.by_score[min(model.lace, 19)]
    p30 = _sigmoid(_logit(lace_p) + load("readmission", 0))
    p_late = _sigmoid(_logit(lace_p * p.readmission_31_90.factor) + load("readmission", 1))
    readmit30 = rng.random(n) < p30
    readmit90 = readmit30 | (rng.random(n) < p_late)

    ed = p.ed_visits
    rate = (ed.base_rate_90d + ed.per_prior_visit * s.patient.medical.ed_visits_6mo) * np.exp(load("ed", 2))
    ed_visits = rng.poisson(rng.gamma(ed.dispersion_shape, rate / ed.dispersion_shape))

    sb = p.safety_base_90d
    malt_level = max(s.risks.get("child_maltreatment", 0), s.risks.get("elder_abuse", 0))
    p_sh = _sigmoid(_logit(sb.self_harm_by_suicide_level[s.latent("suicide")]) + load("self_harm", 2))
    p_vi = _sigmoid(_logit(sb.violence_by_ipv_level[s.latent("ipv")]) + load("violence", 2))
    base_mt = sb.maltreatment_by_risk_level[malt_level]
    p_mt = _sigmoid(_logit(base_mt) + load("maltreatment", 2)) if base_mt > 0 else zero
    self_harm, violence, maltreat = (rng.random(n) < p_sh), (rng.random(n) < p_vi), (rng.random(n) < p_mt)

    cb = p.caregiver_burnout_90d
    if s.has_caregiver:
        p_burn = _sigmoid(_logit(cb.by_burden_level[s.latent("caregiver_burden")])
                          + cb.per_adl_dependency * s.adl_dependencies + load("burnout", 2))
    else:
        p_burn = zero
    burnout = rng.random(n) < p_burn

    if model.inpatient:
        mean_delay = np.maximum(load("delay_days", 3), 0.0)
        shape = p.discharge_delay.shape
        delay = rng.gamma(shape, np.maximum(mean_delay, 1e-9) / shape) * (mean_delay > 0)
    else:
        delay = zero.copy()

    wb = p.wellbeing
    wellbeing = np.clip(wb.base - wb.per_depression_level * s.latent("depression") + load("wellbeing", 2)
                        + rng.normal(0.0, wb.noise_sd, n), 0, 100)

    ga = p.goal_attainment
    dist: dict[str, np.ndarray] = {}
    met_need: dict[str, np.ndarray] = {}
    for i, (_label, need, due) in enumerate(model.goals):
        if need in model.needs and due > 0:
            window = 0 if due <= 30 else 2
            prob = np.clip(ga.base + ga.per_resolved * (1 - unmet[need][window])
                           + ga.per_severity_above_1 * (model.needs[need] - 1), 0.01, 0.99)
            hit = rng.random(n) < prob
            met_need[need] = met_need.get(need, np.zeros(n, dtype=bool)) | hit
        else:
            hit = np.zeros(n, dtype=bool)
        dist[f"goal:{i}"] = hit.astype(float)
    attainment = zero.copy()
    if model.needs and met_need:
        for met in met_need.values():
            attainment = attainment + met.astype(float)
        attainment = attainment / len(model.needs)

    p_safety = 1 - (1 - p_sh) * (1 - p_vi) * (1 - p_mt)
    dist.update({
        "readmission_30d": readmit30.astype(float), "readmission_90d": readmit90.astype(float),
        "ed_visits_90d": ed_visits.astype(float),
        "safety_event_90d": (self_harm | violence | maltreat).astype(float),
        "self_harm_90d": self_harm.astype(float), "violence_90d": violence.astype(float),
        "maltreatment_90d": maltreat.astype(float), "caregiver_burnout_90d": burnout.astype(float),
        "discharge_delay_days": delay, "wellbeing_90d": wellbeing, "goal_attainment": attainment,
    })
    risks = {"readmission_30d": p30, "readmission_90d": 1 - (1 - p30) * (1 - p_late),
             "safety_event_90d": p_safety, "self_harm_90d": p_sh, "violence_90d": p_vi,
             "maltreatment_90d": p_mt, "caregiver_burnout_90d": p_burn}
    return OutcomeResult(n=n, seed=0, lace=model.lace, distributions=dist, risks=risks,
                         goals=[g[0] for g in model.goals], notes=list(model.notes),
                         missed_actions=list(model.missed_actions), contraindicated=list(model.contraindicated))


def simulate(case: Case | Patient, plan: CarePlan | dict | None, n: int = 10_000, seed: int = 0,
             start: date | None = None) -> OutcomeResult:
    """Simulate 30- and 90-day outcomes of ``plan`` for ``case`` (``plan=None``: no social work plan).

    Args:
        case: a :class:`~sim.model.Case` (its key's needs, risks and critical actions count) or a
            :class:`~sim.model.Patient`.
        plan: a :class:`~sim.practice.plan.CarePlan`, a plain dict (parsed leniently: invalid parts are
            left out and listed in ``notes``), or None.
        n: number of Monte Carlo replicates (1 to 1,000,000).
        seed: one seed decides every draw; same seed, same result.
        start: the day the plan is written; when given, goal dates count (a goal due within 30
            days is judged on day 30, so a waitlisted service cannot meet it).
    """
    if not isinstance(n, int) or not 1 <= n <= 1_000_000:
        raise SimulationSizeError(f"n must be an integer from 1 to 1,000,000, got {n!r}")
    notes: list[str] = []
    if isinstance(plan, dict):
        from sim.practice.plan import parse_plan

        plan, problems = parse_plan(plan)
        notes = [f"plan {pr.where}: {pr.message} (left out)" for pr in problems]
    model = compile_plan(case, plan, start)
    result = run(model, n, np.random.default_rng(seed))
    result.seed = seed
    result.notes = notes + result.notes
    return result
