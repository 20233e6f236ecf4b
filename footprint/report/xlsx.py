"""The report as an XLSX workbook: one sheet per table, then the line items behind every figure.

Each sheet holds its title in A1, its note (or that it is empty) in A2 and the header, with units, in
row 3; figures are numbers (full precision, display formats only round them). Text from uploaded files
is written as text and never as a formula. The workbook's dates and its zip entries carry the report's
generation time, so the same report always gives the same bytes.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from footprint.report.model import Report
from footprint.report.safety import xlsx_text
from footprint.report.sections import all_tables
from footprint.report.tables import KEY_KINDS, SHARE, Column, Table

HEADER_ROW = 3
# Line items a workbook lists, largest IT energy first (about a minute of writing; a worksheet could hold
# 1,048,573 below its title, note and header, but no one reads that many in a spreadsheet).
LINE_ITEMS_LIMIT = 50_000

SHEET_NAMES = {
    "cover": "Cover", "headline": "Headline", "energy": "Energy", "emissions": "Emissions",
    "scope_labels": "Scope labels", "models": "Models", "trend": "Trend", "monthly": "Monthly",
    "instruments": "Instruments", "market_methods": "Market-based method", "pue": "PUE",
    "factors": "Grid factors", "coefficients": "Coefficients", "data_quality": "Data quality",
    "methods": "Methods", "unknown_skus": "Unknown SKUs", "unattributed": "Unattributed",
    "methodology": "Methodology",
}

_FORMATS = {"MWh": "#,##0.000", "t CO2e": "#,##0.000", "kWh": "#,##0.0000", "kg CO2e": "#,##0.0000",
            "g CO2e/kWh": "#,##0.0", "ratio": "0.00", "rows": "#,##0", "requests": "#,##0", "groups": "#,##0",
            SHARE: "0.0%"}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _format(unit: str, column: Column) -> str:
    if column.kind == "count":
        return "#,##0"
    return _FORMATS.get(unit, "#,##0.00")  # anything else is money in a currency


def _cell(ws: WriteOnlyWorksheet, value: Any, number_format: str | None = None, *, bold: bool = False,
          wrap: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, str):
        cell = WriteOnlyCell(ws, value=xlsx_text(value))
        cell.data_type = "s"  # never a formula, whatever the text
    else:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, datetime):
            cell.number_format = "yyyy-mm-dd hh:mm:ss"
        elif isinstance(value, date):
            cell.number_format = "yyyy-mm-dd"
        elif number_format and isinstance(value, int | float) and not isinstance(value, bool):
            cell.number_format = number_format
    if bold:
        cell.font = _BOLD
    if wrap:
        cell.alignment = _WRAP
    return cell


def _widths(ws: WriteOnlyWorksheet, widths: list[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _table_sheet(wb: Workbook, table: Table, report: Report) -> None:
    ws = wb.create_sheet(SHEET_NAMES.get(table.id, table.id)[:31])
    text_table = all(c.kind in KEY_KINDS for c in table.columns)
    _widths(ws, [28.0] + [90.0 if text_table else 18.0] * (len(table.columns) - 1))
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.append([_cell(ws, table.title, bold=True)])
    note = report.empty_message if report.is_empty and table.id != "cover" else (
        table.note if table.rows else table.empty)
    ws.append([_cell(ws, note or "")])
    ws.append([_cell(ws, c.label, bold=True, wrap=True) for c in table.columns])
    for row in table.rows:
        cells = []
        for column, value in zip(table.columns, row, strict=True):
            unit = table.unit_of(column, row) if column.kind not in (*KEY_KINDS, "unit") else ""
            cells.append(_cell(ws, value, _format(unit, column), wrap=text_table))
        ws.append(cells)


def _line_items_sheet(wb: Workbook, rows: list[dict[str, Any]], total: int) -> None:
    ws = wb.create_sheet("Line items")
    ws.freeze_panes = f"A{HEADER_ROW + 1}"
    ws.append([_cell(ws, "Line items behind the figures (footprint rows with their provenance)", bold=True)])
    shown = min(len(rows), LINE_ITEMS_LIMIT)
    note = (f"All {total:,} rows of this period and scope, largest IT energy first. Column names carry their "
            "units (kWh, kgco2e, g_per_kwh); cost columns are in billing_currency.")
    if shown < total:
        note = (f"The {shown:,} rows with the largest IT energy of {total:,} in this period and scope (a report "
                f"lists at most {LINE_ITEMS_LIMIT:,}); narrow the period or the scope to list them all.")
    ws.append([_cell(ws, note if total else "No footprint rows in this period and scope.")])
    if not rows:
        return
    columns = list(rows[0])
    ws.append([_cell(ws, name, bold=True) for name in columns])
    for row in rows[:shown]:
        # plain values (openpyxl dates datetimes itself); text made inert, so never read as a formula
        ws.append([xlsx_text(v) if isinstance(v, str) else float(v) if isinstance(v, Decimal) else v
                   for v in row.values()])


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _deterministic(data: bytes, when: datetime) -> bytes:
    """The same zip with every entry, and the workbook's 'modified' property, dated `when` (openpyxl
    dates both with the time of writing)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    iso = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>" + iso + rb"\g<2>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, content)
    return out.getvalue()


def render_xlsx(report: Report, line_items: list[dict[str, Any]] | None = None, line_items_total: int = 0) -> bytes:
    """The workbook. `line_items` are the rows `footprint.report.line_items()` returns for the report."""
    wb = Workbook(write_only=True)
    when = report.generated_at.replace(tzinfo=None)
    wb.properties.creator = "ai-footprint"
    wb.properties.title = f"{report.title}: {report.organisation}, {report.period.label}"
    wb.properties.created = when
    wb.properties.lastModifiedBy = "ai-footprint"
    for table in all_tables(report):
        _table_sheet(wb, table, report)
    _line_items_sheet(wb, line_items or [], line_items_total)
    buffer = io.BytesIO()
    wb.save(buffer)
    return _deterministic(buffer.getvalue(), when)
