"""Domain facts in the generator's data tables (sim/data/generation/) and the rules that use them."""
from __future__ import annotations

import numpy as np

from sim.generate.economics import poverty_guideline
from sim.generate.params import params


def test_poverty_guideline_is_the_one_in_force_on_the_reference_date():
    pop = params().population
    g = pop.poverty_guideline
    # HHS publishes each year's guideline in January; on 1 January the previous year's applies.
    ref_year = int(pop.reference_date[:4])
    in_force = ref_year - 1 if pop.reference_date[5:] < "02-01" else ref_year
    assert g["year"] == in_force == 2025
    assert str(in_force) in g["source"] and "90 FR 5917" in g["source"]
    # HHS 2025, 48 contiguous states and DC: 15,650 for one person, 32,150 for four.
    assert poverty_guideline(np.array([1, 4])).tolist() == [15650, 32150]


def test_transportation_prevalence_cites_the_right_journal():
    src = params().needs.needs["transportation"].source
    assert "Am J Public Health" in src and "110(6):815-822" in src
    assert "Poor and Underserved" not in src


ACUTE_COPD_LOS_MAX = 5.0  # HCUP: COPD admissions average about 4 days
POST_ACUTE = {"rehabilitation", "palliative_hospice"}


def test_copd_stays_are_acute_length_outside_post_acute_care():
    p = params()
    for sname, s in p.settings.settings.items():
        if not s.inpatient:
            continue
        for dx in s.diagnoses:
            d = p.diagnoses.diagnoses[dx]
            if not d.code.startswith("J44") or s.los is not None:
                continue
            median = d.los.median * s.los_multiplier
            if sname not in POST_ACUTE:
                assert median <= ACUTE_COPD_LOS_MAX, (sname, dx, median)
    assert p.diagnoses.diagnoses["copd_exacerbation"].los.median <= ACUTE_COPD_LOS_MAX
    # The long stable-COPD stay is reached only in inpatient rehabilitation.
    inpatient_users = {n for n, s in p.settings.settings.items() if s.inpatient and "copd" in s.diagnoses}
    assert inpatient_users <= POST_ACUTE
