"""``sim cohort --format fhir``: FHIR R4 Bulk Data NDJSON, validated with fhir.resources (R4B models)
and checked against what US Core requires of Patient, Condition and Observation."""
from __future__ import annotations

import importlib
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.cli import main
from sim.export.fhir_codes import codes

TYPES = ("Patient", "Encounter", "Condition", "Observation", "Coverage", "RelatedPerson", "Organization")
LOINC = "http://loinc.org"
OBS_CAT = "http://terminology.hl7.org/CodeSystem/observation-category"


def _run(capsys, *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def _read(folder: Path) -> dict[str, list[dict]]:
    return {t: [json.loads(line) for line in (folder / f"{t}.ndjson").read_text().splitlines()] for t in TYPES}


@pytest.fixture(scope="module")
def export(tmp_path_factory) -> tuple[Path, dict[str, list[dict]]]:
    folder = tmp_path_factory.mktemp("fhir") / "cohort"
    assert main(["cohort", "--n", "120", "--seed", "11", "--format", "fhir", "--out", str(folder),
                 "--no-progress"]) == 0
    return folder, _read(folder)


def test_one_file_per_resource_type_and_one_patient_per_row(export):
    folder, res = export
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{t}.ndjson" for t in TYPES)
    assert len(res["Patient"]) == 120 and len(res["Encounter"]) == 120
    cohort = sim.cohort(120, 11, progress=False)
    assert [p["id"] for p in res["Patient"]] == list(cohort["id"])
    insured = (cohort["insurance"] != "uninsured").sum()
    assert len(res["Coverage"]) == insured
    assert len(res["RelatedPerson"]) == int(cohort["caregiver_present"].sum())
    for t in TYPES:
        ids = [r["id"] for r in res[t]]
        assert len(ids) == len(set(ids)), t
        assert all(r["resourceType"] == t for r in res[t])


def test_every_reference_resolves_within_the_export(export):
    _, res = export
    known = {f"{t}/{r['id']}" for t in TYPES for r in res[t]}
    refs: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("reference"), str):
                refs.append(node["reference"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    for t in TYPES:
        for r in res[t]:
            walk(r)
    assert len(refs) > 1000
    missing = [r for r in refs if r not in known]
    assert missing == []


def test_every_resource_is_labelled_synthetic(export):
    _, res = export
    for t in TYPES:
        for r in res[t]:
            assert {"system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HTEST"} \
                in r["meta"]["security"], t
            assert any(tag["code"] == "synthetic" for tag in r["meta"]["tag"]), t
    assert all(p["identifier"][0]["system"].endswith("/synthetic-patient-id") for p in res["Patient"])


@pytest.mark.parametrize("kind", TYPES)
def test_a_sample_of_each_file_validates_as_fhir_r4b(export, kind):
    """Every resource type, and every 7th line of each file, parses as fhir.resources' R4B model."""
    cls = getattr(importlib.import_module(f"fhir.resources.R4B.{kind.lower()}"), kind)
    _, res = export
    sample = res[kind][::7]
    assert sample
    for r in sample:
        model = cls.model_validate(r)
        assert model.id == r["id"]


def test_a_malformed_resource_is_rejected_by_the_validator(export):
    """The validation above can fail: a missing code, an unknown element or a bad id is refused
    (fhir.resources does not check code values such as status: the US Core tests below do)."""
    from fhir.resources.R4B.observation import Observation
    from pydantic import ValidationError

    _, res = export
    good = res["Observation"][1]
    Observation.model_validate(good)
    for bad in ({k: v for k, v in good.items() if k != "code"}, {**good, "valueScore": 3},
                {**good, "id": "O_with_underscore"}, {**good, "subject": "Patient/x"}):
        with pytest.raises(ValidationError):
            Observation.model_validate(bad)


def test_us_core_patient(export):
    _, res = export
    for p in res["Patient"]:
        assert p["identifier"] and all(i["system"] and i["value"] for i in p["identifier"])
        assert p["name"] and (p["name"][0].get("family") or p["name"][0].get("given"))
        assert p["gender"] in {"male", "female", "other", "unknown"}
        urls = {e["url"] for e in p["extension"]}
        assert {"http://hl7.org/fhir/us/core/StructureDefinition/us-core-race",
                "http://hl7.org/fhir/us/core/StructureDefinition/us-core-ethnicity"} <= urls
        for ext in p["extension"]:  # US Core: the text sub-extension is required
            assert any(s["url"] == "text" for s in ext["extension"])


def test_us_core_observation(export):
    _, res = export
    for o in res["Observation"]:
        assert o["status"] in {"registered", "preliminary", "final", "amended"}
        cats = [c["code"] for cc in o["category"] for c in cc["coding"]]
        assert "survey" in cats
        assert o["code"]["coding"] and all(c["system"] and c["code"] for c in o["code"]["coding"])
        assert o["subject"]["reference"].startswith("Patient/")
        assert "effectiveDateTime" in o
        assert ("hasMember" in o) != any(k.startswith("value") for k in o), o["id"]  # panel or answer


def test_us_core_condition_rules(export):
    _, res = export
    allowed = {"encounter-diagnosis", "problem-list-item", "health-concern"}
    for c in res["Condition"]:
        cats = [x["code"] for cc in c["category"] for x in cc["coding"]]
        assert set(cats) & allowed
        assert c["code"]["coding"][0]["system"] == "http://hl7.org/fhir/sid/icd-10-cm"
        assert c["subject"]["reference"].startswith("Patient/")
        ver = c["verificationStatus"]["coding"][0]["code"]
        # con-3/con-5: clinicalStatus present unless entered-in-error, absent if entered-in-error
        assert ("clinicalStatus" in c) == (ver != "entered-in-error")
        # con-4: an abated condition is not active
        if "abatementDateTime" in c:
            assert c["clinicalStatus"]["coding"][0]["code"] in {"inactive", "resolved", "remission"}


def test_social_needs_are_z_coded_sdoh_health_concerns(export):
    _, res = export
    cohort = sim.cohort(120, 11, progress=False).set_index("id")
    sdoh = [c for c in res["Condition"] if "health-concern" in [x["code"] for cc in c["category"]
                                                                for x in cc["coding"]]]
    assert sdoh
    z = {d: c.code for d, c in codes().z_codes.items()}
    seen = Counter()
    for c in sdoh:
        code = c["code"]["coding"][0]["code"]
        assert code.startswith("Z")
        assert "sdoh" in [x["code"] for cc in c["category"] for x in cc["coding"]]
        domain = next(d for d, zc in z.items() if zc == code)
        pid = c["subject"]["reference"].split("/")[1]
        assert cohort.loc[pid, f"need_{domain}"] > 0
        seen[domain] += 1
    expected = sum(int((cohort[f"need_{d}"] > 0).sum()) for d in z)
    assert sum(seen.values()) == expected


def test_screening_observations_carry_loinc_codes_and_the_cohort_values(export):
    _, res = export
    cohort = sim.cohort(120, 11, progress=False).set_index("id")
    by_id = {o["id"]: o for o in res["Observation"]}
    codes_seen = {c["code"] for o in res["Observation"] for c in o["code"]["coding"] if c["system"] == LOINC}
    for needed in ("44249-1", "44261-6", "44260-8", "69737-5", "70274-6", "96777-8", "71802-3", "88122-7",
                   "72109-2", "75626-2", "68518-0", "95614-4"):
        assert needed in codes_seen, needed
    for pid, row in cohort.iterrows():
        hexid = pid[2:]
        total = by_id.get(f"O-{hexid}-phq9-total")
        if pd.isna(row["phq9_total"]):
            assert total is None
            continue
        assert total["valueInteger"] == row["phq9_total"]
        assert total["code"]["coding"][0]["code"] == "44261-6"
        q9 = by_id[f"O-{hexid}-phq9-q9"]
        assert q9["code"]["coding"][0]["code"] == "44260-8"
        label = ["Not at all", "Several days", "More than half the days", "Nearly every day"][row["phq9_q9"]]
        assert q9["valueCodeableConcept"]["text"] == label
        panel = by_id[f"O-{hexid}-phq9"]
        assert len(panel["hasMember"]) == 10
        ahc = by_id[f"O-{hexid}-ahc-hrsn-q3"]
        assert ahc["code"]["coding"][0]["code"] == "88122-7"
        assert "social-history" in [c["code"] for cc in ahc["category"] for c in cc["coding"]]


def test_instruments_without_loinc_use_the_local_system(export):
    _, res = export
    local = codes().local_system
    zbi = [o for o in res["Observation"] if o["id"].split("-", 2)[2].startswith("zbi12")]
    assert zbi and all(o["code"]["coding"][0]["system"] == local for o in zbi)
    assert set(codes().no_loinc) == {"zbi12", "zbi4", "katz_adl", "lawton_iadl", "lace"}
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for name in ("ZBI", "Katz", "Lawton", "LACE"):
        assert name in readme.split("no LOINC code", 1)[1][:600], name


def test_same_bytes_for_any_workers_and_stable_ids(tmp_path, capsys, monkeypatch):
    from sim.export import fhir

    monkeypatch.setattr(fhir, "FHIR_CHUNK", 30)
    one, two = tmp_path / "one", tmp_path / "two"
    assert _run(capsys, "cohort", "--n", "95", "--seed", "3", "--format", "fhir", "--out", str(one))[0] == 0
    assert _run(capsys, "cohort", "--n", "95", "--seed", "3", "--format", "fhir", "--workers", "2",
                "--out", str(two))[0] == 0
    for t in TYPES:
        assert (one / f"{t}.ndjson").read_bytes() == (two / f"{t}.ndjson").read_bytes(), t
    # a different chunk size, same resources: ids and content depend on the seed only
    monkeypatch.setattr(fhir, "FHIR_CHUNK", 1000)
    three = tmp_path / "three"
    assert _run(capsys, "cohort", "--n", "95", "--seed", "3", "--format", "fhir", "--out", str(three))[0] == 0
    for t in ("Patient", "Encounter", "Coverage"):
        assert (one / f"{t}.ndjson").read_bytes() == (three / f"{t}.ndjson").read_bytes(), t
    assert sorted((one / "Observation.ndjson").read_bytes().splitlines()) == \
        sorted((three / "Observation.ndjson").read_bytes().splitlines())


def test_a_folder_that_is_not_empty_is_refused_unless_force(tmp_path, capsys):
    out = tmp_path / "export"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    code, err = _run(capsys, "cohort", "--n", "5", "--format", "fhir", "--out", str(out))
    assert code == 2 and err.startswith("sim: error: ") and err.count("\n") == 1
    assert "not empty" in err and "--force" in err and str(out) in err
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    code, err = _run(capsys, "cohort", "--n", "5", "--format", "fhir", "--out", str(out), "--force")
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{t}.ndjson" for t in TYPES)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["export"]  # no temporary folder left
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _run(capsys, "cohort", "--n", "5", "--format", "fhir", "--out", str(empty))[0] == 0


def test_unknown_format_names_the_allowed_ones(tmp_path, capsys):
    code, err = _run(capsys, "cohort", "--n", "5", "--format", "hl7v2", "--out", str(tmp_path / "x"))
    assert code == 2 and err.count("\n") == 1 and "'hl7v2'" in err and "csv, parquet, jsonl, fhir" in err
    assert list(tmp_path.iterdir()) == []


def test_a_disk_that_fills_up_mid_write_leaves_nothing_under_the_final_name(tmp_path, capsys, monkeypatch):
    import builtins

    from sim.export import fhir

    monkeypatch.setattr(fhir, "FHIR_CHUNK", 20)
    real_open = builtins.open

    class FillingFile:
        def __init__(self, fh):
            self.fh, self.writes = fh, 0

        def write(self, data):
            self.writes += 1
            if self.writes == 3:
                raise OSError(28, "No space left on device")
            return self.fh.write(data)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    def fake_open(file, mode="r", *a, **k):
        fh = real_open(file, mode, *a, **k)
        return FillingFile(fh) if "w" in mode and str(file).endswith("Observation.ndjson") else fh

    monkeypatch.setattr(builtins, "open", fake_open)
    out = tmp_path / "export"
    code, err = _run(capsys, "cohort", "--n", "100", "--seed", "1", "--format", "fhir", "--out", str(out))
    assert code == 2 and err.count("\n") == 1 and "No space left on device" in err and str(out) in err
    assert list(tmp_path.iterdir()) == []


def test_code_table_cites_a_source_for_every_code():
    table = codes()
    for inst in table.instruments.values():
        for c in [inst.panel, inst.total, *inst.items.values()]:
            if c is not None:
                assert c.source in table.sources and table.sources[c.source].strip()
    for lst in table.answer_lists.values():
        assert all(c.source in table.sources for c in lst.values())
    assert all(z.code.startswith("Z") for z in table.z_codes.values())
    # the table's codes match the instrument files' own LOINC codes
    from sim.instruments import get

    for inst_id, spec in table.instruments.items():
        own = get(inst_id).loinc
        if own is not None and own.panel:
            assert spec.panel is not None and spec.panel.code == own.panel, inst_id
        if own is not None and own.total:
            assert spec.total is not None and spec.total.code == own.total, inst_id


def test_every_instrument_has_an_entry_in_the_code_table():
    """A new instrument cannot be left out of the export silently: it is coded, or listed as having
    no LOINC code, or as not mapped yet."""
    from sim.instruments import instrument_ids

    table = codes()
    for inst_id in instrument_ids():
        assert inst_id in table.instruments, inst_id
        spec = table.instruments[inst_id]
        coded = bool(spec.items or spec.total or spec.panel)
        assert coded or inst_id in table.no_loinc or inst_id in table.unmapped, inst_id
