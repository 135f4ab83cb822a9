"""The first code that runs inside the sandbox, before the kernel and any student code.

``python -P path/to/inside.py -f CONNECTION_FILE`` (run as a file, so that nothing of ``sim`` is imported before
the kernel) sets the limits the kernel itself
enforces (process count: it is counted per user namespace, so it must be set in here), installs
an audit hook that reports attempts to reach outside the sandbox, then starts ipykernel.

The hook only reports: what stops an attempt is the sandbox (nothing of the course is mounted,
the environment is read-only, there is no network). Reports go to a pipe the grader reads
after the notebook ran; each distinct attempt is reported once, at most ``MAX_EVENTS`` in all.
A student who silences the hook (closing the pipe) loses nothing but the report.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import signal
import sys
import tempfile
import time
from typing import Any

EVENTS_FD = "SIM_SANDBOX_EVENTS_FD"
VISIBLE = "SIM_SANDBOX_VISIBLE"      # read-only roots, os.pathsep-separated
WRITABLE = "SIM_SANDBOX_WRITABLE"    # private writable roots (/tmp)
OWN = "SIM_SANDBOX_OWN"              # the notebook's scratch folder
NPROC = "SIM_SANDBOX_NPROC"
MAX_EVENTS = 64
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _roots(name: str) -> tuple[str, ...]:
    return tuple(p.rstrip("/") + "/" for p in os.environ.get(name, "").split(os.pathsep) if p)


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path.startswith(r) or path + "/" == r for r in roots)


def _above(path: str, roots: tuple[str, ...]) -> bool:
    """``path`` is a folder on the way to a root (listing ``/`` shows only what is mounted)."""
    prefix = path.rstrip("/") + "/"
    return any(r.startswith(prefix) for r in roots)


def _scaffolding(own: tuple[str, ...], writable: tuple[str, ...]) -> tuple[str, ...]:
    """Folders above the notebook's own folder that lie inside a writable root (a course kept under
    ``/tmp``): inside the sandbox they are empty scaffolding, outside they hold the course."""
    found = set()
    for folder in own:
        parts = folder.rstrip("/").split("/")
        for i in range(2, len(parts)):
            above = "/".join(parts[:i]) + "/"
            if any(above.startswith(w) and above != w for w in writable):
                found.add(above)
    return tuple(sorted(found))


#: Files of /proc/<pid>/ that tell about another process (reading them is an attempt to spy).
PROC_SPY = frozenset({"environ", "cmdline", "mem", "maps", "root", "cwd", "fd", "exe", "status", "auxv"})


def write_event(fd: int, kind: str, detail: str) -> None:
    """One report to the grader (a JSON line); lost, not raised, when the pipe is full or closed."""
    with contextlib.suppress(OSError):
        os.write(fd, (json.dumps({"kind": kind, "detail": detail[:300]}) + "\n").encode())


class CPUTimeLimitError(Exception):
    """The kernel used up the sandbox's CPU time (``cpu_seconds``); the running cell is stopped."""


def on_cpu_limit(fd: int) -> Any:
    """A ``SIGXCPU`` handler: at the soft CPU limit, report it and stop the running cell with
    :class:`CPUTimeLimitError`, as nbgrader stops a cell that runs past its timeout, so that the
    notebook's later cells still run and grade. They share what is left up to the hard limit (a
    few seconds, see :func:`sim.grading.sandbox.bwrap.preexec`), where the kernel is killed."""
    def handler(signum: int, frame: Any) -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if soft != resource.RLIM_INFINITY and soft < hard:
            resource.setrlimit(resource.RLIMIT_CPU, (hard, hard))  # no second signal before the hard limit
        write_event(fd, "cpu", str(soft))
        raise CPUTimeLimitError(f"the CPU time limit of the grading sandbox ({soft} s) is used up: this cell "
                                "was stopped")

    return handler


def make_hook(fd: int, visible: tuple[str, ...], writable: tuple[str, ...], own: tuple[str, ...] = ()) -> Any:
    """The audit hook: report network use and file access outside the sandbox's own folders.

    Args:
        fd: where reports go (one JSON line each).
        visible: read-only roots (the Python environment).
        writable: private writable roots that may share a prefix with host paths (``/tmp``): a
            path there that does not exist is taken for a host path the notebook reached for.
        own: the notebook's own scratch folder.
    """
    seen: set[tuple[str, str]] = set()
    busy = [False]
    me = (f"/proc/{os.getpid()}/", "/proc/self/", "/proc/thread-self/")
    ipython_cells = os.path.join(tempfile.gettempdir(), "ipykernel_")
    skeleton = _scaffolding(own, writable)

    def report(kind: str, detail: str) -> None:
        if (kind, detail) in seen or len(seen) >= MAX_EVENTS:
            return
        seen.add((kind, detail))
        write_event(fd, kind, detail)

    def check_path(path: Any, write: bool) -> None:
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        if not isinstance(path, str) or not path or path == ":memory:" or path.startswith("file:"):
            return
        full = os.path.normpath(os.path.join(os.getcwd(), path)) if not path.startswith("/") else \
            os.path.normpath(path)
        if full.startswith("/proc/"):
            parts = full.split("/")
            if parts[2].isdigit() and not full.startswith(me) and len(parts) > 3 and parts[3] in PROC_SPY:
                report("proc", full)
        elif (_under(full, own) or full.startswith(("/dev/", "/sys/")) or full == "/proc"
              or (not write and _under(full, visible))):  # bound read-only, even below /tmp (a cache there)
            return
        elif _under(full, writable):  # its private /tmp: fine, unless it is a host path that is not there
            if full.startswith(ipython_cells):
                return  # IPython names cells after files it never writes; tracebacks look for them
            if _under(full, skeleton) or not os.path.exists(os.path.dirname(full) if write else full):
                report("write" if write else "read", full)
        elif write:
            report("write", full)
        elif not _under(full, visible) and not _above(full, visible + writable + own):
            report("read", full)

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if busy[0] or event not in _EVENTS:
            return
        busy[0] = True
        try:
            if event == "open":
                path, mode, flags = args
                write = (isinstance(mode, str) and any(c in mode for c in "wax+")) or \
                    (isinstance(flags, int) and bool(flags & _WRITE_FLAGS))
                check_path(path, write)
            elif event in ("os.listdir", "os.scandir", "sqlite3.connect"):
                check_path(args[0] if args else None, event == "sqlite3.connect")
            elif event in ("socket.connect", "socket.sendto", "socket.bind"):
                sock, address = args[0], args[1]
                if getattr(sock, "family", None) in (2, 10):  # AF_INET, AF_INET6
                    host = address[0] if isinstance(address, tuple) else address
                    port = f":{address[1]}" if isinstance(address, tuple) and len(address) > 1 else ""
                    report("network", f"{host}{port}")
            elif event == "socket.getaddrinfo" and args and args[0] not in (None, "", "localhost"):
                report("network", f"{args[0]}" + (f":{args[1]}" if len(args) > 1 and args[1] else ""))
        except Exception:  # a report must never break the student's cell
            pass
        finally:
            busy[0] = False

    return hook


_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "sqlite3.connect", "socket.connect",
                     "socket.sendto", "socket.bind", "socket.getaddrinfo"})


def hit_process_limit(error: BaseException | None) -> bool:
    """Whether a cell failed because the sandbox's process limit stopped a fork or a new thread."""
    if isinstance(error, OSError):
        return error.errno == errno.EAGAIN
    return isinstance(error, RuntimeError) and "can't start new thread" in str(error)


def _live_others(me: int) -> list[int]:
    """Processes of this PID namespace other than its init (pid 1) and ``me``, zombies left out."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in (1, me):
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rsplit(b")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != b"Z":
            found.append(int(entry))
    return found


def stop_other_processes(me: int, rounds: int = 200) -> int:
    """End every process of the sandbox but the kernel ``me``; return how many there were.

    Only inside the sandbox's own PID namespace, whose init (pid 1) is ``bwrap``: there
    ``kill(-1)`` reaches the notebook's processes and nothing of the machine.
    """
    try:
        with open("/proc/1/comm") as handle:
            if handle.read().strip() != "bwrap":
                return 0
    except OSError:
        return 0
    most = 0
    for _ in range(rounds):
        others = _live_others(me)
        if not others:
            break
        most = max(most, len(others))
        with contextlib.suppress(OSError):
            os.kill(-1, signal.SIGKILL)  # all but init and the caller (Linux)
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0]:
                pass  # the kernel's own children: reaped, so they leave the process table
        time.sleep(0.005)
    return most


def _yield_cpu() -> None:
    with contextlib.suppress(OSError):
        os.nice(19)


def main() -> None:
    """Limit processes, install the hook, run ipykernel with this process's arguments."""
    nproc = int(os.environ.get(NPROC, "0"))
    if nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    fd = int(os.environ.get(EVENTS_FD, "-1"))
    if fd >= 0:
        sys.addaudithook(make_hook(fd, _roots(VISIBLE), _roots(WRITABLE), _roots(OWN)))
    signal.signal(signal.SIGXCPU, on_cpu_limit(fd))
    if sys.path and sys.path[0] in ("", os.getcwd()):
        del sys.path[0]  # the scratch folder is the student's: no module of theirs shadows the kernel's
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize(sys.argv[1:])
    kernel_pid = os.getpid()

    def after_cell(result: Any = None) -> None:
        # A process forked by the notebook is a copy of the kernel: when its copy of the cell ends,
        # it must not go on to answer as the kernel (a fork bomb's children would flood and garble
        # the kernel's messages). It ends here instead.
        if os.getpid() != kernel_pid:
            os._exit(0)
        # A cell that hit the process limit leaves a fork bomb's copies forking as fast as slots
        # free up: they would starve the rest of the notebook of CPU. They end with the cell.
        if hit_process_limit(getattr(result, "error_in_exec", None)):
            stopped = stop_other_processes(kernel_pid)
            if stopped and fd >= 0:
                with contextlib.suppress(OSError):
                    os.write(fd, (json.dumps({"kind": "nproc", "detail": f"{stopped} stopped"}) + "\n").encode())

    shell = app.shell
    assert shell is not None  # initialize() made it
    shell.events.register("post_run_cell", after_cell)
    # The notebook's own processes yield the CPU to the kernel: a fork bomb's copies then cannot
    # starve the kernel of the moment it needs to hit the process limit and end the cell.
    os.register_at_fork(after_in_child=_yield_cpu)
    app.start()


if __name__ == "__main__":
    main()
