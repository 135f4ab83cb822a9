"""The gates: ruff, mypy and import-linter pass as configured in pyproject.toml, and src/ carries
at most 20 suppression comments (``type: ignore``, ``noqa``)."""
from __future__ import annotations

import io
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

pytestmark = pytest.mark.gates

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
MAX_SUPPRESSIONS = 20
SUPPRESSION = re.compile(r"#\s*(?:type:\s*ignore|noqa)\b", re.IGNORECASE)


def _run(*command: str) -> None:
    tool = BIN / command[0]
    assert tool.exists(), f"{tool} is not installed; run `make install`"
    proc = subprocess.run([str(tool), *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{' '.join(command)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}"


def test_ruff_is_clean():
    _run("ruff", "check", "src", "tests", "benchmarks", "assignments/tools")


def test_mypy_is_clean():
    _run("mypy")


def test_import_contracts_are_kept():
    _run("lint-imports", "--no-cache")


def suppressions(text: str) -> list[str]:
    """The comments of Python source ``text`` that silence a checker (not text inside strings)."""
    tokens = tokenize.generate_tokens(io.StringIO(text).readline)
    return [t.string for t in tokens if t.type == tokenize.COMMENT and SUPPRESSION.search(t.string)]


def test_suppression_counter_sees_comments_and_not_strings():
    source = 'x = f()  # type: ignore[misc]\ny = 1  # NOQA: E501\nz = "# noqa in a string"\n# a noqa-free note\n'
    assert suppressions(source) == ["# type: ignore[misc]", "# NOQA: E501"]


def test_at_most_20_suppressions_in_src():
    found = [f"{path.relative_to(ROOT)}: {comment}"
             for path in sorted((ROOT / "src").rglob("*.py"))
             for comment in suppressions(path.read_text(encoding="utf-8"))]
    assert len(found) <= MAX_SUPPRESSIONS, (
        f"{len(found)} type: ignore / noqa comments in src/ (at most {MAX_SUPPRESSIONS}); fix the causes:\n"
        + "\n".join(found))
