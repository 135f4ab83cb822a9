"""The authoring notebook's logic (CaseDraft) and its thin widget (CaseEditor); the notebook itself
runs under nbval (notebooks/authoring.ipynb)."""
from __future__ import annotations

import nbformat
import pytest
from tests.test_notebooks import NOTEBOOKS

from sim.errors import SimValueError
from sim.widgets import CaseDraft, CaseEditor
from sim.widgets.case_editor import DraftNotValidError


def test_a_draft_validates_previews_tries_and_saves(tmp_path):
    draft = CaseDraft.from_library("medsurg_hip_01", "medsurg_hip_02")
    assert draft.valid and draft.name == "medsurg_hip_02"
    assert draft.text.count("id: medsurg_hip_02") == 1
    assert "# Medical-surgical" in draft.chart()
    plan = draft.reference_plan()
    assert "discharge: skilled_nursing" in plan and plan[-1].startswith("score against the key:")
    lines = draft.try_interview()
    assert lines[0].startswith("Patient: ") and "hidden facts disclosed:" in lines[-1]
    saved = draft.save(tmp_path)
    assert saved == tmp_path / "medsurg_hip_02.yaml" and saved.read_text() == draft.text
    with pytest.raises(SimValueError, match="exists"):
        draft.save(tmp_path)


def test_messages_are_live_and_a_bad_draft_cannot_be_saved(tmp_path):
    draft = CaseDraft.from_library("medsurg_hip_01", "medsurg_hip_02")
    draft.edit(draft.text.replace("urgency: routine", "urgency: rutine"))
    [message] = draft.messages()
    assert message.startswith("medsurg_hip_02.yaml:") and "did you mean 'routine'" in message
    with pytest.raises(DraftNotValidError, match="fix them first"):
        draft.save(tmp_path)
    assert not list(tmp_path.iterdir())
    # Keeping the library copy's id is a duplicate the validator names.
    same = CaseDraft.from_library("medsurg_hip_01", "medsurg_hip_01")
    assert any("already used" in m for m in same.messages())


def test_the_widget_shows_messages_as_the_text_changes(tmp_path):
    editor = CaseEditor(CaseDraft.from_library("medsurg_hip_01", "medsurg_hip_02"), folder=tmp_path)
    assert "Valid" in editor.messages.value
    editor.text.value = editor.text.value.replace("age: 91", "age: 300")
    assert "patient.identity.age" in editor.messages.value
    editor.save()
    assert "fix them first" in editor.output.value and not list(tmp_path.iterdir())
    editor.text.value = editor.text.value.replace("age: 300", "age: 91")
    editor.preview()
    assert "sim-student" in editor.output.value
    editor.save()
    assert (tmp_path / "medsurg_hip_02.yaml").exists()


def test_the_authoring_notebook_is_saved_clean_and_uses_the_editor():
    nb = nbformat.read(NOTEBOOKS / "authoring.ipynb", as_version=4)
    nbformat.validate(nb)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert all(c.outputs == [] and c.execution_count is None for c in nb.cells if c.cell_type == "code")
    assert "CaseDraft.from_library" in code and "CaseEditor(" in code and "draft.save(folder)" in code
