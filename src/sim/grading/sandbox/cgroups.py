"""Control groups for a sandbox started by root: a process limit that root cannot ignore.

The kernel does not apply ``RLIMIT_NPROC`` to processes of real root, even in a user namespace,
so a sandbox run by root goes into a fresh ``pids`` cgroup (``pids.max``) and, where one can be
made, a ``memory`` cgroup (the sum of its processes' memory). Both cgroup v1 (one hierarchy per
controller) and v2 (one unified hierarchy, controller enabled for our cgroup's children) work.
"""
from __future__ import annotations

import contextlib
import itertools
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sim.grading.sandbox.limits import SandboxLimits

ROOT = Path("/sys/fs/cgroup")
_COUNTER = itertools.count()


def _own_paths() -> dict[str, str]:
    """controller (or '' for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    paths: dict[str, str] = {}
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return paths
    for line in lines:
        _, controllers, path = line.split(":", 2)
        for c in controllers.split(",") if controllers else [""]:
            paths[c] = path
    return paths


def _parent(controller: str) -> Path | None:
    """A folder where a child cgroup with ``controller`` can be made, or None."""
    own = _own_paths()
    if controller in own:  # v1 hierarchy of its own
        base = ROOT / controller / own[controller].lstrip("/")
        return base if (base / "cgroup.procs").exists() else None
    if "" in own:  # v2: the controller must be enabled for the children of our cgroup's parent
        here = ROOT / own[""].lstrip("/")
        for base in (here, here.parent):
            try:
                if controller in (base / "cgroup.subtree_control").read_text().split():
                    return base
            except OSError:
                continue
    return None


@dataclass
class Cgroups:
    """The cgroups of one sandbox: join them in the child (``procs``), remove them after."""

    folders: list[Path] = field(default_factory=list)

    @property
    def procs(self) -> list[str]:
        return [str(f / "cgroup.procs") for f in self.folders]

    def remove(self) -> None:
        for folder in self.folders:
            for _ in range(50):  # the last processes of the sandbox may still be exiting
                try:
                    folder.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _make(controller: str, settings: dict[str, str]) -> Path | None:
    parent = _parent(controller)
    if parent is None:
        return None
    folder = parent / f"sim-sandbox-{os.getpid()}-{next(_COUNTER)}"
    try:
        folder.mkdir()
        for name, value in settings.items():
            (folder / name).write_text(value)
    except OSError:
        with contextlib.suppress(OSError):
            folder.rmdir()
        return None
    return folder


def create(limits: SandboxLimits) -> Cgroups | None:
    """New cgroups for a sandbox: ``None`` when no ``pids`` cgroup can be made here."""
    pids = _make("pids", {"pids.max": str(limits.processes)})
    if pids is None:
        return None
    groups = Cgroups([pids])
    mem = (2 * limits.memory_mib + 2 * limits.scratch_mib) * 2 ** 20  # processes, plus /tmp and scratch
    for settings in ({"memory.max": str(mem)}, {"memory.limit_in_bytes": str(mem)}):
        folder = _make("memory", settings)
        if folder is not None:
            groups.folders.append(folder)
            break
    return groups


def join(procs: list[str]) -> None:
    """Move the calling process into the cgroups (run in the sandbox's first process, before exec)."""
    pid = str(os.getpid())
    for path in procs:
        with open(path, "w") as f:
            f.write(pid)
