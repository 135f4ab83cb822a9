"""The lesson widgets driven through their Python API (no browser): set values, click, and check
the engine's state and the feedback shown."""
from __future__ import annotations

from datetime import date
from functools import cache

import pytest

import sim
from sim.errors import SimError, SimValueError, UnknownNameError
from sim.model.case import Case
from sim.widgets import (
    AssessmentForm,
    CarePlanBuilder,
    CaseViewer,
    InterventionPicker,
    OutcomePlot,
)
from sim.widgets.drafts import AssessmentDraft, InterventionDraft, PlanDraft, labels

START = date(2026, 3, 2)


@cache
def case(case_id: str) -> Case:
    return sim.load_case(case_id)


def test_widgets_package_is_lazy_and_lists_the_gui_classes():
    import subprocess
    import sys

    code = ("import sys, sim.widgets; assert 'ipywidgets' not in sys.modules; "
            "assert 'AssessmentForm' in dir(sim.widgets); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"
    with pytest.raises(AttributeError):
        sim.widgets.NoSuchWidget  # noqa: B018


def test_labels_cover_every_action_and_disposition_of_the_plan_model():
    from sim.model.taxonomy import DISPOSITIONS, ActionKind

    assert set(labels().actions) == set(ActionKind.__args__)  # type: ignore[attr-defined]
    assert set(DISPOSITIONS) <= set(labels().dispositions)
    assert all(a.source for a in labels().actions.values())


# ----------------------------------------------------------------------------- case viewer

def test_case_viewer_shows_the_student_view_and_never_the_key():
    c = case("ed_ipv_01")
    viewer = CaseViewer(c)
    text = viewer.html.value
    assert c.referral.reason.split()[0] in text
    assert c.patient.identity.name in text
    assert "sim-case-viewer" in viewer.widget._dom_classes
    for fact in c.hidden_facts:
        assert fact.statement not in text
    for need in c.key.needs:
        assert need.evidence not in text
    assert not hasattr(viewer, "case")


# ----------------------------------------------------------------------------- assessment form

def test_assessment_form_checks_and_shows_feedback_inline():
    c = case("ed_ipv_01")
    form = AssessmentForm(c)
    assert "sim-assessment-form" in form.widget._dom_classes
    assert "sim-feedback" in form.output._dom_classes
    first = next(iter(form.need_boxes))
    assert form.widget.children[1] .children[0] is form.need_boxes[first]  # first checkbox is a need
    assert form.need_severity["domestic_violence"].disabled
    form.need_boxes["domestic_violence"].value = True
    assert not form.need_severity["domestic_violence"].disabled
    form.need_severity["domestic_violence"].value = 3
    form.need_evidence["domestic_violence"].value = "injury story does not fit; partner answers for her"
    form.risk_level["ipv"].value = "high"
    form.strengths.value = "loves her children\nworks"
    form.check_button.click()
    assert form.result is not None and 0 < form.result.score < 100
    assert "Score:" in form.feedback_html
    assert any(i.kind == "praise" and i.category == "needs" for i in form.result.items)
    assert form.draft.to_dict()["strengths"] == ["loves her children", "works"]
    # unticking removes the need again
    form.need_boxes["domestic_violence"].value = False
    form.check_button.click()
    assert all(n["domain"] != "domestic_violence" for n in form.draft.to_dict()["needs"])


def test_assessment_form_full_key_scores_full_marks():
    c = case("medsurg_hip_01")
    form = AssessmentForm(c)
    for need in c.key.needs:
        form.need_boxes[need.domain].value = True
        form.need_severity[need.domain].value = need.severity
        form.need_evidence[need.domain].value = need.evidence
    for risk in c.key.risks:
        form.risk_level[risk.kind].value = risk.level
        form.risk_evidence[risk.kind].value = risk.evidence
    form.strengths.value = "\n".join(c.key.strengths)
    form.formulation.value = " ".join(n.evidence for n in c.key.needs)
    form.check_button.click()
    assert form.result is not None
    assert form.result.score >= 90, form.result.markdown()


def test_assessment_draft_refuses_bad_values_with_named_errors():
    draft = AssessmentDraft(case("ed_ipv_01"))
    with pytest.raises(UnknownNameError, match="did you mean"):
        draft.set_need("food_insecurty", True, 2)
    with pytest.raises(SimValueError, match="severity"):
        draft.set_need("food_insecurity", True, 5)
    with pytest.raises(UnknownNameError, match="risk level"):
        draft.set_risk("ipv", "extreme")


def test_assessment_form_shows_an_error_box_not_a_traceback(monkeypatch):
    form = AssessmentForm(case("ed_ipv_01"))

    def boom() -> None:
        raise SimValueError("a value the engine refuses")
    monkeypatch.setattr(form.draft, "check", boom)
    form.check_button.click()
    assert "a value the engine refuses" in form.feedback_html
    assert "role='alert'" in form.feedback_html and "Traceback" not in form.feedback_html
    assert form.result is None


# ----------------------------------------------------------------------------- intervention picker

def test_picker_warns_about_a_contraindication_at_once_and_scores_choices():
    c = case("ed_ipv_01")
    picker = InterventionPicker(c)
    assert len(picker.boxes) == 12
    picker.boxes["counseling"].value = True
    picker.formats["counseling"].value = "couples"
    assert "Contraindicated: Joint, couples or family counselling" in picker.warnings.value
    assert "couples_counseling_with_abusive_partner" in {c.rule for c in picker.draft.contraindications()[0]}
    picker.formats["counseling"].value = "individual"
    assert "couples_counseling_with_abusive_partner" not in {c.rule for c in picker.draft.contraindications()[0]}
    assert "Joint, couples or family counselling" not in picker.warnings.value
    picker.boxes["domestic_violence_intervention"].value = True
    picker.needs["domestic_violence_intervention"].value = "domestic_violence"
    picker.check_button.click()
    capped = picker.result
    assert capped is not None and capped.capped and "Score capped" in picker.feedback_html
    for action in sim.interventions.triggered_actions(c):
        picker.action_boxes[action].value = True
    picker.check_button.click()
    assert picker.result is not None and not picker.result.capped
    assert picker.result.score > capped.score
    assert {i.category for i in picker.result.items} <= {"interventions", "critical actions", "plan input"}


def test_intervention_draft_names_bad_choices():
    draft = InterventionDraft(case("ed_ipv_01"))
    with pytest.raises(UnknownNameError):
        draft.choose("counselling", True)
    with pytest.raises(UnknownNameError, match="format"):
        draft.choose("counseling", True, variant="online")
    with pytest.raises(UnknownNameError, match="critical action"):
        draft.set_action("call_police", True)


# ----------------------------------------------------------------------------- care plan builder

def test_care_plan_builder_goals_referrals_feedback_and_outcomes():
    c = case("medsurg_hip_01")
    picker = InterventionPicker(c)
    builder = CarePlanBuilder(c, picker=picker, start=START, replicates=300, seed=1)
    assert builder.goal_date.value == date(2026, 4, 1)
    picker.boxes["discharge_planning"].value = True
    builder.add_goal_button.click()   # no description yet: refused inline
    assert "describe the goal" in builder.error.value
    builder.goal_need.value = "disability_equipment"
    builder.goal_description.value = "Walk safely at home with a walker"
    builder.goal_measure.value = "no falls in 30 days"
    builder.add_goal_button.click()
    assert builder.error.value == "" and len(builder.draft.goals) == 1
    assert "Walk safely" in builder.goals_html.value
    builder.referral_need.value = "food_insecurity"
    builder.find_button.click()
    m = sim.resources.match(c, "food_insecurity")
    for _rid, reasons in m.ineligible.items():
        assert reasons[0].split(";")[0].replace("'", "&#x27;") in builder.match_html.value
    assert [v for _, v in builder.resource_choice.options] == [r.id for r in m.eligible]
    builder.add_referral_button.click()
    assert builder.draft.referrals == [{"resource": m.eligible[0].id, "need": "food_insecurity"}]
    builder.discharge.value = "rehabilitation"
    builder.check_button.click()
    assert builder.result is not None and "Score:" in builder.feedback_html
    assert builder.draft.to_dict()["interventions"] == [{"intervention": "discharge_planning"}]
    builder.simulate_button.click()
    assert builder.error.value == ""
    assert set(builder.outcomes) == {"your plan", "no plan", "reference plan"}
    assert builder.outcome_plot.figure is not None
    table = builder.outcome_plot.description.value
    assert "Readmission by 30 days" in table and "reference plan" in table


def test_plan_draft_refuses_incomplete_goals_and_wrong_referrals():
    draft = PlanDraft(case("medsurg_hip_01"))
    with pytest.raises(SimValueError, match="target date"):
        draft.add_goal("food_insecurity", "Enough food", "food bank visit weekly", None)
    with pytest.raises(SimValueError, match="measure"):
        draft.add_goal("food_insecurity", "Enough food", "", START)
    m = sim.resources.match(draft.case, "food_insecurity")
    some = (m.eligible or [sim.resources.get(next(iter(m.ineligible)))])[0]
    with pytest.raises(SimValueError, match="does not serve"):
        draft.add_referral(some.id, "legal_immigration")
    with pytest.raises(UnknownNameError):
        draft.set_discharge("home_alone")
    with pytest.raises(SimValueError, match="no goal 1"):
        draft.remove_goal(0)


def test_plan_simulation_is_seeded():
    draft = PlanDraft(case("medsurg_hip_01"), start=START)
    a = draft.simulate(n=200, seed=5)
    b = draft.simulate(n=200, seed=5)
    assert {k: v.summary() for k, v in a.items()} == {k: v.summary() for k, v in b.items()}


def test_outcome_plot_has_a_text_alternative():
    c = case("medsurg_hip_01")
    results = {"no plan": sim.outcomes.simulate(c, None, n=100, seed=0)}
    plot = OutcomePlot(results)
    assert plot.figure is not None
    assert "<caption>" in plot.description.value and "no plan" in plot.description.value
    assert "sim-outcome-plot" in plot.widget._dom_classes


def test_errors_are_simerrors():
    assert issubclass(UnknownNameError, SimError)


# ----------------------------------------------------------------------------- note editor

def test_note_editor_checks_section_by_section_and_switches_format():
    from sim.widgets import NoteEditor

    c = case("omh_suicide_01")
    editor = NoteEditor(c, fmt="dap")
    assert list(editor.sections) == ["data", "assessment", "plan"]
    assert editor.sections["data"].placeholder  # the guidance is shown
    editor.sections["data"].value = 'Client states "I have been saving pills". PHQ-9 score 21; flat affect observed.'
    editor.sections["assessment"].value = "Claims to be fine."
    editor.check_button.click()
    review = editor.result
    assert review is not None and review.fmt == "dap"
    assert review.section("data").present and review.section("plan").present is False
    html = editor.feedback_html
    assert "Data:" in html and "Plan (missing)" in html and "&#x27;claims&#x27;" in html.lower()
    assert "sim-feedback" in editor.output._dom_classes
    editor.format.value = "soap"
    assert list(editor.sections) == ["subjective", "objective", "assessment", "plan"]
    assert editor.sections["assessment"].value == "Claims to be fine."   # shared section kept
    assert editor.draft.fmt == "soap"


def test_note_draft_refuses_an_unknown_format():
    from sim.widgets import NoteEditor
    from sim.widgets.drafts import NoteDraft

    with pytest.raises(UnknownNameError, match="note format"):
        NoteEditor(None, fmt="narrative")
    draft = NoteDraft("birp")
    draft.sections = {"behavior": "x"}
    with pytest.raises(UnknownNameError):
        draft.set_format("pie")
    assert draft.fmt == "birp" and draft.sections == {"behavior": "x"}


# ----------------------------------------------------------------------------- caseload board

@cache
def shift(seed: int = 3):
    return sim.triage.make_shift(6, seed=seed)


def test_caseload_board_runs_the_shift_and_shows_the_result():
    from sim.widgets import CaseloadBoard

    s = shift()
    board = CaseloadBoard(s)
    assert set(board.positions) == {r.id for r in s.referrals}
    assert all(board.minutes[r.id].value == r.minutes_needed for r in s.referrals)
    board.run_button.click()
    assert "at least one referral" in board.error.value and board.result is None
    reference = sim.triage.reference_order(s)
    board.set_order(reference)
    assert [board.positions[rid].value for rid in reference] == list(range(1, len(reference) + 1))
    board.run_button.click()
    assert board.error.value == ""
    expected = sim.triage.score_shift(s, reference, {r.id: r.minutes_needed for r in s.referrals})
    assert board.result is not None and board.result.score == expected.score
    assert "Triage score" in board.feedback_html and "sim-feedback" in board.output._dom_classes
    # leaving the first crisis for tomorrow is harm, shown as such
    crisis = [r.id for r in s.referrals if r.level == "crisis"]
    if crisis:
        board.set_order([rid for rid in reference if rid not in crisis])
        board.run_button.click()
        assert board.result.harm_events >= 1 and "Harm" in board.feedback_html



def test_caseload_board_set_order_reports_repeats_and_clears_old_errors():
    from sim.widgets import CaseloadBoard

    s = shift()
    board = CaseloadBoard(s)
    first, second = s.referrals[0].id, s.referrals[1].id
    board.set_order(["R99"])
    assert "unknown referral" in board.error.value
    board.set_order([first, second, first])
    assert "listed twice" in board.error.value and "unknown referral" not in board.error.value
    board.set_order([second, first])
    assert board.error.value == ""
    assert (board.positions[second].value, board.positions[first].value) == (1, 2)
    board.set_order(first)   # one id as a string
    assert board.error.value == "" and board.positions[first].value == 1

def test_shift_draft_refuses_two_referrals_in_one_position():
    from sim.widgets.drafts import ShiftDraft

    s = shift()
    a, b = s.referrals[0].id, s.referrals[1].id
    draft = ShiftDraft(s, positions={a: 1, b: 1})
    with pytest.raises(SimValueError, match=f"{a} and {b} are both in position 1"):
        draft.order()
    draft.positions = {a: 2, b: 1}
    assert draft.order() == [b, a]


# ----------------------------------------------------------------------------- case picker and lesson helpers

def test_case_picker_loads_library_and_generated_cases():
    from sim.widgets import CasePicker

    loaded = []
    picker = CasePicker("ed_ipv_01", seed=4, on_load=loaded.append)
    assert picker.case is not None and picker.case.id == "ed_ipv_01"
    picker.choice.value = ""
    picker.load_button.click()
    assert picker.case.id.startswith("gen-") and picker.case.synthetic
    assert [c.id for c in loaded] == ["ed_ipv_01", picker.case.id]
    again = CasePicker(None, seed=4)
    assert again.case.model_dump() == picker.case.model_dump()   # same seed, same case
    assert "sim-case-picker" in picker.widget._dom_classes



def test_case_picker_says_so_when_the_case_id_or_seed_is_wrong():
    from sim.widgets import CasePicker

    picker = CasePicker("medsurg_hip01", seed=7)
    assert "sim-error" in picker.status.value
    assert "medsurg_hip01" in picker.status.value and "did you mean &#x27;medsurg_hip_01&#x27;" in picker.status.value
    assert picker.case is not None and picker.case.id.startswith("gen-")
    assert "Loaded" in picker.status.value
    negative = CasePicker(None, seed=-1)
    assert "seed must be a whole number" in negative.status.value and negative.seed.value == 0
    assert "sim-error" not in CasePicker("medsurg_hip_01", seed=7).status.value

def test_pick_case_and_menu():
    from sim import lesson

    menu = lesson.case_menu()
    assert menu[0][1] is None and ("ed_ipv_01" in [cid for _, cid in menu])
    assert lesson.pick_case(None, seed=11).model_dump() == lesson.pick_case(None, seed=11).model_dump()
    assert lesson.pick_case(None, seed=11).id != lesson.pick_case(None, seed=12).id
    with pytest.raises(UnknownNameError):
        lesson.pick_case("ed_ipv_1")
    with pytest.raises(SimValueError, match="seed"):
        lesson.pick_case(None, seed=-1)


def test_interview_panel_carries_the_classes_the_browser_test_uses():
    from sim import lesson

    panel = lesson.interview_panel(case("medsurg_hip_01"), seed=0)
    assert "sim-interview-panel" in panel.widget._dom_classes
    assert "sim-conversation" in panel.conversation._dom_classes
    assert panel.ask_button.description == "Ask"
    before = panel.conversation.value
    panel.ask_button.click()
    assert panel.conversation.value != before


def test_lesson_page_has_one_sim_feedback_before_the_assessment_result():
    """On lesson 01 the first ``.sim-feedback`` must be the assessment form's, not the interview's."""
    from sim import lesson

    panel = lesson.interview_panel(case("medsurg_hip_01"))
    assert "sim-feedback" not in panel.feedback._dom_classes
    assert "sim-interview-feedback" in panel.feedback._dom_classes


def test_outcome_table_gives_rates_as_percentages_and_other_values_in_units():
    from sim.widgets.outcome_plot import describe_outcomes

    c = case("medsurg_hip_01")
    results = {"no plan": sim.outcomes.simulate(c, None, n=200, seed=2),
               "reference plan": sim.outcomes.simulate(c, sim.expert.reference_plan(c, start=START), n=200, seed=2)}
    table = describe_outcomes(results)
    summary = results["no plan"].summary()
    assert f"<td>{summary['readmission_30d']:.0%}</td>" in table
    assert f"<td>{summary['discharge_delay_days']:.1f}</td>" in table
    assert "(lower is better)" in table and "(higher is better)" in table
    assert table.count("<tr>") == 1 + 8   # header and the eight default outcomes


# ----------------------------------------------------------------------------- accessibility

def _controls(widget):
    import ipywidgets as w

    if isinstance(widget, w.Box):
        for child in widget.children:
            yield from _controls(child)
    elif isinstance(widget, w.DOMWidget) and not isinstance(widget, w.HTML | w.Label | w.Output):
        yield widget


def test_every_control_has_a_label_a_screen_reader_can_announce():
    from sim.widgets import CaseloadBoard, CasePicker, NoteEditor

    c = case("ed_ipv_01")
    picker = InterventionPicker(c)
    guis = [AssessmentForm(c), picker, CarePlanBuilder(c, picker=picker, start=START), NoteEditor(c),
            CaseloadBoard(shift()), CasePicker("ed_ipv_01")]
    for gui in guis:
        controls = list(_controls(gui.widget))
        assert controls
        for control in controls:
            assert control.description.strip(), f"{type(gui).__name__}: unlabelled {type(control).__name__}"


@pytest.mark.parametrize("case_id", ["ed_ipv_01", "omh_suicide_01"])
def test_picker_gives_full_marks_for_the_reference_choices(case_id):
    c = case(case_id)
    picker = InterventionPicker(c)
    reference = sim.expert.reference_plan(c, start=START)
    for item in reference.interventions:
        picker.boxes[item.intervention].value = True
        if item.need:
            picker.needs[item.intervention].value = item.need
        if item.variant and picker.formats[item.intervention] is not None:
            picker.formats[item.intervention].value = item.variant
    for action in reference.actions:
        picker.action_boxes[action].value = True
    assert picker.warnings.value == ""
    picker.check_button.click()
    assert picker.result is not None and picker.result.score == 100.0, picker.result.markdown()


def test_every_note_format_the_editor_offers_is_explained_in_lesson_05():
    import json
    from pathlib import Path

    from sim.widgets import NoteEditor

    editor = NoteEditor(case("omh_suicide_01"))
    labels = [label for label, _ in editor.format.options]
    assert "Psychosocial" in labels and "DAP" in labels
    assert len(editor.format.tooltips) == len(labels)
    lesson = Path(__file__).resolve().parents[1] / "notebooks" / "05_documentation.ipynb"
    text = "".join("".join(c["source"]) for c in json.loads(lesson.read_text())["cells"])
    for label in labels:
        assert f"| **{label}** |" in text, label


def test_intervention_draft_scores_as_feedback_does_including_a_part_with_no_possible_points():
    """The picker's score comes from sim.feedback: nothing to earn and nothing lost is 100, not 0."""
    from sim.feedback import review_plan

    full = case("ed_ipv_01")
    empty_key = full.key.model_copy(update={"recommended": [], "critical_actions": []})
    nothing_expected = full.model_copy(update={"key": empty_key})
    fb = InterventionDraft(nothing_expected).check()
    assert sum(i.possible for i in fb.items) == 0
    assert fb.score == 100.0 and not fb.capped
    draft = InterventionDraft(full)
    draft.choose("counseling", True, need="mental_health")
    fb = draft.check()
    whole = review_plan(full, draft.to_dict())
    assert {i.category for i in fb.items} <= {"interventions", "critical actions", "plan input"}
    assert fb.capped == whole.capped and fb.cap_reason == whole.cap_reason
    assert 0.0 <= fb.score <= 100.0
