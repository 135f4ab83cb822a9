"""The course on a real JupyterHub: one system user per student, nbgrader's exchange, a
PostgreSQL gradebook. ``sim classroom up``, ``sim classroom demo``, ``sim classroom clean``.

Everything here runs in the instructor's ``sim`` process, never in a student's kernel.
"""
from __future__ import annotations
