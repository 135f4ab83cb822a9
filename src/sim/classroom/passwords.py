"""Login passwords for ``sim classroom up``: the hub authenticates with PAM, so each user gets a
random system password, written to ``STATE/passwords.csv`` (mode 0600) for the instructor to hand out.
"""
from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from sim.classroom.users import UsersError

if TYPE_CHECKING:
    from sim.classroom.room import Classroom


def set_passwords(room: Classroom) -> Path:
    """Give every user of ``room`` that has none yet a random password; return the CSV's path."""
    path = room.state / "passwords.csv"
    known: dict[str, str] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            name, _, password = line.partition(",")
            known[name] = password
    users = [room.instructor.name, *room.students]
    new = {name: secrets.token_urlsafe(9) for name in users if name not in known}
    if new:
        proc = subprocess.run(["chpasswd"], input="".join(f"{n}:{p}\n" for n, p in new.items()), text=True,
                              capture_output=True, check=False)
        if proc.returncode:
            raise UsersError(f"chpasswd failed: {proc.stderr.strip()}")
    known.update(new)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("user,password\n" + "".join(f"{n},{known[n]}\n" for n in users))
    return path
