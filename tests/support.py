"""Helpers for tests: where the real sample files are, and independent re-computations from raw files."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_EXPORTS = SHARED / "sample_exports"
SAMPLE_TELEMETRY = SHARED / "sample_telemetry"
SAMPLE_DATA = REPO / "sample_data"

def raw_sum(path: Path, column: str, *, where: dict[str, set[str]] | None = None, group: str | None = None,
            skip_lines: int = 0) -> dict[str, Decimal]:
    """Sum a money column straight from a CSV with Python's csv module and Decimal (independent of DuckDB).

    Returns {group value: sum}; without `group`, the key is ''. Literal NULL / empty cells count as 0.
    """
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)[skip_lines:]
    out: dict[str, Decimal] = {}
    for row in csv.DictReader(io.StringIO("".join(lines))):
        if not any((v or "").strip() for v in row.values()):
            continue
        if where and any(row.get(k) not in v for k, v in where.items()):
            continue
        value = (row.get(column) or "").strip()
        amount = Decimal(value) if value and value.upper() != "NULL" else Decimal(0)
        key = row.get(group, "") if group else ""
        out[key] = out.get(key, Decimal(0)) + amount
    return out


def data_rows(path: Path, skip_lines: int = 0) -> int:
    """Number of non-blank data records in a CSV, counted with Python's csv module."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)[skip_lines:]
    return sum(1 for row in csv.DictReader(io.StringIO("".join(lines))) if any((v or "").strip() for v in row.values()))
