"""A private PostgreSQL server in a folder: for tests, the demo and a course on one machine.

It listens on a Unix socket in its own folder only (``listen_addresses=''``): no TCP port to pick,
so no race with another process for one. PostgreSQL refuses to run as root; as root the data
folder belongs to ``nobody`` and the server runs as that user (through ``runuser``). Local
connections are trusted (only users who can reach the socket folder can connect).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from sim.errors import SimError

SERVICE_USER = "nobody"


class PostgresError(SimError):
    """PostgreSQL is missing or could not start."""


def find_bindir() -> Path:
    """The folder of ``initdb`` and ``pg_ctl`` (``$SIM_PG_BINDIR``, Debian's newest, or ``PATH``)."""
    if os.environ.get("SIM_PG_BINDIR"):
        return Path(os.environ["SIM_PG_BINDIR"])
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if debian:
        return Path(debian[-1]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise PostgresError("PostgreSQL's initdb was not found: install it (Debian: apt-get install postgresql) "
                        "or set SIM_PG_BINDIR to the folder that holds initdb and pg_ctl")


class LocalPostgres:
    """A PostgreSQL server whose data and socket live in ``folder`` (a new temporary one if None).

    Use as a context manager, or call :meth:`start` and :meth:`stop`.
    """

    def __init__(self, folder: Path | None = None, group: str | None = None) -> None:
        self.bindir = find_bindir()
        self.group = group  # as root: only this group (and the service user) may reach the socket
        self._own = folder is None
        # Not under a root-only temporary folder: the service user must reach it.
        self.folder = Path(folder or tempfile.mkdtemp(prefix="sim-pg-", dir="/tmp" if os.name == "posix" else None))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log = self.folder / "postgres.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", SERVICE_USER, "--", *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, check=False)

    def url(self, database: str = "postgres") -> str:
        """``postgresql://`` URL of ``database``, through the socket."""
        return f"postgresql://postgres@/{database}?host={self.socket_dir}"

    def start(self) -> LocalPostgres:
        """initdb (first time) and start; wait until it accepts connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if os.geteuid() == 0:
            for path in (self.folder, self.socket_dir):
                shutil.chown(path, SERVICE_USER, self.group)
            self.folder.chmod(0o750 if self.group else 0o755)
            self.socket_dir.chmod(0o750 if self.group else 0o755)
        if not (self.data / "PG_VERSION").exists():
            proc = self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
                             "--auth=trust", "--encoding=UTF8", "--no-locale")
            if proc.returncode:
                raise PostgresError(f"initdb failed in {self.data}: {proc.stderr.strip()[-400:]}")
        options = f"-c listen_addresses='' -k {self.socket_dir} -c fsync=off -c max_connections=200"
        proc = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.log),
                         "-w", "-t", "60", "start")
        if proc.returncode:
            log = self.log.read_text(errors="replace")[-600:] if self.log.exists() else ""
            raise PostgresError(f"PostgreSQL did not start in {self.data}: {proc.stderr.strip()[-300:]} {log}")
        return self

    def create_database(self, name: str) -> str:
        """Create database ``name`` (if missing) and return its URL."""
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        """Stop the server (fast shutdown); remove the folder if this object made it."""
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        if self._own:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
