"""Templates: specs drawn deterministically from the seed, placeholders, `case new`."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from sim.cases import CaseFileError, load_case, validate_file
from sim.cases.instantiate import concrete_from_template, new_from_template
from sim.cases.source import parse_text
from sim.cases.template import lookup, resolve

FIXTURES = Path(__file__).parent / "fixtures" / "cases"
TEMPLATE = FIXTURES / "test_template_01.yaml"


def draw(text: str, seed: int = 0):
    source, problems = parse_text(text.encode(), "t.yaml")
    assert source is not None and not problems
    return resolve(source.data, seed, source)


def test_template_is_valid():
    assert validate_file(TEMPLATE) == []


def test_same_seed_gives_the_same_case():
    assert load_case(TEMPLATE, seed=11) == load_case(TEMPLATE, seed=11)


def test_different_seeds_give_different_cases():
    cases = [load_case(TEMPLATE, seed=s) for s in range(8)]
    distinct = {c.model_dump_json() for c in cases}
    assert len(distinct) >= 6
    names = {c.patient.identity.given_name for c in cases}
    assert len(names) >= 3


def test_the_files_seed_is_the_default():
    assert load_case(TEMPLATE) == load_case(TEMPLATE, seed=7)


def test_drawn_values_respect_their_specs():
    for seed in range(30):
        case = load_case(TEMPLATE, seed=seed)
        assert 9000 <= case.patient.economics.household_income <= 60000
        assert case.patient.economics.insurance in ("medicare", "dual")
        assert case.patient.medical.prognosis in ("guarded", "poor")
        need = case.patient.profile.need("caregiver_strain")
        assert need is not None and 0.1 <= need.disclosure_difficulty <= 0.4
        assert case.hidden_facts[0].min_rapport in (40, 50, 60)


def test_placeholders_are_filled_from_the_patient():
    case = load_case(TEMPLATE, seed=3)
    assert case.opening_statement == (f"I'm {case.patient.identity.given_name}. "
                                      f"I don't want to be a bother to {case.patient.family[0].name}.")
    assert "{" not in case.opening_statement


def test_unknown_placeholder_is_a_problem_with_a_suggestion(tmp_path):
    text = TEMPLATE.read_text().replace("{patient.identity.given_name}", "{patient.identity.givn_name}")
    path = tmp_path / "test_template_01.yaml"
    path.write_text(text)
    problems = [str(p) for p in validate_file(path)]
    assert len(problems) == 1
    assert "opening_statement: unknown placeholder {patient.identity.givn_name}" in problems[0]
    assert "did you mean 'given_name'" in problems[0]


def test_between_kinds():
    data, problems = draw("a: {between: [1, 3]}\nb: {between: [0.5, 1.25]}\n"
                          "c: {between: [2020-01-01, 2020-01-31]}\nd: {between: ['2021-02-01', '2021-02-03']}\n")
    assert not problems
    assert isinstance(data["a"], int) and 1 <= data["a"] <= 3
    assert isinstance(data["b"], float) and 0.5 <= data["b"] <= 1.25
    assert date(2020, 1, 1) <= data["c"] <= date(2020, 1, 31)
    assert date(2021, 2, 1) <= data["d"] <= date(2021, 2, 3)


def test_integer_bounds_are_inclusive():
    seen = {draw("a: {between: [1, 3]}\n", seed)[0]["a"] for seed in range(60)}
    assert seen == {1, 2, 3}


def test_weights_follow_their_proportions():
    picks = [draw("a: {weights: {x: 9, y: 1, z: 0}}\n", seed)[0]["a"] for seed in range(300)]
    assert "z" not in picks
    assert 0.8 < picks.count("x") / len(picks) < 0.97


def test_nested_specs_and_lists_resolve():
    data, problems = draw("a: {choice: [{between: [5, 6]}]}\nb: [{choice: [p]}, 2]\n")
    assert not problems and data["a"] in (5, 6) and data["b"] == ["p", 2]


def test_key_order_does_not_change_the_draw():
    one, _ = draw("a: {between: [0, 1000]}\nb: {between: [0, 1000]}\n", 5)
    two, _ = draw("b: {between: [0, 1000]}\na: {between: [0, 1000]}\n", 5)
    assert one == two


@pytest.mark.parametrize("spec,fragment", [
    ("{between: [3, 1]}", "low <= high"),
    ("{between: [1]}", "list of two"),
    ("{between: [a, b]}", "two integers, two numbers or two ISO dates"),
    ("{choice: []}", "non-empty list"),
    ("{weights: {x: -1}}", "must be a number >= 0"),
    ("{weights: {x: 0}}", "must not all be 0"),
    ("{choice: [a], weights: {b: 1}}", "exactly one key"),
])
def test_malformed_specs_are_problems(spec, fragment):
    _, problems = draw(f"x: 1\nage: {spec}\n")
    assert len(problems) == 1 and fragment in problems[0].message
    assert problems[0].line == 2 and problems[0].path.startswith("age")


def test_lookup_reaches_properties_and_list_items():
    case = load_case(FIXTURES / "test_full_01.yaml")
    assert lookup(case.patient, "patient.identity.name") == "Ruth Calder"
    assert lookup(case.patient, "patient.family.0.relation") == "daughter"
    with pytest.raises(LookupError, match="use an index"):
        lookup(case.patient, "patient.family.3.name")


def test_case_new_writes_a_concrete_case_that_loads_the_same(tmp_path):
    out = tmp_path / "drawn.yaml"
    new_from_template(TEMPLATE, 21, out)
    text = out.read_text()
    assert text.startswith("# Synthetic case drawn from test_template_01.yaml with seed 21")
    assert "between" not in text and "choice" not in text and "template:" not in text
    assert validate_file(out) == []
    assert load_case(out) == load_case(TEMPLATE, seed=21).model_copy(update={"id": "drawn"})
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_case_new_refuses_a_broken_template(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TEMPLATE.read_text().replace("{between: [2, 12]}", "{between: [12, 2]}"))
    with pytest.raises(CaseFileError, match="low <= high"):
        concrete_from_template(bad, 1)


PARTIAL = """\
id: partial_01
title: Partial patient
summary: A patient generated around the fixed fields.
seed: 3
patient:
  identity: {age: 40, sex: female}
  medical: {setting: emergency}
  profile:
    needs:
      - {domain: housing_instability, severity: 2, evidence: Sleeping in her car., disclosure_difficulty: 0.6}
referral: {reason: "Assess {patient.identity.given_name} before discharge.", source: ED physician}
chart: {physician_note: "40F."}
opening_statement: "Hello, I'm {patient.identity.name}."
key:
  needs: [{domain: housing_instability, severity: 2, evidence: car}]
  recommended: [{intervention: housing_advocacy, rationale: shelter}]
  competencies: [7]
"""


def test_partial_patient_is_generated_around_the_fixed_fields(tmp_path):
    path = tmp_path / "partial_01.yaml"
    path.write_text(PARTIAL)
    assert validate_file(path) == []
    case = load_case(path)
    p = case.patient
    assert (p.identity.age, p.identity.sex, p.medical.setting) == (40, "female", "emergency")
    assert [n.domain for n in p.profile.needs] == ["housing_instability"]  # a list given replaces
    assert p.contact.email.endswith("@example.org") and p.synthetic
    assert case.opening_statement == f"Hello, I'm {p.identity.name}."
    assert case.referral.reason == f"Assess {p.identity.given_name} before discharge."
    assert load_case(path) == case
    others = {load_case(path, seed=s).patient.identity.name for s in range(4, 9)}
    assert len(others) >= 3


def test_partial_patient_with_a_misspelled_setting_gets_one_clear_problem(tmp_path):
    path = tmp_path / "partial_01.yaml"
    path.write_text(PARTIAL.replace("setting: emergency", "setting: emergncy"))
    problems = [str(p) for p in validate_file(path)]
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:7:22: patient.medical.setting: unknown setting 'emergncy'")
    assert "did you mean 'emergency'" in problems[0]


def test_a_misspelt_spec_key_is_named_with_a_suggestion(tmp_path):
    text = TEMPLATE.read_text(encoding="utf-8")
    assert "{between: [" in text
    bad = tmp_path / "tpl.yaml"
    bad.write_text(text.replace("{between: [", "{betwen: [", 1), encoding="utf-8")
    problems = [str(p) for p in validate_file(bad)]
    assert any("unknown spec 'betwen' (did you mean 'between'?)" in p for p in problems), problems


# --- the Charlson index derived from the codes ---------------------------------------------

LIBRARY_TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "simcases").glob("tpl_*.yaml"))


def _codes(case):
    med = case.patient.medical
    return [med.primary_diagnosis.code, *(c.code for c in med.comorbidities)]


@pytest.mark.parametrize("path", LIBRARY_TEMPLATES, ids=lambda p: p.stem)
def test_every_template_states_the_charlson_index_its_codes_give_for_many_seeds(path):
    from sim.generate.medical import charlson_index

    seen = set()
    for seed in range(0, 400, 7):
        case = load_case(path, seed=seed)
        assert case.patient.medical.charlson_index == charlson_index(_codes(case)), (seed, _codes(case))
        seen.add((case.patient.medical.primary_diagnosis.code, case.patient.medical.charlson_index))
    if path.stem == "tpl_geri_discharge":  # an older adult with one chronic condition besides: 1 to 3
        assert {index for _, index in seen} == {1, 2, 3}
        assert ("S72.001A", 0) not in seen and ("J18.9", 0) not in seen


def test_from_codes_follows_the_codes_drawn():
    from sim.generate.medical import charlson_index

    for seed in range(12):
        case = load_case(TEMPLATE, seed=seed)
        assert _codes(case) == ["I50.9", "E11.9"]
        assert case.patient.medical.charlson_index == charlson_index(["I50.9", "E11.9"]) == 2


def test_case_new_writes_the_derived_index_as_a_number(tmp_path):
    import yaml

    out = tmp_path / "geri_01.yaml"
    new_from_template(LIBRARY_TEMPLATES[0].parent / "tpl_geri_discharge.yaml", 5, out)
    medical = yaml.safe_load(out.read_text())["patient"]["medical"]
    case = load_case(out)
    assert medical["charlson_index"] == case.patient.medical.charlson_index
    assert "from_codes" not in out.read_text()
    assert validate_file(out) == []


@pytest.mark.parametrize("where, value, fragment", [
    ("    ed_visits_6mo: 2", "    ed_visits_6mo: {from_codes: true}",
     "patient.medical.ed_visits_6mo.from_codes: from_codes derives the Charlson index and stands only as "
     "patient.medical.charlson_index"),
    ("    charlson_index: {from_codes: true}", "    charlson_index: {from_codes: false}",
     "patient.medical.charlson_index.from_codes: from_codes takes true (got False)"),
    ("    charlson_index: {from_codes: true}", "    charlson_index: {from_code: true}",
     "unknown spec 'from_code' (did you mean 'from_codes'?)"),
])
def test_a_misplaced_or_malformed_from_codes_is_a_located_problem(tmp_path, where, value, fragment):
    text = TEMPLATE.read_text(encoding="utf-8")
    assert where in text
    bad = tmp_path / "test_template_01.yaml"
    bad.write_text(text.replace(where, value), encoding="utf-8")
    problems = [str(p) for p in validate_file(bad)]
    assert any(fragment in p for p in problems), problems


def test_from_codes_outside_a_template_is_a_problem(tmp_path):
    full = FIXTURES / "test_full_01.yaml"
    bad = tmp_path / "test_full_01.yaml"
    bad.write_text(full.read_text().replace("charlson_index: 2", "charlson_index: {from_codes: true}"))
    problems = [str(p) for p in validate_file(bad)]
    assert any("between/choice/weights/from_codes are only allowed in a template" in p for p in problems), problems


def test_a_stated_index_the_codes_do_not_give_is_a_located_problem(tmp_path):
    full = FIXTURES / "test_full_01.yaml"
    bad = tmp_path / "test_full_01.yaml"
    bad.write_text(full.read_text().replace("charlson_index: 2", "charlson_index: 3"))
    problems = [str(p) for p in validate_file(bad)]
    assert any(p.startswith(f"{bad}:44:") and "charlson_index is 3, but the codes I50.9, E11.9 give 2" in p
               for p in problems), problems
