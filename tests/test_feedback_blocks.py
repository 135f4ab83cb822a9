"""One feedback block model and one renderer: every engine's result and every widget say the same
messages, with the same icons, in HTML, text and Markdown."""
from __future__ import annotations

import html
from typing import Any, cast

import pytest

from sim.errors import UnknownNameError
from sim.feedback import review
from sim.instruments import score
from sim.model.blocks import STATUS_ICONS, Block, Line, Section, render, to_html, to_markdown, to_text
from sim.notes import check_note
from sim.triage import make_shift, score_shift
from test_feedback import GOOD_ASSESSMENT, make_case
from test_notes import SOAP

BLOCK = Block(css="sim-x", title="Score: 50 / 100", cap="a critical action was missed",
              notes=["Time used 30 of 60 minutes."],
              sections=[Section(title="Needs", lines=[Line(kind="praise", text="Food <found>", points="2/2 points"),
                                                      Line(kind="missed", text="Housing missed", points="0/2 points")]),
                        Section(title="Plan", empty="Nothing to add.")],
              footer="Synthetic patient.")


def test_one_block_in_three_formats():
    assert to_text(BLOCK) == (
        "Score: 50 / 100\n\nScore capped: a critical action was missed\n\nTime used 30 of 60 minutes.\n\n"
        "Needs\n  ✔ Food <found> (2/2 points)\n  ✘ Housing missed (0/2 points)\n\nPlan\n  ✔ Nothing to add.\n\n"
        "Synthetic patient.\n")
    assert to_markdown(BLOCK) == (
        "**Score: 50 / 100**\n\n> Score capped: a critical action was missed\n\nTime used 30 of 60 minutes.\n\n"
        "### Needs\n- ✔ Food <found> (2/2 points)\n- ✘ Housing missed (0/2 points)\n\n### Plan\n"
        "- ✔ Nothing to add.\n\n*Synthetic patient.*\n")
    page = to_html(BLOCK)
    assert page.startswith("<div class='sim-x'>") and page.endswith("</div>")
    assert "<p class='sim-cap'>Score capped: a critical action was missed</p>" in page
    assert "Food &lt;found&gt;" in page and "<found>" not in page
    assert page.count("<li class='sim-praise'") == 1 and page.count("<li class='sim-missed'") == 1
    assert "<h4>Plan</h4>\n<p>✔ Nothing to add.</p>" in page and "<p><i>Synthetic patient.</i></p>" in page
    assert [render(BLOCK, f) for f in ("html", "text", "markdown")] == [page, to_text(BLOCK), to_markdown(BLOCK)]


def test_an_unknown_format_names_the_three():
    with pytest.raises(UnknownNameError, match="'pdf'; allowed: html, markdown, text"):
        render(BLOCK, cast(Any, "pdf"))


def _results():
    shift = make_shift(seed=3, n=5)
    return [review(make_case(), GOOD_ASSESSMENT, {"interventions": ["<b>nope</b>"]}),
            check_note({"S": SOAP, "<script>": "x"}, "soap", case=make_case()),
            score_shift(shift, [r.id for r in shift.referrals][:2]),
            score("phq9", [1, 1, 1, 1, 1, 1, 1, 1, 1])]


@pytest.mark.parametrize("result", _results(), ids=["feedback", "note review", "triage", "instrument score"])
def test_every_result_says_every_message_with_its_icon_in_every_format(result):
    block = result.block()
    lines = [line for section in block.sections for line in section.lines]
    assert lines and block.title
    text, md, page = result.text(), result.markdown(), result.html()
    assert result._repr_markdown_() == md
    for line in lines:
        said = f"{STATUS_ICONS[line.kind]} {line.text}"
        assert said in text and said in md
        assert f"{STATUS_ICONS[line.kind]} <span style='color:#000'>{html.escape(line.text)}</span>" in page
    assert page.count("<li") == len(lines) and "<script>" not in page and "<b>nope" not in page
    assert block.title in text and f"**{block.title}**" in md and html.escape(block.title) in page


def test_the_widgets_show_the_engines_own_html():
    from sim.widgets import CaseloadBoard, NoteEditor
    from sim.widgets.common import status_html

    editor = NoteEditor(make_case(), fmt="soap")
    editor.sections["subjective"].value = "Patient states she skips meals."
    editor.check_button.click()
    assert editor.result is not None and editor.feedback_html == status_html(editor.result.html())
    assert "Nothing to add." in editor.feedback_html or "(missing)" in editor.feedback_html
    board = CaseloadBoard(make_shift(seed=3, n=4))
    board.set_order(["R02", "R01"])
    board.run_button.click()
    assert board.result is not None and board.feedback_html == status_html(board.result.html())
    assert board.error.value == ""


def test_message_colours_are_the_okabe_ito_colours_of_the_plots():
    from sim.model.blocks import KIND_COLOURS
    from sim.viz.palette import OKABE_ITO

    assert {"praise": OKABE_ITO["green"], "missed": OKABE_ITO["vermillion"],
                            "error": OKABE_ITO["vermillion"], "warning": OKABE_ITO["orange"]} == KIND_COLOURS
