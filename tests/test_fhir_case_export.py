"""``sim case export ID --format fhir``: one case as a FHIR R4 transaction Bundle."""
from __future__ import annotations

import importlib
import json

import pytest

from sim.cases.library import case_files, library_dir, load_case
from sim.cli import main
from sim.export.fhir_case import case_bundle

CASES = [p.stem for p in case_files(library_dir())]


def _refs(node: object, out: list[str]) -> list[str]:
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            out.append(node["reference"])
        for v in node.values():
            _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)
    return out


@pytest.mark.parametrize("case_id", CASES)
def test_every_library_case_is_a_valid_r4b_transaction_bundle(case_id):
    from fhir.resources.R4B.bundle import Bundle

    case = load_case(case_id)
    bundle = case_bundle(case)
    Bundle.model_validate(bundle)
    assert bundle["type"] == "transaction"
    urls = [e["fullUrl"] for e in bundle["entry"]]
    assert len(urls) == len(set(urls))
    for entry in bundle["entry"]:
        res = entry["resource"]
        kind = res["resourceType"]
        cls = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
        cls.model_validate(res)
        assert entry["request"] == {"method": "POST", "url": kind}
        assert {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"} \
            in res["meta"]["security"]
    refs = _refs([e["resource"] for e in bundle["entry"]], [])
    assert refs and set(refs) <= set(urls)


@pytest.mark.parametrize("case_id", CASES)
def test_chart_answers_and_interview_disclosures(case_id):
    case = load_case(case_id)
    bundle = case_bundle(case)
    resources = [e["resource"] for e in bundle["entry"]]
    kinds = [r["resourceType"] for r in resources]
    assert kinds.count("Patient") == 1 and kinds.count("Encounter") == 1 and "ServiceRequest" in kinds
    patient = resources[kinds.index("Patient")]
    assert patient["name"][0]["family"] == case.patient.identity.family_name
    assert patient["gender"] in {"male", "female", "other", "unknown"} and patient["identifier"][0]["value"]
    conditions = [r for r in resources if r["resourceType"] == "Condition"]
    assert conditions[0]["code"]["coding"][0]["code"] == case.patient.medical.primary_diagnosis.code
    assert len(conditions) == 1 + len(case.patient.medical.comorbidities)
    disclosures = [r for r in resources if any(t["code"] == "interview-disclosure" for t in r["meta"]["tag"])]
    assert len(disclosures) == len(case.hidden_facts)
    for d, fact in zip(disclosures, case.hidden_facts, strict=True):
        assert d["code"]["coding"][0]["code"] == fact.id
        assert d["valueString"] == " ".join(fact.statement.split())
        assert "social-history" in [c["code"] for cc in d["category"] for c in cc["coding"]]
        assert str(fact.min_rapport) in d["note"][0]["text"]
    text = json.dumps(bundle)
    for need in case.key.needs:  # the answer key stays out of the chart
        assert " ".join(need.evidence.split()) not in text
    for item in case.key.recommended:
        assert item.rationale not in text
    def coded(loinc: str) -> dict:
        return next(r for r in resources if r["resourceType"] == "Observation"
                    and r["code"].get("coding", [{}])[0].get("code") == loinc)

    if "phq9" in case.patient.responses:
        answers = case.patient.responses["phq9"]
        assert isinstance(answers, list)
        assert coded("44261-6")["valueInteger"] == sum(answers)
        assert len(coded("44249-1")["hasMember"]) == 10
        q9 = coded("44260-8")
        labels = ["Not at all", "Several days", "More than half the days", "Nearly every day"]
        assert q9["valueCodeableConcept"]["text"] == labels[answers[8]]


def test_command_writes_the_bundle_once_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "case.json"
    assert main(["case", "export", "ed_ipv_01", "--format", "fhir", "--out", str(out)]) == 0
    first = out.read_bytes()
    assert json.loads(first)["resourceType"] == "Bundle"
    capsys.readouterr()
    assert main(["case", "export", "ed_ipv_01", "--format", "fhir", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("sim: error: ") and err.count("\n") == 1 and "--force" in err
    assert main(["case", "export", "ed_ipv_01", "--format", "fhir", "--out", str(out), "--force"]) == 0
    assert out.read_bytes() == first  # the same case gives the same bundle
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case.json"]


def test_unknown_format_and_case_are_one_line_errors(tmp_path, capsys):
    assert main(["case", "export", "ed_ipv_01", "--format", "ccda", "--out", str(tmp_path / "x.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'ccda'" in err and "allowed: fhir" in err
    assert main(["case", "export", "no_such_case", "--format", "fhir"]) == 2
    assert "no_such_case" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_template_exports_with_a_seed(capsys):
    assert main(["case", "export", "tpl_phc_sdoh", "--format", "fhir", "--seed", "3"]) == 0
    bundle = json.loads(capsys.readouterr().out)
    assert bundle["type"] == "transaction" and len(bundle["entry"]) > 10


def test_ahc_supplemental_answers_carry_their_loinc_codes():
    """The AHC HRSN supplemental questions go out with the LOINC codes US Core gives them, answer
    codes where the source shows one and the label as text otherwise."""
    from fhir.resources.R4B.observation import Observation

    case = load_case(CASES[0]).model_copy(deep=True)
    case.patient.responses["ahc_hrsn_supplemental"] = {
        "financial": "not_hard", "employment": "finding", "lonely": "never", "exercise_days": "5",
        "exercise_minutes": "60", "stress": "a_little", "concentrating": "yes"}
    resources = [e["resource"] for e in case_bundle(case)["entry"]]
    asked = {"76513-1", "96780-2", "93159-2", "89555-7", "68516-4", "93038-8", "69858-9"}
    supplemental = {r["code"]["coding"][0]["code"]: r for r in resources if r["resourceType"] == "Observation"
                    and r["code"].get("coding", [{}])[0].get("code") in asked}
    assert len(supplemental) == 7
    for obs in supplemental.values():
        Observation.model_validate(obs)
        assert obs["code"]["coding"][0]["system"] == "http://loinc.org"
        assert {"sdoh", "survey", "social-history"} <= {c["code"] for cc in obs["category"] for c in cc["coding"]}

    def answer(loinc: str) -> tuple[str | None, str]:
        value = supplemental[loinc]["valueCodeableConcept"]
        return (value["coding"][0]["code"] if value.get("coding") else None), value["text"]

    assert answer("76513-1") == ("LA31980-8", "Not hard at all")
    assert answer("96780-2") == (None, "Yes, help finding work")  # no answer code in the source
    assert answer("93159-2") == ("LA6270-8", "Never")
    assert answer("89555-7") == ("LA10137-0", "5") and answer("68516-4") == ("LA28853-2", "60")
    assert answer("93038-8") == ("LA13863-8", "A little bit")
    assert answer("69858-9") == (None, "Yes")
