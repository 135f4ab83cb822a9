"""Grading student code in a sandbox (Linux namespaces through bubblewrap).

Public API (for ``sim grade`` and the classroom):

- :class:`SandboxLimits`: memory, CPU time, processes, file size, scratch, wall clock per notebook
  (``course.yaml`` ``sandbox:`` overrides the defaults; ``Course.sandbox`` holds them).
- :func:`status` / :func:`require`: can this machine sandbox, and why not.
- :class:`SandboxUnavailableError`: raised by :func:`require` (one line: why, and what to do).

The kernel side is :mod:`sim.grading.sandbox.kernel` (imports jupyter_client and nbgrader: lazy).
"""
from __future__ import annotations

from sim.grading.sandbox.bwrap import SandboxUnavailableError, Status, require, status
from sim.grading.sandbox.limits import SandboxConfigError, SandboxLimits

__all__ = ["SandboxConfigError", "SandboxLimits", "SandboxUnavailableError", "Status", "require", "status"]
