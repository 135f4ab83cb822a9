"""Run the classroom's JupyterHub and talk to it (its REST API and the students' servers).

The hub and its proxy listen on 127.0.0.1 only. Their ports are chosen free just before the hub
starts; if another process takes one first, the start fails and is retried on new ports.
"""
from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sim.classroom.hubconfig import HubSettings, hub_dir, read_settings, write_hub_config
from sim.errors import SimError


class HubError(SimError):
    """The hub did not start, or did not answer as expected."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers bind: TIME_WAIT is no conflict
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
    return False


class Hub:
    """A JupyterHub process for the classroom in ``state``."""

    def __init__(self, state: Path) -> None:
        self.state = state
        self.settings = read_settings(state)
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return self.settings.url

    @property
    def log_path(self) -> Path:
        return hub_dir(self.state) / "hub.log"

    # -- process -------------------------------------------------------------------------------
    def start(self, timeout: float = 120, attempts: int = 3, fixed_port: bool = False) -> Hub:
        """Start the hub (retrying on new ports if one was taken meanwhile); wait for its API."""
        for attempt in range(attempts):
            if attempt:
                s = self.settings
                s.hub_port, s.proxy_api_port = free_port(), free_port()
                if not fixed_port:
                    s.port = free_port()
                write_hub_config(s)
            deadline = time.monotonic() + 10  # a proxy that just stopped may hold it a moment
            while fixed_port and port_taken(self.settings.port) and time.monotonic() < deadline:
                time.sleep(0.2)
            if fixed_port and port_taken(self.settings.port):
                raise HubError(f"port {self.settings.port} on 127.0.0.1 is in use; give another with --port")
            log = self.log_path.open("ab")
            env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
            self.proc = subprocess.Popen([str(Path(sys.executable).parent / "jupyterhub"), "-f",
                                          str(hub_dir(self.state) / "jupyterhub_config.py")],
                                         cwd=hub_dir(self.state), stdout=log, stderr=subprocess.STDOUT, env=env,
                                         start_new_session=True)
            log.close()
            if self._wait_ready(timeout):
                return self
            tail = self.log_tail()
            self.stop_process()
            if "address already in use" not in tail.lower() and "EADDRINUSE" not in tail:
                raise HubError(f"JupyterHub did not start (log: {self.log_path}):\n{tail}")
        raise HubError(f"JupyterHub did not start after {attempts} tries on new ports (log: {self.log_path})")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                return False
            try:
                self.api("GET", "/")
                return True
            except (HubError, OSError):
                time.sleep(0.3)
        return False

    def log_tail(self, lines: int = 15) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop_process(self, timeout: float = 30) -> None:
        """Stop the hub process (students' servers keep running: ``cleanup_servers`` is off)."""
        pid = self.proc.pid if self.proc else _read_pid(hub_dir(self.state) / "jupyterhub.pid")
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None:
                if self.proc.poll() is not None:
                    break
            elif not _alive(pid):
                break
            time.sleep(0.2)
        else:
            os.kill(pid, signal.SIGKILL)
        if self.proc is not None:
            self.proc.wait(timeout=10)
            self.proc = None
        proxy = _read_pid(hub_dir(self.state) / "proxy.pid")  # the hub normally stops its proxy
        if proxy and _alive(proxy):
            os.kill(proxy, signal.SIGTERM)

    def restart(self) -> None:
        """Stop and start the hub process again on the same ports (as after a crash or an upgrade)."""
        self.stop_process()
        self.start(fixed_port=True)

    def shutdown(self, users: list[str]) -> None:
        """Stop every user's server through the API, then the hub and its proxy."""
        if self.proc is not None or _read_pid(hub_dir(self.state) / "jupyterhub.pid"):
            def stop(name: str) -> None:
                with contextlib.suppress(HubError, OSError):
                    self.api("DELETE", f"/users/{name}/server")

            # Asked one at a time, each request waits for that server to finish stopping (seconds
            # each); the hub stops several at once just as well.
            with ThreadPoolExecutor(max_workers=8) as pool:
                list(pool.map(stop, users))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(self.server_running(n) for n in users):
                time.sleep(0.5)
        self.stop_process()

    # -- REST ----------------------------------------------------------------------------------
    def request(self, method: str, url: str, body: Any = None, form: dict[str, str] | None = None,
                timeout: float = 120, raw: bool = False) -> Any:
        """An HTTP request with the classroom service's token; JSON in and out."""
        headers = {"Authorization": f"token {self.settings.service_token}"}
        data = None
        if form is not None:
            data = urllib.parse.urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        parts = urllib.parse.urlsplit(url)
        url = urllib.parse.urlunsplit(parts._replace(path=urllib.parse.quote(parts.path)))
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                text = resp.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode(errors="replace")[:300]
            raise HubError(f"{method} {url.split('?')[0]} answered {exc.code}: {detail}") from None
        if raw:
            return text
        return json.loads(text) if text.strip() else None

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        """The hub's REST API (``/hub/api`` + ``path``)."""
        return self.request(method, f"{self.url}/hub/api{path}", body, timeout=timeout)

    def user_server(self, user: str, method: str, path: str, body: Any = None, form: dict[str, str] | None = None,
                    timeout: float = 120) -> Any:
        """A request to ``user``'s own server (through the proxy), which runs as that user."""
        return self.request(method, f"{self.url}/user/{user}{path}", body, form, timeout=timeout)

    def server_running(self, user: str) -> bool:
        info = self.api("GET", f"/users/{user}") or {}
        server: dict[str, Any] = (info.get("servers") or {}).get("") or {}
        return bool(server.get("ready") or server.get("pending"))

    def spawn(self, user: str) -> None:
        """Ask the hub to start ``user``'s server (returns at once; see :meth:`wait_ready`)."""
        try:
            self.api("POST", f"/users/{user}/server")
        except HubError as exc:
            if "already running" not in str(exc) and "pending" not in str(exc):
                raise

    def wait_ready(self, user: str, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            info = self.api("GET", f"/users/{user}") or {}
            server = (info.get("servers") or {}).get("")
            if server and server.get("ready"):
                return
            if not server:
                raise HubError(f"the server of {user} stopped while starting; see {self.log_path}:\n"
                               + self.log_tail())
            time.sleep(0.5)
        raise HubError(f"the server of {user} did not start within {timeout:.0f} s; see {self.log_path}")

    def ensure_server(self, user: str) -> bool:
        """Make sure ``user``'s server answers; restart it if it died. Return True if it was restarted."""
        try:
            self.user_server(user, "GET", "/api/status", timeout=15)
            return False
        except (HubError, OSError):
            pass
        with contextlib.suppress(HubError):
            self.api("DELETE", f"/users/{user}/server", timeout=60)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and ((self.api("GET", f"/users/{user}") or {}).get("servers") or {}):
            time.sleep(0.5)
        self.spawn(user)
        self.wait_ready(user)
        return True


def new_settings(state: Path, course_id: str, instructor: str, students: list[str], port: int | None,
                 proxy_command: str, singleuser: str, environment: dict[str, str]) -> HubSettings:
    return HubSettings(state=str(state), course_id=course_id, instructor=instructor, students=students,
                       port=port or free_port(), hub_port=free_port(), proxy_api_port=free_port(),
                       proxy_command=proxy_command, singleuser=singleuser, environment=environment)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
