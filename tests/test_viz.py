"""Genogram and ecomap: the drawn elements match the family and systems data."""
from __future__ import annotations

from datetime import date

import matplotlib

matplotlib.use("Agg")

import pytest
from matplotlib.patches import Circle, Rectangle

from sim.model import Patient
from sim.practice.ecosystem import ecomap_systems, relation_info
from sim.viz import ecomap, genogram


def _patient(**overrides) -> Patient:
    data = {
        "id": "P-test", "seed": 1,
        "identity": {"given_name": "Rosa", "family_name": "Quintero", "pronouns": "she/her", "sex": "female",
                     "gender_identity": "woman", "date_of_birth": date(1958, 3, 2), "age": 68,
                     "language": "Spanish", "interpreter_needed": True, "race": "White",
                     "ethnicity": "Hispanic or Latino", "veteran": False},
        "contact": {"phone": "(555) 555-0142", "email": "rosa.q@example.org"},
        "address": {"street": "12 Alder Way", "city": "Millbrook", "county": "Aldren County", "state": "NA",
                    "zip_code": "00012"},
        "economics": {"insurance": "medicare", "household_size": 2, "household_income": 18000,
                      "fpl_percent": 85, "employment": "retired", "education": "primary school"},
        "medical": {"setting": "med_surg", "admission_type": "emergent",
                    "primary_diagnosis": {"code": "I50.9", "label": "Heart failure, unspecified"},
                    "charlson_index": 3, "length_of_stay_days": 6, "ed_visits_6mo": 2, "prognosis": "guarded"},
        "family": [
            {"id": "f1", "name": "Ernesto Quintero", "relation": "husband", "sex": "male", "age": 70,
             "living": False, "partner_status": "widowed"},
            {"id": "f2", "name": "Lucia Quintero", "relation": "daughter", "sex": "female", "age": 41,
             "lives_with_patient": True, "role": "caregiver", "relationship_quality": "strong"},
            {"id": "f3", "name": "Mateo Quintero", "relation": "son", "sex": "male", "age": 38,
             "role": "stressor", "relationship_quality": "conflicted"},
            {"id": "f4", "name": "Ana Ruiz", "relation": "older sister", "sex": "female", "age": 72},
            {"id": "f5", "name": "Jose Ruiz", "relation": "father", "sex": "male", "age": 88, "living": False},
            {"id": "f6", "name": "Maria Ruiz", "relation": "mother", "sex": "female", "age": 86, "living": False},
        ],
        "profile": {"needs": [{"domain": "caregiver_strain", "severity": 2, "evidence": "daughter exhausted",
                               "disclosure_difficulty": 0.3},
                              {"domain": "housing_instability", "severity": 2, "evidence": "eviction notice",
                               "disclosure_difficulty": 0.5}],
                    "risks": [{"kind": "falls", "level": "moderate"}],
                    "strengths": ["close to her daughter", "friends at church"],
                    "culture": {"religion": "Catholic", "spirituality_importance": "high"}},
        "latent": {"depression": 1, "anxiety": 1, "alcohol": 0, "suicide": 0, "ipv": 0, "caregiver_burden": 2,
                   "adl_dependencies": 2, "iadl_dependencies": 4},
    }
    data.update(overrides)
    return Patient.model_validate(data)


@pytest.fixture
def patient() -> Patient:
    return _patient()


def _gids(fig) -> dict[str, object]:
    return {a.get_gid(): a for a in fig.findobj() if a.get_gid()}


def test_genogram_draws_one_symbol_per_member_with_standard_shapes(patient):
    fig = genogram(patient)
    gids = _gids(fig)
    for member in patient.family:
        shape = gids[f"member:{member.id}"]
        assert isinstance(shape, Rectangle if member.sex == "male" else Circle), member
    assert isinstance(gids["member:patient"], Circle)
    assert "index" in gids


def test_genogram_marks_the_deceased_and_only_them(patient):
    gids = _gids(genogram(patient))
    deceased = {m.id for m in patient.family if not m.living}
    assert {g.split(":")[1] for g in gids if g.startswith("deceased:")} == deceased


def test_genogram_partner_lines_show_status_and_household_boundary(patient):
    gids = _gids(genogram(patient))
    assert "partner:f1:widowed" in gids
    assert any(g.startswith("partner:f5:") for g in gids)  # the patient's parents
    assert "household" in gids  # the daughter lives with her


def test_genogram_places_generations_by_relation(patient):
    from sim.viz.genogram import layout

    pos = layout(patient)
    assert pos["f5"][1] > pos["patient"][1] > pos["f2"][1]
    assert pos["f4"][1] == pos["patient"][1]
    assert relation_info("older sister").kind == "sibling"


def test_divorce_draws_a_divorce_line():
    p = _patient(family=[{"id": "x1", "name": "Tom Lee", "relation": "ex-spouse", "sex": "male", "age": 60,
                          "partner_status": "divorced", "relationship_quality": "cut_off"}])
    assert "partner:x1:divorced" in _gids(genogram(p))


def test_ecomap_draws_each_system_with_its_tie_and_flow(patient):
    fig = ecomap(patient)
    gids = _gids(fig)
    systems = ecomap_systems(patient)
    assert "patient" in gids
    for s in systems:
        assert f"system:{s.id}" in gids
        assert f"tie:{s.id}:{s.tie}" in gids
        assert (f"flow:{s.id}:{s.flow}" in gids) == (s.flow != "none")
    by_id = {s.id: s for s in systems}
    assert by_id["f2"].tie == "strong" and by_id["f2"].flow == "to_patient"  # caregiver daughter
    assert by_id["f3"].tie == "stressful"
    assert by_id["housing"].tie == "stressful"  # eviction notice, severity 2
    assert by_id["faith"].tie == "strong"
    assert "f1" not in by_id  # deceased husband is on the genogram, not the ecomap


def test_a_case_hides_undisclosed_abuse_from_the_ecomap_and_genogram_text():
    import sim
    from sim.viz.ecomap import describe as describe_ecomap
    from sim.viz.genogram import describe as describe_genogram

    case = sim.load_case("ed_ipv_01")
    abuser = next(m for m in case.patient.family if m.relationship_quality == "abusive")
    before = {s.id: s for s in ecomap_systems(case.patient, conceal={"domestic_violence"})}
    assert before[abuser.id].tie == "moderate"
    assert (
        "abusive" not in describe_genogram(case) and "stressful" not in describe_ecomap(case).split(abuser.name)[1][:40]
    )
    gids = _gids(ecomap(case))
    assert f"tie:{abuser.id}:moderate" in gids
    told = [f.id for f in case.hidden_facts]
    assert f"tie:{abuser.id}:stressful" in _gids(ecomap(case, disclosed=told))
    assert "abusive" in describe_genogram(case, disclosed=True)


def test_possessive_and_in_law_relations_find_their_generation():
    assert relation_info("mother's boyfriend").generation == -1
    assert relation_info("mother-in-law").generation == -1
    assert relation_info("daughter (the children's mother)").kind == "child"
