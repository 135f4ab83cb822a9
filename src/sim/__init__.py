"""sim: a simulation curriculum for medical social work.

Builds synthetic patients with psychosocial needs and runs their cases: interview, screening,
assessment, intervention selection, care and discharge planning, simulated outcomes, feedback.
Everything this package generates is synthetic and labelled so.

``import sim`` stays fast (under 50 ms; tests/test_import_time.py): every autograded notebook pays
for it. The public names below are the lessons' API; each loads its module on first use, because
the pydantic models alone take longer to import than that. This is the only lazy table in the
package: every other ``__init__`` imports its names plainly. Type checkers see the plain imports
under ``TYPE_CHECKING``.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim import cases, feedback, instruments, interview, notes, outcomes, practice, triage, viz, widgets
    from sim.cases import load_case
    from sim.generate import cohort, generate_patient
    from sim.model import Case, Patient
    from sim.practice import expert, interventions, resources

__version__ = "0.1.0"

# Public name -> "module:attribute" (or "module" for a submodule), imported on first access.
# Keep in step with the TYPE_CHECKING imports above (tests/test_import_time.py checks both).
_LAZY: dict[str, str] = {
    "generate_patient": "sim.generate:generate_patient",
    "cohort": "sim.generate:cohort",
    "load_case": "sim.cases:load_case",
    "Patient": "sim.model:Patient",
    "Case": "sim.model:Case",
    "cases": "sim.cases",
    "instruments": "sim.instruments",
    "interview": "sim.interview",
    "interventions": "sim.practice.interventions",
    "resources": "sim.practice.resources",
    "outcomes": "sim.outcomes",
    "expert": "sim.practice.expert",
    "feedback": "sim.feedback",
    "triage": "sim.triage",
    "notes": "sim.notes",
    "viz": "sim.viz",
    "widgets": "sim.widgets",
    "practice": "sim.practice",
}

__all__ = [
    "__version__", "generate_patient", "cohort", "load_case", "Patient", "Case", "cases", "instruments", "interview",
    "interventions", "resources", "outcomes", "expert", "feedback", "triage", "notes", "viz", "widgets",
    "practice",
]


def __getattr__(name: str) -> Any:
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    module_name, _, attribute = target.partition(":")
    module = importlib.import_module(module_name)
    value = getattr(module, attribute) if attribute else module
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
