"""Domain facts in the generator's data tables (sim/data/generation/) and the rules that use them."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from pydantic import ValidationError

import sim
from sim.generate.charlson import categories_of
from sim.generate.economics import poverty_guideline
from sim.generate.medical import charlson_index
from sim.generate.params import Params, params

CASES = Path(__file__).resolve().parents[1] / "simcases"


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


@pytest.mark.parametrize("code, cats", [
    ("E11.65", ["diabetes"]), ("E10.10", ["diabetes"]), ("E11.9", ["diabetes"]),
    ("E11.22", ["diabetes_complicated"]), ("K70.30", ["liver_mild"]), ("K70.40", ["liver_severe"]),
    ("I85.00", ["liver_severe"]), ("J96.11", []), ("J44.9", ["chronic_pulmonary"]), ("E84.9", []),
    ("N18.30", []), ("N18.31", []), ("N18.4", ["renal"]), ("N18.6", ["renal"]), ("Z99.2", ["renal"]),
    ("I69.351", ["cerebrovascular", "hemiplegia"]), ("G82.20", ["hemiplegia"]), ("C34.90", ["malignancy"]),
    ("C78.7", ["metastatic"]), ("I25.10", []), ("I25.2", ["myocardial_infarction"]), ("B20", ["aids"]),
    # ICD-10-CM adaptation: a diabetic foot ulcer is a chronic complication (end-organ damage).
    ("E11.621", ["diabetes", "diabetes_complicated"]), ("E11.610", ["diabetes", "diabetes_complicated"]),
    ("E11.641", ["diabetes"]), ("E11.630", ["diabetes"]),
])
def test_charlson_categories_follow_quan_2005(code, cats):
    assert categories_of(code, params().diagnoses.charlson_codes) == cats


def test_a_diagnosis_whose_charlson_list_disagrees_with_its_code_is_refused():
    data = params().model_dump()
    data["diagnoses"]["diagnoses"]["diabetes_hyperglycemia"]["charlson"] = ["diabetes_complicated"]
    with pytest.raises(ValidationError, match=r"diabetes_hyperglycemia.*E11\.65.*\['diabetes'\]"):
        Params.model_validate(data)


def test_generated_charlson_follows_the_codes():
    df = sim.cohort(3000, 21, progress=False)
    for _, row in df.iterrows():
        codes = [row["diagnosis_code"], *filter(None, row["comorbidity_codes"].split(";"))]
        # with the prognosis, a cancer with a poor or terminal prognosis counts as metastatic (teaching rule)
        assert row["charlson_index"] == charlson_index(codes, row["prognosis"]), (row["diagnosis_code"], codes)
        if not any(c.startswith("C") for c in codes):
            assert row["charlson_index"] == charlson_index(codes)


def test_end_stage_copd_is_coded_with_copd():
    df = sim.cohort(1500, 4, setting="palliative_hospice", progress=False)
    esc = df[df["diagnosis_code"] == "J96.11"]
    assert len(esc) > 50
    assert esc["comorbidity_codes"].str.contains("J44.9").all()
    assert (esc["charlson_index"] >= 1).all()


def test_ckd_stage_3_rule_is_the_same_in_generator_and_hand_written_cases():
    d = params().diagnoses
    assert d.comorbidities["ckd"].code.startswith("N18.3") and d.comorbidities["ckd"].charlson == []
    for case_id in ("medsurg_hip_01", "medsurg_kinship_01", "medsurg_dialysis_01"):
        med = yaml.safe_load((CASES / f"{case_id}.yaml").read_text())["patient"]["medical"]
        codes = [med["primary_diagnosis"]["code"], *(c["code"] for c in med.get("comorbidities", []))]
        assert med["charlson_index"] == charlson_index(codes), case_id


def test_a_diabetic_foot_ulcer_weighs_2_as_diabetes_with_chronic_complication():
    assert charlson_index(["L03.115", "E11.621"]) == 2
    assert charlson_index(["E11.65"]) == 1


@pytest.mark.parametrize("path", sorted(p for p in CASES.glob("*.yaml") if not p.name.startswith("tpl_")),
                         ids=lambda p: p.stem)
def test_every_library_case_states_the_charlson_index_its_codes_give(path):
    med = yaml.safe_load(path.read_text())["patient"]["medical"]
    codes = [med["primary_diagnosis"]["code"], *(c["code"] for c in med.get("comorbidities", []))]
    assert med["charlson_index"] == charlson_index(codes), path.stem


def test_non_expansion_states_match_the_resource_directory():
    from sim.tables import read_yaml

    res = read_yaml("resources.yaml")
    medicaid = next(r for r in res["resources"] if r["id"] == "medicaid_enrollment")
    listed = {s for g in medicaid["eligibility"]["groups"] for s in g.get("not_in_states", [])}
    ours = set(params().population.insurance["non_expansion_states"])
    assert ours == listed
    assert {"TX", "GA"} <= ours  # both are generator states (places.yaml)


@pytest.fixture(scope="module")
def adults():
    df = sim.cohort(30_000, 17, progress=False)
    ok = (df["age"].between(19, 64) & ~df["veteran"] & (df["setting"] != "maternity")
          & (df["employment"] != "unable to work (disability)"))
    return df[ok]


def test_poor_adults_in_non_expansion_states_fall_in_the_coverage_gap(adults):
    gap_states = adults["state"].isin(params().population.insurance["non_expansion_states"])
    poor = adults["fpl_percent"] < 100
    near = adults["fpl_percent"].between(100, 137)
    share = lambda m, plan: (adults.loc[m, "insurance"] == plan).mean()  # noqa: E731
    assert (gap_states & poor).sum() > 200 and (gap_states & near).sum() > 100
    assert share(gap_states & poor, "medicaid") < 0.35
    assert share(gap_states & poor, "uninsured") > 0.5
    assert share(gap_states & poor, "marketplace") == 0  # no subsidies below 100% FPL
    assert share(gap_states & near, "marketplace") > 0.4
    assert share(gap_states & near, "medicaid") < 0.2
    assert share(~gap_states & (poor | near), "medicaid") > 0.6
