"""Per-student case variants: who is the student, and which seed decides their case.

Every student gets their own variant of each assignment, derived from their identity and a
course salt, so that neighbours do not share a case. The student's identity is resolved, in
order:

1. the path of the notebook being graded: nbgrader executes a submission inside
   ``autograded/<student>/<assignment>/`` (or ``submitted/<student>/<assignment>/``), so at
   grading time the identity comes from where nbgrader put the file, not from the student;
2. ``SIM_STUDENT_ID`` or ``NBGRADER_STUDENT_ID`` in the environment (``sim grade autograde``
   sets the first for each worker);
3. ``JUPYTERHUB_USER`` (the student's own server on JupyterHub);
4. the operating-system user (a laptop install; documented fallback).

The course salt comes from ``SIM_COURSE_SALT``, else ``variant_salt`` in the ``course.yaml``
of the nearest course folder above the working directory, else the default ``sim-msw``.
The salt keeps variants unpredictable from one course or term to the next; it is not a secret
from students (their kernels need it to build their own case). What stops a student from
working on a classmate's variant is the check outside the kernel, against the submission path.
"""
from __future__ import annotations

import getpass
import hashlib
import hmac
import os
import re
from pathlib import Path

import yaml

DEFAULT_SALT = "sim-msw"
_GRADED_PATH = re.compile(r"(?:^|/)(?:autograded|submitted)/([^/]+)/([^/]+)/?$")
_STUDENT_ID = re.compile(r"^[A-Za-z0-9_.@+-]{1,64}$")


def find_course_dir(start: Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` holding ``nbgrader_config.py`` and ``course.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "course.yaml").is_file() and (folder / "nbgrader_config.py").is_file():
            return folder
    return None


def course_salt(course_dir: Path | None = None) -> str:
    """The salt that makes variants course-specific (see the module docstring for the order)."""
    env = os.environ.get("SIM_COURSE_SALT")
    if env:
        return env
    folder = course_dir or find_course_dir()
    if folder is not None:
        data = yaml.safe_load((folder / "course.yaml").read_text(encoding="utf-8")) or {}
        salt = data.get("variant_salt")
        if salt:
            return str(salt)
    return DEFAULT_SALT


def student_from_path(path: Path | str) -> str | None:
    """The student id if ``path`` is ``.../autograded|submitted/<student>/<assignment>``."""
    match = _GRADED_PATH.search(Path(path).resolve().as_posix())
    return match.group(1) if match else None


def current_student(cwd: Path | None = None) -> str:
    """Resolve who is working (or being graded) in this kernel; see the module docstring."""
    from_path = student_from_path(cwd or Path.cwd())
    if from_path:
        return from_path
    for name in ("SIM_STUDENT_ID", "NBGRADER_STUDENT_ID", "JUPYTERHUB_USER"):
        value = os.environ.get(name)
        if value:
            return value
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry in some containers
        return "student"


def student_variant(student_id: str, salt: str | None = None, assignment: str = "") -> int:
    """The seed of ``student_id``'s variant: HMAC-SHA256(salt, student[/assignment]) as 63 bits.

    Args:
        student_id: the nbgrader student id (e.g. the JupyterHub user name).
        salt: the course salt; ``None`` resolves it with :func:`course_salt`.
        assignment: when given, each assignment gets its own seed for the same student.

    Returns:
        A non-negative integer seed for ``numpy.random.default_rng``.
    """
    if not isinstance(student_id, str) or not student_id.strip():
        from sim.errors import SimValueError

        raise SimValueError(f"student id {student_id!r} is empty; give the nbgrader student id")
    message = f"{student_id.strip()}/{assignment}".encode()
    digest = hmac.new((salt or course_salt()).encode(), message, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1
