"""The course folder: its ``course.yaml``, assignments, submissions, and running nbgrader in it."""
from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sim.errors import SimValueError, UnknownNameError
from sim.grading.sandbox.limits import SandboxLimits, limits_from_yaml


class CourseError(SimValueError):
    """The course folder is missing or incomplete."""


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder with the sim-msw additions (``course.yaml``, ``keys.yaml``)."""

    root: Path
    course_id: str
    salt: str
    assignments: dict[str, dict[str, str]] = field(default_factory=dict)
    gradebook: str | None = None  # a postgresql:// URL; None: the SQLite file gradebook.db
    sandbox: SandboxLimits = field(default_factory=SandboxLimits)  # ``sandbox:`` in course.yaml

    @property
    def db_url(self) -> str:
        """The gradebook's URL as the course gives it (see :func:`gradebook_url`)."""
        return self.gradebook or "sqlite:///" + str(self.root / "gradebook.db")

    def title(self, assignment: str) -> str:
        return self.assignments.get(assignment, {}).get("title", assignment)

    def material_key(self, assignment: str) -> str:
        self.check_assignment(assignment)
        return self.assignments[assignment]["material"]

    def check_assignment(self, assignment: str) -> str:
        if assignment not in self.assignments:
            raise UnknownNameError("assignment", assignment, self.assignments)
        return assignment

    def source_notebooks(self, assignment: str) -> list[Path]:
        return sorted((self.root / "source" / assignment).glob("*.ipynb"))

    def students(self, assignment: str) -> list[str]:
        """Students with a submission folder for ``assignment``, sorted."""
        base = self.root / "submitted"
        if not base.is_dir():
            return []
        return sorted(p.name for p in base.iterdir() if (p / assignment).is_dir())

    def env(self, **extra: str) -> dict[str, str]:
        """Environment for nbgrader subprocesses: this venv's bin on PATH, the course salt."""
        env = dict(os.environ)
        env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
        env["SIM_COURSE_SALT"] = self.salt
        env.pop("JUPYTERHUB_USER", None)  # the instructor's identity must not pick variants
        env.update(extra)
        return env

    def nbgrader(self, *args: str, check: bool = True, quiet: bool = True) -> subprocess.CompletedProcess:
        """Run ``nbgrader ARGS`` in the course folder; raise :class:`CourseError` on failure."""
        cmd = [sys.executable, "-m", "nbgrader", *args]
        proc = subprocess.run(cmd, cwd=self.root, env=self.env(), capture_output=True, text=True)
        if check and proc.returncode != 0:
            tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-8:])
            raise CourseError(f"nbgrader {' '.join(args)} failed in {self.root}:\n{tail}")
        return proc


    def generate(self, assignments: list[str]) -> None:
        """``nbgrader generate_assignment`` for each of ``assignments``, in this process (one import)."""
        import contextlib
        import warnings

        for name in assignments:
            self.check_assignment(name)
        saved_cwd, saved_env = os.getcwd(), dict(os.environ)
        try:
            os.chdir(self.root)
            os.environ.update(self.env())
            from nbgrader.apps import NbGraderAPI
            from traitlets.config.loader import PyFileConfigLoader

            from sim.grading.gradebook import locking_url

            config = PyFileConfigLoader("nbgrader_config.py", path=str(self.root)).load_config()
            config.CourseDirectory.root = str(self.root)
            config.CourseDirectory.db_url = locking_url(self.db_url)
            with warnings.catch_warnings(), contextlib.redirect_stderr(None):
                warnings.simplefilter("ignore")
                api = NbGraderAPI(config=config)
                for name in assignments:
                    result = api.generate_assignment(name, force=True, create=True)
                    if not result.get("success"):
                        tail = "\n".join(str(result.get("log", "")).strip().splitlines()[-6:])
                        raise CourseError(f"nbgrader generate_assignment {name} failed in {self.root}:\n{tail}")
        finally:
            os.chdir(saved_cwd)
            os.environ.clear()
            os.environ.update(saved_env)


GRADEBOOK_ENV = "SIM_GRADEBOOK_URL"


def check_gradebook_url(url: str, where: str) -> str:
    from sim.grading.gradebook import GRADEBOOK_SCHEMES, redact

    if not url.startswith(GRADEBOOK_SCHEMES):
        raise CourseError(f"{where}: gradebook {redact(url)!r} is not a database URL nbgrader can use; "
                          "allowed: postgresql://USER:PASSWORD@HOST:PORT/DATABASE (or ?host=/socket/dir), "
                          "sqlite:///PATH, or leave it out for the course's gradebook.db")
    return url


def gradebook_url(root: Path | str, data: dict[str, Any] | None = None) -> str:
    """The course's gradebook: ``$SIM_GRADEBOOK_URL``, else ``gradebook:`` in ``course.yaml``, else
    the SQLite file ``gradebook.db`` in the course. ``nbgrader_config.py`` reads it from here too,
    so that ``sim grade``, plain ``nbgrader`` and formgrader write the same database."""
    folder = Path(root).resolve()
    if os.environ.get(GRADEBOOK_ENV):
        return check_gradebook_url(os.environ[GRADEBOOK_ENV], f"${GRADEBOOK_ENV}")
    if data is None:
        try:
            data = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            data = {}
    url = data.get("gradebook") if isinstance(data, dict) else None
    if url:
        return check_gradebook_url(str(url), str(folder / "course.yaml"))
    return "sqlite:///" + str(folder / "gradebook.db")


def load_course(root: Path | str = "assignments") -> Course:
    """Read the course folder ``root`` (needs ``nbgrader_config.py`` and ``course.yaml``)."""
    folder = Path(root).resolve()
    for name in ("nbgrader_config.py", "course.yaml"):
        if not (folder / name).is_file():
            raise CourseError(f"{folder}: no {name}; give the course folder with --course DIR")
    try:
        data: Any = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise CourseError(f"{folder / 'course.yaml'}: not valid YAML: {exc}") from None
    if not isinstance(data.get("assignments"), dict):
        raise CourseError(f"{folder / 'course.yaml'}: needs an 'assignments' mapping")
    url = gradebook_url(folder, data)
    return Course(root=folder, course_id=str(data.get("course_id", "sim-msw")),
                  salt=str(data.get("variant_salt") or "sim-msw"), assignments=data["assignments"],
                  gradebook=None if url.startswith("sqlite:///" + str(folder)) else url,
                  sandbox=limits_from_yaml(data.get("sandbox"), str(folder / "course.yaml")))


def find_course(given: Path | str | None = None, cwd: Path | None = None) -> Course:
    """The course folder as nbgrader users expect: ``given`` (``--course``) when set, else the
    current folder when it holds ``nbgrader_config.py``, else ``assignments/`` below it."""
    if given is not None:
        return load_course(given)
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, here / "assignments"):
        if (folder / "nbgrader_config.py").is_file():
            return load_course(folder)
    raise CourseError(f"no course folder found: {here} has no nbgrader_config.py and no assignments/ folder "
                      "with one; run in the course folder or give --course DIR")
