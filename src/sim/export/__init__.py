"""Cohorts and cases written out: CSV, Parquet and JSON lines tables, FHIR R4 NDJSON and bundles.

Everything is streamed chunk by chunk (:mod:`sim.generate.stream`) and appears whole or not at
all: files are written under a temporary name in the same folder and renamed when complete.
"""
from __future__ import annotations

from sim.export.atomic import ExportError
from sim.export.formats import FORMATS
from sim.export.tables import write_cohort

__all__ = ["FORMATS", "ExportError", "write_cohort"]
