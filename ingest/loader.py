"""Loads one file into the store as one batch, atomically and at most once.

The same bytes (SHA-256) are never loaded twice: a second attempt is reported as a duplicate. Everything a
file writes happens inside one transaction; any failure rolls it back, so the store is exactly as before.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

import duckdb

from ingest.errors import IngestError, from_duckdb_read_error, from_sql_error
from ingest.registry import LoadContext, detect
from ingest.source import SourceFile, materialise


@dataclass
class IngestResult:
    """Outcome for one file, as shown to the user (CLI line, upload page row)."""

    file_name: str
    status: str  # loaded | duplicate | error
    format_id: str | None = None
    format_label: str | None = None
    kind: str | None = None
    batch_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    detail: str | None = None  # what the reader found (variant, devices, time span, measured energy)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    duplicate_of: int | None = None
    duration_s: float = 0.0

    def line(self) -> str:
        """One line for the CLI."""
        if self.status == "error":
            return f"ERROR {self.error}"
        if self.status == "duplicate":
            return (
                f"{self.file_name}: already loaded as batch {self.duplicate_of} "
                f"({self.format_id}); nothing changed"
            )
        skipped = sum(self.skipped.values())
        reasons = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.skipped.items()))
        text = (
            f"{self.file_name}: {self.format_label or self.format_id} -> batch {self.batch_id}, "
            f"{self.rows_loaded:,} of {self.rows_read:,} rows loaded"
        )
        text += f", {skipped:,} skipped ({reasons})" if skipped else ", 0 skipped"
        if self.detail:
            text += f"; {self.detail}"
        for w in self.warnings:
            text += f"; warning: {w}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def find_duplicate(con: duckdb.DuckDBPyConnection, sha256: str) -> tuple[int, str] | None:
    row = con.execute(
        "SELECT batch_id, detected_format FROM ingest_batches WHERE file_sha256 = ?", [sha256]
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else None


def batch_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every base table whose rows belong to a batch (has a batch_id column), apart from the batch list."""
    rows = con.execute(
        "SELECT DISTINCT c.table_name FROM duckdb_columns() c JOIN duckdb_tables() t "
        "ON t.table_name = c.table_name AND t.schema_name = c.schema_name AND t.database_name = c.database_name "
        "WHERE c.column_name = 'batch_id' AND c.schema_name = 'main' AND NOT t.temporary "
        "AND c.table_name <> 'ingest_batches' ORDER BY 1"
    ).fetchall()
    return [r[0] for r in rows]


def remove_batch(con: duckdb.DuckDBPyConnection, batch_id: int) -> str:
    """Delete a batch and every row it loaded, in one transaction. Returns its file name.

    Derived tables are rebuilt by the next pipeline refresh; the caller runs it.
    """
    row = con.execute("SELECT file_name FROM ingest_batches WHERE batch_id = ?", [batch_id]).fetchone()
    if not row:
        raise IngestError(f"batch {batch_id}", "no such batch")
    con.execute("BEGIN TRANSACTION")
    try:
        for table in batch_tables(con):
            con.execute(f'DELETE FROM "{table}" WHERE batch_id = ?', [batch_id])
        con.execute("DELETE FROM ingest_batches WHERE batch_id = ?", [batch_id])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return str(row[0])


def preview(
    source: str | os.PathLike[str] | BinaryIO, *, name: str | None = None, format_id: str | None = None
) -> dict[str, Any]:
    """What would be loaded, without touching any database: format, header and the first rows."""
    with materialise(source, name) as sf:
        reader, skip, header = detect(sf, format_id)
        return {
            "file_name": sf.name,
            "format_id": reader.format_id,
            "format_label": reader.label,
            "kind": reader.kind,
            "size_bytes": sf.size_bytes,
            "sha256": sf.sha256,
            "columns": header,
            "container": sf.container,
            "compression": sf.compression,
            "sample_lines": _sample_lines(sf, skip),
        }


def _sample_lines(sf: SourceFile, skip: int, n: int = 6) -> list[str]:
    if sf.container == "parquet":
        return []
    lines = sf.head_text.splitlines()
    return lines[skip : skip + n]


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    source: str | os.PathLike[str] | BinaryIO,
    *,
    name: str | None = None,
    format_id: str | None = None,
    options: dict[str, Any] | None = None,
) -> IngestResult:
    """Load one file as a batch. Never raises for bad input: the result carries the error line."""
    started = time.monotonic()
    display = name or (str(source) if isinstance(source, str | os.PathLike) else getattr(source, "name", "upload"))
    try:
        with materialise(source, name) as sf:
            dup = find_duplicate(con, sf.sha256)
            if dup:
                return IngestResult(sf.name, "duplicate", format_id=dup[1], duplicate_of=dup[0])
            reader, skip, header = detect(sf, format_id)
            result = _load_in_transaction(con, sf, reader, skip, header, options or {})
    except IngestError as exc:
        return IngestResult(str(display), "error", error=str(exc))
    result.duration_s = time.monotonic() - started
    return result


def _next_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """A batch id never issued before, even to a batch since removed (migration 013_batch_ids). Batches
    written without the counter (a benchmark's synthetic bill) are stepped over. Runs inside the load's
    transaction: a failed load gives its id back."""
    row = con.execute(
        "UPDATE batch_id_counter SET last_batch_id = greatest(last_batch_id, "
        "(SELECT coalesce(max(batch_id), 0) FROM ingest_batches)) + 1 RETURNING last_batch_id"
    ).fetchone()
    assert row is not None, "batch_id_counter holds one row (migration 013_batch_ids)"
    return int(row[0])


def _load_in_transaction(con, sf: SourceFile, reader, skip: int, header: list[str], options: dict[str, Any]):  # type: ignore[no-untyped-def]
    con.execute("BEGIN TRANSACTION")
    try:
        batch_id = _next_batch_id(con)
        ctx = LoadContext(con=con, batch_id=batch_id, source=sf, header_skip=skip, header=header, options=options)
        started = time.monotonic()
        try:
            counts = reader.load(ctx)
        except IngestError:
            raise
        except duckdb.Error as exc:
            mapped = from_sql_error(sf.name, exc)
            raise (mapped or from_duckdb_read_error(sf.name, exc)) from exc
        if counts.rows_read == 0:
            raise IngestError(sf.name, f"recognised as {reader.label} but holds no data rows")
        con.execute(
            "INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
            "detected_format, format_detail, rows_read, rows_loaded, rows_skipped, skipped_reasons, options, "
            "ingested_at, duration_s) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                batch_id,
                os.path.basename(sf.name),
                sf.sha256,
                sf.size_bytes,
                reader.kind,
                reader.format_id,
                counts.detail,
                counts.rows_read,
                counts.rows_loaded,
                counts.rows_read - counts.rows_loaded,
                json.dumps(counts.skipped, sort_keys=True),
                json.dumps(options, sort_keys=True, default=str),
                datetime.now(UTC).replace(tzinfo=None),
                time.monotonic() - started,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return IngestResult(
        file_name=os.path.basename(sf.name),
        status="loaded",
        format_id=reader.format_id,
        format_label=reader.label,
        kind=reader.kind,
        batch_id=batch_id,
        rows_read=counts.rows_read,
        rows_loaded=counts.rows_loaded,
        skipped=counts.skipped,
        detail=counts.detail,
        warnings=counts.warnings,
    )
