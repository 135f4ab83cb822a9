"""Every module of ``src/sim`` says what it is for in a module docstring (ARCHITECTURE.md is the map,
the docstrings are the legend)."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "sim"


def modules_without_docstring(root: Path) -> list[str]:
    """The ``.py`` files below ``root`` whose module has no docstring (or an empty one)."""
    return [str(path.relative_to(root)) for path in sorted(root.rglob("*.py"))
            if not (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").strip()]


def test_every_module_has_a_docstring():
    assert modules_without_docstring(SRC) == []


def test_a_module_without_a_docstring_is_found(tmp_path):
    (tmp_path / "documented.py").write_text('"""What it is for."""\nx = 1\n')
    (tmp_path / "bare.py").write_text("x = 1\n")
    (tmp_path / "comment_only.py").write_text("# not a docstring\nx = 1\n")
    assert modules_without_docstring(tmp_path) == ["bare.py", "comment_only.py"]
