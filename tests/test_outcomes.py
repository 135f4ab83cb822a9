from __future__ import annotations

import numpy as np
import pytest

import sim
from practice_helpers import make_case, make_patient
from sim.errors import SimValueError
from sim.outcomes import SUMMARY_KEYS, compile_plan, params, simulate
from sim.practice.plan import CarePlan

N = 4000


def food_and_mood_case():
    return make_case(make_patient(needs={"food_insecurity": 2, "emotional_distress": 3}, latent={"depression": 3},
                                  fpl=100))


def fitting_plan() -> CarePlan:
    return CarePlan(
        interventions=[{"intervention": "counseling", "need": "emotional_distress"},
                       {"intervention": "social_systems_management", "need": "food_insecurity"}],
        referrals=[{"resource": "alder_food_bank", "need": "food_insecurity"},
                   {"resource": "community_mental_health", "need": "emotional_distress"}],
        goals=[{"need": "food_insecurity", "description": "Secure food", "measure": "pantry visit done",
                "target_date": "2027-01-15"}],
        discharge="home")


def test_parameters_validate_and_every_parameter_block_cites_a_source():
    p = params()
    assert p.lace_readmission_30d.by_score[0] == pytest.approx(0.02)
    assert p.lace_readmission_30d.by_score[19] == pytest.approx(0.437)
    for block in (p.lace_readmission_30d, p.readmission_31_90, p.ed_visits, p.wellbeing, p.discharge_delay,
                  p.safety_base_90d, p.caregiver_burnout_90d, p.need_effects, p.plan_effects,
                  p.contraindication_effects, p.missed_action_effects, p.goal_attainment, p.harm_index):
        assert block.source.strip()


def test_summary_has_every_outcome_with_rates_between_0_and_1():
    result = simulate(food_and_mood_case(), fitting_plan(), n=N, seed=1)
    summary = result.summary()
    assert tuple(summary) == SUMMARY_KEYS
    for key in ("readmission_30d", "readmission_90d", "safety_event_90d", "caregiver_burnout_90d", "goal_attainment"):
        assert 0.0 <= summary[key] <= 1.0
    assert summary["readmission_90d"] >= summary["readmission_30d"]
    assert 0 <= summary["wellbeing_90d"] <= 100
    assert all(len(v) == N for v in result.distributions.values())
    assert "goal:0" in result.distributions
    lo, hi = result.interval("readmission_30d")
    assert 0 <= lo <= summary["readmission_30d"] <= hi <= 1


def test_same_seed_same_summary_and_different_seed_different_draws():
    case, plan = food_and_mood_case(), fitting_plan()
    a, b = simulate(case, plan, n=N, seed=7), simulate(case, plan, n=N, seed=7)
    assert a.summary() == b.summary()
    for key in a.distributions:
        assert np.array_equal(a.distributions[key], b.distributions[key])
    c = simulate(case, plan, n=N, seed=8)
    assert not np.array_equal(a.distributions["wellbeing_90d"], c.distributions["wellbeing_90d"])


def test_readmission_baseline_follows_the_lace_curve():
    low = make_case(make_patient(los=0, emergent=False, charlson=0, ed_visits=0, needs={"employment": 1}))
    high = make_case(make_patient(los=20, emergent=True, charlson=5, ed_visits=5, needs={"employment": 1}))
    assert compile_plan(low, None).lace == 0 and compile_plan(high, None).lace == 19
    r_low = simulate(low, None, n=N, seed=0).summary()["readmission_30d"]
    r_high = simulate(high, None, n=N, seed=0).summary()["readmission_30d"]
    assert r_low < 0.05 < 0.35 < r_high


def test_a_fitting_plan_beats_no_plan():
    case = food_and_mood_case()
    none, good = simulate(case, None, n=N, seed=3).summary(), simulate(case, fitting_plan(), n=N, seed=3).summary()
    assert good["readmission_30d"] < none["readmission_30d"]
    assert good["ed_visits_90d"] < none["ed_visits_90d"]
    assert good["wellbeing_90d"] > none["wellbeing_90d"]
    assert good["goal_attainment"] > none["goal_attainment"] == 0.0


def test_ineligible_referral_has_no_effect_and_is_explained():
    case = make_case(make_patient(needs={"food_insecurity": 3}, fpl=210))
    snap = CarePlan(referrals=[{"resource": "snap_office", "need": "food_insecurity"}], discharge="home")
    result = simulate(case, snap, n=N, seed=2)
    assert any("not eligible" in n and "130%" in n for n in result.notes)
    assert compile_plan(case, snap).elements == []


def test_a_waitlist_delays_the_effect():
    case = make_case(make_patient(needs={"emotional_distress": 3}, latent={"depression": 3}))
    full = compile_plan(
        case, CarePlan(referrals=[{"resource": "community_mental_health", "need": "emotional_distress"}])
    )
    assert full.elements[0].delay_days == sim.resources.get("community_mental_health").waitlist_days > 0
    assert any("waitlist" in n for n in full.notes)


def test_contraindicated_choices_and_missed_critical_actions_raise_safety_events():
    patient = make_patient(needs={"domestic_violence": 3, "emotional_distress": 2}, latent={"ipv": 2, "depression": 2},
                           abusive_partner=True)
    case = make_case(patient, critical=("private_setting", "ipv_safety_planning"))
    safe = CarePlan(interventions=[{"intervention": "domestic_violence_intervention", "need": "domestic_violence"},
                                   {"intervention": "counseling", "variant": "individual"}],
                    referrals=[{"resource": "dv_hotline", "need": "domestic_violence"}],
                    actions=["private_setting", "ipv_safety_planning"], discharge="shelter")
    harmful = CarePlan(interventions=[{"intervention": "counseling", "variant": "couples"}], discharge="home")
    s_safe = simulate(case, safe, n=N, seed=4)
    s_bad = simulate(case, harmful, n=N, seed=4)
    assert s_bad.contraindicated and "ipv_safety_planning" in s_bad.missed_actions
    assert s_bad.summary()["violence_90d"] > s_safe.summary()["violence_90d"] + 0.1
    assert s_bad.summary()["safety_event_90d"] > s_safe.summary()["safety_event_90d"]
    assert s_bad.harm_index() > s_safe.harm_index()


def test_caregiver_burnout_only_with_a_caregiver_and_lowered_by_respite():
    alone = make_case(make_patient(needs={"disability_equipment": 2}, adl=2))
    assert simulate(alone, None, n=N).summary()["caregiver_burnout_90d"] == 0.0
    cared = make_case(make_patient(needs={"caregiver_strain": 3}, adl=3, caregiver=True,
                                   latent={"caregiver_burden": 3}, insurance="medicaid"))
    helped = CarePlan(interventions=[{"intervention": "caregiver_support", "need": "caregiver_strain"}],
                      referrals=[{"resource": "caregiver_support_group", "need": "caregiver_strain"}],
                      discharge="home_with_services")
    assert (simulate(cared, helped, n=N, seed=5).summary()["caregiver_burnout_90d"]
            < simulate(cared, None, n=N, seed=5).summary()["caregiver_burnout_90d"])


def test_plan_as_a_dict_is_parsed_leniently_and_bad_n_is_refused():
    result = simulate(food_and_mood_case(), {"interventions": ["counseling", "counselling"]}, n=500)
    assert any("counselling" in n for n in result.notes)
    with pytest.raises(SimValueError, match="n must be"):
        simulate(food_and_mood_case(), None, n=0)


def test_discharge_delay_only_for_inpatient_settings():
    outpatient = make_case(make_patient(setting="outpatient_mh", needs={"housing_instability": 3}))
    assert simulate(outpatient, None, n=N).summary()["discharge_delay_days"] == 0.0
    inpatient = make_case(make_patient(setting="med_surg", needs={"housing_instability": 3}))
    assert simulate(inpatient, None, n=N).summary()["discharge_delay_days"] > 1.0


def test_compare_plot_draws_a_bar_with_an_interval_per_plan_and_outcome():
    from sim.viz.outcomes import compare_plot

    case = food_and_mood_case()
    results = {"your plan": simulate(case, fitting_plan(), n=500), "no plan": simulate(case, None, n=500)}
    fig = compare_plot(results, outcomes=["readmission_30d", "wellbeing_90d"])
    gids = {a.get_gid() for ax in fig.axes for a in ax.patches}
    assert {"bar:readmission_30d:your plan", "bar:readmission_30d:no plan", "bar:wellbeing_90d:no plan"} <= gids
    heights = {a.get_gid(): a.get_height() for ax in fig.axes for a in ax.patches}
    assert heights["bar:wellbeing_90d:no plan"] == pytest.approx(results["no plan"].summary()["wellbeing_90d"])
    with pytest.raises(SimValueError, match="wellbeing_90d"):
        compare_plot(results, outcomes=["wellbeing"])


def test_goal_dates_count_when_the_plan_date_is_given():
    from datetime import date

    case = make_case(make_patient(needs={"emotional_distress": 3}, latent={"depression": 3}))
    waitlisted = {"referrals": [{"resource": "community_mental_health", "need": "emotional_distress"}],
                  "discharge": "home"}
    soon = {**waitlisted, "goals": [{"need": "emotional_distress", "description": "feel better",
                                     "measure": "PHQ-9 below 10", "target_date": "2026-12-01"}]}
    later = {**soon, "goals": [{**soon["goals"][0], "target_date": "2027-02-01"}]}
    start = date(2026, 11, 23)
    early = simulate(case, soon, n=N, seed=1, start=start).summary()["goal_attainment"]
    late = simulate(case, later, n=N, seed=1, start=start).summary()["goal_attainment"]
    assert early < late
    past = {**soon, "goals": [{**soon["goals"][0], "target_date": "2026-11-01"}]}
    result = simulate(case, past, n=N, seed=1, start=start)
    assert result.summary()["goal_attainment"] == 0.0 and any("not after the plan date" in n for n in result.notes)


def test_any_generated_patient_and_any_plan_gives_valid_outcomes():
    import sim.cases
    from sim.practice.interventions import catalogue
    from sim.practice.resources import directory

    rng = np.random.default_rng(99)
    ids, resources = list(catalogue()), directory()
    for seed in range(15):
        case = sim.cases.from_patient(sim.generate_patient(seed))
        picks = [resources[int(j)] for j in rng.choice(len(resources), 3, replace=False)]
        plan = CarePlan(
            interventions=[
                {"intervention": str(i), "variant": "couples" if i == "counseling" else None}
                for i in rng.choice(ids, 4, replace=False)
            ],
            referrals=[{"resource": r.id, "need": r.needs[-1]} for r in picks],
            actions=list(rng.choice(["cssrs_today", "interpreter", "private_setting"], 2)),
            discharge=str(rng.choice(["home", "hospice", "shelter", "skilled_nursing"])),
        )
        summary = simulate(case, plan, n=300, seed=seed).summary()
        keys = ("readmission_30d", "readmission_90d", "safety_event_90d", "caregiver_burnout_90d", "goal_attainment")
        for key in keys:
            assert 0.0 <= summary[key] <= 1.0, (case.id, key)
        assert summary["ed_visits_90d"] >= 0 and summary["discharge_delay_days"] >= 0
        assert 0 <= summary["wellbeing_90d"] <= 100


def test_effect_tables_name_existing_rules_and_actions():
    from sim.model.taxonomy import ActionKind
    from sim.practice.interventions import table

    rules = {r.id for r in table().contraindications}
    assert set(params().contraindication_effects.rules) == rules
    assert set(params().missed_action_effects.actions) <= set(ActionKind.__args__)
    triggered = {t.action for t in table().critical_action_triggers}
    assert triggered <= set(params().missed_action_effects.actions)
