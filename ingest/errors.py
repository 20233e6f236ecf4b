"""The one error type the ingest layer raises for bad input: file, problem, and row/column where known."""

from __future__ import annotations

import re


class IngestError(Exception):
    """Bad input. str() is the single line shown to the user."""

    def __init__(self, file: str, problem: str, *, row: int | None = None, column: str | None = None):
        self.file = file
        self.problem = problem
        self.row = row
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        loc = (", ".join(where) + ": ") if where else ""
        return f"{self.file}: {loc}{self.problem}"


# Validation inside SQL raises DuckDB errors whose text carries this marker, so the loader can turn them
# into IngestError with the row and column the SQL named.
SQL_ERROR_MARKER = "FPERR"
_SQL_ERR = re.compile(SQL_ERROR_MARKER + r"\|row=(\d+)\|col=([^|]*)\|(.*?)(?:$|\n)", re.S)


def from_sql_error(file: str, exc: Exception) -> IngestError | None:
    """IngestError for a validation error raised in SQL by `fp_fail`, else None."""
    m = _SQL_ERR.search(str(exc))
    if not m:
        return None
    return IngestError(file, m.group(3).strip(), row=int(m.group(1)), column=m.group(2) or None)


_CSV_LINE = re.compile(r"Line:\s*(\d+)")


def from_duckdb_read_error(file: str, exc: Exception) -> IngestError:
    """A clear message for DuckDB reader errors (malformed CSV, bad gzip, bad Parquet)."""
    text = str(exc)
    low = text.lower()
    if "gzip" in low or "zlib" in low or "inflate" in low or "compressed" in low:
        return IngestError(file, "the gzip stream is truncated or corrupt; download the export again")
    if "parquet" in low and ("magic" in low or "corrupt" in low or "footer" in low):
        return IngestError(file, "not a readable Parquet file (truncated or corrupt)")
    m = _CSV_LINE.search(text)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    first = re.sub(r"^[A-Za-z ]*Error:\s*", "", first)
    if m:
        line = int(m.group(1))
        # DuckDB counts lines from 1 including the header; report the data row and the physical line.
        return IngestError(file, f"malformed CSV at line {line}: {first}", row=max(line - 1, 1))
    return IngestError(file, f"could not be read: {first}")
