"""`sim case ...`: exit codes, one line per problem, no tracebacks."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sim.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
VALID = FIXTURES / "test_full_01.yaml"
TEMPLATE = FIXTURES / "test_template_01.yaml"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def library(tmp_path, monkeypatch):
    folder = tmp_path / "simcases"
    folder.mkdir()
    (folder / "test_full_01.yaml").write_text(VALID.read_text())
    (folder / "test_template_01.yaml").write_text(TEMPLATE.read_text())
    monkeypatch.setenv("SIM_CASES_DIR", str(folder))
    return folder


def test_validate_valid_files_exits_0(capsys):
    code, out, err = run(capsys, "case", "validate", str(VALID), str(TEMPLATE))
    assert code == 0 and out == "" and "2 file(s) checked, all valid" in err


def test_validate_reports_each_problem_on_one_line_and_exits_1(capsys, tmp_path):
    bad = tmp_path / "test_full_01.yaml"
    bad.write_text(VALID.read_text().replace("  urgency: routine", "  urgency: rutine")
                   .replace("    age: 78", "    age: 200"))
    code, out, err = run(capsys, "case", "validate", str(bad))
    lines = out.splitlines()
    assert code == 1 and len(lines) == 2
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert any("referral.urgency" in line and "did you mean 'routine'" in line for line in lines)
    assert "Traceback" not in out + err


def test_validate_a_folder_with_bad_files(capsys, tmp_path):
    (tmp_path / "test_full_01.yaml").write_text(VALID.read_text())
    (tmp_path / "list.yaml").write_text("- 1\n")
    (tmp_path / "syntax.yaml").write_text("id: [a\n")
    code, out, _ = run(capsys, "case", "validate", str(tmp_path))
    assert code == 1
    assert "list.yaml:1:1:" in out and "syntax.yaml:" in out and "test_full_01.yaml" not in out


def test_validate_missing_path(capsys, tmp_path):
    code, out, _ = run(capsys, "case", "validate", str(tmp_path / "nope.yaml"))
    assert code == 1 and "no such file or folder" in out


def test_render_and_key(capsys):
    code, out, _ = run(capsys, "case", "render", str(VALID))
    assert code == 0 and "## Referral" in out and "SECRET" not in out
    code, out, _ = run(capsys, "case", "render", str(VALID), "--format", "html")
    assert code == 0 and out.startswith('<div class="sim-case sim-student">')
    code, out, _ = run(capsys, "case", "key", str(VALID))
    assert code == 0 and "SECRET-RATIONALE-respite" in out


def test_render_by_id_with_seed(capsys, library):
    code, one, _ = run(capsys, "case", "render", "test_template_01", "--seed", "3")
    code2, two, _ = run(capsys, "case", "render", str(library / "test_template_01.yaml"), "--seed", "3")
    assert code == code2 == 0 and one == two


def test_render_of_a_bad_file_is_one_error_per_problem_exit_2(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n")
    code, out, err = run(capsys, "case", "render", str(bad))
    assert code == 2 and out == ""
    assert err.startswith(f"sim: error: {bad}:1:1: title: required field is missing")
    assert "Traceback" not in err


def test_unknown_id_suggests(capsys, library):
    code, _, err = run(capsys, "case", "render", "test_ful_01")
    assert code == 2 and "test_full_01" in err and err.count("\n") == 1


def test_new_writes_a_case_and_refuses_to_overwrite(capsys, tmp_path):
    out_file = tmp_path / "drawn.yaml"
    code, _, err = run(capsys, "case", "new", str(TEMPLATE), "--seed", "5", "--out", str(out_file))
    assert code == 0 and out_file.exists() and "wrote" in err
    code, _, err = run(capsys, "case", "new", str(TEMPLATE), "--seed", "5", "--out", str(out_file))
    assert code == 2 and "exists" in err
    code, _, _ = run(capsys, "case", "validate", str(out_file))
    assert code == 0


def test_new_from_a_library_id(capsys, library, tmp_path):
    out_file = tmp_path / "drawn.yaml"
    code, _, _ = run(capsys, "case", "new", "test_template_01", "--seed", "2", "--out", str(out_file))
    assert code == 0 and "drawn from test_template_01.yaml with seed 2" in out_file.read_text()
    assert "\nid: drawn\n" in out_file.read_text()


def test_new_sets_the_id_from_the_file_name_and_validate_finds_a_taken_id(capsys, library, tmp_path):
    out_file = tmp_path / "geri_discharge_12.yaml"
    code, _, _ = run(capsys, "case", "new", "test_template_01", "--seed", "12", "--out", str(out_file))
    assert code == 0 and "\nid: geri_discharge_12\n" in out_file.read_text()
    code, out, _ = run(capsys, "case", "validate", str(out_file))
    assert code == 0 and out == ""
    taken = tmp_path / "test_full_01.yaml"  # a new file, outside the library, reusing a library id
    taken.write_text(VALID.read_text())
    code, out, _ = run(capsys, "case", "validate", str(taken))
    assert code == 1
    assert out == (f"{taken}:2:5: id: case id 'test_full_01' is already used by {library / 'test_full_01.yaml'}; "
                   "each case needs its own id (choose another id and name the file after it)\n")
    code, _, err = run(capsys, "case", "new", "test_template_01", "--seed", "12", "--out", str(tmp_path / "x.txt"))
    assert code == 2 and "ends in .yaml" in err


def test_new_needs_a_seed(capsys, tmp_path):
    code, _, err = run(capsys, "case", "new", str(TEMPLATE), "--out", str(tmp_path / "x.yaml"))
    assert code == 2 and "--seed" in err


def test_list_and_coverage(capsys, library):
    (library / "broken.yaml").write_text("id: broken\n")
    code, out, _ = run(capsys, "case", "list")
    assert code == 0
    assert "test_full_01" in out and "med_surg" in out and "6,7,8" in out
    assert "broken" in out and "INVALID" in out
    code, out, _ = run(capsys, "case", "coverage", "--json")
    table = json.loads(out)
    assert code == 0 and set(table) == {"interventions", "functions", "competencies"}
    assert table["interventions"]["caregiver_support"] == ["test_full_01", "test_template_01"]
    assert table["interventions"]["housing_advocacy"] == []
    code, out, _ = run(capsys, "case", "coverage")
    assert code == 0 and "caregiver_support" in out and "test_full_01" in out
    assert "competency    9" in out or "competency  " in out


def test_schema_prints_and_writes_nothing_unless_out_is_given(capsys, library, tmp_path):
    code, printed, _ = run(capsys, "case", "schema")
    assert code == 0 and json.loads(printed)["$ref"] == "#/$defs/CaseFile"
    assert not (library / "case.schema.json").exists()
    out_file = tmp_path / "s.json"
    code, _, err = run(capsys, "case", "schema", "--out", str(out_file))
    assert code == 0 and out_file.read_text() == printed and f"wrote {out_file}" in err
    assert not (library / "case.schema.json").exists()


def test_new_and_schema_into_a_missing_folder_is_one_line_exit_2(capsys, tmp_path):
    missing = tmp_path / "no_such_folder"
    code, _, err = run(capsys, "case", "new", str(TEMPLATE), "--seed", "5", "--out", str(missing / "x.yaml"))
    assert code == 2 and "does not exist" in err and str(missing) in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "case", "schema", "--out", str(missing / "s.json"))
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_case_group_help_names_its_subcommands():
    import argparse

    from sim.cli import build_parser
    group = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    help_text = next(a.help for a in group._choices_actions if a.dest == "case")
    for word in ("validate", "render", "key", "new", "list", "coverage", "schema"):
        assert word in help_text


@pytest.mark.parametrize("group,one_of", [("case", "validate"), ("instruments", "score"), ("plan", "simulate"),
                                          ("grade", "autograde")])
def test_a_command_group_without_subcommand_is_one_line_exit_2(capsys, group, one_of):
    code, out, err = run(capsys, group)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and "missing subcommand" in err and one_of in err


def test_patient_help_lists_the_allowed_sexes_and_insurances():
    import typing

    from sim.cli import build_parser
    from sim.model.patient import Economics, Identity

    group = next(a for a in build_parser()._actions if a.__class__.__name__ == "_SubParsersAction")
    options = {a.dest: a.help or "" for a in group.choices["patient"]._actions}
    for value in typing.get_args(Economics.model_fields["insurance"].annotation):
        assert value in options["insurance"], value
    for value in typing.get_args(Identity.model_fields["sex"].annotation):
        assert value in options["sex"], value
    assert all(options[d] for d in ("setting", "age_range", "language", "format"))


def _leaf_parsers(parser, prefix="sim"):
    import argparse

    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield prefix, parser
    for group in groups:
        for name, sub in group.choices.items():
            yield from _leaf_parsers(sub, f"{prefix} {name}")


def test_every_option_of_every_command_has_help_text():
    import argparse

    from sim.cli import build_parser

    missing = [f"{name} {action.option_strings or action.dest}"
               for name, parser in _leaf_parsers(build_parser())
               for action in parser._actions
               if not isinstance(action, argparse._HelpAction) and not action.help
               and action.help is not argparse.SUPPRESS]
    assert missing == []


def test_list_and_coverage_of_a_missing_folder_is_one_line_exit_2(capsys, tmp_path):
    for command in ("list", "coverage"):
        code, _, err = run(capsys, "case", command, "--dir", str(tmp_path / "nope"))
        assert code == 2 and "does not exist or is not a folder" in err and err.count("\n") == 1


def test_try_validates_renders_plans_and_interviews(capsys):
    elder = Path(__file__).resolve().parents[1] / "simcases" / "home_elder_abuse_01.yaml"
    code, out, _ = run(capsys, "case", "try", str(elder))
    assert code == 0
    sections = ["== 1. validate", "valid: it loads, interviews, plans and grades", "== 2. the student's view",
                "## Referral", "== 3. the reference plan", "graded against the key: 100/100",
                "== 4. a short scripted interview", "[File a mandated report (adult protective services).]",
                "hidden facts heard:", "private_setting met"]
    positions = [out.index(s) for s in sections]
    assert positions == sorted(positions)
    code, out, _ = run(capsys, "case", "try", str(elder), "--budget", "5")
    assert code == 0 and "! not reached in time: action mandated_report_elder" in out
    assert "expected action(s) not reached in time" in out


def test_try_stops_at_validation_when_the_case_has_problems(capsys, tmp_path):
    bad = tmp_path / "test_full_01.yaml"
    bad.write_text(VALID.read_text().replace("  urgency: routine", "  urgency: rutine"))
    code, out, _ = run(capsys, "case", "try", str(bad))
    assert code == 1 and "referral.urgency" in out and "1 problem(s): fix them" in out
    assert "== 2." not in out


def test_try_runs_the_fall_and_self_neglect_case_end_to_end(capsys):
    # The issue's own example: 78, early dementia, lives alone, daughter by phone, Medigap.
    fall = Path(__file__).resolve().parents[1] / "simcases" / "medsurg_fall_dementia_01.yaml"
    code, out, _ = run(capsys, "case", "try", str(fall))
    assert code == 0, out
    for said in ("valid: it loads, interviews, plans and grades", "Medigap (Medicare Supplement Insurance), Plan G",
                 "Dementia (a diagnosis), mild; Montreal Cognitive Assessment (MoCA) 19/30",
                 "Rachel Kowalski-Reyes (daughter, in Oregon, by phone)", "graded against the key: 100/100",
                 "hidden facts heard: 4 of 4", "mandated_report_elder met"):
        assert said in out, said
    assert "caregiver_support" not in out.split("== 3.")[1].split("== 4.")[0]
