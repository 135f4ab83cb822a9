"""Shared seeded fixtures."""
from __future__ import annotations

import pytest

SEED = 20261123


@pytest.fixture
def seed() -> int:
    return SEED
