"""The JSON Schema of the case format: current in simcases/, and it agrees with the loader."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from sim.cases.schema import SCHEMA_FILE, json_schema, schema_text

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures" / "cases"


def as_json(path: Path) -> object:
    return json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))


def validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json_schema())


def test_schema_file_in_simcases_is_current():
    kept = ROOT / "simcases" / SCHEMA_FILE
    assert kept.exists(), "run: sim case schema --out simcases/case.schema.json"
    assert kept.read_text(encoding="utf-8") == schema_text(), \
        "out of date; run: sim case schema --out simcases/case.schema.json"


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(json_schema())


def test_valid_cases_and_templates_pass_the_schema():
    v = validator()
    fixtures = [FIXTURES / "test_full_01.yaml", FIXTURES / "test_template_01.yaml"]
    for path in [*fixtures, *sorted((ROOT / "simcases").glob("*.yaml"))]:
        assert list(v.iter_errors(as_json(path))) == [], path


def test_schema_catches_what_editors_should_flag():
    data = as_json(FIXTURES / "test_full_01.yaml")
    data["opening_statment"] = data.pop("opening_statement")
    data["key"]["needs"][0]["domain"] = "food"
    data["patient"]["medical"]["setting"] = "ward"
    errors = list(validator().iter_errors(data))
    text = " ".join(e.message for e in errors)
    assert "opening_statment" in text
    assert len(errors) >= 2


def test_an_editor_completes_the_county_from_the_counties_the_directory_serves():
    from sim.practice.resources import counties

    data = as_json(FIXTURES / "test_full_01.yaml")
    data["patient"]["address"]["county"] = "Corvell County"
    errors = list(validator().iter_errors(data))

    def enums(error):
        return [error] * (error.validator == "enum") + [e for c in error.context for e in enums(c)]

    found = [e for top in errors for e in enums(top)]
    assert [(list(e.absolute_path), e.validator_value) for e in found] == [
        (["patient", "address", "county"], counties())]
    data["patient"]["address"]["county"] = "Harwick County"
    assert list(validator().iter_errors(data)) == []


def test_partial_patient_is_allowed_but_list_items_are_complete():
    data = as_json(FIXTURES / "test_full_01.yaml")
    del data["patient"]["contact"], data["patient"]["identity"]["race"], data["patient"]["id"]
    assert list(validator().iter_errors(data)) == []
    del data["patient"]["family"][0]["relation"]
    assert list(validator().iter_errors(data))
