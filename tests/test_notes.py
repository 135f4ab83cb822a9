from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.errors import UnknownNameError
from sim.notes import check_note, split_sections, template
from test_feedback import make_case

CASE = make_case()

SOAP = """S: Patient states "I skip meals at the end of the month so my son can eat." She reports feeling down.
O: PHQ-9 score 14. Tearful, good eye contact, oriented x3. Admitted 5 days ago with hyperglycemia.
A: Presentation is consistent with moderate depression in the context of severe food insecurity, which
likely contributes to poor glycemic control. Strength: a close relationship with her son.
P: SW completed the C-SSRS today. Will refer to SNAP and the city food pantry; follow up by phone within 7 days.
"""

DAP = """## Data
Patient states "by the end of the month there is nothing in the fridge." PHQ-9 score 14; tearful, oriented, calm.
## Assessment
Moderate depression in the context of severe food insecurity, which likely contributes to poor glycemic control.
## Plan
C-SSRS completed today. Will refer to SNAP and the food pantry; follow-up call within 7 days.
"""

BIRP = """**Behavior:** Patient was tearful and said "I can't keep doing this." Good eye contact, PHQ-9 score 14.
**Intervention:** SW validated her feelings, completed the C-SSRS and explored food resources with her.
**Response:** She was receptive and agreed to start a SNAP application today.
**Plan:** Will refer to the food pantry and follow up tomorrow at the bedside before discharge.
"""


@pytest.mark.parametrize("fmt,note", [("soap", SOAP), ("dap", DAP), ("birp", BIRP)])
def test_a_complete_note_scores_full_marks_in_each_format(fmt, note):
    review = check_note(note, fmt, case=make_case())
    assert review.score == 100.0, review.markdown()
    assert all(s.present and s.earned == s.possible for s in review.sections)
    assert not [m for m in review.all_messages() if m.kind in {"missed", "error"}]


def test_headings_in_several_styles_are_recognised():
    texts, _ = split_sections("Subjective: a\n## Objective\nb\n**A**: c\nPLAN - d\n", "soap")
    assert texts == {"subjective": "a", "objective": "b", "assessment": "c", "plan": "d"}


def test_soap_missing_section_and_objective_without_measures():
    note = SOAP.replace(
        "O: PHQ-9 score 14. Tearful, good eye contact, oriented x3. Admitted 5 days ago with hyperglycemia.",
        "O: She seems sad and is likely depressed, which suggests a need for help today.",
    )
    note = note.split("P:")[0]
    review = check_note(note, "soap")
    obj = review.section("objective")
    assert obj.earned < obj.possible
    text = " ".join(m.message for m in obj.messages)
    assert "observed or measured" in text and "interpretation" in text
    plan = review.section("plan")
    assert not plan.present and plan.earned == 0 and "Plan section missing" in plan.messages[0].message
    assert review.section("subjective").earned == review.section("subjective").possible


def test_soap_subjective_without_client_words():
    note = SOAP.replace('S: Patient states "I skip meals at the end of the month so my son can eat." '
                        'She reports feeling down.',
                        "S: Diabetes with high sugars, here for five days, on insulin, lives with son in apartment.")
    s = check_note(note, "soap").section("subjective")
    assert any("client's own words" in m.message for m in s.messages) and s.earned < s.possible


def test_dap_data_needs_both_words_and_measures():
    note = DAP.replace('Patient states "by the end of the month there is nothing in the fridge." ', "")
    data = check_note(note, "dap").section("data")
    assert any("client's own words" in m.message for m in data.messages)
    assert not any("observed or measured" in m.message for m in data.messages)


def test_birp_response_and_intervention_checked():
    note = BIRP.replace("**Response:** She was receptive and agreed to start a SNAP application today.",
                        "**Response:** Food pantry hours are 9 to 5 on weekdays at the church hall.")
    note = note.replace("SW validated her feelings, completed the C-SSRS and explored food resources with her.",
                        "The hospital cafeteria serves lunch at noon on the fourth floor of the building.")
    review = check_note(note, "birp")
    assert any("how the client responded" in m.message for m in review.section("response").messages)
    assert any("what you did" in m.message for m in review.section("intervention").messages)


def test_case_needs_and_critical_actions_are_looked_for():
    note = SOAP.replace("SW completed the C-SSRS today. ", "").replace("SNAP and the city food pantry", "a clinic")
    note = note.replace("skip meals at the end of the month so my son can eat", "feel tired")
    note = note.replace("in the context of severe food insecurity, which", "which")
    review = check_note(note, "soap", case=make_case())
    text = " ".join(m.message for m in review.messages)
    assert "does not mention food insecurity" in text
    assert "Critical action not documented: Complete a C-SSRS screen today" in text
    assert review.score < 100


def test_a_report_to_adult_protective_services_does_not_document_a_child_report():
    from sim.model.case import CriticalAction

    case = make_case(critical_actions=[CriticalAction(kind="mandated_report_child",
                                                      description="Report to child protective services today")])
    aps = SOAP.replace("SW completed the C-SSRS today.", "SW filed a mandated report with APS today.")
    text = " ".join(m.message for m in check_note(aps, "soap", case=case).messages)
    assert "Critical action not documented: Report to child protective services today" in text
    cps = SOAP.replace("SW completed the C-SSRS today.", "SW filed a report with CPS today.")
    text = " ".join(m.message for m in check_note(cps, "soap", case=case).messages)
    assert "Critical action documented: Report to child protective services today" in text


def test_critical_action_outside_the_plan_earns_half():
    note = SOAP.replace("SW completed the C-SSRS today. ", "").replace("She reports feeling down.",
                                                                          "She reports feeling down; C-SSRS done.")
    review = check_note(note, "soap", case=make_case())
    assert any("not in the plan" in m.message for m in review.messages)


def test_judgmental_language_is_flagged_with_an_alternative():
    note = SOAP.replace("She reports feeling down.", "She claims she is non-compliant with insulin.")
    review = check_note(note, "soap")
    text = " ".join(m.message for m in review.section("subjective").messages)
    assert "'claims'" in text and "'reports'" in text and "'non-compliant'" in text
    assert review.score < check_note(SOAP, "soap").score


def test_substance_abuse_is_flagged_but_abuse_of_a_person_is_not():
    # NIDA "Words Matter": "substance abuse" -> "substance use". Abuse of a person (an abusive
    # partner, elder or child abuse) is the right word and must not be "corrected" to substances.
    note = SOAP.replace("She reports feeling down.", "She reports a history of substance abuse.")
    text = " ".join(m.message for m in check_note(note, "soap").all_messages())
    assert "'substance abuse'" in text and "'substance use'" in text
    note = SOAP.replace("She reports feeling down.", "She reports her abuser hit her; elder abuse was ruled out.")
    review = check_note(note, "soap")
    assert not [m for m in review.all_messages() if "Judgmental" in m.message]
    assert "person who uses substances" not in " ".join(m.message for m in review.all_messages())


@pytest.mark.parametrize("term, instead", [
    ("committed suicide", "died by suicide"), ("wheelchair-bound", "uses a wheelchair"),
    ("elderly", "older adult"), ("illegal immigrant", "undocumented"),
])
def test_stigmatizing_terms_get_a_person_first_alternative(term, instead):
    note = SOAP.replace("She reports feeling down.", f"She reports feeling down; {term} was noted.")
    text = " ".join(m.message for m in check_note(note, "soap").all_messages())
    assert f"'{term}'" in text and instead in text


def test_identifying_details_are_flagged():
    case = make_case()
    note = SOAP.replace("She reports feeling down.", "Call her at (555) 555-0142 or at 12 Elm St; son Luis Testa.")
    review = check_note(note, "soap", case=case)
    text = " ".join(m.message for m in review.all_messages())
    assert all(m.section == "subjective" for m in review.all_messages() if "Identifying" in m.message)
    assert "telephone number" in text and "street address" in text and "'Luis Testa'" in text
    assert review.score < 100


def test_dict_notes_and_unknown_sections():
    review = check_note({"S": "x", "Obj": "y"}, "soap")
    assert any("Unknown section 'Obj'" in m.message for m in review.messages)
    assert review.section("subjective").present and not review.section("objective").present


def test_unknown_format_names_the_allowed_ones():
    with pytest.raises(UnknownNameError) as info:
        check_note(SOAP, "soapy")
    assert "soap" in str(info.value) and "birp" in str(info.value)


def test_text_without_headings_says_how_to_write_them():
    review = check_note("Saw patient. She was sad.", "dap")
    assert review.score == 0 and any("No DAP headings" in m.message for m in review.messages)


@pytest.mark.parametrize("fmt", ["soap", "dap", "birp", "psychosocial"])
def test_template_round_trips_as_empty_sections(fmt):
    blank = template(fmt)
    assert blank.count("## ") == len(check_note("", fmt).sections)
    review = check_note(blank, fmt)
    assert review.score == 0 and not any(s.present for s in review.sections)
    filled = blank.replace("-->\n", "-->\nPatient states \"I am worried\" and will follow up; PHQ-9 score 14.\n")
    assert all(s.present for s in check_note(filled, fmt).sections)


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet=st.sampled_from([*"SOAPDBIR:#* '\"abc123-", "\n"]), max_size=120),
       fmt=st.sampled_from(["soap", "dap", "birp", "SOAP", "psychosocial"]))
def test_any_text_is_checked_without_a_traceback(text, fmt):
    review = check_note(text, fmt, case=CASE)
    assert 0 <= review.score <= 100
    review.markdown()


def test_plan_without_a_next_contact_is_named():
    note = SOAP.replace("; follow up by phone within 7 days", " and help her apply for benefits as planned")
    plan = check_note(note, "soap").section("plan")
    assert any("next contact" in m.message for m in plan.messages) and plan.earned < plan.possible


def test_review_renders_as_escaped_html():
    html = check_note({"S": SOAP, "<script>": "x"}, "soap").html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<h4>") == 5 and "sim-note-review" in html


PSYCHOSOCIAL = """## Identifying information and reason for referral
58-year-old woman admitted with hyperglycemia, referred by the attending physician for food and money worries.
## Prior level of functioning
Independent in ADLs and IADLs before admission; walks without a cane and managed her own medications.
## Support systems
Lives with her son, who is close and supportive; attends church weekly and knows her neighbours.
## Financial status and entitlements
Income 70% FPL; Medicaid; no SNAP benefits yet; unemployed since spring.
## Relevant history
Type 2 diabetes diagnosed ten years ago; history of depression treated in the past.
## Assessment
Alert, tearful, oriented. Moderate depression in the context of severe food insecurity, which likely contributes
to poor glycemic control; strengths include her son and her faith community.
## Plan
C-SSRS completed today. Will refer to SNAP and the food pantry; follow-up call within 7 days.
"""


def test_hospital_psychosocial_assessment_is_checked_section_by_section():
    review = check_note(PSYCHOSOCIAL, "psychosocial", case=make_case())
    assert review.score == 100.0, review.markdown()
    assert len(review.sections) == 7
    thin = check_note(PSYCHOSOCIAL.replace("Income 70% FPL; Medicaid; no SNAP benefits yet; unemployed since spring.",
                                           "She did not want to talk about this today, she said."), "psychosocial")
    assert any("income, insurance" in m.message for m in thin.section("financial").messages)
