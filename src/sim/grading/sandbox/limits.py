"""What a sandboxed kernel may use: memory, CPU time, processes, file size, scratch space, wall clock.

The defaults suit the course's notebooks on a 2-core machine; a course overrides any of them in
``course.yaml`` under ``sandbox:`` (for example ``sandbox: {memory_mib: 1024}``).
"""
from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError

from sim.errors import SimValueError
from sim.model.base import FrozenModel


class SandboxConfigError(SimValueError):
    """The ``sandbox:`` section of ``course.yaml`` is not valid."""


class SandboxLimits(FrozenModel):
    """Limits of one sandboxed kernel (one notebook of one submission)."""

    memory_mib: int = Field(2048, ge=256, le=1 << 20, description="address space per process, MiB")
    cpu_seconds: int = Field(600, ge=5, description="CPU time per process, seconds")
    processes: int = Field(128, ge=16, le=4096, description="processes and threads in the sandbox")
    file_size_mib: int = Field(64, ge=1, description="largest file the notebook may write, MiB")
    scratch_mib: int = Field(256, ge=16, description="size of the scratch folder and of /tmp, MiB each")
    wall_seconds: int = Field(900, ge=10, description="wall clock per notebook, on top of the per-cell timeout")

    def describe(self) -> str:
        return (f"memory {self.memory_mib} MiB, CPU {self.cpu_seconds} s, {self.processes} processes, "
                f"files up to {self.file_size_mib} MiB, scratch {self.scratch_mib} MiB, "
                f"wall clock {self.wall_seconds} s per notebook")


def limits_from_yaml(data: Any, where: str) -> SandboxLimits:
    """The limits given by the ``sandbox:`` mapping of ``course.yaml`` (``None``: the defaults)."""
    if data is None:
        return SandboxLimits()
    if not isinstance(data, dict):
        raise SandboxConfigError(f"{where}: 'sandbox' must be a mapping of limits, not {data!r}; "
                                 f"allowed keys: {', '.join(SandboxLimits.model_fields)}")
    try:
        return SandboxLimits(**data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "sandbox"
        allowed = ", ".join(SandboxLimits.model_fields)
        raise SandboxConfigError(f"{where}: sandbox.{key} = {err.get('input')!r}: {err['msg']} "
                                 f"(keys: {allowed})") from None
