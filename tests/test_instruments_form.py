"""The instrument form: FormState logic, and the ipywidgets form driven through its Python API."""
from __future__ import annotations

import sys

import pytest
from tests.practice_helpers import make_patient

from sim import instruments as I
from sim.instruments import InstrumentError, MissingAnswerError, PointsError
from sim.instruments.form import FormState


@pytest.fixture
def patient():
    return make_patient(sex="female", latent={"depression": 3, "suicide": 1, "alcohol": 2},
                        needs={"food_insecurity": 2}, seed=12)


def test_form_logic_imports_no_widgets():
    import subprocess

    code = ("import sys; import sim.instruments.form, sim.instruments.synthesis; "
            "print('ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_state_scores_answers_and_renders_html():
    state = FormState("phq9")
    assert [f.key for f in state.fields()] == [f"q{n}" for n in range(1, 10)]
    assert state.fields()[0].choices[3] == ("Nearly every day (3)", 3)
    for index in range(8):
        state.set_answer(index, 0)
    assert state.score() is None and "item 9" in state.error
    assert 'role="alert"' in state.html()
    state.set_answer(8, 1)
    result = state.score()
    assert result.total == 1 and result.band == "minimal" and state.error is None
    page = state.html()
    assert "complete the C-SSRS screener today" in page and "minimal" in page
    assert "Synthetic" in page


def test_state_rejects_bad_answers():
    state = FormState("gad7")
    with pytest.raises(PointsError, match="allowed: 0, 1, 2, 3"):
        state.set_answer(0, 4)
    with pytest.raises(InstrumentError, match="items 0-6"):
        state.set_answer(7, 1)
    with pytest.raises(MissingAnswerError):
        state.responses()
    with pytest.raises(InstrumentError, match="no patient"):
        state.let_patient_answer()


def test_state_skip_logic_clears_answers_no_longer_asked():
    state = FormState("cssrs_screener")
    state.set_answer(1, "yes")
    state.set_answer(2, True)
    assert state.asked(2)
    state.set_answer(1, "no")
    assert not state.asked(2) and state.selected[2] == []
    state.set_answer(0, "yes")
    state.set_answer(5, "yes")
    assert state.score() is None and "recency" in state.error
    state.set_context("recency", "past_month")
    assert state.score().band == "high"


def test_state_let_patient_answer_matches_respond(patient):
    for instrument_id in ["phq9", "auditc", "ahc_hrsn", "cssrs_screener", "lace", "katz_adl"]:
        state = FormState(instrument_id, patient=patient, seed=3)
        state.let_patient_answer()
        assert state.score() is not None, state.error
        assert state.result == I.score_patient(patient, instrument_id, seed=3)


def test_widget_driven_through_python_api(patient):
    from sim.widgets.instrument_form import InstrumentForm

    form = InstrumentForm("phq9", patient=patient)
    assert len(form.controls) == 9
    assert form.controls[0].description == "1. Little interest or pleasure"
    for index in range(9):
        form.set_answer(index, 2)
    assert form.controls[0].value == 2
    form.score_button.click()
    assert form.result.total == 18 and form.result.band == "moderately severe"
    assert "moderately severe" in form.output.value and "C-SSRS" in form.output.value
    form.controls[8].value = 0  # a student changes an answer in the GUI
    form.score_button.click()
    assert form.result.total == 16 and not form.result.flags


def test_widget_errors_are_inline_not_raised():
    from sim.widgets.instrument_form import InstrumentForm

    form = InstrumentForm("gad7")
    form.score_button.click()
    assert form.result is None and 'role="alert"' in form.output.value
    assert "not answered yet" in form.output.value
    form.set_answer(0, 7)
    assert "allowed: 0, 1, 2, 3" in form.output.value
    assert form.answer_button.disabled  # no patient attached


def test_widget_patient_answers_and_context(patient):
    from sim.widgets.instrument_form import InstrumentForm

    form = InstrumentForm("auditc", patient=patient)
    form.answer_button.click()
    assert form.context_controls["sex"].value == "female"
    assert form.result == I.score_patient(patient, "auditc")
    assert form.result.positive is True
    assert [c.value for c in form.controls] == [
        [o.points for o in item.options].index(p)
        for item, p in zip(I.get("auditc").items, I.respond(patient, "auditc"), strict=False)]
    form.clear_button.click()
    assert form.result is None and all(c.label == "(not answered)" for c in form.controls)


def test_widget_cssrs_disables_skipped_questions():
    from sim.widgets.instrument_form import InstrumentForm

    form = InstrumentForm("cssrs_screener")
    form.set_answer(1, "no")
    assert [c.disabled for c in form.controls] == [False, False, True, True, True, False]
    assert form.context_controls["recency"].disabled
    form.set_answer(0, "yes")
    form.set_answer(5, "yes")
    assert not form.context_controls["recency"].disabled
    form.context_controls["recency"].value = "lifetime"
    form.score_button.click()
    assert form.result.band == "moderate" and "moderate suicide risk" in form.output.value


def test_widget_lace_and_ahc(patient):
    from sim.widgets.instrument_form import InstrumentForm

    lace = InstrumentForm("lace")
    lace.controls[0].value = 14
    lace.controls[1].value = True
    lace.score_button.click()
    assert lace.result.total == 10 and lace.result.band == "high"
    ahc = InstrumentForm("ahc_hrsn", patient=patient)
    ahc.answer_button.click()
    assert ahc.result == I.score_patient(patient, "ahc_hrsn")
    ahc.controls[1].value = (0, 1)  # pests and mold
    ahc.score_button.click()
    assert ahc.result.domains["housing_instability"] is True
