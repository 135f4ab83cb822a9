from __future__ import annotations

import pytest
from pydantic import ValidationError

from sim.model import Need, Risk, taxonomy


def test_taxonomy_has_the_required_domains():
    required = {
        "emotional_distress", "grief_end_of_life", "crisis", "caregiver_strain", "substance_use",
        "housing_instability", "food_insecurity", "transportation", "utilities", "financial_strain",
        "insurance_gap", "disability_equipment", "child_welfare", "domestic_violence", "elder_abuse",
        "health_literacy_language", "social_isolation", "legal_immigration", "employment",
    }
    assert required <= set(taxonomy().domains)
    assert len(taxonomy().interventions) == 12
    assert len(taxonomy().functions) == 6


def test_every_domain_names_interventions_known_to_the_taxonomy():
    tx = taxonomy()
    for domain in tx.domains.values():
        assert domain.interventions
        assert set(domain.interventions) <= set(tx.interventions)


def test_unknown_need_domain_suggests_the_closest():
    with pytest.raises(ValidationError) as info:
        Need(domain="food_insecurty", severity=2, evidence="x", disclosure_difficulty=0.2)
    assert "food_insecurity" in str(info.value)


def test_unknown_risk_names_allowed_values():
    with pytest.raises(ValidationError) as info:
        Risk(kind="sucide", level="high")
    assert "suicide" in str(info.value) and "allowed" in str(info.value)
