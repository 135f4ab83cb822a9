"""The case library: finding it, loading by id, listing, and every shipped case."""
from __future__ import annotations

from pathlib import Path

import pytest

from sim.cases import library, library_dir, load_case, render_key, render_student, validate_file
from sim.cases.library import LibraryNotFoundError, case_files
from sim.errors import UnknownNameError

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "cases"


def test_library_dir_follows_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CASES_DIR", str(tmp_path))
    assert library_dir() == tmp_path
    monkeypatch.setenv("SIM_CASES_DIR", str(tmp_path / "missing"))
    with pytest.raises(LibraryNotFoundError, match="missing"):
        library_dir()


def test_library_dir_defaults_to_the_repositorys_simcases(monkeypatch):
    monkeypatch.delenv("SIM_CASES_DIR", raising=False)
    assert library_dir() == ROOT / "simcases"


def test_a_case_is_loaded_by_its_file_name_only(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CASES_DIR", str(tmp_path))
    (tmp_path / "test_full_01.yaml").write_text((FIXTURES / "test_full_01.yaml").read_text())
    (tmp_path / "some_name.yaml").write_text((FIXTURES / "test_full_01.yaml").read_text())
    assert load_case("test_full_01") == load_case(FIXTURES / "test_full_01.yaml")
    assert load_case("some_name").id == "test_full_01"  # it loads by its name, and validation says what is wrong
    assert [p.message.split(";")[0] for p in validate_file(tmp_path / "some_name.yaml")] == [
        "id 'test_full_01' differs from the file name 'some_name.yaml'",
        f"case id 'test_full_01' is already used by {tmp_path / 'test_full_01.yaml'}",
    ]
    assert validate_file(tmp_path / "test_full_01.yaml") == []


def test_unknown_id_names_the_library_and_suggests(tmp_path, monkeypatch):
    monkeypatch.setenv("SIM_CASES_DIR", str(tmp_path))
    (tmp_path / "test_full_01.yaml").write_text((FIXTURES / "test_full_01.yaml").read_text())
    with pytest.raises(UnknownNameError, match="did you mean 'test_full_01'"):
        load_case("test_full_1")


def test_missing_file_is_a_clear_error(tmp_path):
    from sim.errors import SimError

    with pytest.raises(SimError, match="does not exist"):
        load_case(tmp_path / "nope.yaml")


def test_library_lists_valid_and_invalid_files(tmp_path):
    (tmp_path / "test_full_01.yaml").write_text((FIXTURES / "test_full_01.yaml").read_text())
    (tmp_path / "b.yaml").write_text("id: b\ntitle: B\n")
    (tmp_path / "notes.txt").write_text("not a case")
    infos = library(tmp_path)
    assert [i.path.name for i in infos] == ["b.yaml", "test_full_01.yaml"]
    bad, good = infos
    assert good.valid and good.setting == "med_surg" and good.competencies == (6, 7, 8)
    assert good.interventions == ("caregiver_support", "counseling")
    assert not bad.valid and bad.id == "b" and bad.title == "B"


def test_the_library_never_lists_an_id_twice(tmp_path):
    text = (FIXTURES / "test_full_01.yaml").read_text()
    for name in ("test_full_01", "copy_of_full", "another"):
        (tmp_path / f"{name}.yaml").write_text(text)
    infos = library(tmp_path)
    assert sorted(i.id for i in infos) == ["another", "copy_of_full", "test_full_01"]
    assert [i.id for i in infos if i.valid] == ["test_full_01"]
    for info in infos:
        if not info.valid:
            assert f"case id 'test_full_01' is already used by {tmp_path / 'test_full_01.yaml'}" in str(info.problems)


SHIPPED = case_files(ROOT / "simcases")


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_every_shipped_case_validates_and_renders(path):
    assert [str(p) for p in validate_file(path)] == []
    case = load_case(path)
    student = render_student(case, "md") + render_student(case, "html")
    assert case.referral.reason.split()[0] in student
    # What the author put in the student's materials may repeat a key text; nothing else may.
    shown = " ".join([case.title, case.referral.reason, case.chart.physician_note, case.chart.nursing_note,
                      case.opening_statement, *(c.says for c in case.collateral)])
    secrets = [f.statement for f in case.hidden_facts] + [n.evidence for n in case.key.needs]
    secrets += [i.rationale for i in case.key.recommended + case.key.acceptable + case.key.contraindicated]
    secrets += [a.description for a in case.key.critical_actions]
    for secret in secrets:
        assert secret in shown or secret not in student, secret
    assert render_key(case, "md")


def test_library_and_coverage_stay_functions_after_their_modules_are_imported():
    import importlib

    import sim.cases

    importlib.import_module("sim.cases.library")
    importlib.import_module("sim.cases.coverage")
    assert callable(sim.cases.library) and callable(sim.cases.coverage)
    assert sim.load_case is sim.cases.load_case
