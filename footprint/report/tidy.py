"""The report as tidy CSV: one row per figure and group, with its unit, for analysis tools.

Columns: section (the table's id), group_by (the key columns, ' / '-joined), group (their values),
metric (the value column's name, which carries its unit), unit, value. The cover's facts come first as
text rows (section 'cover'), so a file says which period, scope and methodology version it holds.
Missing figures are left out rather than written as empty cells. Text cells are made inert for
spreadsheets; numbers are written with full precision ('repr'), so they read back exactly.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from footprint.report.model import Report
from footprint.report.safety import spreadsheet_text
from footprint.report.sections import all_tables
from footprint.report.tables import COUNT_UNITS, KEY_KINDS, SHARE, Table

HEADER = ["section", "group_by", "group", "metric", "unit", "value"]
RATIO_UNIT = "ratio"  # shares are written as ratios in 0..1


def _key_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _number(value: float, kind: str, unit: str) -> str:
    if (kind == "count" or unit in COUNT_UNITS) and float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def table_rows(table: Table) -> list[list[str]]:
    """The tidy rows of one table (before spreadsheet neutralisation)."""
    keys = [i for i, c in enumerate(table.columns) if c.kind in KEY_KINDS]
    values = [i for i, c in enumerate(table.columns) if c.kind not in (*KEY_KINDS, "unit")]
    out: list[list[str]] = []
    if not values:  # a text table (cover, methodology): first column the item, the rest its text
        for row in table.rows:
            for i in keys[1:]:
                out.append([table.id, table.columns[0].name, _key_text(row[0]), table.columns[i].name, "",
                            _key_text(row[i])])
        return out
    group_by = " / ".join(table.columns[i].name for i in keys)
    for row in table.rows:
        group = " / ".join(_key_text(row[i]) for i in keys)
        for i in values:
            column, value = table.columns[i], row[i]
            if value is None:
                continue
            unit = table.unit_of(column, row)
            out.append([table.id, group_by, group, column.name, RATIO_UNIT if unit == SHARE else unit,
                        _number(value, column.kind, unit)])
    return out


def render_csv(report: Report) -> bytes:
    """UTF-8 CSV of every table of the report."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for table in all_tables(report):
        for row in table_rows(table):
            # the value column holds numbers written by us; every other cell may hold uploaded text
            writer.writerow([spreadsheet_text(cell) for cell in row[:5]] + [
                row[5] if table.id not in ("cover", "methodology") else spreadsheet_text(row[5])])
    return buffer.getvalue().encode("utf-8")
