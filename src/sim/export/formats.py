"""The output formats of ``sim cohort`` (no heavy imports: the command line reads this at start)."""
from __future__ import annotations

FORMATS = ("csv", "parquet", "jsonl", "fhir")
"""Output formats: tables with one row per patient, or a folder of FHIR R4 NDJSON files."""
EXTENSIONS = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl"}
"""File extensions that name a table format when ``--format`` is not given."""
