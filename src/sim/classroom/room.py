"""A classroom's state folder: system users and their homes, the instructor's course, nbgrader's
exchange, the hub's configuration. ``prepare`` builds (or completes) it; ``clean`` removes it.

Layout of ``STATE`` (mode 0755, so users reach their own parts)::

    home/<user>/        each user's home, mode 0700; a student's holds lessons/ and fetched work
    course/             the instructor's nbgrader course (mode 0700: sources hold the solutions)
    exchange/           nbgrader's exchange (mode 1777, as nbgrader documents: students write
                        into inbound/ but cannot list it)
    config/student/     nbgrader and server config of the students' servers
    config/instructor/  the same plus the course folder (formgrader)
    hub/                jupyterhub_config.py, settings.json (tokens, mode 0600), the hub's database
    users.json          the system users this classroom created (only those are ever removed)
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sim.classroom.hub import Hub, new_settings
from sim.classroom.hubconfig import (
    find_proxy,
    hub_dir,
    read_settings,
    singleuser_command,
    write_hub_config,
    write_nbgrader_configs,
)
from sim.classroom.roster import Student, check_user_name, write_roster
from sim.classroom.users import SystemUser, UsersError, chown_tree, ensure_user, remove_users, require_root
from sim.grading.course import Course, load_course

REPO = Path(__file__).resolve().parents[3]
COURSE_SOURCE = REPO / "assignments"
LESSONS = REPO / "notebooks"
RUNUSER = shutil.which("runuser") or "/usr/sbin/runuser"
OUTPUTS = ("release", "submitted", "autograded", "feedback", "gradebook.db", "reports", "__pycache__")


@dataclass
class Classroom:
    """A prepared classroom: its users, course, exchange and hub (not necessarily running)."""

    state: Path
    course: Course
    instructor: SystemUser
    students: dict[str, SystemUser]
    hub: Hub

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    def env(self, user: SystemUser) -> dict[str, str]:
        """Environment of a command run as ``user`` (the instructor's nbgrader config and the course salt)."""
        role = "instructor" if user.name == self.instructor.name else "student"
        return {"HOME": user.home, "USER": user.name, "LOGNAME": user.name,
                "PATH": str(Path(sys.executable).parent) + os.pathsep + "/usr/local/bin:/usr/bin:/bin",
                "JUPYTER_CONFIG_PATH": str(self.state / "config" / role), "SIM_COURSE_SALT": self.course.salt,
                "LANG": "C.UTF-8"}

    def run_as(self, user: SystemUser, *cmd: str, cwd: Path | None = None,
               check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run ``cmd`` as ``user`` (through ``runuser``), in ``cwd`` (default: the course folder)."""
        full = [RUNUSER, "-u", user.name, "--", *cmd] if os.geteuid() == 0 else list(cmd)
        proc = subprocess.run(full, cwd=cwd or self.course.root, env=self.env(user), capture_output=True,
                              text=True, check=False)
        if check and proc.returncode:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-10:])
            raise UsersError(f"{' '.join(cmd[:4])} as {user.name} failed:\n{tail}")
        return proc

    def nbgrader(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """``nbgrader ARGS`` as the instructor, in the course folder."""
        return self.run_as(self.instructor, sys.executable, "-m", "nbgrader", *args, check=check)

    def sim_grade(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``sim grade ARGS`` on the course as the instructor: the same public commands instructors use
        (``autograde`` there runs in its sandbox when the machine has one)."""
        return self.run_as(self.instructor, sys.executable, "-m", "sim", "grade", "--course", str(self.course.root),
                           *args)


def _copy_owned(src: Path, dest: Path, user: SystemUser, mode: int) -> None:
    if not dest.exists():
        shutil.copytree(src, dest, ignore=shutil.ignore_patterns(*OUTPUTS, ".ipynb_checkpoints"))
    chown_tree(dest, user)
    dest.chmod(mode)


def prepare(state: Path, roster: list[Student], instructor: str = "instructor", port: int | None = None,
            gradebook: str | None = None) -> Classroom:
    """Create (or complete) the classroom in ``state`` for ``roster`` and ``instructor``."""
    require_root("sim classroom")
    check_user_name(instructor, "--instructor")
    if instructor in {s.id for s in roster}:
        raise UsersError(f"the instructor {instructor!r} is also in the roster; give the instructor another name")
    state = state.resolve()
    state.mkdir(parents=True, exist_ok=True)
    state.chmod(0o755)
    teacher = ensure_user(state, instructor)
    students = {s.id: ensure_user(state, s.id) for s in roster}
    course_root = state / "course"
    _copy_owned(COURSE_SOURCE, course_root, teacher, 0o700)
    if gradebook and "\ngradebook:" not in (course_root / "course.yaml").read_text(encoding="utf-8"):
        with (course_root / "course.yaml").open("a", encoding="utf-8") as f:
            f.write(f"gradebook: {gradebook}\n")
    exchange = state / "exchange"
    exchange.mkdir(exist_ok=True)
    exchange.chmod(0o1777)
    for user in students.values():
        _copy_owned(LESSONS, Path(user.home) / "lessons", user, 0o755)
        _student_workspace(user)
        Path(user.home).chmod(0o700)
    course = load_course(course_root)
    write_nbgrader_configs(state, course_root, course.course_id, exchange)
    if (hub_dir(state) / "settings.json").exists():
        settings = read_settings(state)
        settings.students = sorted(students)
        if port:
            settings.port = port
    else:
        settings = new_settings(state, course.course_id, instructor, sorted(students), port, find_proxy(),
                                singleuser_command(), {"SIM_COURSE_SALT": course.salt,
                                                       "PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"})
    write_hub_config(settings)
    room = Classroom(state, course, teacher, students, Hub(state))
    _check_reachable(room)
    roster_file = course_root / "roster.csv"
    write_roster(roster_file, roster)
    chown_tree(roster_file, teacher)
    room.nbgrader("db", "student", "import", str(roster_file))
    return room


ASSIGNMENT_LIST = "nbgrader-assignment-list:nbgrader-assignment-list"  # nbgrader's lab widget, as restored


def _student_workspace(user: SystemUser) -> None:
    """JupyterLab's default workspace for a student: the file browser on lessons/ and nbgrader's
    Assignment List open in the main area (written once; the student's own layout then replaces it)."""
    folder = Path(user.home) / ".jupyter" / "lab" / "workspaces"
    path = folder / "default-37a8.jupyterlab-workspace"  # JupyterLab's file name for the id "default"
    if path.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    layout = {"main": {"dock": {"type": "tab-area", "currentIndex": 0, "widgets": [ASSIGNMENT_LIST]},
                       "current": ASSIGNMENT_LIST},
              "left": {"collapsed": False, "visible": True, "current": "filebrowser", "widgets": ["filebrowser"]}}
    path.write_text(json.dumps({"data": {"layout-restorer:data": layout, ASSIGNMENT_LIST: {"data": {}},
                                         "file-browser-filebrowser:cwd": {"path": "lessons"}},
                                "metadata": {"id": "default"}}, indent=1), encoding="utf-8")
    quiet = folder.parent / "user-settings" / "@jupyterlab" / "apputils-extension"
    quiet.mkdir(parents=True, exist_ok=True)  # no news pop-up over the lessons
    (quiet / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    chown_tree(Path(user.home) / ".jupyter", user)


def _check_reachable(room: Classroom) -> None:
    """The students' servers run this Python: say so clearly if they cannot reach it."""
    user = next(iter(room.students.values()), room.instructor)
    proc = room.run_as(user, sys.executable, "-c", "import sim, jupyterhub", cwd=Path(user.home), check=False)
    if proc.returncode:
        closed = [str(p) for exe in (Path(sys.executable), Path(sys.executable).resolve())
                  for p in reversed(exe.parents) if p.is_dir() and not p.stat().st_mode & 0o001]
        hint = (f"other users cannot enter {', '.join(dict.fromkeys(closed))}: allow it with 'chmod o+x' on it"
                if closed else "make the project's .venv readable by other users (chmod -R o+rX)")
        raise UsersError(f"user {user.name} cannot run {sys.executable}, which the students' servers run: {hint}. "
                         f"({(proc.stderr.strip().splitlines() or [str(proc.returncode)])[-1]})")


def clean(state: Path) -> list[str]:
    """Stop the hub, remove the users this classroom created and its state folder; return their names."""
    state = state.resolve()
    if not (state / "users.json").exists() and not (hub_dir(state) / "settings.json").exists():
        raise UsersError(f"{state} is not a classroom folder (no users.json or hub/settings.json); nothing removed")
    require_root("sim classroom clean")
    if (hub_dir(state) / "settings.json").exists():
        hub = Hub(state)
        hub.stop_process()
    if (state / "postgres" / "data" / "postmaster.pid").exists():
        from sim.classroom.postgres import LocalPostgres

        LocalPostgres(state / "postgres").stop()
    removed = remove_users(state)
    shutil.rmtree(state, ignore_errors=True)
    return removed
