"""Bad case files: each gives a clear problem at FILE:LINE:COL, never an exception."""
from __future__ import annotations

from pathlib import Path

import pytest

import sim.cases.source as source_module
from sim.cases import validate_file
from sim.cases.library import validate_paths
from sim.cases.source import MAX_BYTES

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
VALID = (FIXTURES / "test_full_01.yaml").read_text(encoding="utf-8")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def write(tmp_path: Path, text: str | bytes, name: str = "test_full_01.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def only(problems: list) -> str:
    assert len(problems) == 1, [str(p) for p in problems]
    return str(problems[0])


def test_the_valid_fixture_has_no_problems():
    assert validate_file(FIXTURES / "test_full_01.yaml") == []


def test_broken_yaml_syntax_names_line_and_column(tmp_path):
    text = VALID.replace("  urgency: routine", "  urgency: [routine")
    path = write(tmp_path, text)
    message = only(validate_file(path))
    assert message.startswith(f"{path}:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert line_of(text, "urgency: [routine") <= line <= line_of(text, "urgency: [routine") + 2


def test_wrong_type_quotes_the_value(tmp_path):
    text = VALID.replace("    age: 78", "    age: seventy")
    path = write(tmp_path, text)
    message = only(validate_file(path))
    assert message.startswith(f"{path}:{line_of(text, 'age: seventy')}:10: patient.identity.age:")
    assert "'seventy'" in message and "integer" in message


def test_unknown_key_suggests_the_right_one_at_the_key(tmp_path):
    text = VALID.replace("opening_statement:", "opening_statment:")
    problems = [str(p) for p in validate_file(write(tmp_path, text))]
    line = line_of(text, "opening_statment:")
    unknown = [p for p in problems if "unknown field 'opening_statment'" in p]
    assert unknown and f":{line}:1: opening_statment:" in unknown[0]
    assert "did you mean 'opening_statement'" in unknown[0] and "allowed:" in unknown[0]
    assert any("opening_statement: required field is missing" in p for p in problems)


def test_nested_unknown_key_lists_the_allowed_fields(tmp_path):
    text = VALID.replace("    gender_identity: woman", "    gender_identiy: woman")
    message = [str(p) for p in validate_file(write(tmp_path, text)) if "unknown field" in str(p)][0]
    assert f":{line_of(text, 'gender_identiy')}:5: patient.identity.gender_identiy:" in message
    assert "did you mean 'gender_identity'" in message and "given_name" in message


def test_misspelled_enum_value_suggests_and_lists_allowed(tmp_path):
    text = VALID.replace("  urgency: routine", "  urgency: rutine")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'urgency: rutine')}:12: referral.urgency:" in message
    assert "got 'rutine'" in message and "did you mean 'routine'" in message
    assert "'same_day'" in message and "'urgent'" in message


def test_misspelled_taxonomy_name_suggests(tmp_path):
    text = VALID.replace("{domain: caregiver_strain, severity: 2, evidence: SECRET",
                         "{domain: caregiver_stran, severity: 2, evidence: SECRET")
    message = only(validate_file(write(tmp_path, text)))
    assert "key.needs.0.domain" in message and "did you mean 'caregiver_strain'" in message
    assert f":{line_of(text, 'caregiver_stran,')}:" in message


def test_key_need_not_in_taxonomy(tmp_path):
    text = VALID.replace("{domain: emotional_distress, severity: 2, evidence: SECRET",
                         "{domain: loneliness, severity: 2, evidence: SECRET")
    message = only(validate_file(write(tmp_path, text)))
    assert "key.needs.1.domain: unknown need domain 'loneliness'" in message and "allowed:" in message


def test_out_of_range_value(tmp_path):
    text = VALID.replace("    min_rapport: 50", "    min_rapport: 150")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'min_rapport: 150')}:18: hidden_facts.0.min_rapport:" in message
    assert "100" in message and "150" in message


def test_age_that_contradicts_the_birth_date(tmp_path):
    text = VALID.replace("    age: 78", "    age: 60")
    message = only(validate_file(write(tmp_path, text)))
    assert (
        f":{line_of(text, 'age: 60')}:10: patient.identity.age: age 60 does not match date_of_birth 1948-03-02"
        in message
    )


def test_child_on_medicare_is_flagged(tmp_path):
    text = VALID.replace("    age: 78", "    age: 9").replace("1948-03-02", "2016-03-02")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'insurance: medicare')}:16: patient.economics.insurance:" in message
    assert "9-year-old" in message and "'medicaid'" in message


def test_palliative_setting_with_good_prognosis_is_flagged(tmp_path):
    text = VALID.replace("setting: med_surg", "setting: palliative_hospice").replace(
        "prognosis: guarded", "prognosis: good")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'prognosis: good')}:16: patient.medical.prognosis:" in message


def test_caregiver_who_is_the_patient_is_flagged(tmp_path):
    text = VALID.replace("      name: Anne Calder", "      name: Ruth Calder")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'name: Ruth Calder')}:13: patient.family.0.name:" in message
    assert "caregiver is the patient" in message


@pytest.mark.parametrize(
    "old,new,path,fragment",
    [
        ("setting: med_surg", "setting: maternity\n    # x", "patient.identity.sex", "'maternity' with sex 'male'"),
        ("interpreter_needed: false", "interpreter_needed: true", "patient.identity.interpreter_needed", "'English'"),
        (
            "      lives_with_patient: true",
            "      living: false\n      lives_with_patient: true",
            "patient.family.0.living",
            "not living but lives with the patient",
        ),
    ],
)
def test_other_contradictions(tmp_path, old, new, path, fragment):
    text = VALID.replace(old, new)
    if "maternity" in new:
        text = text.replace("    sex: female\n    gender_identity", "    sex: male\n    gender_identity")
    message = only(validate_file(write(tmp_path, text)))
    assert f": {path}: " in message and fragment in message


def test_adult_in_pediatrics(tmp_path):
    text = VALID.replace("setting: med_surg", "setting: pediatrics_nicu")
    message = only(validate_file(write(tmp_path, text)))
    assert "patient.identity.age: setting 'pediatrics_nicu' with a 78-year-old" in message


def test_family_member_with_the_patients_id_is_flagged(tmp_path):
    text = VALID.replace("    - id: f1", "    - id: P-000007")
    message = only(validate_file(write(tmp_path, text)))
    assert "patient.family.0.id" in message and "P-000007" in message


def test_duplicate_hidden_fact_ids(tmp_path):
    extra = ("  - id: passive_si\n    domain: general\n    min_rapport: 10\n"
             "    statement: I sleep badly.\n")
    text = VALID.replace('barriers: ["limited', extra + 'barriers: ["limited')
    message = only(validate_file(write(tmp_path, text)))
    assert "hidden_facts.1.id: hidden fact id 'passive_si' is used more than once" in message
    barriers_line = line_of(text, 'barriers: ["limited')
    assert f":{barriers_line - 4}:" in message


def test_crisis_without_its_critical_actions(tmp_path):
    text = VALID.replace("    - {kind: safety_plan, description: Safety plan}\n", "")
    message = only(validate_file(write(tmp_path, text)))
    assert "hidden_facts.0.crisis" in message and "missing: safety_plan" in message


def test_hidden_fact_revealing_what_the_key_omits(tmp_path):
    text = VALID.replace("    - {kind: suicide, level: low, evidence: SECRET-RISK-passive}\n", "").replace(
        "  risks:\n  strengths: [daughter", "  strengths: [daughter")
    message = only(validate_file(write(tmp_path, text)))
    assert "hidden_facts.0.reveals_risk: reveals risk 'suicide', which key.risks does not list" in message


def test_duplicate_yaml_key_is_not_silently_dropped(tmp_path):
    text = VALID.replace("summary: A 78", "title: Another title\nsummary: A 78")
    message = only(validate_file(write(tmp_path, text)))
    assert f":{line_of(text, 'title: Another')}:1: title: duplicate key 'title' (first given at line 3)" in message


def test_empty_file(tmp_path):
    assert "file is empty" in only(validate_file(write(tmp_path, "")))
    assert "file is empty" in only(validate_file(write(tmp_path, "# nothing\n\n", "c.yaml")))


def test_file_over_the_size_limit(tmp_path):
    path = write(tmp_path, VALID + "#" * (MAX_BYTES + 10))
    message = only(validate_file(path))
    assert message.startswith(f"{path}:1:1:") and "too large" in message and str(MAX_BYTES) in message


@pytest.fixture(params=["libyaml", "pure"])
def loader(request, monkeypatch):
    """Run a test with libyaml's loader and with the pure-Python fallback."""
    from sim.cases import source

    if request.param == "pure":
        monkeypatch.setattr(source, "_LOADER", source._NoAliasLoader)
    return request.param


def test_aliases_are_refused(tmp_path, loader):
    text = VALID.replace("  reason: Frequent", "  reason: &r Frequent").replace(
        "  physician_note: 78F", "  physician_note: *r\n  nursing_note2: 78F")
    message = only(validate_file(write(tmp_path, text)))
    assert "YAML aliases are not allowed in case files" in message
    if loader == "libyaml":
        assert f":{line_of(text, '*r')}:3:" in message  # where the alias is used
    else:
        assert f":{line_of(text, '&r')}:11:" in message  # where the anchor is set


def test_billion_laughs_is_refused_quickly(tmp_path, loader):
    lol = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for i, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[i]
        lol += f"{name}: &{name} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
    assert "YAML aliases are not allowed" in only(validate_file(write(tmp_path, lol)))


@pytest.mark.parametrize("parser", ["default", "no depth limit"])
@pytest.mark.parametrize("depth", [70, 120_000])  # 100,000 once crashed libyaml; some releases stop at 1,000
def test_deep_flow_nesting_is_refused_without_crashing(tmp_path, monkeypatch, depth, parser):
    if parser == "no depth limit":  # PyYAML's pure-Python parser has no nesting limit of its own
        monkeypatch.setattr(source_module, "_LOADER", source_module._NoAliasLoader)
    text = "id: x\nchart: " + "[" * depth + "]" * depth + "\n"
    message = only(validate_file(write(tmp_path, text)))
    assert ":2:" in message and "nesting is too deep" in message


def test_deep_block_nesting_is_refused(tmp_path):
    text = "id: x\n" + "".join(" " * i + f"k{i}:\n" for i in range(300))
    message = only(validate_file(write(tmp_path, text)))
    assert "nesting is too deep" in message


def test_non_utf8_file(tmp_path):
    raw = VALID.replace("Ruth", "R\u00fcth").encode("latin-1")
    message = only(validate_file(write(tmp_path, raw)))
    assert "not UTF-8" in message and f":{line_of(VALID, 'given_name: Ruth')}:" in message


def test_top_level_list(tmp_path):
    message = only(validate_file(write(tmp_path, "- id: a\n- id: b\n")))
    assert ":1:1: (file): a case file must be a mapping" in message and "got a list" in message


def test_unsafe_tag_is_refused(tmp_path):
    text = VALID.replace("title: \"Medical", "title: !!python/object/apply:os.system [\"echo hi\"]\nx: \"Medical")
    problems = [str(p) for p in validate_file(write(tmp_path, text))]
    assert any("title: cannot read this value" in p for p in problems)


def test_spec_outside_a_template(tmp_path):
    text = VALID.replace("    age: 78", "    age: {between: [70, 80]}")
    message = only(validate_file(write(tmp_path, text)))
    assert "patient.identity.age" in message and "template: true" in message


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = (VALID.replace("    age: 78", "    age: -3").replace("1948-03-02", "2029-03-02")
            .replace("  urgency: routine", "  urgency: soon")
            .replace("competencies: [6, 7, 8]", "competencies: [6, 7, 12]"))
    paths = {p.path for p in validate_file(write(tmp_path, text))}
    assert {"patient.identity.age", "referral.urgency", "key.competencies.2"} <= paths


def test_folder_reports_every_bad_file_and_duplicate_ids(tmp_path):
    write(tmp_path, VALID, "test_full_01.yaml")
    write(tmp_path, VALID, "b.yaml")  # same id as test_full_01.yaml, which is named after it
    write(tmp_path, "", "c.yaml")
    write(tmp_path, VALID.replace("    age: 78", "    age: old").replace("id: test_full_01", "id: d"), "d.yaml")
    problems = [str(p) for p in validate_paths([tmp_path])]
    owner = tmp_path / "test_full_01.yaml"
    assert f"{tmp_path / 'b.yaml'}:2:5: id: case id 'test_full_01' is already used by {owner}; " \
           "each case needs its own id" in problems
    assert any(p.startswith(f"{tmp_path / 'b.yaml'}:2:5: id: id 'test_full_01' differs from the file name 'b.yaml'")
               for p in problems)
    assert any(p.startswith(str(tmp_path / "c.yaml")) and "empty" in p for p in problems)
    assert any(p.startswith(str(tmp_path / "d.yaml")) and "patient.identity.age" in p for p in problems)
    assert not any(p.startswith(str(owner)) for p in problems)


@pytest.mark.parametrize("needle,replacement", [
    ("id: test_full_01", "id: [1, 2]"),
    ("  medications: [furosemide 40 mg daily]", "  medications: furosemide"),
    ("collateral:", "collateral: 3\nx:"),
    ("  urgency: routine", "  urgency:"),
    ("key:\n", "key: []\nx:\n"),
])
def test_type_errors_never_raise(tmp_path, needle, replacement):
    problems = validate_file(write(tmp_path, VALID.replace(needle, replacement)))
    assert all(p.line >= 1 and p.col >= 1 for p in problems)


def test_a_problem_is_always_one_line():
    from sim.cases import Problem

    assert str(Problem("f.yaml", 3, 4, "a.b", "two\nlines")) == "f.yaml:3:4: a.b: two lines"


def test_a_tab_in_the_indentation_is_named_as_a_tab(tmp_path):
    needle = next(line for line in VALID.splitlines() if line.strip().startswith("given_name:"))
    text = VALID.replace(needle, "\t" + needle.lstrip(), 1)
    path = write(tmp_path, text)
    message = only(validate_file(path))
    assert "tab character" in message and "spaces" in message
    assert message.split(":")[1] == str(line_of(text, "\tgiven_name:"))


def test_a_misindented_field_points_at_indentation(tmp_path):
    needle = next(line for line in VALID.splitlines() if line.strip().startswith("given_name:"))
    text = VALID.replace(needle, needle[1:], 1)
    message = only(validate_file(write(tmp_path, text)))
    assert "indentation" in message


def test_screening_answers_must_score(tmp_path):
    base = VALID.replace("\nreferral:", "\n  responses:\n    phq9: [1, 1, 0]\n    phq10: [0, 0]\nreferral:", 1)
    problems = [str(p) for p in validate_file(write(tmp_path, base))]
    assert any("patient.responses.phq9" in p and "expects 9 item points" in p for p in problems), problems
    assert any("patient.responses.phq10" in p and "did you mean 'phq9'" in p for p in problems), problems
    good = VALID.replace("\nreferral:", "\n  responses:\n    phq9: [2, 2, 1, 1, 1, 1, 1, 1, 1]\nreferral:", 1)
    assert validate_file(write(tmp_path, good)) == []


def test_an_impossible_date_is_reported_once(tmp_path):
    needle = next(line for line in VALID.splitlines() if line.strip().startswith("date_of_birth:"))
    text = VALID.replace(needle, needle.split(":")[0] + ": 1955-02-30", 1)
    message = only(validate_file(write(tmp_path, text)))
    assert "date_of_birth" in message and "1955-02-30" in message


def test_a_name_where_a_mapping_or_a_list_belongs_says_what_to_write(tmp_path):
    lines = VALID.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("referral:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i] and not lines[i].startswith(" "))
    text = "\n".join([*lines[:start], "referral: Please assess", *lines[end:]]) + "\n"
    message = only(validate_file(write(tmp_path, text)))
    assert "referral: expected a mapping of fields ({reason: ..." in message and "'Please assess'" in message


def test_a_single_value_where_a_list_belongs_says_how_to_write_a_list(tmp_path):
    needle = next(line for line in VALID.splitlines() if line.strip().startswith("strengths: ["))
    text = VALID.replace(needle, needle.split(":")[0] + ": Church", 1)
    message = only(validate_file(write(tmp_path, text)))
    assert "strengths: expected a list ([a, b]" in message and "'Church'" in message


def test_a_patient_who_needs_an_interpreter_needs_the_interpreter_critical_action(tmp_path):
    text = VALID.replace("interpreter_needed: false", "interpreter_needed: true", 1)
    text = text.replace("language: English", "language: Spanish", 1)
    problems = [str(p) for p in validate_file(write(tmp_path, text))]
    assert any("patient.identity.interpreter_needed" in p and "'interpreter' action" in p for p in problems), problems
