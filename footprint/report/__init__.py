"""ESG summary reports: one report object for a period and a scope, rendered as PDF, XLSX or CSV.

`build_report(con, period, scope, organisation=...)` reads the store through the query functions every
front end shares; `render(report, fmt, ...)` turns it into bytes. The dashboard's Report page and
`footprint report` both call these, so the same data gives the same document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import duckdb

from footprint.report.build import ReportError, build_report, line_items
from footprint.report.model import Report
from footprint.report.period import PERIOD_HELP, Period, Scope, default_period

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv",
}


def render(report: Report, fmt: str, rows: list[dict[str, Any]] | None = None, rows_total: int = 0) -> bytes:
    """The report as `fmt` (pdf, xlsx or csv). `rows`/`rows_total`: the XLSX's line items (line_items())."""
    if fmt == "pdf":
        from footprint.report.pdf import render_pdf

        return render_pdf(report)
    if fmt == "xlsx":
        from footprint.report.xlsx import render_xlsx

        return render_xlsx(report, rows, rows_total)
    if fmt == "csv":
        from footprint.report.tidy import render_csv

        return render_csv(report)
    raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")


def export(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    scope: Scope,
    fmt: str,
    *,
    organisation: str,
    scope_label: str = "cloud",
    generated_at: datetime | None = None,
) -> tuple[Report, bytes]:
    """Build the report and render it as `fmt` (with the line items an XLSX lists): what front ends call."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(FORMATS)}")
    report = build_report(con, period, scope, organisation=organisation, scope_label=scope_label,
                          generated_at=generated_at)
    rows: list[dict[str, Any]] = []
    total = report.rows_total
    if fmt == "xlsx" and not report.is_empty:
        from footprint.report.xlsx import LINE_ITEMS_LIMIT

        rows, total = line_items(con, report, LINE_ITEMS_LIMIT)
    return report, render(report, fmt, rows, total)


def file_name(report: Report, fmt: str) -> str:
    """'footprint-report_2026-Q3_team-research.pdf' (safe characters only)."""
    return f"footprint-report_{report.period.slug}_{report.scope.slug}.{fmt}"


__all__ = ["FORMATS", "PERIOD_HELP", "Period", "Report", "ReportError", "Scope", "build_report",
           "default_period", "export", "file_name", "line_items", "render"]
