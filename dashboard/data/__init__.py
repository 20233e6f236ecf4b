"""The only place the dashboard touches the database: connections, cached queries, uploads.

`access`: the gate between this process's readers (one shared read-only connection, a cursor per thread)
and its one writer, and bringing a database up to date before it is read. `queries`: results of the
shared query functions, cached until the data changes. `uploads`: preview and load uploaded files.
Views import only this package.
"""

from __future__ import annotations

from dashboard.data.access import db_path, ensure_database, reading, writing
from dashboard.data.queries import (
    has_data,
    ledger_ignores,
    ledger_query,
    model_periods,
    options,
    query,
    report,
)
from dashboard.data.uploads import RULES_FORMAT, formats, ingest_uploads, is_rules_file, preview

__all__ = [
    "RULES_FORMAT",
    "db_path",
    "ensure_database",
    "formats",
    "has_data",
    "ingest_uploads",
    "is_rules_file",
    "ledger_ignores",
    "ledger_query",
    "model_periods",
    "options",
    "preview",
    "query",
    "reading",
    "report",
    "writing",
]
