"""JSON Schema of the case file format, derived from the pydantic models, for editors.

Differences from ``Case.model_json_schema()``, matching what the loader accepts:

* top-level ``format``, ``seed`` and ``template`` are added;
* ``patient`` is optional and partial: in every mapping reached from it through mappings, no
  field is required (the generator fills the rest). Items of lists (family members, needs,
  risks, comorbidities) are complete, because a list given replaces the generated list;
* any field may hold a template spec (``between``, ``choice``, ``weights``; ``from_codes`` is
  meant for ``patient.medical.charlson_index`` only, which the loader checks);
* names checked against the taxonomy (need domains, risks, interventions, functions, settings)
  and the patient's county (the generator's counties, the ones the resource directory serves)
  are listed as ``enum``, so an editor can complete them.

``simcases/case.schema.json`` holds a copy; ``sim case schema --out simcases/case.schema.json`` rewrites it
(without ``--out`` it only prints), and a test checks
that it is current. Point an editor at it with ``# yaml-language-server: $schema=case.schema.json``.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from sim.model.case import Case
from sim.model.taxonomy import taxonomy

SCHEMA_FILE = "case.schema.json"
SPEC_DEF = {
    "description": "Template spec (only in a file with template: true): one key, drawn with the seed.",
    "oneOf": [
        {"type": "object", "additionalProperties": False, "required": ["between"],
         "properties": {"between": {"type": "array", "minItems": 2, "maxItems": 2,
                                    "description": "[low, high]: integers, numbers or ISO dates, inclusive"}}},
        {"type": "object", "additionalProperties": False, "required": ["choice"],
         "properties": {"choice": {"type": "array", "minItems": 1, "description": "one of these, equally likely"}}},
        {"type": "object", "additionalProperties": False, "required": ["weights"],
         "properties": {"weights": {"type": "object", "minProperties": 1,
                                    "additionalProperties": {"type": "number", "minimum": 0},
                                    "description": "value: weight; drawn in proportion to the weights"}}},
        {"type": "object", "additionalProperties": False, "required": ["from_codes"],
         "properties": {"from_codes": {"const": True,
                                       "description": "only as patient.medical.charlson_index: derived from the "
                                                      "patient's ICD-10-CM codes with the Charlson weights "
                                                      "(Quan et al. 2005), not drawn"}}},
    ],
}


def _enums() -> dict[tuple[str, str], list[str]]:
    from sim.practice.resources import counties

    tx = taxonomy()
    domains, risks = list(tx.domains), list(tx.risks)
    return {
        ("MedicalContext", "setting"): list(tx.settings),
        ("Need", "domain"): domains, ("KeyNeed", "domain"): domains,
        ("HiddenFact", "domain"): ["general", *domains],
        ("HiddenFact", "reveals_need"): domains, ("HiddenFact", "reveals_risk"): risks,
        ("Risk", "kind"): risks, ("KeyRisk", "kind"): risks,
        ("KeyIntervention", "intervention"): list(tx.interventions),
        ("CaseKey", "functions"): list(tx.functions),
        ("Address", "county"): counties(),
    }


def _set_enum(prop: dict[str, Any], values: list[str]) -> None:
    if prop.get("type") == "array":
        prop["items"] = {"type": "string", "enum": values}
    elif "anyOf" in prop:  # optional: str | None
        prop["anyOf"] = [{"type": "string", "enum": values}, {"type": "null"}]
    else:
        prop["enum"] = values


def _ref_name(schema: dict[str, Any]) -> str | None:
    ref = schema.get("$ref")
    if ref is None:
        for option in schema.get("anyOf", []):
            if "$ref" in option:
                ref = option["$ref"]
    return ref.rsplit("/", 1)[-1] if ref else None


def _partial(defs: dict[str, Any], name: str) -> str:
    """Add ``<name>Partial`` (no required fields, mapping children partial too); return its name."""
    partial = f"{name}Partial"
    if partial in defs:
        return partial
    schema = copy.deepcopy(defs[name])
    schema.pop("required", None)
    schema["title"] = partial
    defs[partial] = schema
    for prop in schema.get("properties", {}).values():
        child = _ref_name(prop)
        if child is not None and child in defs:
            new = f"#/$defs/{_partial(defs, child)}"
            if "$ref" in prop:
                prop["$ref"] = new
            else:
                prop["anyOf"] = [{"$ref": new} if "$ref" in o else o for o in prop["anyOf"]]
    return partial


def _inner(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every list item and mapping value allowed to be a spec."""
    out = dict(schema)
    if isinstance(out.get("items"), dict):
        out["items"] = _wrap(out["items"])
    if isinstance(out.get("additionalProperties"), dict):
        out["additionalProperties"] = _wrap(out["additionalProperties"])
    if "anyOf" in out:
        out["anyOf"] = [_inner(option) for option in out["anyOf"]]
    return out


def _wrap(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or a spec, at any depth."""
    return {"anyOf": [_inner(schema), {"$ref": "#/$defs/Spec"}]}


def _allow_specs(schema: dict[str, Any]) -> None:
    for name, definition in list(schema["$defs"].items()):
        if name == "Spec":
            continue
        for key, prop in definition.get("properties", {}).items():
            definition["properties"][key] = _wrap(prop)


def _reachable(defs: dict[str, Any], root: str) -> set[str]:
    seen: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        text = json.dumps(defs[name])
        todo += [m for m in defs if f'"#/$defs/{m}"' in text]
    return seen


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case file or template."""
    schema = Case.model_json_schema()
    defs = schema["$defs"]
    for (model, field), values in _enums().items():
        _set_enum(defs[model]["properties"][field], values)
    schema["properties"]["patient"] = {
        "$ref": f"#/$defs/{_partial(defs, 'Patient')}",
        "description": "partial: fields left out are generated from the seed; mappings merge, lists replace",
    }
    schema["required"] = [r for r in schema["required"] if r != "patient"]
    from sim.cases.formats import formats

    table = formats()
    schema["properties"]["format"] = {
        "type": "integer", "enum": table.supported,
        "description": f"case format version; {table.current} is current. A file without it is format 1 and is "
                       "upgraded on loading; sim case migrate upgrades the file itself"}
    schema["properties"]["seed"] = {"type": "integer", "minimum": 0, "default": 0,
                                    "description": "decides every generated or drawn value"}
    schema["properties"]["template"] = {"type": "boolean", "default": False,
                                        "description": "true: fields may be between/choice/weights/from_codes specs"}
    case_props = schema.pop("properties")
    defs["CaseFile"] = {"type": "object", "additionalProperties": False,
                        "properties": case_props, "required": schema.pop("required")}
    defs["Spec"] = SPEC_DEF
    _allow_specs(schema)
    used = _reachable(defs, "CaseFile")
    for name in [n for n in defs if n not in used]:
        del defs[name]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://example.org/sim/case.schema.json",
        "title": "sim case file",
        "description": "A synthetic teaching case (or template) for the sim curriculum. "
                       "Text may use {patient.identity.given_name}-style placeholders.",
        "$ref": "#/$defs/CaseFile",
        "$defs": dict(sorted(defs.items())),
    }


def schema_text() -> str:
    """The schema as the text written to ``case.schema.json``."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_schema(path: str | Path) -> Path:
    """Write the schema to ``path`` (temp file + rename); return the path."""
    from sim.cases.writing import write_atomic

    return write_atomic(Path(path), schema_text())
