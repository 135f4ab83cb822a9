"""The student's view never shows key content; the instructor's view does."""
from __future__ import annotations

from pathlib import Path

import pytest

from sim.cases import load_case, render_key, render_student
from sim.cases.render import FormatError

FIXTURES = Path(__file__).parent / "fixtures" / "cases"


def secrets(case, profile: bool = True) -> list[str]:
    """Texts that belong to the key, hidden facts (and the patient's profile)."""
    out = [n.evidence for n in case.key.needs] + [r.evidence for r in case.key.risks]
    out += [i.rationale for i in case.key.recommended + case.key.acceptable + case.key.contraindicated]
    out += [a.description for a in case.key.critical_actions] + [h.statement for h in case.hidden_facts]
    if profile:
        out += [n.evidence for n in case.patient.profile.needs]
        out += [r.evidence for r in case.patient.profile.risks if r.evidence]
    if case.key.discharge_disposition:
        out.append(case.key.discharge_disposition)
    return [s for s in out if len(s) > 12]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_student_view_has_the_materials_and_no_key(fmt):
    case = load_case(FIXTURES / "test_full_01.yaml")
    text = render_student(case, fmt)
    assert case.referral.reason in text and "Ruth Calder" in text
    assert "I can" in text and "Heart failure" in text and "furosemide" in text
    for secret in secrets(case):
        assert secret not in text, secret
    for word in ("SECRET", "latent", "Latent", "Key", "hidden", "caregiver_burden", "disclosure"):
        assert word not in text
    assert "synthetic" in text.lower()


def test_student_view_of_a_template_never_leaks_across_seeds():
    for seed in range(5):
        case = load_case(FIXTURES / "test_template_01.yaml", seed=seed)
        text = render_student(case, "md") + render_student(case, "html")
        assert not any(s in text for s in secrets(case))


def test_key_view_has_the_key():
    case = load_case(FIXTURES / "test_full_01.yaml")
    text = render_key(case, "md")
    for secret in secrets(case, profile=False):
        assert secret in text, secret
    assert "cssrs_today" in text and "Latent state" in text


def test_html_is_escaped():
    case = load_case(FIXTURES / "test_full_01.yaml")
    evil = case.model_copy(update={"opening_statement": "<script>alert(1)</script> & more"})
    text = render_student(evil, "html")
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp; more" in text


def test_unknown_format_is_a_clear_error():
    case = load_case(FIXTURES / "test_full_01.yaml")
    with pytest.raises(FormatError, match="'pdf'.*allowed: md, html"):
        render_student(case, "pdf")
