from __future__ import annotations

import pytest

from sim.errors import UnknownNameError
from sim.model import Patient
from sim.triage import TriageError, make_shift, reference_order, score_shift, shift_from_patients
from test_feedback import make_case


def _patient(pid: str, *, suicide: int = 0, los: int = 2, charlson: int = 1, ed: int = 0) -> Patient:
    base = make_case().patient.model_dump()
    base["id"] = pid
    base["identity"]["given_name"] = pid
    base["latent"]["suicide"] = suicide
    base["medical"].update(length_of_stay_days=los, charlson_index=charlson, ed_visits_6mo=ed,
                           admission_type="elective")
    return Patient.model_validate(base)


@pytest.fixture
def shift():
    patients = [
        _patient("routine1"), _patient("routine2"),
        _patient("crisis", suicide=2),
        _patient("goinghome"),
        _patient("readmit", los=9, charlson=4, ed=4),
    ]
    return shift_from_patients(patients, unit="med_surg", hours=4,
                               discharge_today=[False, False, False, True, False])


def test_levels_reasons_and_tasks_come_from_the_patient(shift):
    levels = {r.id: r.level for r in shift.referrals}
    assert levels == {"R01": "routine", "R02": "routine", "R03": "crisis", "R04": "discharge_today", "R05": "high"}
    crisis = shift.referral("R03")
    assert crisis.tasks[0].kind == "crisis_response" and "better off not waking up" in crisis.reason
    assert crisis.level_reasons == ["active suicidal ideation"]
    assert shift.referral("R05").lace >= 10 and "LACE" in shift.referral("R05").reason
    assert any(t.kind == "discharge_planning" for t in shift.referral("R04").tasks)
    assert shift.minutes_needed > shift.budget_minutes  # more work than time, on purpose
    assert all("level" not in row for row in shift.board())


def test_scoring_prefers_seeing_the_crisis_first(shift):
    crisis_first = score_shift(shift, ["R03", "R04", "R05", "R01", "R02"])
    crisis_last = score_shift(shift, ["R01", "R02", "R04", "R05", "R03"])
    assert crisis_first.score > crisis_last.score
    assert crisis_first.harm_events == 0 and crisis_last.harm_events == 1
    assert crisis_last.outcome("R03").harm
    assert any("Harm" in i.message and "R03" in i.message for i in crisis_last.items)
    assert crisis_first.score == 100.0


def test_crisis_seen_late_costs_more_than_a_routine_patient_left_unseen(shift):
    late_crisis = score_shift(shift, ["R04", "R05", "R03", "R01", "R02"])
    skip_routine = score_shift(shift, ["R03", "R04", "R05", "R01"])
    assert skip_routine.score > late_crisis.score


def test_time_budget_is_respected(shift):
    result = score_shift(shift, ["R03", "R04", "R05", "R01", "R02"])
    assert result.minutes_used <= shift.budget_minutes == 240
    seen = [o for o in result.outcomes if o.seen]
    assert sum(o.allocated for o in seen) <= 240
    assert not all(o.seen and not o.tasks_missed for o in result.outcomes)  # not everything fits


def test_generous_minutes_do_not_stretch_the_shift(shift):
    result = score_shift(shift, ["R01", "R03"], minutes={"R01": 600, "R03": 90})
    assert result.minutes_used == 240
    assert not result.outcome("R03").seen and result.outcome("R03").harm


def test_short_allocation_leaves_documentation_as_backlog(shift):
    need = shift.referral("R01").minutes_needed
    doc = shift.referral("R01").tasks[-1].minutes
    result = score_shift(shift, ["R01"], minutes={"R01": need - doc})
    assert result.backlog_minutes == doc and "backlog" in result.markdown()


def test_bad_order_gives_one_clear_message(shift):
    with pytest.raises(TriageError) as info:
        score_shift(shift, ["R03", "R3", "R03"])
    text = str(info.value)
    assert "unknown referral id 'R3'" in text and "listed twice" in text and "R01, R02" in text
    with pytest.raises(TriageError, match="minutes for 'R01' must be a whole number"):
        score_shift(shift, ["R01"], minutes={"R01": -5})
    with pytest.raises(TriageError, match="not in the order"):
        score_shift(shift, ["R01"], minutes={"R02": 10})


def test_reference_order_puts_crises_first(shift):
    assert reference_order(shift)[0] == "R03"



def test_make_shift_is_deterministic_and_uses_the_unit():
    a = make_shift(6, seed=11, unit="emergency", hours=8)
    b = make_shift(6, seed=11, unit="emergency", hours=8)
    assert a == b and len(a.referrals) == 6 and a.unit == "emergency"
    assert make_shift(6, seed=12, unit="emergency") != a
    result = score_shift(a, reference_order(a))
    assert result.score == 100.0


def test_make_shift_rejects_bad_arguments_with_clear_messages():
    from sim.errors import SimValueError, UnknownNameError

    with pytest.raises(UnknownNameError, match="did you mean 'med_surg'"):
        make_shift(3, seed=1, unit="med_surgery")
    with pytest.raises(SimValueError, match="n must be a whole number"):
        make_shift(0, seed=1)


def test_clinic_days_have_no_discharges_and_every_referral_is_synthetic():
    s = make_shift(5, seed=3, unit="outpatient_mh", hours=6)
    assert not any(r.discharge_today for r in s.referrals)
    assert s.budget_minutes == 360 and s.synthetic and all(r.synthetic for r in s.referrals)


def test_result_renders_markdown_and_html(shift):
    result = score_shift(shift, ["R03", "R04"])
    assert "R03" in result.markdown() and result.html().count("<li") == len(result.items)


def test_each_referral_opens_as_a_case_and_crises_carry_critical_actions():
    s = make_shift(6, seed=11, unit="emergency", hours=8)
    crises = [r for r in s.referrals if r.level == "crisis"]
    assert crises
    for r in crises:
        case = s.case(r.id)
        assert case.patient.id == r.patient_id and case.key.critical_actions
    with pytest.raises(UnknownNameError, match="did you mean 'R01'"):
        s.case("R1")


def test_the_units_mix_sets_how_many_crises_and_discharges():
    from sim.triage import rules

    s = make_shift(10, seed=4, unit="emergency")
    mix = rules().units["emergency"]
    assert sum(r.level == "crisis" for r in s.referrals) == round(10 * mix.crisis)
    assert sum(r.discharge_today for r in s.referrals) == round(10 * mix.discharge_today)


def test_minutes_can_be_a_list_in_the_orders_order(shift):
    as_list = score_shift(shift, ["R03", "R01"], minutes=[130, 30])
    as_dict = score_shift(shift, ["R03", "R01"], minutes={"R03": 130, "R01": 30})
    assert as_list == as_dict
    with pytest.raises(TriageError, match="2 entries for 1 referrals"):
        score_shift(shift, ["R03"], minutes=[130, 30])
    with pytest.raises(TriageError, match="mapping of referral id"):
        score_shift(shift, ["R03"], minutes="lots")
