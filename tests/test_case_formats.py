"""Case format versions: ``format: 2`` in the library, format-1 files load and migrate, a future
format is refused with the supported versions."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import sim
from sim.cases.formats import (
    UnsupportedFormatError,
    current_format,
    derive_dispositions,
    migrate_text,
)
from sim.cases.library import case_files, library_dir, validate_file
from sim.cases.source import read_source
from sim.cli import main
from sim.errors import SimError

FORMAT1 = Path(__file__).parent / "fixtures" / "format1" / "hip_format1_01.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def old(tmp_path) -> Path:
    path = tmp_path / FORMAT1.name
    shutil.copy(FORMAT1, path)
    return path


def test_every_library_case_and_template_declares_the_current_format():
    for path in case_files(library_dir()):
        source, _ = read_source(path)
        assert source is not None and source.data.get("format") == current_format(), path


def test_a_format_1_file_is_upgraded_on_loading(old):
    assert "format" not in read_source(old)[0].data
    case = sim.load_case(old)
    fits = {d.id: d.fit for d in case.key.dispositions}
    # Format 1 scored the words "Short-term SNF rehabilitation ... then home with home health":
    assert fits == {"skilled_nursing": "expected", "rehabilitation": "acceptable", "home": "acceptable",
                    "home_with_services": "acceptable"}


def test_migrate_upgrades_in_place_keeps_every_line_and_reports_decisions(capsys, old):
    before = old.read_text().splitlines()
    loaded_before = sim.load_case(old)
    code, out, err = run(capsys, "case", "migrate", str(old))
    assert code == 0, out
    assert f"{old}: format 1 upgraded to 2" in out
    assert "changed: key.dispositions: added skilled_nursing, rehabilitation, home, home_with_services" in out
    assert "decide: key.dispositions: check each fit" in out and "  valid" in out
    after = old.read_text().splitlines()
    # Every original line (comments included) is still there, in the same order.
    it = iter(after)
    assert all(line in it for line in before)
    assert after[after.index("id: hip_format1_01") - 1].startswith("format: 2")
    assert after[-1].strip() == "with capacity." and "  dispositions:" in after
    # Then it validates and loads as the same case it was in memory.
    assert validate_file(old) == []
    assert sim.load_case(old) == loaded_before
    # A second run has nothing to do.
    code, out, _ = run(capsys, "case", "migrate", str(old))
    assert code == 0 and "already format 2" in out and old.read_text().splitlines() == after


def test_migrated_case_is_scored_by_its_structured_dispositions(old):
    from sim.feedback import review_plan

    run_plan = {"interventions": [{"intervention": "discharge_planning", "rationale": "SNF"}],
                "discharge": "skilled_nursing", "actions": ["capacity_assessment"]}
    migrate_text(old.read_text(), str(old))
    review = review_plan(sim.load_case(old), run_plan)
    assert any("Discharge to" in i.message and "fits the case" in i.message for i in review.items)


def test_migrate_out_and_dry_run_leave_the_original(capsys, old, tmp_path):
    text = old.read_text()
    code, out, _ = run(capsys, "case", "migrate", str(old), "--dry-run")
    assert code == 0 and "would be upgraded to 2" in out and old.read_text() == text
    target = tmp_path / "out"
    target.mkdir()
    code, out, _ = run(capsys, "case", "migrate", str(old), "--out", str(target))
    assert code == 0 and old.read_text() == text
    assert (target / old.name).read_text().count("format: 2") == 1


def test_a_future_format_names_the_supported_versions(capsys, tmp_path):
    future = tmp_path / "future.yaml"
    future.write_text(FORMAT1.read_text().replace("id: hip_format1_01", "format: 3\nid: future"))
    problems = validate_file(future)
    assert len(problems) == 1
    assert problems[0].path == "format" and problems[0].line == 5
    assert "format 3 is newer than this version of sim reads (supported: 1, 2)" in problems[0].message
    with pytest.raises(SimError, match="supported: 1, 2"):
        sim.load_case(future)
    with pytest.raises(UnsupportedFormatError, match="format 3 is newer"):
        migrate_text(future.read_text(), "future.yaml")
    code, out, _ = run(capsys, "case", "migrate", str(future))
    assert code == 1 and "not migrated" in out and "supported: 1, 2" in out


@pytest.mark.parametrize("value", ["two", "true", "1.5", "0"])
def test_a_format_that_is_not_a_version_is_a_located_problem(tmp_path, value):
    path = tmp_path / "bad.yaml"
    path.write_text(FORMAT1.read_text().replace("id: hip_format1_01", f"format: {value}\nid: bad"))
    [problem] = validate_file(path)
    assert problem.path == "format" and "supported: 1, 2" in problem.message


def test_words_are_matched_as_format_1_matched_them():
    assert derive_dispositions("nursing home placement") == ["skilled_nursing"]
    assert derive_dispositions("No shelter is needed; she goes home to her sister") == ["home", "home_with_services"]
    assert derive_dispositions("hospice") == ["hospice"]
    assert derive_dispositions("Follow-up in two weeks") == []


def test_what_the_upgrade_cannot_decide_is_reported():
    text = FORMAT1.read_text()
    # A whole-intervention contraindication of a recommended intervention was a caution in format 1.
    caution = text.replace("  contraindicated:\n    - intervention: counseling",
                           "  contraindicated:\n    - intervention: discharge_planning")
    notes = [str(n) for n in migrate_text(caution, "x.yaml").notes]
    assert any(n.startswith("decide: key.contraindicated.0: 'discharge_planning' is also recommended") for n in notes)
    # No disposition named: the author writes them.
    words = text.split("  discharge_disposition: >-\n")[1].split("\n\n")[0]
    none = text.replace(words, "    Decided at the family meeting.")
    migration = migrate_text(none, "y.yaml")
    assert migration.changed and "dispositions:" not in migration.text
    assert any("no disposition is named" in str(n) and n.decide for n in migration.notes)
