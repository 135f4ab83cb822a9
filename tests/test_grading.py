"""Unit tests of the grading tooling: variants, answer forms, scorers, tamper scan, feedback
stripping, rubric comments. Fast: no kernel is started here (end-to-end runs are in
test_grading_e2e.py and test_course.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from sim.errors import SimValueError, UnknownNameError
from sim.grading import forms, material, scoring, submission, variant
from sim.grading.course import CourseError, load_course
from sim.grading.nbext import CapOutputBytes, StripHiddenTests
from sim.grading.simulate import build_submission

COURSE = Path(__file__).resolve().parents[1] / "assignments"


@pytest.fixture(scope="module")
def course():
    return load_course(COURSE)


@pytest.fixture(scope="module")
def keys():
    return scoring.load_keys(COURSE)


def test_variant_is_deterministic_and_personal():
    a = variant.student_variant("amy", "salt", "a1")
    assert a == variant.student_variant("amy", "salt", "a1")
    assert a != variant.student_variant("bob", "salt", "a1")
    assert a != variant.student_variant("amy", "other-salt", "a1")
    assert a != variant.student_variant("amy", "salt", "a2")
    assert 0 <= a < 2**63
    with pytest.raises(SimValueError, match="empty"):
        variant.student_variant("  ", "salt")


def test_student_identity_order(tmp_path, monkeypatch):
    graded = tmp_path / "autograded" / "carla" / "a1_assessment"
    graded.mkdir(parents=True)
    monkeypatch.setenv("JUPYTERHUB_USER", "instructor")
    monkeypatch.setenv("SIM_STUDENT_ID", "dan")
    assert variant.current_student(graded) == "carla"  # the submission path wins
    assert variant.current_student(tmp_path) == "dan"
    monkeypatch.delenv("SIM_STUDENT_ID")
    monkeypatch.delenv("NBGRADER_STUDENT_ID", raising=False)
    assert variant.current_student(tmp_path) == "instructor"
    monkeypatch.delenv("JUPYTERHUB_USER")
    assert variant.current_student(tmp_path)  # OS user fallback, never empty


def test_course_salt_from_env_then_course_yaml(monkeypatch):
    monkeypatch.delenv("SIM_COURSE_SALT", raising=False)
    assert variant.course_salt(COURSE) == "sim-msw-demo-salt"
    monkeypatch.setenv("SIM_COURSE_SALT", "term-2027")
    assert variant.course_salt(COURSE) == "term-2027"


@pytest.mark.parametrize("name", list(material.BUILDERS))
def test_material_is_synthetic_deterministic_and_varied(name):
    a, b = material.material(name, 11), material.material(name, 11)
    assert a == b and a["synthetic"] is True
    json.dumps(a)
    assert material.material(name, 12) != a


def test_unknown_assignment_material():
    with pytest.raises(UnknownNameError, match="did you mean 'a1'"):
        material.material("a11", 1)


def test_answer_forms_accept_and_reject():
    assert forms.check_form("a1_phq9_total", 14) == 14
    assert forms.check_form("a1_needs_identified", ("crisis", "utilities")) == ["crisis", "utilities"]
    with pytest.raises(forms.AnswerFormError, match="from 0 to 27"):
        forms.check_form("a1_phq9_total", 30)
    with pytest.raises(forms.AnswerFormError, match="a whole number"):
        forms.check_form("a1_phq9_total", 3.5)
    with pytest.raises(forms.AnswerFormError, match="one of: minimal"):
        forms.check_form("a1_phq9_band", "big")
    with pytest.raises(forms.AnswerFormError, match="did you mean 'housing_instability'"):
        forms.check_form("a1_needs_identified", ["housing_instabilty"])
    with pytest.raises(forms.AnswerFormError, match="True or False"):
        forms.check_form("a1_item9_flag", 1)
    with pytest.raises(UnknownNameError):
        forms.form_of("a1_nope")


def test_every_scorer_has_a_form_and_a_competency():
    import yaml

    comps = yaml.safe_load((COURSE / "competencies.yaml").read_text())["grades"]
    for gid, (_, answer_id, _) in scoring.SCORERS.items():
        assert answer_id in forms.forms()
        assert gid in comps


@pytest.mark.parametrize("total,band", [(0, "minimal"), (4, "minimal"), (5, "mild"), (9, "mild"),
                                        (10, "moderate"), (14, "moderate"), (15, "moderately severe"),
                                        (19, "moderately severe"), (20, "severe"), (27, "severe")])
def test_phq9_bands(total, band):
    assert scoring.phq9_band(total) == band


@pytest.mark.parametrize("total,band", [(4, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")])
def test_gad7_bands(total, band):
    assert scoring.gad7_band(total) == band


def test_gas_tscore():
    goals = [{"weight": 1, "attainment": 0}] * 3
    assert scoring.gas_tscore(goals, 0.3) == 50
    one = [{"weight": 1, "attainment": 1}]
    assert scoring.gas_tscore(one, 0.3) == pytest.approx(60.0)
    # three equal weights all at +1: 50 + 30 / sqrt(0.7*3 + 0.3*9) = 63.69
    assert scoring.gas_tscore([{"weight": 1, "attainment": 1}] * 3, 0.3) == pytest.approx(63.693, abs=1e-3)


def test_hrsn_rules():
    h = {"living_situation": material.HRSN_LIVING[0], "housing_problems": ["None of the above"],
         "food_worried_would_run_out": "Never true", "food_did_not_last": "Sometimes true",
         "transportation_kept_from_care": "No", "utilities_shut_off_threat": "Already shut off",
         "safety_hurt_insult_threaten_scream": [3, 3, 3, 2]}
    assert scoring.hrsn_positive(h) == ["food_insecurity", "utilities", "domestic_violence"]
    h["safety_hurt_insult_threaten_scream"] = [3, 3, 2, 2]  # 10 is not more than 10
    assert "domestic_violence" not in scoring.hrsn_positive(h)


def _a7(state: str, income: int, household: int = 1) -> dict[str, Any]:
    m = material.material("a7", 5)
    return {**m, "patient": {**m["patient"], "state": state, "annual_income": income, "household_size": household}}


@pytest.mark.parametrize("state, income, household, route", [
    ("TX", 12_000, 1, "coverage_gap"),        # 77% FPL in a state that has not expanded
    ("TX", 16_000, 1, "marketplace_subsidy"),  # 102%: premium tax credits from 100% FPL
    ("MI", 12_000, 1, "medicaid_expansion"),   # 77% in an expansion state
    ("MI", 21_500, 1, "medicaid_expansion"),   # 137%
    ("MI", 21_700, 1, "marketplace_subsidy"),  # 139%: above the expansion limit
    ("FL", 20_000, 2, "coverage_gap"),         # 95% of the guideline for two
])
def test_coverage_route_follows_the_state_and_the_poverty_guideline(keys, state, income, household, route):
    assert scoring.a7_coverage_route(_a7(state, income, household), keys) == route


def test_a7_feedback_names_the_state(keys):
    m = _a7("TX", 12_000)
    wrong = scoring.SCORERS["a7_coverage_route"][2]("medicaid_expansion", m, keys)
    assert wrong.fraction == 0 and "in this state (Texas)" in wrong.message and "not been expanded" in wrong.message
    right = scoring.SCORERS["a7_coverage_route"][2]("coverage_gap", m, keys)
    assert right.fraction == 1 and "in this state (Texas)" in right.message


def test_a7_states_follow_the_generators_expansion_table():
    from sim.generate.params import params
    from sim.tables import read_yaml

    pools = read_yaml("grading/variants.yaml")["a7_states"]
    non = set(params().population.insurance["non_expansion_states"])
    assert set(pools["non_expansion"]) <= non and not set(pools["expansion"]) & non
    # Wisconsin's waiver and Georgia's Pathways cover some adults below 100% FPL: left out.
    assert not {"WI", "GA"} & set(pools["non_expansion"])


def test_triage_puts_high_suicide_risk_first(keys):
    m = {"referrals": [
        {"id": "P1", "age": 80, "lives_alone": True, "cssrs_risk": "none", "ipv_disclosed": False,
         "discharge_today": True, "lace": 15},
        {"id": "P2", "age": 30, "lives_alone": False, "cssrs_risk": "high", "ipv_disclosed": False,
         "discharge_today": False, "lace": 3},
        {"id": "P3", "age": 40, "lives_alone": False, "cssrs_risk": "none", "ipv_disclosed": True,
         "discharge_today": False, "lace": 4}]}
    assert scoring.a5_order(m, keys) == ["P2", "P1", "P3"]  # 100; 40+20+10=70; 60


def _run_solutions(source: Path, mat_key: str, seed: int) -> dict[str, Any]:
    """Execute a source notebook's solution code with a stub start/record; return the answers."""
    nb = json.loads(source.read_text())
    recorded: dict[str, Any] = {}
    case = material.material(mat_key, seed)
    scope: dict[str, Any] = {}
    for cell in nb["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        src = "".join(cell["source"])
        if cell["cell_type"] != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        src = src.replace("from sim.grading import start, record, check", "")
        src = re.sub(r"^case = start\(.*\)$", "", src, flags=re.M)
        src = "\n".join(
            line for line in src.splitlines() if not line.startswith(("case[", "df.head", "intervention_ids()"))
        )
        scope.update(case=case, record=lambda gid, v: recorded.__setitem__(gid, forms.check_form(gid, v)))
        exec(compile(src, f"{source.name}", "exec"), scope)
    return recorded


@pytest.mark.parametrize("assignment", ["a1_assessment", "a2_intervention", "a3_care_plan",
                                        "a4_documentation", "a5_triage", "a6_population",
                                        "a7_justice"])
def test_source_solutions_earn_full_marks_on_any_variant(course, keys, assignment, capsys):
    mat_key = course.material_key(assignment)
    source = course.source_notebooks(assignment)[0]
    graded = [g for g, (a, _, _) in scoring.SCORERS.items() if a == mat_key]
    for student in ("amy", "bob", "chen", "dolores", "emeka", "farah", "gus", "hana"):
        seed = variant.student_variant(student, course.salt, mat_key)
        answers = _run_solutions(source, mat_key, seed)
        for gid in graded:
            verdict = scoring.score_answer(gid, answers, seed, keys)
            assert verdict.fraction == 1.0, (student, gid, verdict)


def test_wrong_answers_score_zero_with_a_reason(course, keys):
    seed = variant.student_variant("amy", course.salt, "a1")
    m = material.a1(seed)
    verdict = scoring.score_answer("a1_phq9_total", {"a1_phq9_total": (sum(m["phq9"]) + 1) % 28}, seed, keys)
    assert verdict.fraction == 0 and "not right" in verdict.message
    assert scoring.score_answer("a1_phq9_band", {}, seed, keys).message == "No answer was recorded."
    bad = scoring.score_answer("a1_phq9_band", {"a1_phq9_band": "big"}, seed, keys)
    assert bad.fraction == 0 and "one of" in bad.message


def test_partial_credit_for_needs(course, keys):
    seed = next(s for s in range(200) if len(scoring.a1_needs(material.a1(s))) >= 2)
    key = sorted(scoring.a1_needs(material.a1(seed)))
    verdict = scoring.score_answer("a1_needs_identified", {"a1_needs_identified": key[:1]}, seed, keys)
    assert 0 < verdict.fraction < 1 and "missed" in verdict.message


def test_missing_keys_file_is_a_clear_error(tmp_path):
    with pytest.raises(scoring.KeysError, match="missing"):
        scoring.load_keys(tmp_path)


def _nb(course, assignment: str, kind: str) -> dict[str, Any]:
    source = json.loads(course.source_notebooks(assignment)[0].read_text())
    released = json.loads(json.dumps(source))
    for cell in released["cells"]:  # a cheap release: hidden tests out
        cell["source"] = StripHiddenTests().preprocess_cell(nbformat.from_dict(cell), {}, 0)[0]["source"]
    return released, build_submission(released, source, kind, course.material_key(assignment))


@pytest.mark.parametrize("assignment", ["a1_assessment", "a2_intervention", "a3_care_plan",
                                        "a4_documentation", "a5_triage", "a6_population",
                                        "a7_justice"])
def test_honest_work_raises_no_tamper_flag(course, assignment):
    released, sub = _nb(course, assignment, "full")
    assert submission.scan_source(submission.student_code(sub, released)) == []
    assert submission.test_cell_changes(sub, released) == []


@pytest.mark.parametrize("kind,flag", [("monkeypatch", "monkeypatches st.check"), ("builtins", "builtins"),
                                       ("wrong_variant", "another student's variant"),
                                       ("kernel_exit", "kills the kernel")])
def test_attacks_are_flagged(course, kind, flag):
    released, sub = _nb(course, "a1_assessment", kind)
    assert any(flag in p for p in submission.scan_source(submission.student_code(sub, released)))


def test_reaching_for_internals_is_flagged():
    found = submission.scan_source(["import gc\n[o for o in gc.get_objects()]", "x = obj.__dict__",
                              "from sim.grading import scoring", "len = lambda x: 0"])
    text = " ".join(found)
    assert "garbage collector" in text and "object internals" in text and "answer key" in text
    assert "rebinds len" in text


def test_edited_and_deleted_test_cells(course):
    released, sub = _nb(course, "a1_assessment", "tampered_test")
    problems = submission.test_cell_changes(sub, released)
    assert "test cell a1_phq9_total edited" in problems
    assert "test cell a1_phq9_band deleted" in problems


def test_invalid_notebook_json(tmp_path):
    path = tmp_path / "x.ipynb"
    path.write_text('{"cells": [')
    nb, why = submission.load_json(path)
    assert nb is None and "not valid notebook JSON" in why


def test_strip_hidden_tests_removes_code_and_traceback():
    cell = nbformat.v4.new_code_cell("# checks x\ncheck('a')\n### BEGIN HIDDEN TESTS\nassert secret == 4\n"
                                     "### END HIDDEN TESTS")
    cell.outputs = [nbformat.v4.new_output("error", ename="AssertionError", evalue="",
                                           traceback=["assert secret == 4"])]
    out, _ = StripHiddenTests().preprocess_cell(cell, {}, 0)
    assert "secret" not in out.source and "HIDDEN" not in out.source
    assert "secret" not in json.dumps(out.outputs)


def test_cap_output_bytes():
    cell = nbformat.v4.new_code_cell("print(...)")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 1_000_000),
                    nbformat.v4.new_output("stream", name="stdout", text="y" * 10)]
    out, _ = CapOutputBytes(max_bytes=1000).preprocess_cell(cell, {}, 0)
    assert len(json.dumps(out.outputs)) < 2000 and "truncated" in out.outputs[0].text


def test_feedback_leak_detector():
    from sim.grading.feedback import leaks

    page = "<pre><span>assert</span> total == sum(case[&quot;phq9&quot;])</pre>"
    assert leaks(page, {'assert total == sum(case["phq9"])'})
    assert not leaks("<p>fine</p>", {'assert total == sum(case["phq9"])'})


def test_rubric_comments_cli(capsys):
    from sim.cli import main

    assert main(["grade", "--course", str(COURSE), "comments", "a1_engagement"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("a1_engagement:") and "1. " in out
    assert main(["grade", "--course", str(COURSE), "comments", "a1_engagment"]) == 2
    assert "did you mean 'a1_engagement'" in capsys.readouterr().err


def test_missing_course_is_one_line_error(tmp_path, capsys):
    from sim.cli import main

    assert main(["grade", "--course", str(tmp_path), "export"]) == 2
    err = capsys.readouterr().err
    assert "no nbgrader_config.py" in err and "Traceback" not in err
    with pytest.raises(CourseError):
        load_course(tmp_path)


def test_key_agrees_with_the_instruments_package():
    """The grading key's PHQ-9 and GAD-7 rules match sim.instruments (one published rule, two codes)."""
    import sim

    for seed in range(60):
        m = material.a1(seed)
        phq = sim.instruments.score("phq9", m["phq9"])
        gad = sim.instruments.score("gad7", m["gad7"])
        assert (phq.total, phq.band) == (sum(m["phq9"]), scoring.phq9_band(sum(m["phq9"])))
        assert gad.band == scoring.gad7_band(sum(m["gad7"]))
        assert any("item 9" in f for f in phq.flags) == (m["phq9"][8] > 0)


def test_keys_file_is_validated(tmp_path):
    text = (COURSE / "keys.yaml").read_text()
    (tmp_path / "keys.yaml").write_text(text.replace("action: ipv_safety_plan", "action: call_police"))
    with pytest.raises(scoring.KeysError, match="call_police"):
        scoring.load_keys(tmp_path)
    (tmp_path / "keys.yaml").write_text(text.replace("lace_high: 10 ", "lace_high: 40 "))
    with pytest.raises(scoring.KeysError, match="a5.lace_high"):
        scoring.load_keys(tmp_path)


def test_demo_class_is_seeded_and_varied():
    from sim.grading.demo import class_kinds

    a = class_kinds(30, 7)
    assert a == class_kinds(30, 7) and len(a) == 30
    assert {"full", "partial", "blank", "wrong"} <= set(a.values()) | set(class_kinds(30, 8).values())


def _course_copy(tmp_path: Path) -> Path:
    import shutil

    root = tmp_path / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns("gradebook.db", "submitted", "autograded",
                                                                "feedback", "reports", "release"))
    return root


def test_autograde_and_feedback_without_submissions_say_where_they_go(tmp_path, capsys):
    from sim.cli import main

    root = _course_copy(tmp_path)
    assert main(["grade", "--course", str(root), "autograde", "a2_intervention"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no submissions of a2_intervention" in err
    assert "submitted/<student>/a2_intervention" in err
    (root / "submitted" / "alice" / "a2_intervention").mkdir(parents=True)
    assert main(["grade", "--course", str(root), "autograde", "a2_intervention", "--student", "zed"]) == 2
    assert "'zed' has no submission" in capsys.readouterr().err
    assert main(["grade", "--course", str(root), "feedback", "a2_intervention"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sim grade autograde a2_intervention" in err


def test_competencies_out_must_be_a_folder(tmp_path, capsys):
    from sim.cli import main

    root = _course_copy(tmp_path)
    a_file = tmp_path / "grades.csv"
    a_file.write_text("x")
    assert main(["grade", "--course", str(root), "competencies", "--out", str(a_file)]) == 2
    err = capsys.readouterr().err
    assert "is a file" in err and "Traceback" not in err


def test_competencies_before_any_grading_without_an_activated_venv(tmp_path, capsys, monkeypatch):
    from sim.cli import main

    root = _course_copy(tmp_path)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert main(["grade", "--course", str(root), "competencies"]) == 0
    assert (root / "reports" / "competencies.csv").is_file()


@pytest.mark.nbgrader
def test_a_submission_without_the_released_notebook_name_is_reported_plainly(tmp_path):
    import shutil

    from sim.grading.autograde import autograde

    root = _course_copy(tmp_path)
    load_course(root).generate(["a1_assessment"])   # release/ and the gradebook entry, as `sim grade generate`
    empty = root / "submitted" / "erin" / "a1_assessment"
    empty.mkdir(parents=True)
    renamed = root / "submitted" / "gus" / "a1_assessment"
    renamed.mkdir(parents=True)
    shutil.copy(root / "release" / "a1_assessment" / "a1_assessment.ipynb", renamed / "mine.ipynb")
    results = {r.student: r for r in autograde(load_course(root), "a1_assessment", jobs=1, progress=False)}
    assert results["erin"].problems == ["no a1_assessment.ipynb in submitted/erin/a1_assessment (found: nothing); "
                                        "nbgrader grades a notebook under its released name"]
    assert "(found: mine.ipynb)" in results["gus"].problems[0] and len(results["gus"].problems) == 1
    assert results["gus"].score == 0


def test_start_with_a_mistyped_assignment_changes_nothing(monkeypatch, capsys):
    from sim.grading import student

    monkeypatch.setenv("SIM_STUDENT_ID", "alice")
    student.start("a1")
    student.record("a1_phq9_total", 3)
    before = dict(student._session)
    capsys.readouterr()
    with pytest.raises(UnknownNameError, match="unknown assignment 'a9'"):
        student.start("a9")
    assert student._session == before and student.answers == {"a1_phq9_total": 3}
    assert "a9" not in capsys.readouterr().out


def test_check_of_a_mistyped_grade_id_names_the_id():
    from sim.grading import student

    with pytest.raises(UnknownNameError, match="did you mean 'a1_gad7_band'"):
        student.check("a1_gad7_bnd")


def test_autograde_refuses_a_timeout_below_one_second(tmp_path, capsys):
    from sim.cli import main

    root = _course_copy(tmp_path)
    assert main(["grade", "--course", str(root), "autograde", "a1_assessment", "--timeout", "-1"]) == 2
    assert "--timeout -1 is not allowed" in capsys.readouterr().err
