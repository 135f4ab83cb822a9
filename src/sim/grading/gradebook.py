"""Write to and read from nbgrader's gradebook (the database formgrader reads), robustly.

The gradebook is SQLite by default (a file in the course, needs nothing) or PostgreSQL
(``postgresql://...`` in ``course.yaml``, see :func:`sim.grading.course.gradebook_url`).
SQLite allows one writer at a time; nbgrader's FAQ calls it not thread-safe. Every write here
goes through :func:`with_retry`, which retries on "database is locked" with backoff, and the
connection waits up to 60 s for a lock (``?timeout=60`` in the URL). PostgreSQL takes concurrent
writers itself: nothing there is ever retried.
"""
from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


GRADEBOOK_SCHEMES = ("sqlite:///", "postgresql://", "postgres://", "postgresql+psycopg://")


def redact(db_url: str) -> str:
    """``db_url`` with any password replaced by ``***`` (for messages and logs)."""
    import re

    return re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1:***@", db_url)


def is_postgres(db_url: str) -> bool:
    """Whether ``db_url`` names a PostgreSQL gradebook."""
    return db_url.startswith(("postgresql", "postgres:"))


def locking_url(db_url: str, timeout: int = 60) -> str:
    """The SQLAlchemy URL to open ``db_url`` with.

    SQLite gets a busy timeout, so writers wait for the lock instead of failing; PostgreSQL gets
    the psycopg (version 3) driver, the one the project installs (``postgresql://`` alone would
    make SQLAlchemy look for psycopg2).
    """
    if db_url.startswith("sqlite") and "timeout=" not in db_url:
        return db_url + ("&" if "?" in db_url else "?") + f"timeout={timeout}"
    for prefix in ("postgresql://", "postgres://"):
        if db_url.startswith(prefix):
            return "postgresql+psycopg://" + db_url[len(prefix):]
    return db_url


def is_locked_error(exc: BaseException | str) -> bool:
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def with_retry(action: Callable[[], T], attempts: int = 8) -> T:
    """Run ``action``; on a locked database wait (exponential backoff, jitter) and run it again."""
    for attempt in range(attempts):
        try:
            return action()
        except Exception as exc:  # sqlalchemy OperationalError, wrapped or not
            if not is_locked_error(exc) or attempt == attempts - 1:
                raise
            time.sleep(min(5.0, 0.1 * 2 ** attempt) * (1 + random.random()))
    raise AssertionError("unreachable")


def _venv_bin_on_path() -> None:
    """Put this interpreter's bin folder on PATH (``sim`` may run without an activated venv)."""
    import os
    import sys
    from pathlib import Path

    bin_dir = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if bin_dir not in path.split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + path


@contextmanager
def gradebook(db_url: str, course_id: str) -> Iterator[Any]:
    """An open :class:`nbgrader.api.Gradebook` with the locking URL."""
    from nbgrader.api import Gradebook

    _venv_bin_on_path()  # a new gradebook is created by running the venv's `alembic` script
    gb = Gradebook(locking_url(db_url), course_id)
    try:
        yield gb
    finally:
        gb.close()


def grade_rows(db_url: str, course_id: str, assignment: str | None = None) -> list[dict[str, Any]]:
    """Every grade cell score: student, assignment, notebook, grade id, score, max, auto, manual."""
    rows = []
    with gradebook(db_url, course_id) as gb:
        for a in gb.assignments:
            if assignment and a.name != assignment:
                continue
            for sub in a.submissions:
                for nb in sub.notebooks:
                    for g in nb.grades:
                        rows.append({"student": sub.student.id, "assignment": a.name, "notebook": nb.name,
                                     "grade_id": g.name, "score": float(g.score or 0.0),
                                     "max_score": float(g.max_score or 0.0), "auto_score": g.auto_score,
                                     "manual_score": g.manual_score})
    return rows
