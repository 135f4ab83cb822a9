"""Screening-instrument responses synthesized from the latent state (via :mod:`sim.instruments`).

Until ``sim.instruments.synthesize`` exists, patients carry no responses and the cohort has no
response columns.
"""
from __future__ import annotations

from sim.generate.batch import Batch
from sim.model import Patient


def draw_responses(b: Batch) -> None:
    """Fill ``resp_<instrument>`` arrays when the instruments package can synthesize answers."""
    return None


def response_columns(b: Batch) -> dict[str, object]:
    return {}


def flatten_responses(patient: Patient) -> dict[str, object]:
    return {}
