"""Course tooling for the nbgrader course ``sim-msw``.

Student-facing (imported in notebooks): :func:`start`, :func:`record`, :func:`check`,
:func:`student_variant`. Instructor-facing (the ``sim grade`` process, never the kernel):
``sim.grading.scoring``, ``sim.grading.autograde``, ``sim.grading.feedback``,
``sim.grading.export``, ``sim.grading.competencies``, ``sim.grading.comments``.
"""
from __future__ import annotations

from sim.grading.student import check, record, start
from sim.grading.variant import current_student, student_variant

__all__ = ["check", "current_student", "record", "start", "student_variant"]
