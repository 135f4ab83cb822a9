"""Shared seeded fixtures."""
from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# In CI property tests draw a fixed sequence of examples, so a run is repeatable; locally they
# explore new examples each run.
settings.register_profile("ci", derandomize=True, suppress_health_check=[HealthCheck.too_slow])
if os.environ.get("CI"):
    settings.load_profile("ci")

SEED = 20261123


@pytest.fixture
def seed() -> int:
    return SEED
