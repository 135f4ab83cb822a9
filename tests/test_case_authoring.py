"""What an educator meets writing a case alone: every mistake in ``tests/fixtures/bad_cases/``
is a case file that carries, in ``# expect:`` lines, the located message it must give."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sim.cases import validate_file

ROOT = Path(__file__).resolve().parents[1]
BAD = sorted((Path(__file__).parent / "fixtures" / "bad_cases").glob("*.yaml"))


def _expected(path: Path) -> list[str]:
    return [line.removeprefix("# expect: ").rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith("# expect: ")]


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_each_bad_case_gives_its_located_message(path):
    expected = _expected(path)
    assert expected, f"{path.name} says what it must give in '# expect: LINE:COL: field: message' lines"
    got = [str(p).removeprefix(f"{path}:") for p in validate_file(path)]
    for message in expected:
        assert any(line.startswith(message) for line in got), (message, got)


def test_import_sim_is_enough_for_every_python_example_of_the_readmes():
    blocks = []
    for readme in (ROOT / "README.md", ROOT / "simcases" / "README.md"):
        text = readme.read_text(encoding="utf-8")
        blocks += text.split("```python\n")[1:]
    code = "\n".join(block.split("```")[0] for block in blocks)
    assert "sim.cases.validate_file" in code
    done = subprocess.run([sys.executable, "-c", code + "\nassert problems == [], problems\n"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    inline = "import sim\nsim.cases.validate_file; sim.cases.library; sim.interview.start; sim.instruments.score\n"
    done = subprocess.run([sys.executable, "-c", inline], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("name", "relation", "label"), [
    ("Mai Tran", "daughter (by phone)", "Mai Tran (daughter, by phone)"),
    ("daughter", "daughter (by phone)", "daughter (by phone)"),
    ("Javier Ruiz", "partner (boyfriend)", "Javier Ruiz (partner, boyfriend)"),
    ("Ann Lee", "sister", "Ann Lee (sister)"),
])
def test_a_person_is_named_with_one_pair_of_parentheses(name, relation, label):
    from sim.model.labels import person_label

    assert person_label(name, relation) == label


def test_collateral_renders_without_doubled_parentheses():
    from sim.cases import load_case, render_student

    case = load_case(ROOT / "simcases" / "ed_veteran_01.yaml")
    contact = case.collateral[0]
    assert contact.relation.endswith("(by phone)")
    for fmt in ("md", "html"):
        shown = render_student(case, fmt)
        assert f"{contact.name} (VA homeless programme outreach worker, by phone)" in shown
        assert "(by phone))" not in shown


ELDER = ROOT / "simcases" / "home_elder_abuse_01.yaml"
LIBRARY_MISTAKES = [
    ("gad7_against_latent_anxiety", "    gad7: [0, 1, 1, 1, 0, 1, 1]", "    gad7: [3, 3, 3, 3, 3, 3, 3]",
     "157:11: patient.responses.gad7: GAD-7 answers total 21 ('severe'), but latent.anxiety is 1 ('mild'): "
     "make the answers total 5 to 9 or set latent.anxiety: 3"),
    ("katz_against_adl_dependent", "    katz_adl: [0, 0, 1, 0, 1, 1]", "    katz_adl: [0, 1, 1, 0, 1, 1]",
     "162:15: patient.responses.katz_adl: Katz ADL answers say dependent (0) for bathing, transferring, but "
     "functional_status.adl_dependent lists bathing, dressing, transferring: answer 0 exactly for bathing, "
     "dressing, transferring"),
    ("key_without_private_setting",
     "    - kind: private_setting\n      description: Speak with her without Kevin in the room or on the phone.\n",
     "", "hidden_facts.0.crisis: crisis 'elder_abuse' needs critical actions private_setting, "
     "mandated_report_elder in key.critical_actions (missing: private_setting)"),
    ("key_recommends_what_the_rules_contraindicate",
     "  recommended:\n",
     "  recommended:\n    - intervention: caregiver_support\n      rationale: Respite and training so that Kevin "
     "copes better with her care.\n",
     "key.recommended.0.intervention: key.recommended has 'caregiver_support', which the case rules "
     "contraindicate for this patient"),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), LIBRARY_MISTAKES, ids=[m[0] for m in LIBRARY_MISTAKES])
def test_a_library_case_with_one_mistake_gives_its_located_message(tmp_path, name, old, new, message):
    text = ELDER.read_text(encoding="utf-8")
    assert old in text
    if name == "key_recommends_what_the_rules_contraindicate":  # and names no harmful act of it
        text = re.sub(r"\n  contraindicated:\n.*?\n  functions:", "\n  contraindicated: []\n  functions:", text,
                      flags=re.S)
    path = tmp_path / "home_elder_abuse_02.yaml"
    path.write_text(text.replace(old, new, 1).replace("id: home_elder_abuse_01", "id: home_elder_abuse_02"),
                    encoding="utf-8")
    got = [str(p).removeprefix(f"{path}:") for p in validate_file(path)]
    assert any(message in line for line in got), got


def test_a_template_that_sets_an_unknown_county_gives_its_located_message(tmp_path):
    template = ROOT / "simcases" / "tpl_geri_discharge.yaml"
    text = template.read_text(encoding="utf-8")
    assert "\n  economics:\n" in text
    path = tmp_path / "tpl_county_test.yaml"
    path.write_text(text.replace("id: tpl_geri_discharge", "id: tpl_county_test").replace(
        "\n  economics:\n", "\n  address:\n    county: Corvell County\n  economics:\n", 1), encoding="utf-8")
    got = [str(p).removeprefix(f"{path}:") for p in validate_file(path)]
    assert got == [
        "21:13: patient.address.county: unknown county 'Corvell County' (did you mean 'Ironvale County'?); allowed: "
        "Aldren County, Brisbey County, Calloway Hollow County, Dunmere County, Eskerfield County, Fallowmere "
        "County, Greythorn County, Harwick County, Ironvale County, Juniper Flats County, Kessington County, "
        "Larkmoor County (the generator's counties, the ones the community resource directory serves; in any "
        "other county no local resource is open to the patient)"]


def test_the_library_test_honours_sim_cases_dir(tmp_path):
    case = tmp_path / "home_elder_abuse_02.yaml"
    case.write_text(ELDER.read_text(encoding="utf-8").replace("id: home_elder_abuse_01", "id: home_elder_abuse_02"),
                    encoding="utf-8")
    env = {**__import__("os").environ, "SIM_CASES_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist",
                           str(ROOT / "tests" / "test_case_library.py"), "-k", "test_file_passes_the_validator",
                           "--collect-only"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert "home_elder_abuse_02" in done.stdout and "ed_ipv_01" not in done.stdout, done.stdout + done.stderr
