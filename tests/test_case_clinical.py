"""The format says cognition, self-neglect with its indicators and supplemental coverage; stock
replies follow the living situation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.cases.library import validate_file
from sim.cases.render import render_key, render_student
from sim.interview.replies import _deflect, _need
from sim.interview.templates import replies

LIB = Path(__file__).parent.parent / "simcases"
HIP = LIB / "medsurg_hip_01.yaml"  # 91, widowed, lives alone, Medicare


def _variant(tmp_path: Path, old: str, new: str, name: str = "hip_variant_01") -> Path:
    text = HIP.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / f"{name}.yaml"
    path.write_text(text.replace("id: medsurg_hip_01", f"id: {name}").replace(old, new, 1), encoding="utf-8")
    return path


MEDICARE = "    insurance: medicare"
COGNITION = "    prognosis: "


def test_cognition_and_supplemental_coverage_reach_the_chart(tmp_path):
    path = _variant(tmp_path, MEDICARE, MEDICARE + "\n    supplemental:\n"
                    "      - {kind: medigap, plan: Plan G, monthly_premium: 212}\n      - {kind: part_d}")
    path.write_text(path.read_text().replace(
        COGNITION, "    cognition:\n      status: suspected\n      screens: [{instrument: mini_cog, score: 2}]\n"
                   "      notes: Repeats questions; daughter noticed unpaid bills.\n" + COGNITION, 1))
    assert validate_file(path) == []
    chart = render_student(sim.load_case(path))
    assert "Medigap (Medicare Supplement Insurance), Plan G ($212/month)" in chart
    assert "Medicare prescription drug plan (Part D)" in chart
    assert ("Cognition:** Cognitive impairment suspected (a positive screen or the team's concern), not yet "
            "evaluated; Mini-Cog 2/5 (positive screen: below 3). Repeats questions") in chart


@pytest.mark.parametrize(("old", "new", "where", "says"), [
    (MEDICARE, "    insurance: medicare\n    supplemental: [{kind: medigap}, {kind: medicare_advantage}]",
     "patient.economics", "'medigap' cannot be held together with 'medicare_advantage'"),
    (MEDICARE, "    insurance: medicaid\n    supplemental: [{kind: medigap}]",
     "patient.economics", "'medigap' goes with insurance 'medicare' (got insurance 'medicaid'"),
    (COGNITION, "    cognition: {status: intact, screens: [{instrument: mini_cog, score: 1}]}\n" + COGNITION,
     "patient.medical.cognition", "status 'intact' with a positive screen (Mini-Cog 1/5"),
    (COGNITION, "    cognition: {status: suspected, screens: [{instrument: mini_cog, score: 7}]}\n" + COGNITION,
     "patient.medical.cognition.screens.0", "Mini-Cog scores 0 to 5 (got 7)"),
    (COGNITION, "    cognition: {status: suspected, screens: [{instrument: minicog, score: 2}]}\n" + COGNITION,
     "patient.medical.cognition.screens.0.instrument", "did you mean 'mini_cog'"),
    (COGNITION, "    cognition: {status: suspected, stage: mild}\n" + COGNITION,
     "patient.medical.cognition", "a stage is for status 'dementia' only"),
    (COGNITION, "    cognition: {status: dementia, stage: mild}\n" + COGNITION,
     "patient.medical", "cognition status 'dementia' with no dementia diagnosis among the codes"),
])
def test_each_mistake_is_a_located_problem(tmp_path, old, new, where, says):
    problems = validate_file(_variant(tmp_path, old, new))
    assert any(p.path == where and says in p.message for p in problems), [str(p) for p in problems]


RISKS = "    risks:\n"


def test_self_neglect_is_a_risk_with_its_indicators(tmp_path):
    path = _variant(tmp_path, RISKS, RISKS + "      - kind: self_neglect\n        level: moderate\n"
                    "        evidence: Spoiled food in the fridge; the heating was off.\n"
                    "        indicators: [malnutrition_dehydration, utilities_off]\n")
    text = path.read_text().replace("\n  risks:\n", "\n  risks:\n    - {kind: self_neglect, level: moderate, "
                                    "evidence: Spoiled food and no heat.}\n", 1)
    path.write_text(text)
    assert validate_file(path) == []
    key = render_key(sim.load_case(path))
    assert ("Self-neglect: moderate. Spoiled food and no heat. Indicators: weight loss, malnutrition or "
            "dehydration; little or no food at home; no heat, water or power") in key
    bare = _variant(tmp_path, RISKS, RISKS + "      - {kind: self_neglect, level: high, evidence: x}\n", "bare_01")
    assert any("a self_neglect risk names the indicators seen (allowed: hoarding" in p.message
               for p in validate_file(bare))
    wrong = _variant(tmp_path, RISKS, RISKS + "      - {kind: falls, level: high, indicators: [hoarding]}\n", "wr_01")
    assert any("risk 'falls' has no indicator list" in p.message for p in validate_file(wrong))


def test_a_coded_dementia_diagnosis_is_accepted(tmp_path):
    path = _variant(tmp_path, COGNITION, "    cognition: {status: dementia, stage: mild}\n" + COGNITION)
    text = path.read_text().replace("    comorbidities:\n", "    comorbidities:\n      - {code: F03.A0, label: "
                                    "\"Unspecified dementia, mild, without behavioral disturbance\"}\n", 1)
    # dementia is a Charlson condition (weight 1): the index, and the LACE index quoted, move with the code
    text = text.replace("    charlson_index: 1\n", "    charlson_index: 2\n", 1).replace("LACE 9", "LACE 10")
    text = text.replace("Charlson 1, one ED visit", "Charlson 2, one ED visit")
    path.write_text(text)
    assert validate_file(path) == []


def test_self_neglect_is_never_generated():
    with pytest.raises(sim.errors.ConstraintError, match="'self_neglect' is not generated"):
        sim.generate_patient(1, risks=["self_neglect"])


def test_the_elder_abuse_lines_do_not_assume_a_caregiver_for_a_patient_who_lives_alone():
    case = sim.load_case("medsurg_hip_01")
    assert case.patient.lives_alone
    assert not sim.load_case("home_elder_abuse_01").patient.lives_alone
    from sim.interview.bank import Question
    from sim.interview.knowledge import StatedNeed

    need = StatedNeed(domain="elder_abuse", severity=3, evidence="people who visit take money")
    q = Question(id="elder_abuse.open.1", domain="elder_abuse", style="open", text="How are things at home?")
    alone = {_need(need, q, np.random.default_rng(s), "Ruth", alone=True).text for s in range(20)}
    housed = {_need(need, q, np.random.default_rng(s), "Ruth", alone=False).text for s in range(20)}
    assert not any("supposed to look after me" in t for t in alone)
    assert any("supposed to look after me" in t for t in housed)
    deflect = {_deflect(q, np.random.default_rng(s), alone=True).text for s in range(40)}
    assert not any("in the family" in t for t in deflect)
    assert replies().deflection.alone_by_domain["elder_abuse"][0].text in deflect


def test_the_fall_case_uses_cognition_self_neglect_coverage_and_living_alone_replies():
    case = sim.load_case("medsurg_fall_dementia_01")
    assert validate_file(LIB / "medsurg_fall_dementia_01.yaml") == []
    p = case.patient
    assert p.lives_alone and p.medical.cognition is not None and p.medical.cognition.status == "dementia"
    risk = p.profile.risk("self_neglect")
    assert risk is not None and "medication_mismanagement" in risk.indicators
    assert [s.kind for s in p.economics.supplemental] == ["medigap", "part_d"]
    assert "Indicators: weight loss, malnutrition or dehydration" in render_key(case)
    # Asked about abuse or neglect before he trusts the worker, he answers as a man who lives alone.
    alone = replies().deflection.alone_by_domain["elder_abuse"][0].text
    said = {sim.interview.start(case, seed=s).ask("elder_abuse.open.1").text for s in range(12)}
    assert alone in said and not any("in the family" in t or "look after me" in t for t in said)
