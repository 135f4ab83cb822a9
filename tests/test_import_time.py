"""``import sim`` is fast (under 50 ms, DESIGN.md) and loads none of the heavy libraries; every
public name of ``sim`` resolves to what the type checkers see."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import sim

TARGET_MS = 50.0
RUNS = 7
HEAVY = ("pydantic", "numpy", "pandas", "matplotlib", "ipywidgets", "faker", "yaml")
INIT = Path(sim.__file__)


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_import_sim_is_under_50_ms_best_of_several_fresh_processes():
    # CPU time, not wall time: on a machine busy with other work a process waits for a core, and
    # that wait is not the import's cost. The best run is the one least disturbed (caches).
    code = "import time; t = time.process_time(); import sim; print((time.process_time() - t) * 1000)"
    times = [float(_run(code)) for _ in range(RUNS)]
    assert min(times) < TARGET_MS, f"import sim took {min(times):.1f} ms of CPU at best (runs: {times})"


def test_import_sim_loads_no_heavy_library_and_no_submodule():
    loaded = _run("import sys, sim; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
                  f"{HEAVY!r} or m.startswith('sim.'))))").split()
    assert loaded == []


def _type_checking_names() -> set[str]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                names.update(alias.asname or alias.name for alias in stmt.names)
    return names


def test_the_lazy_table_and_the_type_checking_imports_name_the_same_things():
    assert _type_checking_names() == set(sim._LAZY) == set(sim.__all__) - {"__version__"}


@pytest.mark.parametrize("name", sorted(sim._LAZY))
def test_every_public_name_resolves(name):
    module_name, _, attribute = sim._LAZY[name].partition(":")
    value = getattr(sim, name)
    module = sys.modules[module_name]
    assert value is (getattr(module, attribute) if attribute else module)


def test_an_unknown_name_says_so():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        sim.__getattr__("nothing_here")
