"""Compiled bytecode for sandboxed kernels, so that each kernel does not compile its imports again.

A sandboxed kernel sees the Python environment read-only: where the environment holds no ``.pyc``
files (an install that did not compile them, ``PYTHONDONTWRITEBYTECODE`` set), every kernel would
compile ipykernel, IPython, numpy, pandas and ``sim`` from source, about 0.6 s of CPU per notebook.
Plain nbgrader kernels would write the ``.pyc`` files once and reuse them.

Instead, before a grading run the grader (outside any sandbox, running no student code) starts a
Python that initializes a kernel application and imports what the assignment's released notebooks
import, with ``PYTHONPYCACHEPREFIX`` pointing at a cache folder of the grader's
(``~/.cache/sim/pycache-<interpreter>``). Sandboxed kernels get the same prefix, bound read-only:
they read that bytecode and cannot change it. Nothing is written into the environment itself.
Python checks each cached file against its source's modification time and size, so a cache left
from an older install is recompiled, never used stale. A failed warm-up only costs speed.
"""
from __future__ import annotations

import ast
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

#: What the warm-up runs: a kernel application's initialization (its imports), then the modules named.
_WARM = """
import os, sys
from ipykernel.kernelapp import IPKernelApp
folder = sys.argv[1]
app = IPKernelApp.instance()
app.initialize(["-f", os.path.join(folder, "kernel.json"), "--transport=ipc", "--ip=" + os.path.join(folder, "k")])
for name in sys.argv[2:]:
    try:
        __import__(name)
    except Exception:
        pass
os._exit(0)
"""
ALWAYS = ("sim.grading",)


def cache_folder() -> Path:
    """The grader's bytecode cache for this interpreter and environment."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    tag = hashlib.sha256(f"{sys.prefix}\0{sys.version}".encode()).hexdigest()[:12]
    return base / "sim" / f"pycache-{tag}"


def notebook_imports(notebooks: list[Path]) -> list[str]:
    """Top-level modules the code cells of ``notebooks`` import (absolute imports only), sorted."""
    found: set[str] = set()
    for path in notebooks:
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError, AttributeError):
            continue
        for cell in cells:
            if not isinstance(cell, dict) or cell.get("cell_type") != "code":
                continue
            source = cell.get("source", "")
            try:
                tree = ast.parse("".join(source) if isinstance(source, list) else str(source))
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    found.update(alias.name for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    found.add(node.module)
    return sorted(found)


def warm(modules: list[str], folder: Path | None = None, timeout: float = 120) -> Path | None:
    """Fill the cache with the bytecode of a kernel's start and of ``modules``; return the folder,
    or ``None`` when it cannot be made or written (kernels then compile from source)."""
    folder = folder or cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return None
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    with tempfile.TemporaryDirectory(prefix="sim-warm-") as tmp:
        env.update(PYTHONPYCACHEPREFIX=str(folder), IPYTHONDIR=str(Path(tmp) / "ipython"),
                   JUPYTER_RUNTIME_DIR=str(Path(tmp) / "runtime"), MPLCONFIGDIR=str(Path(tmp) / "mpl"))
        names = [m for m in dict.fromkeys([*ALWAYS, *modules]) if m.replace(".", "").isidentifier()]
        try:
            subprocess.run([sys.executable, "-c", _WARM, tmp, *names], env=env, cwd=tmp, timeout=timeout,
                           stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            return None
    return folder
