"""Simulated follow-up of a care plan: 30- and 90-day outcomes by vectorized Monte Carlo.

    >>> import sim
    >>> from datetime import date
    >>> case = sim.load_case("ed_ipv_01")
    >>> plan = sim.expert.reference_plan(case, start=date(2026, 1, 5))
    >>> result = sim.outcomes.simulate(case, plan, n=10_000, seed=0)
    >>> result.summary()["readmission_30d"]
    0.09

A teaching model with every parameter in ``sim/data/outcomes.yaml`` (source or teaching
assumption): the LACE index sets the readmission baseline; unmet needs raise risks; fitting
interventions and eligible referrals lower them (a waitlist delays the effect); contraindicated
choices and missed critical actions raise them.
"""
from __future__ import annotations

from sim.outcomes.model import Element, SimModel, compile_plan
from sim.outcomes.params import OutcomeParams, params
from sim.outcomes.simulate import RATES, SUMMARY_KEYS, OutcomeResult, SimulationSizeError, run, simulate

__all__ = [
    "RATES", "SUMMARY_KEYS", "Element", "OutcomeParams", "OutcomeResult", "SimModel", "SimulationSizeError",
    "compile_plan", "params", "run", "simulate",
]
