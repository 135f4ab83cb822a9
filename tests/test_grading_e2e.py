"""End to end: a simulated class through `sim grade` with real nbgrader commands, in a temporary
copy of the course. One small assignment (A1) carries the attack matrix."""
from __future__ import annotations

import csv
import shutil
from collections import Counter
from pathlib import Path

import pytest

from sim.cli import main
from sim.grading import material, variant
from sim.grading.course import load_course
from sim.grading.gradebook import grade_rows, gradebook
from sim.grading.simulate import KINDS, write_submission

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
COURSE = Path(__file__).resolve().parents[1] / "assignments"
A1 = "a1_assessment"
AUTO_MAX = 7.0  # autograded points of A1 (manual answers add 5)
EXPECTED = {"full": 7, "full2": 7, "partial": 2, "blank": 0, "wrong": 0, "tampered_test": 0,
            "infinite_loop": 7, "big_output": 7, "kernel_exit": 0, "monkeypatch": 0, "builtins": 0,
            "invalid_json": 0}
PROBLEMS = {"tampered_test": ["test cell a1_phq9_total edited", "test cell a1_phq9_band deleted"],
            "infinite_loop": ["timed out"], "big_output": ["truncated"], "kernel_exit": ["kernel died"],
            "monkeypatch": ["monkeypatches st.check"], "builtins": ["builtins"],
            "invalid_json": ["not valid notebook JSON"],
            "wrong_variant": ["variant mismatch", "another student's variant"]}


def copy_course(dest: Path) -> Path:
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
    return dest


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("course") / "course")
    assert main(["grade", "--course", str(root), "generate"]) == 0
    course = load_course(root)
    for kind in KINDS:
        write_submission(course, A1, f"s_{kind}", kind)
    write_submission(course, A1, "s_full2", "full")
    code = main(["grade", "--course", str(root), "autograde", A1, "--jobs", "2", "--timeout", "5", "--quiet"])
    assert code == 0
    import json

    report = json.loads((root / "reports" / f"autograde_{A1}.json").read_text())
    return course, {r["student"][2:]: r for r in report}


def test_every_assignment_is_released(graded):
    course, _ = graded
    for name in course.assignments:
        released = list((course.root / "release" / name).glob("*.ipynb"))
        assert released, name
        text = released[0].read_text()
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text


def test_expected_scores(graded):
    _, report = graded
    for kind, score in EXPECTED.items():
        assert report[kind]["score"] == pytest.approx(score), (kind, report[kind])
    assert report["wrong_variant"]["score"] < AUTO_MAX


def test_builtins_attack_answer_really_is_wrong(graded):
    course, _ = graded
    seed = variant.student_variant("s_builtins", course.salt, "a1")
    assert sum(material.a1(seed)["phq9"]) != 27  # so 0 points is the honest score


def test_each_problem_is_reported(graded):
    _, report = graded
    for kind, needles in PROBLEMS.items():
        text = " ".join(report[kind]["problems"])
        for needle in needles:
            assert needle in text, (kind, needle, text)
    for kind in ("full", "full2", "partial", "blank", "wrong"):
        assert report[kind]["problems"] == [], kind


def test_no_grade_lost_or_doubled(graded):
    course, report = graded
    rows = grade_rows(course.db_url, course.course_id, A1)
    per_student = Counter(r["student"] for r in rows)
    assert set(per_student) == {f"s_{k}" for k in report}
    assert set(per_student.values()) == {7}  # 5 autograded + 2 manual grade cells each


def test_manual_grades_survive_a_rerun(graded):
    course, _ = graded
    with gradebook(course.db_url, course.course_id) as gb:
        grade = gb.find_grade("a1_engagement", A1, A1, "s_full")
        grade.manual_score = 1.5
        gb.db.commit()
    assert main(["grade", "--course", str(course.root), "autograde", A1, "--student", "s_full",
                 "--jobs", "1", "--quiet"]) == 0
    with gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_grade("a1_engagement", A1, A1, "s_full").manual_score == 1.5
        assert gb.find_submission(A1, "s_full").score == pytest.approx(8.5)
    rows = grade_rows(course.db_url, course.course_id, A1)
    assert Counter(r["student"] for r in rows)["s_full"] == 7


def test_feedback_has_messages_and_no_hidden_tests(graded, capsys):
    from sim.grading.feedback import hidden_lines, leaks

    course, _ = graded
    assert main(["grade", "--course", str(course.root), "feedback", A1]) == 0
    files = sorted((course.root / "feedback").glob(f"*/{A1}/*.html"))
    assert len(files) >= 8
    assert hidden_lines(course, A1)  # there is something to hide
    for path in files:
        page = path.read_text()
        assert "BEGIN HIDDEN TESTS" not in page
        assert not leaks(page, hidden_lines(course, A1, path.parent.parent.name)), path
    full = (course.root / "feedback" / "s_full2" / A1 / f"{A1}.html").read_text()
    assert "Correct PHQ-9 total." in full
    assert "✔ a1_phq9" in full and "points)" in full  # each verdict is a feedback-block line with its points
    wrong = (course.root / "feedback" / "s_wrong" / A1 / f"{A1}.html").read_text()
    assert "not right for your case" in wrong


def test_canvas_export_parses(graded, tmp_path):
    course, report = graded
    out = tmp_path / "canvas.csv"
    assert main(["grade", "--course", str(course.root), "export", "--format", "canvas", "--out", str(out)]) == 0
    rows = list(csv.reader(out.open()))
    assert rows[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert rows[0][5] == "A1 psychosocial assessment (points)"
    assert rows[1][0] == "Points Possible" and float(rows[1][5]) == 12
    by_login = {r[3]: float(r[5]) for r in rows[2:]}
    assert by_login["s_full2"] == 7 and by_login["s_invalid_json"] == 0
    assert len(by_login) == len(report)
    plain = tmp_path / "plain.csv"
    assert main(["grade", "--course", str(course.root), "export", "--format", "csv", "--out", str(plain)]) == 0
    assert "student_id" in plain.read_text().splitlines()[0]


def test_competency_report_matches_gradebook(graded, tmp_path):
    import yaml

    course, _ = graded
    assert main(["grade", "--course", str(course.root), "competencies", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "competencies.png").stat().st_size > 5000
    rows = list(csv.DictReader((tmp_path / "competencies.csv").open()))
    cmap = yaml.safe_load((course.root / "competencies.yaml").read_text())["grades"]
    grades = grade_rows(course.db_url, course.course_id, A1)
    for student in ("s_full2", "s_partial", "s_blank"):
        for comp in (6, 7):
            mine = [g for g in grades if g["student"] == student and comp in cmap[g["grade_id"]]]
            # every other assignment is unsubmitted: its points count as possible, not earned
            row = next(r for r in rows if r["student"] == student and int(r["competency"]) == comp)
            assert float(row["earned"]) == pytest.approx(sum(g["score"] for g in mine))
    class_7 = next(r for r in rows if r["student"] == "CLASS" and r["competency"] == "7")
    students_7 = [float(r["attainment"]) for r in rows if r["student"] != "CLASS" and r["competency"] == "7"]
    assert float(class_7["attainment"]) == pytest.approx(sum(students_7) / len(students_7), abs=1e-4)
