"""The gradebook on a real PostgreSQL server that this module starts in a temporary folder (and
stops): course.yaml points at it, parallel autograde and plain nbgrader commands write it."""
from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest

from sim.classroom.postgres import LocalPostgres
from sim.cli import main
from sim.grading.course import CourseError, gradebook_url, load_course
from sim.grading.gradebook import grade_rows, gradebook, locking_url
from sim.grading.simulate import write_submission

COURSE = Path(__file__).resolve().parents[1] / "assignments"
A1 = "a1_assessment"


def copy_course(dest: Path, gradebook_line: str = "") -> Path:
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
    if gradebook_line:
        with (dest / "course.yaml").open("a", encoding="utf-8") as f:
            f.write(gradebook_line + "\n")
    return dest


def test_sqlite_stays_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv("SIM_GRADEBOOK_URL", raising=False)
    course = load_course(copy_course(tmp_path / "c"))
    assert course.db_url == "sqlite:///" + str(tmp_path / "c" / "gradebook.db")
    assert locking_url(course.db_url).endswith("?timeout=60")


def test_course_yaml_and_environment_name_the_gradebook(tmp_path, monkeypatch):
    monkeypatch.delenv("SIM_GRADEBOOK_URL", raising=False)
    root = copy_course(tmp_path / "c", "gradebook: postgresql://grader:pw@db.example.org:5432/course")
    assert load_course(root).db_url == "postgresql://grader:pw@db.example.org:5432/course"
    assert locking_url(load_course(root).db_url) == "postgresql+psycopg://grader:pw@db.example.org:5432/course"
    monkeypatch.setenv("SIM_GRADEBOOK_URL", "postgresql://other@/gb?host=/run/pg")
    assert gradebook_url(root) == "postgresql://other@/gb?host=/run/pg"


def test_a_bad_gradebook_url_is_named_without_its_password(tmp_path, monkeypatch):
    monkeypatch.delenv("SIM_GRADEBOOK_URL", raising=False)
    root = copy_course(tmp_path / "c", "gradebook: mysql://grader:secret@db/course")
    with pytest.raises(CourseError) as err:
        load_course(root)
    assert "db/course" in str(err.value) and "postgresql://" in str(err.value)
    assert "secret" not in str(err.value)
    assert main(["grade", "--course", str(root), "export"]) == 2


@pytest.fixture(scope="module")
def postgres():
    with LocalPostgres() as pg:
        yield pg


@pytest.mark.nbgrader
@pytest.mark.slow
def test_parallel_autograde_and_nbgrader_write_postgresql(postgres, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("SIM_GRADEBOOK_URL", raising=False)
    url = postgres.create_database("course_e2e")
    root = copy_course(tmp_path / "course", f"gradebook: {url}")
    assert main(["grade", "--course", str(root), "generate", A1]) == 0
    course = load_course(root)
    kinds = {"s_full": "full", "s_full2": "full", "s_partial": "partial", "s_blank": "blank", "s_wrong": "wrong"}
    for student, kind in kinds.items():
        write_submission(course, A1, student, kind)
    assert main(["grade", "--course", str(root), "autograde", A1, "--jobs", "2", "--quiet"]) == 0
    assert "postgresql" in capsys.readouterr().out
    assert not (root / "gradebook.db").exists()  # nothing went to SQLite

    rows = grade_rows(course.db_url, course.course_id, A1)
    assert Counter(r["student"] for r in rows) == dict.fromkeys(kinds, 7)  # each grade cell once
    report = {r["student"]: r["score"] for r in json.loads((root / "reports" / f"autograde_{A1}.json").read_text())}
    assert report["s_full"] == report["s_full2"] == 7 > report["s_partial"] > report["s_blank"] == 0
    with gradebook(course.db_url, course.course_id) as gb:
        assert gb.find_submission(A1, "s_full").score == pytest.approx(7)

    # plain nbgrader (a subprocess reading nbgrader_config.py) finds the same gradebook
    assert main(["grade", "--course", str(root), "feedback", A1]) == 0
    assert sorted(p.parts[-3] for p in (root / "feedback").glob(f"*/{A1}/*.html")) == sorted(kinds)
    proc = course.nbgrader("db", "student", "list")
    assert all(s in proc.stdout for s in kinds)
