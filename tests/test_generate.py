"""The patient generator and the cohort: determinism, consistency, constraints, distributions."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

import sim
from sim.errors import ConstraintError, SimValueError, UnknownNameError
from sim.generate import COLUMNS, derived_seed, flatten, generate_patient, generate_patients
from sim.generate.constraints import PLANS, SEXES, languages
from sim.generate.params import params
from sim.model import Patient
from sim.model.taxonomy import need_domains, risk_kinds
from sim.model.taxonomy import settings as setting_names

N_LARGE = 20_000


@pytest.fixture(scope="module")
def big():
    return sim.cohort(N_LARGE, 11, progress=False)


def test_same_seed_gives_the_same_patient(seed):
    a, b = generate_patient(seed), generate_patient(seed)
    assert isinstance(a, Patient)
    assert a.model_dump_json() == b.model_dump_json()
    assert generate_patient(seed + 1).model_dump_json() != a.model_dump_json()


def test_determinism_across_processes(tmp_path, seed):
    code = (f"import sim, sys; sys.stdout.write(sim.generate_patient({seed}).model_dump_json());"
            f"sim.cohort(300, {seed}, progress=False).to_csv(sys.argv[1], index=False)")
    outs = []
    for k in range(2):
        path = tmp_path / f"c{k}.csv"
        res = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
        outs.append((res.stdout, path.read_bytes()))
    assert outs[0] == outs[1]
    assert outs[0][0] == generate_patient(seed).model_dump_json()


@pytest.mark.parametrize("setting", [None, "pediatrics_nicu", "maternity"])
def test_cohort_row_equals_flattened_patient(setting):
    df = sim.cohort(400, 5, setting=setting, progress=False)
    assert list(df.columns)[: len(COLUMNS)] == list(COLUMNS)
    for i in (0, 1, 57, 233, 399):
        kwargs = {"setting": setting} if setting else {}
        row = flatten(generate_patient(derived_seed(5, i), **kwargs))
        got = df.iloc[i].to_dict()
        assert {k: got[k] for k in row} == row, i


def test_generate_patients_matches_one_by_one():
    seeds = [3, 99, 12345]
    batch = generate_patients(seeds)
    assert [p.model_dump_json() for p in batch] == [generate_patient(s).model_dump_json() for s in seeds]


def test_every_patient_has_a_need_and_is_synthetic(big):
    needs = big[[c for c in big.columns if c.startswith("need_")]].to_numpy()
    assert (needs.max(axis=1) >= 1).all()
    assert big["synthetic"].all()
    assert (big["needs_count"] >= 1).all()


def test_phones_and_emails_are_fictional(big):
    assert big["phone"].str.fullmatch(r"\(\d{3}\) 555-01\d\d").all()
    assert big["email"].str.fullmatch(r"[a-z0-9.]+@example\.org").all()
    assert big["county"].isin([c.name for c in params().places.counties]).all()


def test_bad_seed_and_bad_size():
    with pytest.raises(SimValueError):
        generate_patient(-1)
    with pytest.raises(SimValueError):
        generate_patient("7")  # type: ignore[arg-type]
    with pytest.raises(SimValueError):
        sim.cohort(0, 1)


def test_constraints_are_honoured():
    for s in range(20):
        p = generate_patient(s, setting="oncology", age_range=(50, 60), sex="female", insurance="medicaid",
                             language="Spanish", needs={"food_insecurity": 2}, risks=["ipv"])
        assert p.medical.setting == "oncology" and 50 <= p.identity.age <= 60
        assert p.identity.sex == "female" and p.economics.insurance == "medicaid"
        assert p.identity.language == "Spanish"
        assert p.profile.need("food_insecurity").severity >= 2
        assert p.profile.needs[0].domain == "food_insecurity"
        assert p.profile.risk("ipv") is not None and p.profile.need("domestic_violence") is not None
        assert p.economics.fpl_percent < 200


def test_impossible_constraints_raise_one_line_errors():
    with pytest.raises(ConstraintError) as info:
        generate_patient(1, setting="pediatrics_nicu", age_range=(70, 90))
    assert "pediatrics_nicu" in str(info.value) and "0-17" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ConstraintError) as info:
        generate_patient(1, insurance="medicare", age_range=(2, 2))
    assert "medicare" in str(info.value) and "65" in str(info.value)
    with pytest.raises(ConstraintError):
        generate_patient(1, setting="maternity", sex="male")
    with pytest.raises(ConstraintError):
        generate_patient(1, needs=["elder_abuse"], age_range=(20, 30))


def test_unknown_names_suggest_the_closest():
    with pytest.raises(UnknownNameError) as info:
        generate_patient(1, setting="oncolgy")
    assert "'oncology'" in str(info.value)
    with pytest.raises(UnknownNameError) as info:
        generate_patient(1, needs=["food_insecurty"])
    assert "food_insecurity" in str(info.value)
    with pytest.raises(UnknownNameError):
        generate_patient(1, risks=["sucide"])
    with pytest.raises(UnknownNameError):
        generate_patient(1, stting="icu")


def test_data_files_validate():
    p = params()
    assert len(p.settings.settings) == 11
    for dx in p.diagnoses.diagnoses.values():
        assert dx.code[0].isalpha()
    for need in p.needs.needs.values():
        assert need.source


def test_json_roundtrip(seed):
    p = generate_patient(seed)
    again = Patient.model_validate(json.loads(p.model_dump_json()))
    assert again == p


def test_chunked_generation_equals_one_pass():
    import sim.generate.api as api
    from sim.generate.api import cohort_columns
    from sim.generate.coded import Coded

    old = api.CHUNK
    try:
        api.CHUNK = 150
        chunked = cohort_columns(400, 8, progress=False)
    finally:
        api.CHUNK = old
    whole = cohort_columns(400, 8, progress=False)
    for k in whole:
        a, b = chunked[k], whole[k]
        if isinstance(a, Coded):
            a, b = a.values(), b.values()
        assert np.array_equal(np.asarray(a), np.asarray(b)), k


# ---------------------------------------------------------------- distributions and consistency

def _se_tol(p: float, n: int) -> float:
    return 4.5 * (p * (1 - p) / max(n, 1)) ** 0.5 + 0.005


def test_setting_mix_follows_the_data_file(big):
    weights = {k: s.weight for k, s in params().settings.settings.items()}
    total = sum(weights.values())
    observed = big["setting"].value_counts(normalize=True)
    for name, w in weights.items():
        assert abs(observed[name] - w / total) < _se_tol(w / total, N_LARGE), name


def test_food_insecurity_follows_income_as_the_data_file_says():
    df = sim.cohort(N_LARGE, 12, setting="med_surg", progress=False)
    p = params()
    need = p.needs.needs["food_insecurity"]
    referral = p.settings.settings["med_surg"].referral
    r = referral["food_insecurity"] / sum(referral.values())  # age 60+: every referral reason is open
    old = df[df["age"] >= 60]
    bands = np.searchsorted(np.array(p.needs.fpl_bands), old["fpl_percent"].to_numpy(), side="right")
    for band in (0, 4):
        group = old[bands == band]
        q = min(p.needs.max_p, need.base * need.modifiers["fpl"][band])
        expected = r + (1 - r) * q
        observed = (group["need_food_insecurity"] > 0).mean()
        assert abs(observed - expected) < _se_tol(expected, len(group)), (band, observed, expected)


def test_insurance_follows_age_and_income(big):
    older = big[big["age"] >= 65]
    assert older["insurance"].isin(["medicare", "dual", "uninsured"]).all()
    assert (older["insurance"] == "uninsured").mean() < 0.02
    poor_older = older[older["fpl_percent"] < 138]
    rule = params().population.insurance_rules[0].plans
    expected = rule["dual"] / sum(rule.values())
    assert abs((poor_older["insurance"] == "dual").mean() - expected) < _se_tol(expected, len(poor_older))
    adults = big[(big["age"].between(19, 64)) & (big["fpl_percent"] < 138)]
    assert (adults["insurance"] == "medicaid").mean() > 0.5
    rich = big[(big["age"].between(19, 64)) & (big["fpl_percent"] >= 400)]
    assert (rich["insurance"] == "medicaid").mean() < 0.05
    under65_medicare = big[(big["age"] < 65) & big["insurance"].isin(["medicare", "dual"])]
    assert (under65_medicare["employment"] == "unable to work (disability)").all()


def test_setting_case_mix(big):
    mat = big[big["setting"] == "maternity"]
    assert (mat["sex"] == "female").all() and mat["age"].between(15, 45).all()
    assert mat["diagnosis_code"].str.match(r"^(O|F53|Z34)").all()
    peds = big[big["setting"] == "pediatrics_nicu"]
    assert peds["age"].between(0, 17).all()
    assert peds["caregiver_relation"].isin(["mother", "father"]).all()
    pall = big[big["setting"] == "palliative_hospice"]
    assert pall["prognosis"].isin(["poor", "terminal_months", "terminal_weeks"]).all()
    assert (pall["need_grief_end_of_life"] > 0).mean() > 0.6
    onc = big[big["setting"] == "oncology"]
    assert onc["diagnosis_code"].str.startswith("C").all()
    mh = big[big["setting"] == "outpatient_mh"]
    assert mh["diagnosis_code"].str.startswith("F").all()
    assert (mh["need_emotional_distress"] > 0).mean() > (big["need_emotional_distress"] > 0).mean()
    ed = big[big["setting"] == "emergency"]
    assert ed["ed_visits_6mo"].mean() > big[big["setting"] == "med_surg"]["ed_visits_6mo"].mean()
    assert (ed["need_domestic_violence"] > 0).mean() > (big["need_domestic_violence"] > 0).mean()
    outpatient = big["setting"].isin(["emergency", "outpatient_mh", "home_health", "public_health_clinic"])
    assert (big.loc[outpatient, "length_of_stay_days"] == 0).all()
    assert (big.loc[~outpatient, "length_of_stay_days"] >= 1).all()


def test_length_of_stay_follows_the_diagnosis():
    df = sim.cohort(N_LARGE // 2, 13, setting="med_surg", progress=False)
    los = params().diagnoses.diagnoses
    hf = df[df["diagnosis_code"] == los["heart_failure"].code]["length_of_stay_days"]
    sepsis = df[df["diagnosis_code"] == los["sepsis"].code]["length_of_stay_days"]
    assert abs(hf.median() - los["heart_failure"].los.median) <= 1
    assert abs(sepsis.median() - los["sepsis"].los.median) <= 1
    assert sepsis.median() > hf.median()


def test_age_drives_function_caregiving_and_medicare(big):
    adults = big[big["age"] >= 18]
    old = adults[adults["age"] >= 80]
    young = adults[adults["age"] < 45]
    assert (old["adl_dependencies"] > 0).mean() > 3 * (young["adl_dependencies"] > 0).mean()
    assert (old["need_caregiver_strain"] > 0).mean() > (young["need_caregiver_strain"] > 0).mean()
    assert (old["lives_alone"]).mean() > (young["lives_alone"]).mean()


def test_latent_state_agrees_with_needs_and_risks(big):
    assert ((big["latent_ipv"] > 0) == (big["need_domestic_violence"] > 0)).all()
    assert (big["latent_ipv"] == big["need_domestic_violence"]).all()
    assert ((big["latent_suicide"] > 0) == (big["risk_suicide"] != "none")).all()
    assert (big.loc[big["latent_caregiver_burden"] > 0, "caregiver_present"]).all()
    assert (big["latent_caregiver_burden"] == big["need_caregiver_strain"]).all()
    assert (big["latent_adl_dependencies"] == big["adl_dependencies"]).all()
    by_sev = big.groupby("need_emotional_distress")["latent_depression"].mean()
    assert by_sev.is_monotonic_increasing
    assert ((big["risk_ipv"] != "none") == (big["need_domestic_violence"] > 0)).all()
    assert ((big["risk_elder_abuse"] != "none") <= (big["age"] >= 60)).all()


def test_instrument_answers_agree_with_the_chart(big):
    adults = big[big["age"] >= 18]
    assert (adults["katz_adl_total"] == 6 - adults["adl_dependencies"]).all()
    assert (adults["lawton_iadl_total"] == 8 - adults["iadl_dependencies"]).all()
    assert big["zbi12_total"].notna().equals(big["caregiver_present"])
    assert big.loc[big["age"] < 12, "phq9_total"].isna().all()
    asked = big[big["phq9_q9"].notna()]
    assert ((asked["phq9_q9"] > 0) == (asked["latent_suicide"] > 0)).all()
    assert big.groupby("latent_caregiver_burden")["zbi12_total"].mean().is_monotonic_increasing
    assert big.groupby("latent_alcohol")["auditc_total"].mean().is_monotonic_increasing
    severe = big[big["latent_depression"] == 4]["phq9_total"].mean()
    minimal = big[big["latent_depression"] == 0]["phq9_total"].mean()
    assert severe > minimal + 10


def test_patients_have_coherent_families():
    patients = generate_patients([derived_seed(21, i) for i in range(400)])
    for p in patients:
        lives = [m for m in p.family if m.lives_with_patient]
        assert p.economics.household_size == 1 + len(lives)
        assert all(m.living for m in lives)
        assert len({m.id for m in p.family}) == len(p.family)
        cg = p.caregiver
        if cg is not None:
            assert cg.id != p.id and cg.living and cg.relationship_quality != "cut_off"
        if p.identity.age < 18:
            assert cg is not None and cg.relation in ("mother", "father")
        if p.latent.adl_dependencies > 0:
            assert cg is not None
        if p.profile.need("domestic_violence"):
            assert any(m.relationship_quality == "abusive" and m.relation in
                       ("spouse", "partner", "ex-spouse", "separated partner", "former dating partner")
                       for m in p.family)
        assert len(p.medical.functional_status.adl_dependent) == p.latent.adl_dependencies
        assert len(p.medical.functional_status.iadl_dependent) == p.latent.iadl_dependencies
        for m in p.family:
            if m.relation in ("mother", "father"):
                assert m.age >= p.identity.age + 14 or not m.living
            if m.relation in ("son", "daughter"):
                assert m.age <= p.identity.age - 14


def test_constraint_on_child_welfare_adds_a_child_for_a_childless_adult():
    p = generate_patient(3, needs=["child_welfare"], age_range=(30, 40))
    assert any(m.age < 18 and m.living and m.lives_with_patient for m in p.family)
    assert p.profile.need("child_welfare").severity >= 1


def test_medicare_under_65_means_disability():
    p = generate_patient(4, insurance="medicare", age_range=(30, 50))
    assert p.economics.insurance == "medicare"
    assert p.economics.employment == "unable to work (disability)"
    q = generate_patient(5, insurance="dual")
    assert q.economics.fpl_percent < 138


# ---------------------------------------------------------------- any constraints: a valid patient or a clear error



@st.composite
def constraint_sets(draw):
    c: dict[str, object] = {}
    if draw(st.booleans()):
        c["setting"] = draw(st.sampled_from(setting_names()))
    if draw(st.booleans()):
        lo = draw(st.integers(0, 110))
        c["age_range"] = (lo, draw(st.integers(lo, min(110, lo + draw(st.integers(0, 40))))))
    if draw(st.booleans()):
        c["sex"] = draw(st.sampled_from(SEXES))
    if draw(st.booleans()):
        c["insurance"] = draw(st.sampled_from(PLANS))
    if draw(st.integers(0, 3)) == 0:
        c["language"] = draw(st.sampled_from(languages()))
    if draw(st.booleans()):
        c["needs"] = {d: draw(st.integers(1, 3)) for d in draw(st.lists(st.sampled_from(need_domains()), max_size=3))}
    if draw(st.integers(0, 2)) == 0:
        c["risks"] = draw(st.lists(st.sampled_from(risk_kinds()), max_size=2, unique=True))
    return c


@hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**63 - 1), c=constraint_sets())
def test_any_constraints_give_a_matching_patient_or_a_constraint_error(seed, c):
    try:
        p = generate_patient(seed, **c)
    except ConstraintError as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    assert p.synthetic and p.seed == seed
    if "setting" in c:
        assert p.medical.setting == c["setting"]
    if "age_range" in c:
        assert c["age_range"][0] <= p.identity.age <= c["age_range"][1]
    if "sex" in c:
        assert p.identity.sex == c["sex"]
    if "insurance" in c:
        assert p.economics.insurance == c["insurance"]
    if "language" in c:
        assert p.identity.language == c["language"]
    for domain, minimum in c.get("needs", {}).items():
        assert p.profile.need(domain) is not None and p.profile.need(domain).severity >= minimum
    for kind in c.get("risks", []):
        assert p.profile.risk(kind) is not None, kind
    assert any(n.severity > 0 for n in p.profile.needs)
    assert (p.latent.ipv > 0) == (p.profile.need("domestic_violence") is not None)
    assert (p.latent.suicide > 0) == (p.profile.risk("suicide") is not None)


def test_tables_that_disagree_are_reported_with_the_bad_name():
    from pydantic import ValidationError

    from sim.generate.params import Params, SettingParams

    p = params()
    icu = p.settings.settings["icu"]
    broken = SettingParams.model_validate({**icu.model_dump(), "diagnoses": {"sepsiss": 3}})
    table = p.settings.model_copy(update={"settings": {**p.settings.settings, "icu": broken}})
    with pytest.raises(ValidationError) as info:
        Params.model_validate({**{k: getattr(p, k) for k in Params.model_fields}, "settings": table})
    assert "'sepsiss'" in str(info.value) and "icu" in str(info.value)


def test_every_setting_has_a_diagnosis_for_every_age_and_sex_it_serves():
    p = params()
    for name, s in p.settings.settings.items():
        sexes = ["female"] if s.female_share >= 1 else ["female", "male"]
        for age in range(s.age_min, s.age_max + 1):
            for sex in sexes:
                ok = [
                    d
                    for d in s.diagnoses
                    if p.diagnoses.diagnoses[d].age[0] <= age <= p.diagnoses.diagnoses[d].age[1]
                    and p.diagnoses.diagnoses[d].sex in (None, sex)
                ]
                assert ok, (name, age, sex)


def test_newborns_have_no_prior_ed_visits():
    df = sim.cohort(3000, 14, setting="pediatrics_nicu", progress=False)
    newborn = df["diagnosis_code"].isin(["P07.30", "P22.0", "P96.1"])
    assert newborn.sum() > 100
    assert (df.loc[newborn, "ed_visits_6mo"] == 0).all()
    assert (df.loc[newborn, "age"] == 0).all()


def test_no_one_dying_or_dependent_holds_a_job(big):
    stopped = (big["age"] >= 18) & (big["prognosis"].isin(["terminal_months", "terminal_weeks"])
                                     | (big["adl_dependencies"] > 0))
    assert stopped.sum() > 500
    assert big.loc[stopped, "employment"].isin(["retired", "unable to work (disability)"]).all()


def test_a_newborns_siblings_are_older():
    for p in generate_patients([derived_seed(31, i) for i in range(200)], setting="pediatrics_nicu"):
        if p.identity.age == 0:
            assert all(m.age >= 1 for m in p.family if m.relation in ("brother", "sister"))


def test_dependence_and_household_ties_make_sense(big):
    assert (big.loc[big["adl_dependencies"] >= 3, "need_disability_equipment"] >= 2).all()
    assert (big.loc[big["adl_dependencies"] >= 5, "need_disability_equipment"] == 3).all()
    for p in generate_patients([derived_seed(41, i) for i in range(200)]):
        for m in p.family:
            if m.lives_with_patient or (m.role == "dependent"):
                assert m.relationship_quality != "cut_off"


def test_caregiver_strain_belongs_to_patients_who_need_care(big):
    needs_care = ((big["age"] < 18) | (big["age"] >= 80) | (big["adl_dependencies"] > 0)
                  | (big["iadl_dependencies"] >= 3)
                  | big["prognosis"].isin(["poor", "terminal_months", "terminal_weeks"]))
    assert (big.loc[~needs_care, "need_caregiver_strain"] == 0).all()
    assert big.loc[needs_care, "caregiver_present"].all()


def test_a_young_childs_contact_is_the_familys():
    kid = generate_patient(21, setting="pediatrics_nicu", age_range=(0, 5))
    assert kid.contact.email.startswith(kid.contact.email.split(".family")[0] + ".family")
    assert kid.identity.given_name.lower() not in kid.contact.email


def test_every_kinship_term_is_known_to_the_genogram():
    from sim.generate.household import RELATIONS
    from sim.practice.ecosystem import relation_info

    for term in RELATIONS:
        assert relation_info(term).kind != "collateral" or term in ("niece", "nephew"), term


def test_the_ahc_safety_questions_and_the_hits_agree_for_each_patient():
    """The AHC HRSN asks the HITS's four questions: a patient screens positive on both or on neither."""
    from sim.instruments import score

    df = sim.cohort(3000, 5, progress=False)
    both = df[df["hits_total"].notna() & df["ahc_hrsn_q7"].notna()]
    assert len(both) > 1000 and (both["hits_total"] > 10).sum() > 20
    items = [f"ahc_hrsn_q{k}" for k in range(1, 11)]
    for _, row in both.iterrows():
        answers = {c.removeprefix("ahc_hrsn_"): row[c] for c in items}
        ahc_safe = not score("ahc_hrsn", answers).domains["interpersonal_safety"]
        assert ahc_safe == (row["hits_total"] <= 10), row["id"]
