"""The case library: every file passes the validator (which runs every check the engines and
these tests make: consistency, ids, an interview, the reference plan and its grading); the shipped
library covers what the curriculum promises (interventions, functions, settings, crisis paths, the
diversity of patients); templates are deterministic; the README's example is a valid case.

The files checked one by one are those of the library folder (``SIM_CASES_DIR`` when set, so an
author can run this on their own folder); the promises about coverage are about the shipped library.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

import sim
from sim.cases import validate_file
from sim.cases.library import case_files, compile_file, deep_problems, library_dir
from sim.model.case import Case
from sim.model.taxonomy import function_ids, intervention_ids, settings

LIBRARY = Path(__file__).resolve().parents[1] / "simcases"
FILES = case_files(library_dir())
SHIPPED = case_files(LIBRARY)
CRISIS_ACTIONS = {
    "suicidal_ideation": {"cssrs_today", "safety_plan"},
    "ipv": {"ipv_safety_planning", "private_setting"},
    "child_maltreatment": {"mandated_report_child"},
    "elder_abuse": {"mandated_report_elder"},
}


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


CURATED = [p for p in SHIPPED if not _raw(p).get("template")]
TEMPLATES = [p for p in SHIPPED if _raw(p).get("template")]


@cache
def _case(path: Path, seed: int | None = None) -> Case:
    return sim.load_case(path, seed=seed)


def _curated_cases() -> list[Case]:
    return [_case(p) for p in CURATED]


# --- every file --------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_passes_the_validator(path):
    assert [str(p) for p in validate_file(path)] == []
    case = _case(path)
    assert case.id == path.stem and case.synthetic and case.patient.synthetic


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_referrals_find_the_local_programmes_of_the_patients_county(path):
    """The county is one the directory serves, so the referral step (``resources.match`` on the
    case's subject, as the reference plan and the outcome simulation call it) finds the local
    programmes of that county, open or waitlisted, for every need of the key; a local programme
    is refused only for what the patient lacks (insurance, age, language), never for the place."""
    from sim.practice import resources
    from sim.practice.interventions import Subject

    case = _case(path)
    county = case.patient.address.county
    assert county in resources.counties(), county
    subject = Subject.of(case)
    found = []
    for need in [n.domain for n in case.key.needs]:
        result = resources.match(subject, need)
        eligible = {r.id for r in result.eligible}
        for r in resources.directory():
            if need not in r.needs or county not in r.counties:
                continue
            barred = [why for why in result.ineligible.get(r.id, []) if county in why]
            assert r.id in eligible or (r.id in result.ineligible and not barred), (need, r.id, barred)
            if r.id in eligible and "all" not in r.counties:
                found.append((need, r.id))
    assert found, f"{path.stem}: no county-limited programme serves any need of the key in {county}"


SEED_BARRIERS = ("limited resources", "systemic barriers", "lack of integration", "documentation burden")


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_shipped_cases_follow_the_library_style(path):
    case = _case(path)
    for barrier in case.barriers:
        assert barrier.startswith(tuple(f"{b}: " for b in SEED_BARRIERS)), barrier
    assert case.barriers and case.key.competencies and case.key.functions and case.key.recommended
    for item in case.key.recommended + case.key.acceptable + case.key.contraindicated:
        assert len(item.rationale.split()) >= 6, item.intervention
    if any(n.domain == "legal_immigration" for n in case.key.needs):  # 8 U.S.C. 1611, 1612, 1641
        assert case.patient.identity.immigration_status is not None


def test_ed_ipv_fracture_code_matches_the_x_ray():
    case = _case(LIBRARY / "ed_ipv_01.yaml")
    assert "transverse non-displaced" in case.chart.physician_note
    assert case.patient.medical.primary_diagnosis.code == "S52.224A"


# --- what the library covers -------------------------------------------------------------

def test_library_size():
    assert len(CURATED) >= 14
    assert len(TEMPLATES) >= 3


def test_each_intervention_is_recommended_in_at_least_two_curated_cases():
    counts = Counter(k.intervention for c in _curated_cases() for k in c.key.recommended)
    short = {iv: counts[iv] for iv in intervention_ids() if counts[iv] < 2}
    assert not short, f"recommended in fewer than two cases: {short}"


def test_each_function_and_competency_is_exercised():
    cases = _curated_cases()
    assert {f for c in cases for f in c.key.functions} == set(function_ids())
    assert {k for c in cases for k in c.key.competencies} == set(range(1, 10))


def test_every_setting_is_covered_including_an_older_adult_and_disability():
    cases = _curated_cases()
    assert {c.patient.medical.setting for c in cases} == set(settings())
    assert any(c.patient.identity.age >= 85 and c.patient.medical.setting in ("med_surg", "home_health")
               for c in cases)
    assert any(c.patient.medical.setting == "rehabilitation"
               and c.patient.profile.need("disability_equipment") for c in cases)
    icu = [c for c in cases if c.patient.medical.setting == "icu"]
    assert any("goals_of_care_meeting" in {a.kind for a in c.key.critical_actions} for c in icu)


def test_crisis_cases_of_the_four_kinds_with_their_critical_actions():
    by_kind: dict[str, list[str]] = {}
    for case in _curated_cases():
        actions = {a.kind for a in case.key.critical_actions}
        for fact in case.hidden_facts:
            if fact.crisis:
                assert CRISIS_ACTIONS[fact.crisis] <= actions, (case.id, fact.id)
                assert fact.min_rapport >= 35, "a crisis is disclosed only with some rapport"
                by_kind.setdefault(fact.crisis, []).append(case.id)
    assert set(by_kind) == set(CRISIS_ACTIONS)
    assert len({cid for ids in by_kind.values() for cid in ids}) >= 4


def test_contraindications_teach_the_named_lessons():
    cases = {c.id: c for c in _curated_cases()}

    def contra(case_id: str) -> dict[str, str]:
        return {k.intervention: k.rationale for k in cases[case_id].key.contraindicated}

    assert "couples" in contra("ed_ipv_01")["counseling"].lower()
    assert "group" in contra("ed_veteran_01")["counseling"].lower()
    hip_recommended = {k.intervention: k.rationale for k in cases["medsurg_hip_01"].key.recommended}
    assert "home alone" in hip_recommended["discharge_planning"].lower()
    assert "capacity" in contra("medsurg_hip_01")["counseling"].lower()
    assert "home where the injury happened" in contra("peds_abuse_01")["discharge_planning"].lower()
    assert "poverty is not neglect" in contra("peds_diabetes_01")["child_welfare"].lower()
    assert sum(bool(c.key.contraindicated) for c in cases.values()) >= 7
    for case in cases.values():
        for item in case.key.recommended + case.key.acceptable + case.key.contraindicated:
            assert len(item.rationale.split()) >= 6, (case.id, item.intervention)


def test_patients_are_diverse():
    patients = [c.patient for c in _curated_cases()]
    ages = [p.identity.age for p in patients]
    assert min(ages) == 0 and max(ages) >= 90
    identities = [p.identity.gender_identity.lower() for p in patients]
    assert "nonbinary" in identities
    assert any(g.startswith(("transgender woman", "transgender man")) for g in identities)
    assert any(p.identity.pronouns == "they/them" for p in patients)
    interpreted = {p.identity.language for p in patients if p.identity.interpreter_needed}
    assert {"Spanish", "Vietnamese", "Haitian Creole", "Arabic", "Mandarin", "American Sign Language"} <= interpreted
    assert {"medicaid", "medicare", "dual", "private", "marketplace", "va", "uninsured"} <= {
        p.economics.insurance for p in patients}
    assert len({p.identity.race for p in patients}) >= 6
    assert any(p.identity.veteran for p in patients)


def test_family_forms():
    patients = {c.id: c.patient for c in _curated_cases()}

    def household(p):  # members living with the patient
        return [m for m in p.family if m.lives_with_patient]

    lives_alone = [cid for cid, p in patients.items() if p.economics.household_size == 1 and not household(p)]
    grandparent = [cid for cid, p in patients.items()
                   if any(m.relation.startswith("grand") and m.role == "dependent" for m in household(p))]
    same_sex = [cid for cid, p in patients.items()
                if any(m.partner_status in ("married", "partnered") and m.sex == p.identity.sex
                       and m.relation.split()[0] in ("husband", "wife", "partner", "spouse") for m in p.family)]
    single_parent = [cid for cid, p in patients.items()
                     if any(m.role == "dependent" and ("son" in m.relation or "daughter" in m.relation)
                            for m in household(p))
                     and not any(m.partner_status in ("married",) and m.lives_with_patient for m in p.family)]
    blended = [cid for cid, p in patients.items() if any("step" in m.relation or "first marriage" in m.relation
                                                         for m in p.family)]
    generations = [cid for cid, p in patients.items()
                   if any("in-law" in m.relation or "grand" in m.relation for m in household(p))
                   and any(m.relation in ("son", "daughter") for m in household(p))]
    for form, found in [("living alone", lives_alone), ("grandparent raising grandchildren", grandparent),
                        ("same-sex couple", same_sex), ("single parent", single_parent),
                        ("blended family", blended), ("multigenerational", generations)]:
        assert found, f"no case with a {form} household"


# --- templates ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_template_is_deterministic_and_varies_with_the_seed(path):
    first = sim.load_case(path, seed=11).model_dump_json()
    assert sim.load_case(path, seed=11).model_dump_json() == first
    variants = {sim.load_case(path, seed=s).model_dump_json() for s in range(11, 17)}
    assert len(variants) == 6
    names = {sim.load_case(path, seed=s).patient.identity.name for s in range(11, 17)}
    assert len(names) >= 3


@pytest.mark.parametrize("path", TEMPLATES, ids=[p.stem for p in TEMPLATES])
def test_template_resolves_to_a_consistent_case_for_many_seeds(path):
    for seed in range(20, 30):
        case = sim.load_case(path, seed=seed)
        text = case.model_dump_json()
        assert "{patient." not in text, "every placeholder is filled"
        assert case.patient.medical.setting == _raw(path)["patient"]["medical"]["setting"]
        lat, fs = case.patient.latent, case.patient.medical.functional_status
        assert lat.adl_dependencies == len(fs.adl_dependent)
        if case.patient.identity.age >= 65:
            assert case.patient.economics.insurance in ("medicare", "dual", "va")
        # every draw passes the validator's deep checks, not only the file's own seed
        compiled = compile_file(path, seed)
        assert not isinstance(compiled, list) and compiled.problems == []
        assert [str(p) for p in deep_problems(compiled)] == [], seed


# --- documentation -----------------------------------------------------------------------

def test_the_readme_example_is_a_valid_case(tmp_path):
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "\nkey:" in b)
    path = tmp_path / "medsurg_example_01.yaml"
    path.write_text(example, encoding="utf-8")
    assert [str(p) for p in validate_file(path)] == []
    case = sim.load_case(path)
    assert case.patient.identity.name == "Ruth Okonkwo"
    for section in ("identity", "economics", "medical", "family", "profile", "latent", "referral", "chart",
                    "collateral", "opening_statement", "hidden_facts", "barriers", "key", "template",
                    "placeholder", "sim case validate", "sim case render", "sim case key", "sim case new",
                    "sim case list", "sim case coverage", "sim case schema", "$schema=case.schema.json"):
        assert section in readme, section


def test_the_readme_example_follows_the_conventions_it_teaches(tmp_path):
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "\nkey:" in b)
    path = tmp_path / "medsurg_example_01.yaml"
    path.write_text(example, encoding="utf-8")
    case = sim.load_case(path)
    assert case.patient.identity.interpreter_needed
    assert "interpreter" in {a.kind for a in case.key.critical_actions}   # "goes with every patient who needs one"
