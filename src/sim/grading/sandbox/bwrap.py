"""The bubblewrap command line of a sandboxed kernel, and whether this machine can run one.

What the kernel sees: the operating system's programs and libraries (``/usr`` and the ``/lib``
links), a few files of ``/etc`` the dynamic linker and Python read, the Python environment and
the folders its ``.pth`` files add (the ``sim`` package), all read-only; a fresh ``/proc``
(its own processes only), a minimal ``/dev``, a private ``/tmp``, and its working folder: a
size-capped tmpfs at the same path as the submission's ``autograded/<student>/<assignment>``
folder, holding a copy of that folder's files. Nothing else of the machine exists in there: not
the course (``keys.yaml``, ``source/``, other students, the gradebook), not the home folder.
It has its own user, PID, network, IPC and UTS namespaces (no network but its own loopback),
runs as uid/gid 65534, cannot create further user namespaces, is in a new session (no terminal),
and is killed with everything it started when the grader's worker goes away.

The kernel enforces the limits per process (address space, CPU time, file size) and, for an
ordinary user, the process count per user namespace. A process of real root ignores the process
count even inside a user namespace, so run as root (a container, CI) the sandbox also goes into
a new ``pids`` cgroup (and a ``memory`` cgroup where one can be made, which caps the sum of all
its processes); when no such cgroup can be made, root cannot sandbox and is told so.
"""
from __future__ import annotations

import functools
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim.errors import SimError
from sim.grading.sandbox import inside
from sim.grading.sandbox.inside import EVENTS_FD, NPROC, OWN, VISIBLE, WRITABLE
from sim.grading.sandbox.limits import SandboxLimits

SANDBOX_UID = 65534
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "mime.types", "fonts")
PASS_ENV = ("SIM_COURSE_SALT", "SIM_STUDENT_ID", "NBGRADER_STUDENT_ID", "LANG", "LC_ALL", "TZ")


class SandboxUnavailableError(SimError):
    """This machine cannot start a sandboxed kernel; the message says why and what to do."""


@dataclass(frozen=True)
class Status:
    """Whether a sandbox can run here, and why not."""

    ok: bool
    reason: str
    bwrap: str | None = None
    version: str | None = None


def bwrap_path() -> str | None:
    return shutil.which("bwrap") or (("/usr/bin/bwrap") if os.path.exists("/usr/bin/bwrap") else None)


def python_roots() -> list[Path]:
    """Folders the kernel's Python needs, read-only: prefixes and ``.pth`` additions (``sim``)."""
    roots = {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    roots.add(Path(sys.executable).resolve().parent.parent)
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        roots.add(Path(sysconfig.get_paths()[key]).resolve())
    for sp in site.getsitepackages():
        for pth in Path(sp).glob("*.pth"):
            for line in pth.read_text(encoding="utf-8", errors="replace").splitlines():
                line = line.strip()
                if line and not line.startswith(("#", "import ")) and Path(line).is_dir():
                    roots.add(Path(line).resolve())
    # keep only outermost folders, and none of the system's (bound as a whole)
    kept: list[Path] = []
    for root in sorted(roots, key=lambda p: len(p.parts)):
        if root.is_dir() and not any(root.is_relative_to(k) for k in kept) and \
                not any(root.is_relative_to(s) for s in ("/usr", "/bin", "/lib", "/lib64")):
            kept.append(root)
    return kept


def exposed_course(course_root: Path) -> Path | None:
    """A read-only root that would show the course (the course inside the Python environment)."""
    course_root = course_root.resolve()
    for root in python_roots():
        if course_root.is_relative_to(root) or course_root == root:
            return root
    return None


@dataclass
class Launch:
    """Everything ``Popen`` needs to start one sandboxed kernel: the command and its fds."""

    argv: list[str]
    pass_fds: list[int]
    env: dict[str, str]


def build(kernel_argv: list[str], workdir: Path, socket_dir: Path, limits: SandboxLimits, events_fd: int,
          kernel_env: dict[str, str], files: list[tuple[str, int]], pycache: Path | None = None) -> Launch:
    """The ``bwrap`` command that runs ``kernel_argv`` in a sandbox with ``workdir`` as scratch.

    Args:
        kernel_argv: the kernel command (a Python ``-m ipykernel_launcher`` command is run through
            :mod:`sim.grading.sandbox.inside`).
        workdir: the kernel's working folder path (a tmpfs at that path inside).
        socket_dir: the folder of the kernel's ZMQ ``ipc`` sockets and connection file (bound
            read-write at the same path: the only way the kernel talks to the grader).
        limits: memory, CPU, processes, file size, scratch size.
        events_fd: the write end of the pipe for the audit hook's reports.
        kernel_env: the environment the kernel would get; only the course's variables pass.
        files: (relative path, open fd) of the files to copy into the scratch folder.
        pycache: the grader's bytecode cache (:mod:`sim.grading.sandbox.bytecode`), bound read-only
            and named by ``PYTHONPYCACHEPREFIX``; ``None``: the kernel compiles what has no ``.pyc``.
    """
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailableError(_NO_BWRAP)
    args = [bwrap, "--unshare-all", "--unshare-user", "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID),
            "--disable-userns", "--die-with-parent", "--new-session", "--hostname", "sandbox",
            "--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ETC_FILES:
        args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
    visible = ["/usr", "/bin", "/lib", "/lib64", "/etc"]
    for root in python_roots():
        args += ["--ro-bind", str(root), str(root)]
        visible.append(str(root))
    if pycache is not None:
        args += ["--ro-bind", str(pycache), str(pycache)]
        visible.append(str(pycache))
    scratch = str(2 ** 20 * limits.scratch_mib)
    args += ["--proc", "/proc", "--dev", "/dev", "--size", scratch, "--tmpfs", "/tmp",
             "--bind", str(socket_dir), str(socket_dir), "--perms", "0755", "--size", scratch, "--tmpfs", str(workdir)]
    for rel, fd in files:
        dest = workdir / rel
        if dest.parent != workdir:
            args += ["--dir", str(dest.parent)]
        args += ["--perms", "0644", "--file", str(fd), str(dest)]
    args += ["--chdir", str(workdir), "--clearenv"]
    env = {"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp",
           "USER": "student", "LOGNAME": "student", "TMPDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1",
           "IPYTHONDIR": "/tmp/.ipython", "MPLCONFIGDIR": "/tmp/.matplotlib", "JUPYTER_RUNTIME_DIR": "/tmp/.jupyter",
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
           "SIM_SANDBOX": "1", EVENTS_FD: str(events_fd), NPROC: str(limits.processes),
           VISIBLE: os.pathsep.join(visible), WRITABLE: "/tmp", OWN: str(workdir)}
    if pycache is not None:
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    env.update({k: v for k, v in kernel_env.items() if k in PASS_ENV or k.startswith("SIM_COURSE")})
    for key, value in sorted(env.items()):
        args += ["--setenv", key, value]
    argv = list(kernel_argv)
    if argv[1:3] == ["-m", "ipykernel_launcher"]:
        # The file itself, not ``-m sim.grading.sandbox.inside``: ``-m`` would import ``sim.grading``
        # (numpy, pydantic) before the kernel starts, a cost a notebook that never imports it would
        # pay. ``-P``: its folder is not put on ``sys.path`` (nor is the scratch folder).
        argv[1:3] = ["-P", inside.__file__]
    else:
        raise SandboxUnavailableError(f"only Python kernels can be sandboxed; this notebook's kernel runs "
                                      f"{' '.join(kernel_argv[:3])!r}")
    outer_env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}  # bwrap's own (readable inside as /proc/1/environ)
    return Launch(args + ["--", *argv], [fd for _, fd in files] + [events_fd], outer_env)


def preexec(limits: SandboxLimits, cgroup_procs: list[str]) -> Callable[[], None]:
    """What the sandbox's first process does before it becomes ``bwrap``: join the cgroups, set
    the limits the kernel enforces per process (address space, CPU time, file size, no core)."""
    def run() -> None:
        import resource

        from sim.grading.sandbox.cgroups import join

        join(cgroup_procs)
        mem = limits.memory_mib * 2 ** 20
        resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        size = limits.file_size_mib * 2 ** 20
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return run


_NO_BWRAP = ("bubblewrap is not installed: install it (Debian/Ubuntu: apt-get install bubblewrap; Fedora: "
             "dnf install bubblewrap), or run with --no-sandbox only for submissions you trust")


@functools.cache
def status() -> Status:
    """Can this machine start a sandbox? Runs a sandboxed Python once (about 0.1 s)."""
    if not sys.platform.startswith("linux"):
        return Status(False, f"sandboxed grading needs Linux namespaces; this is {sys.platform}: grade on a "
                      "Linux machine or container, or run with --no-sandbox only for submissions you trust")
    bwrap = bwrap_path()
    if bwrap is None:
        return Status(False, _NO_BWRAP)
    version = subprocess.run([bwrap, "--version"], capture_output=True, text=True).stdout.strip()
    import tempfile

    from sim.grading.sandbox import cgroups

    limits = SandboxLimits()
    groups = cgroups.create(limits) if os.geteuid() == 0 else cgroups.Cgroups()
    if groups is None:
        return Status(False, "running as root, the sandbox needs a pids cgroup to limit processes (root ignores "
                      "the process limit) and none can be made here: run sim grade as an ordinary user", bwrap,
                      version)
    code = ("import socket, sys\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', 9))\n"
            "except OSError:\n    pass\nelse:\n    sys.exit(3)\nimport sim\nprint('ok')")
    r, w = os.pipe()
    try:
        with tempfile.TemporaryDirectory(prefix="sim-sandbox-probe-") as tmp:
            launch = build([sys.executable, "-m", "ipykernel_launcher"], Path(tmp) / "work", Path(tmp), limits, w,
                           {}, [])
            argv = launch.argv[:launch.argv.index("--") + 1] + [sys.executable, "-c", code]
            proc = subprocess.run(argv, pass_fds=launch.pass_fds, env=launch.env, capture_output=True, text=True,
                                  timeout=60, preexec_fn=preexec(limits, groups.procs))
    except (OSError, subprocess.SubprocessError) as exc:
        return Status(False, f"{bwrap} ({version}) could not be started: {exc}", bwrap, version)
    finally:
        os.close(r)
        os.close(w)
        groups.remove()
    if proc.returncode == 3:
        return Status(False, "the sandbox reached the network: this bubblewrap does not isolate it", bwrap, version)
    if proc.returncode != 0 or "ok" not in proc.stdout:
        why = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
        hint = ("user namespaces are off or restricted for unprivileged users (sysctl "
                "kernel.unprivileged_userns_clone=1, user.max_user_namespaces > 0, or on Ubuntu "
                "kernel.apparmor_restrict_unprivileged_userns=0)") if "namespace" in why or "uid map" in why \
            else "check that the Python environment is readable"
        return Status(False, f"{bwrap} ({version}) could not start a sandbox: {why}; {hint}", bwrap, version)
    extra = ", a pids cgroup (run as root)" if groups.folders else ""
    return Status(True, f"{version} at {bwrap}: user, mount, PID and network namespaces{extra}; a sandboxed "
                  "Python imported sim and could not reach the network", bwrap, version)


def require() -> Status:
    """:func:`status`, raising :class:`SandboxUnavailableError` (one line) when no sandbox can run."""
    found = status()
    if not found.ok:
        raise SandboxUnavailableError(f"cannot grade in a sandbox: {found.reason}")
    return found
