"""Supplemental coverage changes what the patient pays, which resources are open, which
disposition rules apply, the reference plan and the plan feedback (with the reason and source)."""
from __future__ import annotations

from typing import Any

import pytest

import sim
from sim.feedback import review_plan
from sim.feedback.coverage import score_coverage
from sim.model.case import Case
from sim.model.clinical import Supplemental
from sim.model.coverage import costs, coverage_needs, medigap_letter, payers, three_day_rule_applies
from sim.practice import resources
from sim.practice.expert import reference_plan
from sim.practice.interventions import Subject, contraindications
from sim.practice.plan import CarePlan


def _hip(supplemental: list[dict[str, Any]] | None = None, **changes: Any) -> Case:
    """medsurg_hip_01 (91, original Medicare alone, 179% FPL, $28,000 a year, SNF expected) with
    other coverage or facts."""
    data = sim.load_case("medsurg_hip_01").model_dump()
    econ, med = data["patient"]["economics"], data["patient"]["medical"]
    econ["supplemental"] = supplemental or []
    for name, value in changes.items():
        (econ if name in econ else med)[name] = value
    return Case.model_validate(data)


def _left(case: Case, disposition: str | None) -> dict[str, str]:
    return {line.what.split(" (")[0].split(",")[0]: line.left for line in costs(case.patient, disposition)}


SNF = "the skilled nursing facility coinsurance"
DEDUCTIBLE = "the Part A hospital deductible"


def test_medigap_plan_letters_are_read_from_the_card():
    assert [medigap_letter(x) for x in ("Plan G", "plan n", "K", "High-deductible Plan F", "Gold")] == \
        ["G", "N", "K", "F", None]
    with pytest.raises(ValueError, match="names no standardized plan letter; write it as 'Plan G'"):
        Supplemental(kind="medigap", plan="Gold")
    with pytest.raises(ValueError, match="waives_three_day_stay is for a medicare_advantage plan"):
        Supplemental(kind="medigap", plan="Plan G", waives_three_day_stay=True)


def test_original_medicare_alone_leaves_the_deductible_and_snf_coinsurance_to_the_patient():
    case = _hip()
    assert payers(case.patient).describe() == "original Medicare alone"
    assert _left(case, "skilled_nursing") == {DEDUCTIBLE: "all", SNF: "all"}
    snf = next(line for line in costs(case.patient, "skilled_nursing") if line.what.startswith(SNF))
    assert "$209.50 a day for days 21-100" in snf.what and "up to $16,760 in 2025" in snf.what
    assert "42 CFR 409.85" in snf.source
    need = coverage_needs(case.patient, ["skilled_nursing"])
    # $18,436 owed on $28,000 a year: catastrophic (10% of income or more, SDG 3.8.2)
    assert [(n.domain, n.severity) for n in need] == [("insurance_gap", 2)]
    rich = _hip(household_income=400_000, fpl_percent=2557)
    assert coverage_needs(rich.patient, ["skilled_nursing"]) == []


@pytest.mark.parametrize(("plan", "deductible", "snf"), [
    ("Plan G", "none", "none"), ("Plan N", "none", "none"), ("Plan A", "all", "all"),
    ("Plan B", "none", "all"), ("Plan K", "part", "part"), ("Plan M", "part", "none"),
])
def test_medigap_pays_by_its_plan_letter(plan, deductible, snf):
    case = _hip([{"kind": "medigap", "plan": plan}])
    assert _left(case, "skilled_nursing") == {DEDUCTIBLE: deductible, SNF: snf}


def test_medigap_plan_g_leaves_no_snf_need_but_never_pays_custodial_care():
    case = _hip([{"kind": "medigap", "plan": "Plan G"}])
    assert coverage_needs(case.patient, ["skilled_nursing"]) == []
    ltc = coverage_needs(case.patient, ["long_term_care"])
    assert [(n.domain, n.severity) for n in ltc] == [("financial_strain", 2)]
    assert "Medicare does not cover custodial care; Medigap policies pay Medicare's cost sharing only: they " \
           "do not cover long-term care" in ltc[0].evidence
    assert "42 CFR 411.15(g)" in ltc[0].evidence and "Choosing a Medigap Policy" in ltc[0].evidence


RX = "prescriptions after discharge"


def test_dual_eligible_gets_medicaid_wraparound_for_cost_sharing_and_long_term_care():
    case = _hip(insurance="dual")
    assert _left(case, "skilled_nursing") == {DEDUCTIBLE: "none", SNF: "none", RX: "none"}
    ltc = costs(case.patient, "long_term_care")[1]
    assert (ltc.paid_by, ltc.left) == ("Medicaid", "none") and "42 CFR 440.40" in ltc.source
    assert coverage_needs(case.patient, ["skilled_nursing", "long_term_care"]) == []
    rx = costs(case.patient, "long_term_care")[-1]
    assert rx.paid_by == "Extra Help" and "42 CFR 423.773(c)" in rx.source
    # Assisted living: a waiver may pay the care, never the room and board.
    room = costs(case.patient, "assisted_living")[1]
    assert (room.left, room.domain) == ("part", "financial_strain") and "441.310(a)(2)" in room.source


def test_a_medicare_savings_program_pays_what_its_rung_pays():
    # QMB pays Medicare's cost sharing; SLMB pays only the Part B premium; both bring Extra Help.
    assert _left(_hip([{"kind": "qmb"}]), "skilled_nursing") == {DEDUCTIBLE: "none", SNF: "none", RX: "none"}
    assert _left(_hip([{"kind": "slmb"}]), "skilled_nursing") == {DEDUCTIBLE: "all", SNF: "all", RX: "none"}
    assert RX not in _left(_hip(), "skilled_nursing")


def test_medicare_advantage_prior_authorization_and_three_day_waiver():
    short = {"length_of_stay_days": 2}
    original = _hip(**short)
    waiver = _hip([{"kind": "medicare_advantage", "plan": "Acme Senior HMO", "waives_three_day_stay": True}], **short)
    plain_ma = _hip([{"kind": "medicare_advantage"}], **short)
    assert three_day_rule_applies(original.patient) and three_day_rule_applies(plain_ma.patient)
    assert not three_day_rule_applies(waiver.patient)
    plan = CarePlan(discharge="skilled_nursing")
    rules = {c.rule for c in contraindications(original, plan)}
    assert "snf_without_qualifying_stay" in rules
    assert "snf_without_qualifying_stay" in {c.rule for c in contraindications(plain_ma, plan)}
    assert "snf_without_qualifying_stay" not in {c.rule for c in contraindications(waiver, plan)}
    assert _left(waiver, "skilled_nursing") == {DEDUCTIBLE: "part", SNF: "part"}
    words = " ".join(i.message for i in score_coverage(waiver, plan))
    assert "needs the plan's approval first" in words and "42 CFR 422.138" in words
    assert "no 3-day inpatient stay, but a Medicare Advantage plan may cover" in words
    assert "42 CFR 422.101(c)" in words
    assert "prior authorization" not in " ".join(i.message for i in score_coverage(original, plan))


def test_medicare_savings_programs_are_closed_to_someone_already_in_qmb_or_dual():
    poor = {"household_income": 13_000, "fpl_percent": 83}
    alone = _hip(**poor)
    assert resources.ineligibility(alone, "medicare_savings_programs") == []
    qmb = _hip([{"kind": "qmb"}], **poor)
    why = resources.ineligibility(qmb, "medicare_savings_programs")
    assert why == ["the Medicare Savings Program office is for people on Medicare without Medicaid's help with its "
                   "costs; the patient already has QMB, a Medicare Savings Program, and Extra Help comes with "
                   "it automatically (42 CFR 423.773(c))"]
    dual = resources.ineligibility(_hip(insurance="dual", **poor), "medicare_savings_programs")
    assert "already has Medicaid as a dual eligible" in dual[0]
    too_rich = resources.ineligibility(_hip(), "medicare_savings_programs")
    assert too_rich[0].startswith("income 179% FPL is above the Medicare Savings Program office's limit of 135%")


def test_the_reference_plan_takes_up_the_coverage_gap_and_feedback_says_why():
    case = _hip()
    assert [(c.domain, c.severity) for c in Subject.of(case).coverage_needs] == [("insurance_gap", 2)]
    plan = reference_plan(case)
    assert any(i.intervention == "financial_assistance" and i.need == "insurance_gap" for i in plan.interventions)
    assert any(r.need == "insurance_gap" for r in plan.referrals)
    assert any(g.need == "insurance_gap" for g in plan.goals)
    fb = review_plan(case, plan)
    lines = fb.by_category("coverage")
    assert len(lines) == 2 and all(i.kind == "praise" and "the plan takes it up with" in i.message for i in lines)
    assert not any("insurance_gap" in i.message and "not one of this case's key needs" in i.message
                   for i in fb.items)
    bare = review_plan(case, {"discharge": "skilled_nursing", "follow_up_days": 7})
    warned = [i for i in bare.by_category("coverage") if i.kind == "warning"]
    assert len(warned) == 2 and all(i.possible == 0 for i in warned)
    assert "with original Medicare alone and nothing beside it, the patient pays it" in warned[1].message
    assert "add financial assistance or a referral for insurance or coverage gap" in warned[1].message
    covered = review_plan(_hip([{"kind": "medigap", "plan": "Plan G"}]), {"discharge": "skilled_nursing"})
    said = [i.message for i in covered.by_category("coverage")]
    assert any("Medigap Plan G pays it in full" in m and "Choosing a Medigap Policy" in m for m in said)
    assert Subject.of(_hip([{"kind": "medigap", "plan": "Plan G"}])).coverage_needs == ()


def test_no_coverage_lines_without_medicare():
    case = sim.load_case("ed_ipv_01")
    assert costs(case.patient, "home") == []
    assert score_coverage(case, CarePlan(discharge="home")) == []
