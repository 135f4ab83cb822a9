"""The grading sandbox, fast parts: limits from course.yaml, the audit hook's reports, what the
instructor is told, finding the course folder, refusing without a sandbox, `sim grade doctor`."""
from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

import sim.grading.student
from sim.cli import main
from sim.grading.course import CourseError, find_course, load_course
from sim.grading.sandbox import SandboxConfigError, SandboxLimits, bwrap, bytecode, inside
from sim.grading.sandbox.inside import make_hook
from sim.grading.sandbox.limits import limits_from_yaml
from sim.grading.sandbox.report import blocked, notebook_errors

COURSE = Path(__file__).resolve().parents[1] / "assignments"


def small_course(dest: Path) -> Path:
    shutil.copytree(COURSE, dest, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__", "source"))
    return dest


def test_limits_default_and_from_course_yaml(tmp_path):
    assert SandboxLimits().memory_mib == 2048
    assert limits_from_yaml({"memory_mib": 1024, "wall_seconds": 60}, "c.yaml").memory_mib == 1024
    root = small_course(tmp_path / "c")
    text = (root / "course.yaml").read_text() + "sandbox:\n  memory_mib: 512\n  processes: 64\n"
    (root / "course.yaml").write_text(text)
    course = load_course(root)
    assert (course.sandbox.memory_mib, course.sandbox.processes, course.sandbox.cpu_seconds) == (512, 64, 600)


@pytest.mark.parametrize("bad,needle", [({"memory_mb": 1}, "memory_mb"), ({"memory_mib": 10}, "memory_mib = 10"),
                                        ("2G", "must be a mapping")])
def test_bad_sandbox_section_names_the_key_and_what_is_allowed(bad, needle):
    with pytest.raises(SandboxConfigError) as err:
        limits_from_yaml(bad, "course.yaml")
    assert needle in str(err.value) and "memory_mib" in str(err.value) and "course.yaml" in str(err.value)


def _run_hook(events, cwd="/c/autograded/s/a"):
    """Feed audit events to the sandbox's hook (as Python would) and read what it reported."""
    r, w = os.pipe()
    saved = os.getcwd()
    try:
        os.chdir("/tmp")
        hook = make_hook(w, ("/usr/", "/venv/"), ("/tmp/",), (cwd + "/",))
        for event, args in events:
            hook(event, args)
    finally:
        os.chdir(saved)
        os.close(w)
    data = os.read(r, 65536).decode()
    os.close(r)
    return [json.loads(line) for line in data.splitlines()]


class _Sock:
    def __init__(self, family):
        self.family = family


def test_hook_reports_reaching_outside_and_nothing_inside():
    got = _run_hook([
        ("open", ("/c/keys.yaml", "r", os.O_RDONLY)),
        ("open", ("/usr/lib/python3/os.py", "r", os.O_RDONLY)),          # the environment: fine
        ("open", ("/venv/lib/sim/x.py", "w", os.O_WRONLY | os.O_CREAT)),  # read-only environment
        ("open", ("/tmp/scratch.txt", "w", os.O_WRONLY)),                 # its own /tmp: fine
        ("open", ("/tmp/no/such/course/keys.yaml", "r", os.O_RDONLY)),    # a host path under /tmp
        ("open", ("/c/autograded/s/a/data.csv", "w", os.O_WRONLY)),       # its own folder: fine
        ("open", ("/tmp/ipykernel_7/123.py", "r", os.O_RDONLY)),          # IPython's cell names: fine
        ("open", ("/proc/1/environ", "r", os.O_RDONLY)),
        ("open", (f"/proc/{os.getpid()}/status", "r", os.O_RDONLY)),      # its own: fine
        ("os.listdir", ("/",)),                                           # shows only what is mounted
        ("sqlite3.connect", ("/c/gradebook.db",)),
        ("socket.connect", (_Sock(2), ("127.0.0.1", 8888))),
        ("socket.connect", (_Sock(1), "/tmp/sock")),                      # a Unix socket of its own: fine
        ("open", ("/c/keys.yaml", "r", os.O_RDONLY)),                     # once only
        ("compile", (b"x", "<cell>")),
    ])
    assert got[:1] == [{"kind": "read", "detail": "/c/keys.yaml"}]
    assert got == [{"kind": "read", "detail": "/c/keys.yaml"}, {"kind": "write", "detail": "/venv/lib/sim/x.py"},
                   {"kind": "read", "detail": "/tmp/no/such/course/keys.yaml"},
                   {"kind": "proc", "detail": "/proc/1/environ"}, {"kind": "write", "detail": "/c/gradebook.db"},
                   {"kind": "network", "detail": "127.0.0.1:8888"}]


def test_blocked_lines_name_what_was_stopped(tmp_path):
    nb = {"cells": [{"cell_type": "code", "outputs": [
        {"output_type": "error", "ename": "MemoryError", "evalue": "", "traceback": []},
        {"output_type": "error", "ename": "OSError", "evalue": "[Errno 27] File too large", "traceback": []}]}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    events = notebook_errors([path]) + [{"kind": "network", "detail": "127.0.0.1:80"},
                                        {"kind": "processes", "detail": "2"}]
    lines = blocked(events, SandboxLimits(memory_mib=1024))
    assert lines == ["tried to open a network connection (127.0.0.1:80): the sandbox has no network",
                     "hit the memory limit (1024 MiB)", "hit the file size limit (64 MiB)",
                     "left 2 process(es) running after the notebook; all ended with the sandbox"]


def test_sim_grade_finds_the_course_folder(tmp_path, monkeypatch):
    root = small_course(tmp_path / "assignments")
    assert find_course(cwd=root).root == root            # inside the course folder
    assert find_course(cwd=tmp_path).root == root        # beside it: assignments/
    assert find_course(root, cwd=Path("/")).root == root  # --course
    with pytest.raises(CourseError, match="no course folder found.*--course DIR"):
        find_course(cwd=tmp_path / "elsewhere")
    monkeypatch.chdir(root)
    assert main(["grade", "export", "--out", str(tmp_path / "g.csv")]) == 0  # no --course needed in the folder


def test_autograde_refuses_in_one_line_where_no_sandbox_can_run(tmp_path, capsys, monkeypatch):
    root = small_course(tmp_path / "c")
    monkeypatch.setattr(bwrap, "bwrap_path", lambda: None)
    bwrap.status.cache_clear()
    try:
        assert main(["grade", "--course", str(root), "autograde", "a1_assessment"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "bubblewrap is not installed" in err and "--no-sandbox" in err
        assert main(["grade", "--course", str(root), "doctor"]) == 1
        assert "sandbox: no: bubblewrap is not installed" in capsys.readouterr().out
    finally:
        bwrap.status.cache_clear()


def test_doctor_says_this_machine_can_sandbox(capsys):
    bwrap.status.cache_clear()
    assert main(["grade", "--course", str(COURSE), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "sandbox: yes" in out and "could not reach the network" in out and "memory 2048 MiB" in out


def test_a_course_inside_the_python_environment_is_refused(tmp_path):
    inside = Path(bwrap.python_roots()[0])
    assert bwrap.exposed_course(inside / "some-course") == inside
    assert bwrap.exposed_course(tmp_path) is None


def test_hook_sees_a_course_kept_under_tmp_as_outside():
    got = _run_hook([("sqlite3.connect", ("/tmp/x/course/gradebook.db",)),
                     ("open", ("/tmp/x/course/autograded/s/a/out.csv", "w", os.O_WRONLY))],
                    cwd="/tmp/x/course/autograded/s/a")
    assert got == [{"kind": "write", "detail": "/tmp/x/course/gradebook.db"}]


def test_a_cell_that_hit_the_process_limit_is_recognised() -> None:
    """A failed fork (EAGAIN) or thread start counts as hitting the process limit; other errors do not."""
    from sim.grading.sandbox.inside import hit_process_limit

    assert hit_process_limit(BlockingIOError(11, "Resource temporarily unavailable"))
    assert hit_process_limit(RuntimeError("can't start new thread"))
    assert not hit_process_limit(FileNotFoundError(2, "No such file"))
    assert not hit_process_limit(ValueError("x"))
    assert not hit_process_limit(None)


def test_stopping_the_sandbox_processes_does_nothing_outside_a_sandbox() -> None:
    """kill(-1) is used only where pid 1 is bwrap: here, on the host, nothing is signalled."""
    import subprocess

    from sim.grading.sandbox.inside import stop_other_processes

    child = subprocess.Popen(["sleep", "30"])
    try:
        assert stop_other_processes(os.getpid()) == 0
        assert child.poll() is None
    finally:
        child.kill()
        child.wait()


def test_kernel_reads_the_graders_bytecode_cache_read_only(tmp_path):
    cache = tmp_path / "pycache"
    cache.mkdir()
    launch = bwrap.build([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"], tmp_path / "work", tmp_path,
                         SandboxLimits(), 1, {}, [], cache)
    argv = launch.argv
    assert any(argv[i:i + 3] == ["--ro-bind", str(cache), str(cache)] for i in range(len(argv)))
    assert any(argv[i:i + 3] == ["--setenv", "PYTHONPYCACHEPREFIX", str(cache)] for i in range(len(argv)))
    visible = argv[argv.index("SIM_SANDBOX_VISIBLE") + 1].split(os.pathsep)
    assert str(cache) in visible  # reading the cache is not reported as reaching outside
    # the kernel runs the sandbox's start-up file itself: nothing of sim is imported before the kernel
    kernel = argv[argv.index("--") + 1:]
    assert kernel[:3] == [sys.executable, "-P", inside.__file__] and kernel[3:] == ["-f", "k.json"]
    assert "PYTHONPYCACHEPREFIX" not in bwrap.build([sys.executable, "-m", "ipykernel_launcher"], tmp_path / "w",
                                                     tmp_path, SandboxLimits(), 1, {}, []).argv


def test_notebook_imports_are_read_from_the_released_notebooks(tmp_path):
    nb = {"cells": [{"cell_type": "code", "source": ["import math, os.path\n", "from sim.grading import start\n"]},
                    {"cell_type": "code", "source": "from . import x\nimport pandas as pd"},
                    {"cell_type": "code", "source": "this is not python"},
                    {"cell_type": "markdown", "source": "import nothing"}]}
    (tmp_path / "a.ipynb").write_text(json.dumps(nb))
    (tmp_path / "broken.ipynb").write_text("{not json")
    assert bytecode.notebook_imports([tmp_path / "a.ipynb", tmp_path / "broken.ipynb"]) == [
        "math", "os.path", "pandas", "sim.grading"]


def test_bytecode_warm_up_that_cannot_write_gives_none(tmp_path):
    (tmp_path / "file").write_text("")
    assert bytecode.warm(["sim.grading"], folder=tmp_path / "file" / "cache") is None


@pytest.mark.slow
def test_bytecode_warm_up_compiles_the_kernels_imports_into_the_cache(tmp_path):
    cache = bytecode.warm(["sim.grading", "no_such_module_here"], folder=tmp_path / "cache")
    assert cache == tmp_path / "cache"
    compiled = {p.name.split(".")[0] for p in cache.rglob("*.pyc")}
    assert {"kernelapp", "ipkernel", "student", "forms", "interactiveshell"} <= compiled
    student = Path(sim.grading.student.__file__).resolve()
    assert (cache / student.relative_to("/").parent / f"student.{sys.implementation.cache_tag}.pyc").is_file()


def test_hook_allows_reading_a_visible_root_below_tmp():
    r, w = os.pipe()
    try:
        hook = make_hook(w, ("/usr/", "/tmp/x/cache/"), ("/tmp/",), ("/tmp/x/course/autograded/s/a/",))
        hook("open", ("/tmp/x/cache/venv/mod.cpython-311.pyc", "rb", os.O_RDONLY))  # the bytecode cache: fine
        hook("open", ("/tmp/x/cache/venv/mod.cpython-311.pyc", "wb", os.O_WRONLY))  # but read-only
        hook("open", ("/tmp/x/course/keys.yaml", "r", os.O_RDONLY))
    finally:
        os.close(w)
    got = [json.loads(line) for line in os.read(r, 65536).decode().splitlines()]
    os.close(r)
    assert got == [{"kind": "write", "detail": "/tmp/x/cache/venv/mod.cpython-311.pyc"},
                   {"kind": "read", "detail": "/tmp/x/course/keys.yaml"}]


def test_no_sandbox_warns_loudly_before_anything_runs(tmp_path, capsys):
    root = small_course(tmp_path / "c")
    assert main(["grade", "--course", str(root), "autograde", "a1_assessment", "--no-sandbox", "--quiet"]) == 2
    err = capsys.readouterr().err
    banner, _, rest = err.partition("WARNING: grading WITHOUT a sandbox")
    assert "!" * 78 in banner and "!" * 78 in rest
    assert "read keys.yaml" in rest and "only for submissions you trust" in rest
    assert "no submissions of a1_assessment" in rest  # the warning came first
