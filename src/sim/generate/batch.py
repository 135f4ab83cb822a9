"""A batch of patients under generation: one numpy array per field, one row per patient."""
from __future__ import annotations

import numpy as np

from sim.generate.constraints import Plan
from sim.generate.rng import Streams

SEXES = ("female", "male", "intersex")
FAMILY_SLOTS = ("partner", "ex_partner", "mother", "father", "child1", "child2", "child3",
                "sibling1", "sibling2", "other")
SLOT = {name: i for i, name in enumerate(FAMILY_SLOTS)}


class Batch:
    """Arrays of a batch of patients, filled stage by stage (see :func:`sim.generate.core.generate_batch`)."""

    def __init__(self, seeds: np.ndarray, plan: Plan) -> None:
        self.seeds = np.asarray(seeds, dtype=np.int64)
        self.n = len(self.seeds)
        self.plan = plan
        self.rs = Streams(self.seeds)
        self.a: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        return self.a[key]

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        self.a[key] = value

    def __contains__(self, key: str) -> bool:
        return key in self.a


def band_index(values: np.ndarray, bands: list[tuple[int, int]] | list[list[int]]) -> np.ndarray:
    """Index of the band [lo, hi] each value falls in (bands are contiguous and ordered)."""
    upper = np.array([b[1] for b in bands])
    return np.minimum(np.searchsorted(upper, values, side="left"), len(bands) - 1)
