"""The vectorized generator: seeds in, a :class:`Batch` of arrays out.

Stages run in a fixed order; each draws from its own named counter-based streams, so patient
``i`` of any batch depends only on its own seed.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.generate import contact, demographics, economics, household, medical, psychosocial
from sim.generate.batch import Batch
from sim.generate.constraints import Plan, check, resolve
from sim.generate.responses import draw_responses


def generate_batch(seeds: np.ndarray, plan: Plan) -> Batch:
    """Generate every field of the patients with ``seeds`` under ``plan`` (resolved constraints)."""
    b = Batch(seeds, plan)
    demographics.draw_setting_age_sex(b)
    demographics.draw_identity(b)
    medical.draw_diagnosis(b)
    medical.draw_comorbidities_charlson(b)
    medical.draw_length_of_stay(b)
    medical.draw_functional(b)
    household.draw_family(b)
    household.household_counts(b)
    economics.draw_income(b)
    contact.draw_county(b)
    economics.draw_insurance(b)
    economics.draw_work_education(b)
    psychosocial.draw_needs(b)
    d = {name: j for j, name in enumerate(psychosocial.domains())}
    sev = b["need_sev"]
    household.assign_roles(b, sev[:, d["caregiver_strain"]], sev[:, d["domestic_violence"]],
                           sev[:, d["elder_abuse"]], sev[:, d["child_welfare"]])
    household.household_counts(b)
    b["fpl"] = (b["income"] * 100 // economics.poverty_guideline(b["household_size"])).astype(np.int64)
    psychosocial.draw_risks(b)
    psychosocial.draw_latent(b)
    contact.draw_names(b)
    contact.draw_address_contact(b)
    return b


def constrained_batch(seeds: np.ndarray, constraints: Mapping[str, object]) -> Batch:
    """A batch for ``seeds`` under ``constraints`` (checked and resolved), with instrument responses."""
    b = generate_batch(seeds, resolve(check(**constraints)))
    draw_responses(b)
    return b
