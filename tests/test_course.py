"""The course's notebooks: each source notebook passes `nbgrader validate` with its solutions,
and each released notebook (solutions and hidden tests removed) does not. Real kernels."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sim.grading.course import load_course

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
COURSE = Path(__file__).resolve().parents[1] / "assignments"


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "course"
    shutil.copytree(COURSE, root, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__"))
    c = load_course(root)
    c.generate(list(c.assignments))
    return c


def _validator(ignore_checksums: bool = False):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config()
    config.Validator.ignore_checksums = ignore_checksums
    config.Execute.timeout = 60
    return Validator(config=config)


def test_six_assignments_cover_the_competencies(course):
    import yaml

    assert len(course.assignments) >= 6
    grades = yaml.safe_load((course.root / "competencies.yaml").read_text())["grades"]
    ids = set()
    for name in course.assignments:
        nb = json.loads(course.source_notebooks(name)[0].read_text())
        for cell in nb["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("grade"):
                ids.add(meta["grade_id"])
                source = "".join(cell["source"])
                if not meta.get("solution"):
                    assert source.startswith("# checks "), meta["grade_id"]
                    assert "### BEGIN HIDDEN TESTS" in source, meta["grade_id"]
    assert ids == set(grades)
    covered = {c for cs in grades.values() for c in cs}
    assert covered == set(range(1, 10))  # every EPAS 2022 competency has graded evidence (2: A7)


def test_sources_validate_and_releases_do_not(course, monkeypatch):
    monkeypatch.setenv("SIM_COURSE_SALT", course.salt)
    validator = _validator()
    strict = _validator(ignore_checksums=True)
    for name in course.assignments:
        source = course.source_notebooks(name)[0]
        assert validator.validate(str(source)) == {}, name
        released = course.root / "release" / name / source.name
        assert "failed" in strict.validate(str(released)), name
