"""A Jupyter kernel manager that starts every kernel in the sandbox, and nbgrader's executor using it.

The grader (nbgrader's ``Execute`` preprocessor, in the worker process) stays outside; only the
kernel runs inside. They talk over ZMQ's ``ipc`` transport: Unix sockets in a private folder
bound into the sandbox at the same path, so the sandbox needs no network at all. What the sandbox
saw (the audit hook's reports, a wall-clock kill, processes left running) is appended to
:data:`LOG` for the worker to report.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbgrader.preprocessors import Execute
from traitlets import Dict, Unicode

from sim.grading.sandbox import bwrap, cgroups
from sim.grading.sandbox.limits import SandboxLimits

#: What the sandboxed kernels of this process reported: dicts with ``kind`` and ``detail``.
LOG: list[dict[str, str]] = []
MAX_FILES = 500


def _copy_fds(folder: Path, budget: int) -> list[tuple[str, int]]:
    """Open the regular files under ``folder`` (no symlinks) to copy them into the scratch tmpfs."""
    found: list[tuple[str, int]] = []
    total = 0
    for path in sorted(folder.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        size = path.stat().st_size
        if len(found) >= MAX_FILES or total + size > budget:
            LOG.append({"kind": "copy", "detail": f"{path.relative_to(folder)} and later files not copied "
                        "into the sandbox (over the scratch size)"})
            break
        total += size
        found.append((str(path.relative_to(folder)), os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)))
    return found


def _descendants(pid: int) -> list[int]:
    """Processes below ``pid`` (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        state, ppid_text = stat.rsplit(")", 1)[1].split()[:2]
        if state == "Z":  # exited, not yet reaped: not running
            continue
        ppid = int(ppid_text)
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


class SandboxedKernelManager(AsyncKernelManager):
    """Starts the kernel with ``bwrap`` (see :mod:`sim.grading.sandbox.bwrap`), talks over ``ipc``."""

    limits = Dict({}, help="SandboxLimits fields (defaults for those left out)").tag(config=True)
    pycache = Unicode("", help="the grader's bytecode cache, bound read-only ('': none)").tag(config=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._socket_dir: str | None = None
        self._events_r: int | None = None
        self._timer: threading.Timer | None = None
        self._groups: cgroups.Cgroups | None = None
        self._killed_for_time = False
        self._output: int | None = None

    @property
    def sandbox_limits(self) -> SandboxLimits:
        return SandboxLimits(**self.limits)

    async def _async_pre_start_kernel(self, **kw: Any) -> tuple[list[str], dict[str, Any]]:
        self._socket_dir = tempfile.mkdtemp(prefix="sim-sandbox-")
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")
        self.connection_file = os.path.join(self._socket_dir, "kernel.json")
        assert self.kernel_spec is not None
        self.kernel_spec.interrupt_mode = "message"  # no signal crosses into the sandbox's session
        return await super()._async_pre_start_kernel(**kw)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        limits = self.sandbox_limits
        workdir = Path(kw.get("cwd") or os.getcwd()).resolve()
        r, w = os.pipe()
        os.set_blocking(r, False)
        os.set_blocking(w, False)
        self._events_r = r
        files = _copy_fds(workdir, limits.scratch_mib * 2 ** 20 // 2)
        assert self._socket_dir is not None
        launch = bwrap.build(kernel_cmd, workdir, Path(self._socket_dir), limits, w, dict(kw.get("env") or {}),
                             files, Path(self.pycache) if self.pycache else None)
        groups = cgroups.create(limits) if os.geteuid() == 0 else cgroups.Cgroups()
        if groups is None:
            raise bwrap.SandboxUnavailableError("running as root, no pids cgroup can be made to limit processes")
        self._groups = groups
        # the kernel's own chatter, in an unnamed file: read only if it dies
        self._output = os.open(tempfile.gettempdir(), os.O_TMPFILE | os.O_RDWR | os.O_CLOEXEC)
        kw.update(env=launch.env, pass_fds=launch.pass_fds, preexec_fn=bwrap.preexec(limits, groups.procs),
                  stdout=self._output, stderr=self._output)
        try:
            await super()._async_launch_kernel(launch.argv, **kw)
        finally:
            for fd in launch.pass_fds:
                os.close(fd)
        self._timer = threading.Timer(limits.wall_seconds, self._out_of_time)
        self._timer.daemon = True
        self._timer.start()

    def _pid(self) -> int | None:
        return getattr(self.provisioner, "pid", None)

    def _out_of_time(self) -> None:
        pid = self._pid()
        if pid is not None:
            self._killed_for_time = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)  # bwrap; --die-with-parent ends the sandbox's every process

    async def _async_request_shutdown(self, restart: bool = False) -> None:
        pid = self._pid()
        if pid is not None:
            # bwrap -> its init (PID 1 inside) -> the kernel; anything more was started by the notebook
            extra = len(_descendants(pid)) - 2
            if extra > 0:
                LOG.append({"kind": "processes", "detail": str(extra)})
        await super()._async_request_shutdown(restart=restart)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        self._finish()

    cleanup_resources = _async_cleanup_resources

    def _finish(self) -> None:
        """Stop the clock, read the reports, make sure nothing of the sandbox is left, clean up."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        process = getattr(self.provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
        if process is not None:
            try:
                code = process.wait(timeout=10)
            except Exception:
                code = None
            if self._killed_for_time:
                LOG.append({"kind": "wall_clock", "detail": str(self.sandbox_limits.wall_seconds)})
            elif code in (-signal.SIGXCPU, 128 + signal.SIGXCPU):
                LOG.append({"kind": "cpu_killed", "detail": str(self.sandbox_limits.cpu_seconds)})
            elif code not in (0, None, -signal.SIGKILL, 128 + signal.SIGKILL) and self._output is not None:
                size = os.lseek(self._output, 0, os.SEEK_END)
                tail = os.pread(self._output, 4000, max(0, size - 4000)).decode("utf-8", "replace")
                lines = [ln for ln in tail.splitlines() if ln.strip()]
                LOG.append({"kind": "died", "detail": f"exit code {code}" + (f": {lines[-1][:200]}" if lines else "")})
        if self._output is not None:
            os.close(self._output)
            self._output = None
        if self._events_r is not None:
            LOG.extend(_read_events(self._events_r))
            os.close(self._events_r)
            self._events_r = None
        if self._groups is not None:
            self._groups.remove()
            self._groups = None
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None


def _read_events(fd: int) -> list[dict[str, str]]:
    data = b""
    deadline = time.monotonic() + 1
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            break
        if not chunk:
            break
        data += chunk
    events = []
    for line in data.decode("utf-8", "replace").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and isinstance(event.get("kind"), str):
            events.append({"kind": event["kind"], "detail": str(event.get("detail", ""))[:300]})
    return events


def _not_run(limits: SandboxLimits, stopped_here: bool) -> Any:
    """The error output a code cell gets when the wall clock stopped the notebook before or in it."""
    from nbformat import NotebookNode

    where = "while this cell ran" if stopped_here else "before this cell could run"
    text = (f"the notebook ran past the wall-clock limit ({limits.wall_seconds} s per notebook) and its "
            f"kernel was stopped {where}; the cells that ran before are graded")
    return NotebookNode(output_type="error", ename="WallClockLimit", evalue=text,
                        traceback=[f"\x1b[0;31mWallClockLimit\x1b[0m: {text}"])


class SandboxedExecute(Execute):
    """nbgrader's ``Execute`` with every kernel in the sandbox.

    When the wall clock stops the kernel, the notebook is still graded: the cell running then and
    every code cell after it get a ``WallClockLimit`` error output (so their tests score nothing),
    and the cells that ran before keep their results.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("kernel_manager_class", SandboxedKernelManager)
        super().__init__(*args, **kwargs)
        self._stopped_for_time = False

    def preprocess(self, nb: Any, resources: Any = None, km: Any = None) -> tuple[Any, Any]:
        self._stopped_for_time = False
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell: Any, resources: Any, index: int) -> tuple[Any, Any]:
        from nbclient.exceptions import DeadKernelError

        limits = getattr(self.km, "sandbox_limits", None)
        if self._stopped_for_time and limits is not None:
            if cell.cell_type == "code":
                cell.outputs = [_not_run(limits, stopped_here=False)]
            return cell, self.resources
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if limits is None or not getattr(self.km, "_killed_for_time", False):
                raise
            self._stopped_for_time = True
            cell.outputs = [*cell.get("outputs", []), _not_run(limits, stopped_here=True)]
            return cell, self.resources
