"""Ingest layer: one reader per source format, each turning a file into the canonical tables in DuckDB.

Public entry points: `ingest_file` (load one file as an atomic, deduplicated batch), `preview` (detect
and show a file without loading it) and `detect`.
"""

from __future__ import annotations

from ingest.errors import IngestError
from ingest.loader import IngestResult, ingest_file, preview

__all__ = ["IngestError", "IngestResult", "ingest_file", "preview"]
