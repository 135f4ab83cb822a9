"""System users for the classroom: one per student and one for the instructor.

Creating users needs root. Every user this course creates is listed in ``STATE/users.json``, and
only those are ever removed: an account that already exists is never taken over or deleted.
Homes live in ``STATE/home/<name>`` with mode 0700 (no other student can read them).
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from sim.errors import SimError

NOLOGIN = next((p for p in ("/usr/sbin/nologin", "/sbin/nologin") if Path(p).exists()), "/bin/false")


class UsersError(SimError):
    """A system user could not be created or removed (or we are not root)."""


@dataclass(frozen=True)
class SystemUser:
    """A user this course created."""

    name: str
    uid: int
    gid: int
    home: str


def require_root(what: str) -> None:
    """Raise a clear :class:`UsersError` unless this process is root."""
    if os.geteuid() != 0:
        raise UsersError(f"{what} creates one system user per student and needs root (this is uid "
                         f"{os.geteuid()}). Run it as root (sudo), or without a hub use the single-user "
                         "course: 'make lab' for the lessons and 'make demo' for the graded class")


def _registry(state: Path) -> Path:
    return state / "users.json"


def created_users(state: Path) -> list[SystemUser]:
    """The users this course created in ``state`` (from ``users.json``)."""
    path = _registry(state)
    if not path.exists():
        return []
    return [SystemUser(**u) for u in json.loads(path.read_text(encoding="utf-8"))]


def _save(state: Path, users: list[SystemUser]) -> None:
    tmp = _registry(state).with_suffix(".tmp")
    tmp.write_text(json.dumps([asdict(u) for u in users], indent=1), encoding="utf-8")
    tmp.replace(_registry(state))


def ensure_user(state: Path, name: str) -> SystemUser:
    """Create system user ``name`` with a private home in ``state/home`` (kept if this course made it)."""
    known = {u.name: u for u in created_users(state)}
    if name in known:
        return known[name]
    try:
        pwd.getpwnam(name)
        raise UsersError(f"a system user {name!r} already exists and was not created by this course "
                         f"({_registry(state)}); rename the student in the roster or remove that account")
    except KeyError:
        pass
    home = state / "home" / name
    home.parent.mkdir(parents=True, exist_ok=True)
    home.parent.chmod(0o711)  # users reach their own home; nobody lists the others
    proc = subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", NOLOGIN,
                           "--user-group", "--comment", "sim classroom (synthetic course)", name],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        raise UsersError(f"useradd {name} failed: {proc.stderr.strip()}")
    home.chmod(0o700)
    entry = pwd.getpwnam(name)
    user = SystemUser(name, entry.pw_uid, entry.pw_gid, str(home))
    _save(state, [*known.values(), user])
    return user


def remove_users(state: Path) -> list[str]:
    """Remove every user this course created (their processes, accounts, homes); return their names."""
    removed = []
    users = created_users(state)
    for user in users:
        subprocess.run(["pkill", "-KILL", "-u", str(user.uid)], capture_output=True, check=False)
        try:
            pwd.getpwnam(user.name)
            proc = subprocess.run(["userdel", user.name], capture_output=True, text=True, check=False)
            if proc.returncode not in (0, 6):  # 6: no such user
                raise UsersError(f"userdel {user.name} failed: {proc.stderr.strip()}")
        except KeyError:
            pass
        shutil.rmtree(user.home, ignore_errors=True)
        removed.append(user.name)
    if users:
        _save(state, [])
    return removed


def chown_tree(path: Path, user: SystemUser) -> None:
    """Give ``path`` and everything under it to ``user``."""
    for root, dirs, files in os.walk(path):
        os.chown(root, user.uid, user.gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), user.uid, user.gid)
