"""``sim classroom demo``: a whole term on a live JupyterHub, without a browser.

Start the hub, create the users, release A1; each student's own server (running as that student)
fetches it through nbgrader's exchange, a simulated student fills it in (varied quality, as
``make demo``) and the server submits it; the instructor collects, autogrades (``sim grade
autograde``, in its sandbox where the machine has one), generates and releases feedback; each
student's server fetches the feedback; grades are exported and summarised; the hub stops.

With faults on (the default, from 4 students) the term also meets: a student who submits twice
(the later counts), one who submits after the deadline (flagged late), a student server that dies
(restarted; the work in the home folder is kept), and the hub restarted mid-term (nothing lost).
Everything here is synthetic.
"""
from __future__ import annotations

import csv
import json
import secrets
import shutil
import signal
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sim.classroom.room import Classroom, clean, prepare
from sim.classroom.roster import Student
from sim.errors import SimValueError
from sim.grading.demo import class_kinds
from sim.grading.simulate import build_submission

ASSIGNMENT = "a1_assessment"
SEED = 20261123
SPAWN_AT_ONCE = 4  # servers starting at the same time: each is ready sooner, none times out on a busy machine


@dataclass
class StudentReport:
    """What the term left for one student (the fields of ``report.json``)."""

    name: str
    uid: int
    home: str
    kind: str
    score: float | None = None
    max_score: float | None = None
    feedback_fetched: bool = False
    late: bool = False
    submissions: int = 0
    server_restarted: bool = False


@dataclass
class TermReport:
    hub_url: str
    state: str
    students: list[StudentReport]
    steps: dict[str, float] = field(default_factory=dict)
    events: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"hub_url": self.hub_url, "state": self.state, "steps_seconds": self.steps, "events": self.events,
                "synthetic": True, "students": [asdict(s) for s in self.students]}


class Term:
    """One term of the demo on a prepared :class:`Classroom`."""

    def __init__(self, room: Classroom, kinds: dict[str, str], faults: bool, say: Callable[[str], None]) -> None:
        self.room, self.kinds, self.faults, self.say = room, kinds, faults, say
        self.hub = room.hub
        names = list(kinds)
        self.double = names[1] if faults and len(names) >= 4 else None
        self.dies = names[2] if faults and len(names) >= 4 else None
        self.late = names[-1] if faults and len(names) >= 4 else None
        self.report = TermReport(self.hub.url, str(room.state), [
            StudentReport(n, room.students[n].uid, room.students[n].home, kinds[n]) for n in names])
        self.by_name = {s.name: s for s in self.report.students}
        self.released: dict[str, Any] = {}
        self.source: dict[str, Any] = {}

    def step(self, name: str, action: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        result = action()
        self.report.steps[name] = round(time.perf_counter() - started, 2)
        self.say(f"{name:<10} {self.report.steps[name]:7.1f} s")
        return result

    def event(self, text: str) -> None:
        self.report.events.append(text)
        self.say(f"  ! {text}")

    def each(self, action: Callable[[str], Any], names: list[str] | None = None, workers: int = 8) -> list[Any]:
        names = list(self.kinds) if names is None else names
        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(names)))) as pool:
            return list(pool.map(action, names))

    # -- the steps --------------------------------------------------------------------------------
    def spawn(self) -> None:
        def one(name: str) -> None:
            self.hub.spawn(name)
            self.hub.wait_ready(name, timeout=600)
        self.each(one, workers=SPAWN_AT_ONCE)

    def release(self) -> None:
        self.room.sim_grade("generate", ASSIGNMENT)
        self.room.nbgrader("db", "assignment", "add", ASSIGNMENT, "--duedate", "2099-01-01 00:00:00 UTC")
        self.room.nbgrader("release_assignment", ASSIGNMENT, "--force")
        course = self.room.course
        nb_name = f"{ASSIGNMENT}.ipynb"
        self.released = json.loads((course.root / "release" / ASSIGNMENT / nb_name).read_text(encoding="utf-8"))
        self.source = json.loads((course.root / "source" / ASSIGNMENT / nb_name).read_text(encoding="utf-8"))

    def _action(self, name: str, action: str) -> Any:
        return self.hub.user_server(name, "POST", f"/assignments/{action}",
                                    form={"course_id": self.room.course.course_id, "assignment_id": ASSIGNMENT})

    def fetch(self) -> None:
        def one(name: str) -> None:
            self._action(name, "fetch")
            self.hub.user_server(name, "GET", f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb?content=0")
        self.each(one)

    def _fill(self, name: str, kind: str) -> None:
        nb = build_submission(self.released, self.source, kind, self.room.course.material_key(ASSIGNMENT))
        self.hub.user_server(name, "PUT", f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
                             {"type": "notebook", "format": "json", "content": nb})

    def fill(self) -> None:
        self.each(lambda n: self._fill(n, "blank" if n == self.double else self.kinds[n]))

    def _submit(self, name: str) -> None:
        result = self._action(name, "submit")
        if isinstance(result, dict) and result.get("success") is False:
            raise SimValueError(f"{name}'s submission failed: {str(result.get('value'))[:300]}")
        self.by_name[name].submissions += 1

    def submit(self) -> None:
        if self.dies:
            self._kill_server(self.dies)
        on_time = [n for n in self.kinds if n != self.late]
        self.each(self._ensure_then_submit, on_time)
        if self.double:
            self._fill(self.double, self.kinds[self.double])
            self._submit(self.double)
            self.event(f"{self.double} submitted twice (a blank notebook, then the real work): the later counts")
        if self.late:
            due = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
            self.room.nbgrader("db", "assignment", "add", ASSIGNMENT, "--duedate", due)
            time.sleep(0.05)
            self._ensure_then_submit(self.late)
            self.event(f"{self.late} submitted after the deadline ({due}): flagged late")

    def _ensure_then_submit(self, name: str) -> None:
        if self.hub.ensure_server(name):
            self.by_name[name].server_restarted = True
            kept = self.hub.user_server(name, "GET", f"/api/contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
            solved = sum(1 for c in kept["content"]["cells"] if "record(" in c["source"])
            self.event(f"{name}'s server had died; the hub restarted it and the work in {name}'s home was "
                       f"kept ({solved} answer cells on disk)")
        self._submit(name)

    def _kill_server(self, name: str) -> None:
        uid = self.room.students[name].uid
        killed = [pid for pid in _pids_of(uid) if _kill(pid)]
        self.event(f"{name}'s server (pid {', '.join(map(str, killed)) or '?'}) was killed mid-term")

    def restart_hub(self) -> None:
        self.hub.restart()
        self.event("the hub was restarted mid-term; the students' servers and their work carried on")

    def collect(self) -> None:
        self.room.nbgrader("collect", ASSIGNMENT)

    def autograde(self) -> None:
        self.room.sim_grade("autograde", ASSIGNMENT, "--jobs", "2", "--quiet")

    def feedback(self) -> None:
        self.room.sim_grade("feedback", ASSIGNMENT)
        self.room.nbgrader("release_feedback", ASSIGNMENT)

    def fetch_feedback(self) -> None:
        def one(name: str) -> None:
            self._action(name, "fetch_feedback")
            listing = self.hub.user_server(name, "GET", f"/api/contents/{ASSIGNMENT}/feedback")
            pages = [self.hub.user_server(name, "GET", f"/api/contents/{d['path']}")["content"]
                     for d in listing["content"] if d["type"] == "directory"]
            self.by_name[name].feedback_fetched = any(f["name"].endswith(".html") for page in pages for f in page)
        self.each(one)

    def grades(self) -> None:
        out = self.room.course.root / "reports" / "grades_nbgrader.csv"
        self.room.sim_grade("export", "--format", "csv", "--out", str(out))
        with out.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                student = self.by_name.get(row["student_id"])
                if student is None or row["assignment"] != ASSIGNMENT:
                    continue
                student.score, student.max_score = float(row["score"]), float(row["max_score"])
                student.late = bool(row.get("timestamp")) and bool(row.get("duedate")) and \
                    row["timestamp"] > row["duedate"]

    def run(self, while_running: Callable[[Classroom], None] | None = None) -> TermReport:
        self.step("start", lambda: self.hub.start())
        self.say(f"hub at {self.hub.url} (127.0.0.1 only)")
        self.step("spawn", self.spawn)
        if while_running:
            while_running(self.room)
        self.step("release", self.release)
        self.step("fetch", self.fetch)
        if self.faults:
            self.step("restart", self.restart_hub)
        self.step("fill", self.fill)
        self.step("submit", self.submit)
        self.step("collect", self.collect)
        self.step("autograde", self.autograde)
        self.step("feedback", self.feedback)
        self.step("fetchback", self.fetch_feedback)
        self.step("grades", self.grades)
        self.step("stop", lambda: self.hub.shutdown(list(self.room.students)))
        return self.report


def _pids_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _kill(pid: int) -> bool:
    import os

    try:
        os.kill(pid, signal.SIGKILL)
        return True
    except ProcessLookupError:
        return False


def summary(report: TermReport) -> str:
    lines = [f"{'student':<16} {'work':<8} {'score':>11}  late  feedback  notes"]
    for s in report.students:
        score = f"{s.score:.1f}/{s.max_score:g}" if s.score is not None else "no grade"
        notes = ", ".join(x for x in (f"{s.submissions} submissions" if s.submissions > 1 else "",
                                      "server restarted" if s.server_restarted else "") if x) or "-"
        lines.append(f"{s.name:<16} {s.kind:<8} {score:>11}  {'yes' if s.late else 'no':<4}  "
                     f"{'fetched' if s.feedback_fetched else 'MISSING':<8}  {notes}")
    graded = sum(1 for s in report.students if s.score is not None)
    steps = ", ".join(f"{k} {v:.0f}" for k, v in report.steps.items())
    lines.append(f"{graded} of {len(report.students)} students graded; total {sum(report.steps.values()):.0f} s "
                 f"({steps})")
    return "\n".join(lines)


def run_demo(students: int, keep: Path | None = None, faults: bool = True, seed: int = SEED,
             prefix: str | None = None, say: Callable[[str], None] = print,
             while_running: Callable[[Classroom], None] | None = None, gradebook: str = "sqlite") -> TermReport:
    """Run the term for ``students`` simulated students; keep users and state in ``keep`` if given.

    ``gradebook``: ``sqlite`` (the course's file) or ``postgres`` (a PostgreSQL server in the state
    folder that only the instructor's group can reach; stopped at the end, its data kept with ``keep``).
    """
    if gradebook not in ("sqlite", "postgres"):
        raise SimValueError(f"--gradebook {gradebook!r} is not allowed; give sqlite or postgres")
    if not 1 <= students <= 200:
        raise SimValueError(f"--students {students} is not allowed; give 1 to 200")
    prefix = prefix or f"s{secrets.token_hex(2)}"
    kinds = {f"{prefix}-{i + 1:02d}": kind for i, kind in enumerate(class_kinds(students, seed).values())}
    state = keep.resolve() if keep else Path(tempfile.mkdtemp(prefix="sim-classroom-", dir="/tmp"))
    if keep and state.exists() and any(state.iterdir()):
        raise SimValueError(f"--keep {state}: the folder exists and is not empty; give a new folder "
                            f"(or remove it with 'sim classroom clean {state}')")
    say(f"A synthetic class of {students} on JupyterHub; state in {state}")
    room = None
    pg = None
    try:
        url = None
        if gradebook == "postgres":
            from sim.classroom.postgres import LocalPostgres
            from sim.classroom.users import ensure_user, require_root

            require_root("sim classroom demo")
            state.mkdir(parents=True, exist_ok=True)
            state.chmod(0o755)
            ensure_user(state, f"{prefix}-teacher")
            pg = LocalPostgres(state / "postgres", group=f"{prefix}-teacher").start()
            url = pg.create_database("gradebook")
            say("gradebook on PostgreSQL (a server in the state folder, reachable by the instructor only)")
        room = prepare(state, [Student(n) for n in kinds], instructor=f"{prefix}-teacher", gradebook=url)
        term = Term(room, kinds, faults, say)
        report = term.run(while_running)
        if keep:
            (state / "report.json").write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
        return report
    finally:
        if room is not None and room.hub.proc is not None:
            room.hub.shutdown(list(room.students))
        if pg is not None:
            pg.stop()
        if not keep:
            clean(state) if (state / "users.json").exists() else shutil.rmtree(state, ignore_errors=True)
