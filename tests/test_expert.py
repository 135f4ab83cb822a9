from __future__ import annotations

from datetime import date

import numpy as np

import sim
import sim.cases
from practice_helpers import make_case, make_patient, random_case
from sim.outcomes import simulate
from sim.practice.expert import reference_plan
from sim.practice.interventions import (
    case_coverage_needs,
    contraindications,
    triggered_actions,
    unmet_prerequisites,
)
from sim.practice.plan import CarePlan, PlannedIntervention, PlannedReferral
from sim.practice.resources import directory, ineligibility

N = 2000
START = date(2026, 11, 23)


def crisis_cases():
    return [
        make_case(
            make_patient(
                needs={"domestic_violence": 3, "emotional_distress": 2},
                latent={"ipv": 2, "depression": 2},
                abusive_partner=True,
            ),
            critical=("private_setting", "ipv_safety_planning"),
        ),
        make_case(
            make_patient(
                needs={"crisis": 3, "substance_use": 2}, latent={"suicide": 3, "alcohol": 2}, risks={"suicide": "high"}
            ),
            critical=("cssrs_today", "safety_plan"),
        ),
        make_case(
            make_patient(
                age=82,
                needs={"disability_equipment": 3, "food_insecurity": 1},
                adl=4,
                prognosis="guarded",
                mobility="wheelchair",
                insurance="medicare",
                fpl=120,
            )
        ),
        make_case(
            make_patient(
                age=70,
                needs={"grief_end_of_life": 3, "caregiver_strain": 2},
                caregiver=True,
                prognosis="terminal_months",
                insurance="medicare",
                latent={"caregiver_burden": 2},
            )
        ),
        make_case(
            make_patient(
                needs={"child_welfare": 2, "food_insecurity": 2},
                children_ages=(1, 4),
                risks={"child_maltreatment": "moderate"},
                setting="pediatrics_nicu",
            )
        ),
    ]


def library_cases():
    """Curated cases of the library that compile (templates resolved with a fixed seed)."""
    cases = []
    for info in sim.cases.library():
        if info.valid:
            cases.append(sim.load_case(str(info.path), seed=1))
    return cases


def random_plan(rng: np.random.Generator) -> CarePlan:
    ids = list(sim.interventions.catalogue())
    resources = directory()
    chosen = rng.choice(ids, int(rng.integers(1, 5)), replace=False)
    interventions = [PlannedIntervention(intervention=str(i)) for i in chosen]
    referrals = []
    for j in rng.choice(len(resources), int(rng.integers(1, 4)), replace=False):
        r = resources[int(j)]
        referrals.append(PlannedReferral(resource=r.id, need=str(rng.choice(r.needs))))
    return CarePlan(interventions=interventions, referrals=referrals,
                    discharge=str(rng.choice(["home", "home_with_services", "skilled_nursing", "shelter"])))


def contraindicated_plan(case, ref: CarePlan) -> CarePlan:
    """The reference plan spoiled: the key's contraindicated interventions, every catalogue rule
    that fires for this case, and no critical actions."""
    bad = ref.model_copy(update={"actions": [], "interventions": [
        *ref.interventions, *(PlannedIntervention(intervention=k.intervention) for k in case.key.contraindicated)]})
    for rule in sim.interventions.table().contraindications:
        if rule.intervention:
            item = PlannedIntervention(intervention=rule.intervention, variant=(rule.variants or [None])[0])
            trial = bad.model_copy(update={"interventions": [*bad.interventions, item]})
        else:
            trial = bad.model_copy(update={"discharge": rule.discharge[0]})
        if any(c.rule == rule.id for c in contraindications(case, trial)):
            bad = trial
    return bad


def test_reference_plan_takes_critical_actions_first_and_breaks_no_rule():
    for case in crisis_cases() + library_cases():
        plan = reference_plan(case, start=START)
        assert set(triggered_actions(case)) <= set(plan.actions), case.id
        assert contraindications(case, plan) == [], case.id
        assert unmet_prerequisites(case, plan) == [], case.id
        for ref in plan.referrals:
            assert ineligibility(case, ref.resource) == [], (case.id, ref.resource)
        # a goal for every key need, and for every need the patient's coverage leaves (unpaid costs)
        needs = {n.domain for n in case.key.needs} | {c.domain for c in case_coverage_needs(case)}
        assert {g.need for g in plan.goals} == needs, case.id
        assert all(g.target_date > START for g in plan.goals)


def test_reference_plan_crisis_paths():
    ipv, suicide, frail, dying, child = (reference_plan(c, start=START) for c in crisis_cases())
    assert "domestic_violence_intervention" in ipv.intervention_ids()
    assert {"dv_hotline"} <= {r.resource for r in ipv.referrals}
    assert all(i.variant != "couples" for i in ipv.interventions)
    assert {"cssrs_today", "safety_plan", "urgent_mh_referral"} <= set(suicide.actions)
    assert "crisis_988" in {r.resource for r in suicide.referrals}
    assert frail.discharge == "skilled_nursing"
    assert dying.discharge == "hospice" and "goals_of_care_meeting" in dying.actions
    assert "mandated_report_child" in child.actions


def test_severe_goals_are_due_sooner_and_follow_up_is_weekly_for_high_risk():
    plan = reference_plan(crisis_cases()[1], start=START)
    due = {g.need: (g.target_date - START).days for g in plan.goals}
    assert due["crisis"] < due["substance_use"]
    assert plan.follow_up_days == 7


def test_outpatient_case_gets_no_discharge_disposition():
    case = make_case(make_patient(setting="outpatient_mh", needs={"emotional_distress": 2}))
    assert reference_plan(case, start=START).discharge is None


def test_reference_plan_beats_no_plan_and_a_contraindicated_plan_on_each_curated_case():
    for case in crisis_cases() + library_cases():
        ref = reference_plan(case, start=START)
        bad = contraindicated_plan(case, ref)
        assert contraindications(case, bad) or set(ref.actions) - set(bad.actions), case.id
        h_ref = simulate(case, ref, n=N, seed=11).harm_index()
        assert h_ref < simulate(case, None, n=N, seed=11).harm_index(), case.id
        assert h_ref < simulate(case, bad, n=N, seed=11).harm_index(), case.id


def test_reference_plan_includes_every_intervention_a_curated_key_recommends():
    for case in library_cases():
        plan = reference_plan(case, start=START)
        missing = {k.intervention for k in case.key.recommended} - plan.intervention_ids()
        assert not missing, (case.id, missing)


def generated_cases(count: int = 20):
    """Cases from the patient generator (``sim.generate_patient`` + ``sim.cases.from_patient``)."""
    return [sim.cases.from_patient(sim.generate_patient(seed)) for seed in range(count)]


def test_reference_plan_beats_random_plans_and_no_plan_on_20_generated_cases():
    rng = np.random.default_rng(20261123)
    for i, case in enumerate(generated_cases(20)):
        plan = reference_plan(case, start=START)
        assert contraindications(case, plan) == [], case.id
        ref = simulate(case, plan, n=N, seed=i).harm_index()
        assert ref < simulate(case, None, n=N, seed=i).harm_index(), case.id
        randoms = [simulate(case, random_plan(rng), n=N, seed=i).harm_index() for _ in range(3)]
        assert ref < min(randoms), (case.id, ref, randoms)


def test_reference_plan_beats_random_plans_on_varied_hand_built_cases():
    # Hand-built cases reach crisis combinations (suicide, violence, severe dependence) more often.
    rng = np.random.default_rng(7)
    for i in range(10):
        case = random_case(rng, i)
        ref = simulate(case, reference_plan(case, start=START), n=N, seed=i).harm_index()
        assert ref < simulate(case, None, n=N, seed=i).harm_index(), case.id
        assert ref < min(simulate(case, random_plan(rng), n=N, seed=i).harm_index() for _ in range(2)), case.id


def test_reporting_lines_are_referred_only_with_the_mandated_report():
    mild = make_case(make_patient(needs={"child_welfare": 1}, children_ages=(6,)))
    assert "child_protective_services" not in {r.resource for r in reference_plan(mild, start=START).referrals}


def test_cli_reference_and_simulate(tmp_path, capsys):
    import json

    import yaml

    from sim.cli import main

    assert main(["plan", "reference", "ed_ipv_01", "--start", "2026-11-23", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert {"private_setting", "ipv_safety_planning"} <= set(plan["actions"])
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({"interventions": ["counseling"], "discharge": "home", "goals": [{"need": "x"}]}))
    assert main(["plan", "simulate", "ed_ipv_01", "--plan", str(path), "--n", "500"]) == 0
    captured = capsys.readouterr()
    assert "readmission_30d" in captured.out and "reference plan" in captured.out
    assert "goals[0]" in captured.err
    assert main(["plan", "simulate", "ed_ipv_01", "--plan", str(tmp_path / "missing.yaml")]) == 2
    assert "cannot read plan file" in capsys.readouterr().err


def test_discharge_disposition_rules():
    rehab = make_case(make_patient(age=60, adl=3, needs={"disability_equipment": 3}, prognosis="good"))
    assert reference_plan(rehab, start=START).discharge == "rehabilitation"
    homeless = make_case(make_patient(needs={"housing_instability": 3}))
    assert reference_plan(homeless, start=START).discharge == "shelter"
    well = make_case(make_patient(needs={"food_insecurity": 1}))
    assert reference_plan(well, start=START).discharge == "home"


def test_no_report_is_filed_or_counted_missed_for_kinship_care_without_suspected_abuse():
    kinship = sim.load_case("medsurg_kinship_01")
    assert "mandated_report_child" not in reference_plan(kinship, START).actions
    assert not any(r.resource == "child_protective_services" for r in reference_plan(kinship, START).referrals)
    assert "mandated_report_child" not in simulate(kinship, None, n=200, seed=1).missed_actions


def test_cli_simulate_bad_plan_yaml_and_bad_plot_path_are_one_line_exit_2(tmp_path, capsys):
    from sim.cli import main

    bad = tmp_path / "plan.yaml"
    bad.write_text("interventions: [counseling\n")
    assert main(["plan", "simulate", "ed_ipv_01", "--plan", str(bad), "--n", "10"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{bad}:2:" in err and "not valid YAML" in err
    good = tmp_path / "good.yaml"
    good.write_text("interventions: [counseling]\n")
    for plot, words in ((tmp_path / "no_dir" / "p.png", "does not exist"), (tmp_path / "p.txt", "allowed: .png")):
        assert main(["plan", "simulate", "ed_ipv_01", "--plan", str(good), "--n", "10", "--plot", str(plot)]) == 2
        captured = capsys.readouterr()
        assert words in captured.err and captured.out == ""
