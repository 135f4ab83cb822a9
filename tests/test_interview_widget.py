"""The interview panel driven through its Python API (no browser)."""
from __future__ import annotations

import subprocess
import sys

from sim.model.blocks import to_html
from sim.widgets.common import status_html
from sim.widgets.interview_panel import InterviewPanel
from test_interview import ipv_case, make_case


def test_panel_asks_shows_reply_rapport_time_and_disclosures():
    panel = InterviewPanel(ipv_case(), seed=3)
    assert "I just want to get home" in panel.conversation.value
    assert panel.rapport.value == panel.interview.rapport
    panel.action_buttons["private_setting"].click()
    panel.domain.value = "domestic_violence"
    panel.style.value = "empathic"
    assert [v for _, v in panel.question.options] == ["domestic_violence.empathic.1"]
    for domain, style in [("general", "empathic"), ("general", "reflection"), ("domestic_violence", "reflection"),
                          ("domestic_violence", "empathic"), ("domestic_violence", "open")]:
        panel.domain.value, panel.style.value = domain, style
        panel.ask_button.click()
    assert panel.error.value == ""
    assert "Tell me about your relationship" in panel.conversation.value
    assert "pushed me down the stairs" in panel.disclosed.value
    assert panel.rapport.value == panel.interview.rapport > panel.interview.rapport_start
    assert f"{panel.interview.minutes_used} of 45" in panel.time_label.value
    assert len(panel.interview.transcript) == 6


def test_panel_actions_end_and_inline_errors():
    panel = InterviewPanel(make_case(), seed=0, budget_minutes=2)
    panel.action_buttons["private_setting"].click()
    assert panel.action_buttons["private_setting"].disabled
    assert "private setting" in panel.conversation.value.lower()
    panel.ask_button.click()   # general.open.1 takes 2 minutes: budget now spent
    panel.ask_button.click()
    assert "time budget" in panel.error.value
    panel.end_button.click()
    assert "Feedback" in panel.feedback.value and "You used" in panel.feedback.value
    assert panel.feedback.value == status_html(to_html(panel.interview.feedback()))  # the block the CLI prints as text
    assert panel.ask_button.disabled and panel.end_button.disabled
    panel.ask()
    assert "ended" in panel.error.value


def test_panel_empty_filter_reports_inline():
    panel = InterviewPanel(make_case(), seed=0)
    panel.domain.value, panel.style.value = "grief_end_of_life", "scaling"
    assert panel.question.options == ()
    panel.ask_button.click()
    assert "Choose a question" in panel.error.value


def test_engine_does_not_import_widgets():
    code = ("import sys, sim.interview; sim.interview.start; "
            "assert 'ipywidgets' not in sys.modules, 'engine imported ipywidgets'")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).returncode == 0


def test_interview_panel_errors_use_the_common_alert_box():
    import sim
    from sim.widgets import InterviewPanel

    panel = InterviewPanel(sim.load_case("ed_ipv_01"))
    panel.take("bogus")
    assert "sim-error" in panel.error.value and "role='alert'" in panel.error.value
    assert "Please check" in panel.error.value and "unknown interview action" in panel.error.value


def test_panel_typed_words_are_answered_and_the_reading_shown():
    panel = InterviewPanel(ipv_case(), seed=2)
    panel.typed.value = "How do you manage food from week to week?"
    panel.say_button.click()
    assert panel.error.value == "" and panel.typed.value == ""
    assert "You:</b> How do you manage food from week to week?" in panel.conversation.value
    assert "skips meals at the end of the month" in panel.conversation.value.lower()
    assert "Read as <b>an open question about food</b>" in panel.reading.value
    panel.show_reading.value = False
    assert panel.reading.value == ""
    panel.show_reading.value = True
    panel.typed.value = "zorp blick fnarg"
    panel.say_button.click()
    assert "did not follow" in panel.reading.value and "You:</b> zorp blick fnarg" in panel.conversation.value
    assert panel.interview.transcript[-1].kind == "unclear"


def test_panel_typed_bad_input_reports_inline_and_keeps_the_text():
    panel = InterviewPanel(make_case(), seed=0)
    panel.typed.value = "   "
    panel.say_button.click()
    assert "empty" in panel.error.value and "role='alert'" in panel.error.value
    panel.typed.value = "w" * 501
    panel.say_button.click()
    assert "at most 500 characters" in panel.error.value and panel.typed.value == "w" * 501
    assert panel.interview.transcript == []
    panel.end_button.click()
    assert panel.say_button.disabled
