"""Case files: YAML cases and templates in ``simcases/``, validated into :class:`Case`."""
from __future__ import annotations

from sim.cases.model import (
    Case, CaseKey, ChartExcerpt, CollateralContact, CriticalAction, HiddenFact, KeyIntervention,
    KeyNeed, KeyRisk, Referral,
)

__all__ = [
    "Case", "CaseKey", "ChartExcerpt", "CollateralContact", "CriticalAction", "HiddenFact",
    "KeyIntervention", "KeyNeed", "KeyRisk", "Referral",
]
