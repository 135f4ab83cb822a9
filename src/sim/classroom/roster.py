"""The class roster: a CSV with the columns of ``nbgrader db student import`` (``id`` required;
``first_name``, ``last_name``, ``email``, ``lms_user_id`` optional). Each ``id`` becomes a system
user name and the nbgrader student id, so it must be a valid, unique POSIX user name.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from sim.errors import SimValueError

COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
RESERVED = frozenset({"root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp",
                      "proxy", "www-data", "backup", "list", "irc", "nobody", "postgres", "admin", "jupyterhub"})


class RosterError(SimValueError):
    """The roster file is missing, malformed, or names a user that cannot be created."""


@dataclass(frozen=True)
class Student:
    """One row of the roster (every field but ``id`` may be empty)."""

    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""


def check_user_name(name: str, where: str) -> str:
    """``name`` if it is a user name this course can create; else :class:`RosterError`."""
    if not USER_NAME.match(name):
        raise RosterError(f"{where}: user name {name!r} is not allowed: use 1 to 32 characters, lower-case "
                          "letters, digits, '_' or '-', starting with a letter or '_' (e.g. 'jdoe', 's_01')")
    if name in RESERVED:
        raise RosterError(f"{where}: user name {name!r} is reserved for the system; choose another")
    return name


def read_roster(path: Path | str) -> list[Student]:
    """Read and check a roster CSV; every problem names the file, the line and the value."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise RosterError(f"{path}: no such roster file (a CSV with columns {', '.join(COLUMNS)})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RosterError(f"{path}: cannot read the roster: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in reader.fieldnames or []]
    if "id" not in header:
        raise RosterError(f"{path}:1: the roster needs an 'id' column (found: {', '.join(header) or 'nothing'}); "
                          f"columns allowed: {', '.join(COLUMNS)}")
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise RosterError(f"{path}:1: unknown column(s) {', '.join(map(repr, unknown))}; allowed: {', '.join(COLUMNS)}")
    students: list[Student] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(reader, start=2):
        values = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if not any(values.values()):
            continue
        name = check_user_name(values.get("id", ""), f"{path}:{line}")
        if name in seen:
            raise RosterError(f"{path}:{line}: student {name!r} is listed twice (first on line {seen[name]}); "
                              "each id must be unique")
        seen[name] = line
        students.append(Student(**{k: values.get(k, "") for k in COLUMNS}))
    if not students:
        raise RosterError(f"{path}: the roster lists no students")
    return students


def write_roster(path: Path, students: list[Student]) -> Path:
    """Write ``students`` as a roster CSV (the format :func:`read_roster` and nbgrader read)."""
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for s in students:
            writer.writerow([s.id, s.first_name, s.last_name, s.email, s.lms_user_id])
    return path
