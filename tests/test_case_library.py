"""The curated case library in simcases/: every file is valid and self-consistent, the library
covers what the curriculum promises (interventions, functions, settings, crisis paths, the
diversity of patients), templates are deterministic, and the README's example is a valid case."""
from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

import sim
from sim.cases import validate_file
from sim.model.case import Case
from sim.model.taxonomy import function_ids, intervention_ids, settings

LIBRARY = Path(__file__).resolve().parents[1] / "simcases"
FILES = sorted(LIBRARY.glob("*.yaml"))
SEED_BARRIERS = ("limited resources", "systemic barriers", "lack of integration", "documentation burden")
CRISIS_ACTIONS = {
    "suicidal_ideation": {"cssrs_today", "safety_plan"},
    "ipv": {"ipv_safety_planning", "private_setting"},
    "child_maltreatment": {"mandated_report_child"},
    "elder_abuse": {"mandated_report_elder"},
}
PHQ9_BANDS = ["minimal", "mild", "moderate", "moderately severe", "severe"]
GAD7_BANDS = ["minimal", "mild", "moderate", "severe"]


def _raw(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


CURATED = [p for p in FILES if not _raw(p).get("template")]
TEMPLATES = [p for p in FILES if _raw(p).get("template")]


@cache
def _case(path: Path, seed: int | None = None) -> Case:
    return sim.load_case(path, seed=seed)


def _curated_cases() -> list[Case]:
    return [_case(p) for p in CURATED]


# --- every file --------------------------------------------------------------------------

@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_file_validates_and_follows_the_library_conventions(path):
    assert [str(p) for p in validate_file(path)] == []
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=case.schema.json\n")
    assert "synthetic" in text.splitlines()[1].lower()
    assert path.stat().st_size < 256 * 1024
    events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    assert not [e for e in events if getattr(e, "anchor", None)], "no YAML anchors or aliases"
    case = _case(path)
    assert case.id == path.stem
    assert case.synthetic and case.patient.synthetic
    for barrier in case.barriers:
        assert barrier.startswith(tuple(f"{b}: " for b in SEED_BARRIERS)), barrier
    assert case.barriers and case.key.competencies and case.key.functions and case.key.recommended


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_patient_profile_latent_state_and_key_agree(path):
    case = _case(path)
    p = case.patient
    lat, fs = p.latent, p.medical.functional_status
    assert lat.adl_dependencies == len(fs.adl_dependent)
    assert lat.iadl_dependencies == len(fs.iadl_dependent)
    dv = p.profile.need("domestic_violence")
    assert (lat.ipv > 0) == bool(dv and dv.severity > 0)
    if lat.suicide > 0:
        assert p.profile.risk("suicide") is not None
    profile_needs = {n.domain: n.severity for n in p.profile.needs if n.severity > 0}
    assert {n.domain: n.severity for n in case.key.needs} == profile_needs
    assert {r.kind for r in case.key.risks} <= {r.kind for r in p.profile.risks}
    assert not any(m.name == p.identity.name for m in p.family)
    if p.identity.interpreter_needed:
        assert "interpreter" in {a.kind for a in case.key.critical_actions}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_intervention_has_one_place_in_the_key(path):
    key = _case(path).key
    ids = [k.intervention for k in key.recommended + key.acceptable]
    assert len(ids) == len(set(ids)), "an id both recommended and acceptable is ambiguous"
    # A contraindicated act (a format, a place, a first step, an aim) may sit beside the same
    # intervention done well (couples work beside individual support); a whole intervention may not.
    whole = {k.intervention for k in key.contraindicated if not k.conditional}
    assert not whole & set(ids)
    acts = [(k.intervention, k.variant, tuple(k.with_discharge), tuple(k.unless_actions), tuple(k.aimed_at))
            for k in key.contraindicated]
    assert len(acts) == len(set(acts))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_screening_answers_agree_with_the_latent_state_and_the_chart(path):
    from sim.instruments import score

    case = _case(path)
    p, r = case.patient, case.patient.responses
    fs = p.medical.functional_status
    if "katz_adl" in r:
        items = ["bathing", "dressing", "toileting", "transferring", "continence", "feeding"]
        assert [i for i, v in zip(items, r["katz_adl"], strict=False) if v == 0] == [
            i for i in items if i in fs.adl_dependent
        ]
    if "lawton_iadl" in r:
        items = [
            "telephone",
            "shopping",
            "food_preparation",
            "housekeeping",
            "laundry",
            "transportation",
            "medications",
            "finances",
        ]
        dependent = [i for i, v in zip(items, r["lawton_iadl"], strict=False) if v == 0]
        assert dependent == [i for i in items if i in fs.iadl_dependent]
    if "phq9" in r:
        phq9 = score("phq9", r["phq9"])
        assert PHQ9_BANDS.index(phq9.band) == p.latent.depression
        assert (r["phq9"][8] > 0) == (p.latent.suicide > 0)
    if "gad7" in r:
        assert GAD7_BANDS.index(score("gad7", r["gad7"]).band) == p.latent.anxiety
    if "auditc" in r:
        assert score("auditc", r["auditc"], sex=p.identity.sex).positive == (p.latent.alcohol >= 2)
    if "hits" in r:
        assert score("hits", r["hits"]).positive == (p.latent.ipv >= 2)


def _lace(case: Case) -> int:
    """LACE index (van Walraven et al. 2010) from the chart, as published."""
    m = case.patient.medical
    los = m.length_of_stay_days
    l_points = 0 if los < 1 else los if los <= 3 else 4 if los <= 6 else 5 if los <= 13 else 7
    a_points = 3 if m.admission_type == "emergent" else 0
    c_points = m.charlson_index if m.charlson_index <= 3 else 5
    return l_points + a_points + c_points + min(m.ed_visits_6mo, 4)


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_every_lace_score_quoted_in_a_case_matches_its_chart(path):
    case = _case(path)
    quoted = {int(n) for n in re.findall(r"LACE (\d+)", case.model_dump_json())}
    assert quoted <= {_lace(case)}


# Products sold in one strength only: a chart quoting another strength is a dosing error.
ONE_STRENGTH = [(re.compile(r"glucagon.*nasal|nasal.*glucagon", re.I), "3 mg")]  # Baqsimi label (FDA 2019/2023)
FRACTURE_TYPES = ("transverse", "oblique", "spiral", "comminuted", "segmental")


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_fixed_strength_medications_are_quoted_at_their_strength(path):
    for line in _case(path).chart.medications:
        for pattern, strength in ONE_STRENGTH:
            if pattern.search(line):
                assert strength in line, line


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_a_fracture_described_in_the_chart_is_not_coded_unspecified(path):
    case = _case(path)
    med = case.patient.medical
    described = [t for t in FRACTURE_TYPES if t in case.chart.physician_note.lower()]
    for dx in [med.primary_diagnosis, *med.comorbidities]:
        if described and dx.label.lower().startswith("unspecified fracture"):
            pytest.fail(f"{dx.code} {dx.label!r}, but the chart describes a {described[0]} fracture")


@pytest.mark.parametrize("path", CURATED, ids=[p.stem for p in CURATED])
def test_a_case_about_immigration_records_the_patients_status(path):
    # Benefit eligibility (SNAP, Medicaid) reads the status: 8 U.S.C. 1611, 1612, 1641.
    case = _case(path)
    if any(n.domain == "legal_immigration" for n in case.key.needs):
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


# --- interview reachability --------------------------------------------------------------

def _good_interviewer(case: Case) -> set[str]:
    """Play an interviewer who does everything right: interpreter, privacy, OARS questions."""
    from sim.interview import start

    iv = start(case, seed=0)
    kinds = {a.kind for a in case.key.critical_actions}
    if case.patient.identity.interpreter_needed:
        iv.act("use_interpreter")
    if "private_setting" in kinds:
        iv.act("private_setting")
    target = max([f.min_rapport for f in case.hidden_facts] or [0])
    warm = iv.questions(domain="general", style="empathic") + iv.questions(domain="general", style="reflection")
    for question in warm:
        if iv.rapport >= target or iv.time_left <= 12:
            break
        iv.ask(question.id)
    used: Counter[str] = Counter()
    for fact in case.hidden_facts * 2:
        if fact.id in {d.id for d in iv.disclosed}:
            continue
        asked = iv.questions(domain=fact.domain, style="open") + iv.questions(domain=fact.domain, style="empathic")
        k = used[fact.domain]
        used[fact.domain] += 1
        if k < len(asked) and iv.time_left > 2:
            iv.ask(asked[k].id)
    return {d.id for d in iv.disclosed}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_an_empathic_open_interviewer_reaches_every_hidden_fact(path):
    case = _case(path)
    disclosed = _good_interviewer(case)
    assert {f.id for f in case.hidden_facts} == disclosed


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
    for path in FILES:
        assert f"`{path.stem}`" in readme, f"{path.stem} is missing from the README's table"


def test_the_readme_example_follows_the_conventions_it_teaches(tmp_path):
    readme = (LIBRARY / "README.md").read_text(encoding="utf-8")
    example = next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "\nkey:" in b)
    path = tmp_path / "medsurg_example_01.yaml"
    path.write_text(example, encoding="utf-8")
    case = sim.load_case(path)
    assert case.patient.identity.interpreter_needed
    assert "interpreter" in {a.kind for a in case.key.critical_actions}   # "goes with every patient who needs one"
