"""What an educator meets writing a case alone: every mistake in ``tests/fixtures/bad_cases/``
is a case file that carries, in ``# expect:`` lines, the located message it must give."""
from __future__ import annotations

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
