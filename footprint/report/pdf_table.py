"""A report table as a reportlab Table that always fits the page: every cell a wrapping Paragraph,
column widths fitted to the frame, the header repeated on every page the table runs over.

Numbers are formatted through footprint.units (thousands separators, sensible precision, ranges as
'central (low-high)'); text is escaped, so data never becomes markup; very long text is cut (the XLSX
holds it in full), so no single row can outgrow a page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, TableStyle
from reportlab.platypus import Table as RLTable

from footprint import units
from footprint.report.safety import pdf_text
from footprint.report.tables import COUNT_UNITS, KEY_KINDS, SHARE, Column, Table

FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 7.0
PAD = 3.0
MAX_TEXT = 240  # characters of one text cell in the PDF
MIN_WIDTH = 30.0

CELL = ParagraphStyle("cell", fontName=FONT, fontSize=SIZE, leading=SIZE * 1.2, splitLongWords=1)
NUMBER = ParagraphStyle("number", parent=CELL, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", parent=CELL, fontName=BOLD)
HEAD_NUMBER = ParagraphStyle("head_number", parent=HEAD, alignment=TA_RIGHT)
TOTAL = ParagraphStyle("total", parent=CELL, fontName=BOLD)
TOTAL_NUMBER = ParagraphStyle("total_number", parent=NUMBER, fontName=BOLD)


def _number(value: float, column: Column, unit: str) -> str:
    if unit == SHARE or column.kind == "share":
        return units.percent(value)
    if column.kind == "count" or unit in COUNT_UNITS:
        return units.number(value, 0)
    return units.number(value, column.decimals)


def cell_text(table: Table, column: Column, row: list[Any]) -> str:
    """What one cell shows (plain text, not yet escaped)."""
    value = row[[c.name for c in table.columns].index(column.name)]
    if value is None:
        return units.EN_DASH
    if column.kind == "unit":
        return "%" if value == SHARE else str(value)
    if column.kind in KEY_KINDS:
        text = value.isoformat() if isinstance(value, date) else str(value)
        return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 3] + "..."
    unit = table.unit_of(column, row)
    text = _number(float(value), column, unit)
    if column.low and column.high:
        names = [c.name for c in table.columns]
        low, high = row[names.index(column.low)], row[names.index(column.high)]
        if low is not None and high is not None and unit != SHARE:
            decimals = column.decimals if column.decimals is not None else units.decimals_for(float(value))
            text += f" ({units.number(float(low), decimals)}{units.EN_DASH}{units.number(float(high), decimals)})"
    return text


def _widths(texts: list[list[str]], headers: list[str], available: float) -> list[float]:
    """Column widths summing to `available`: natural widths where they fit, wrapping text otherwise."""
    n = len(headers)
    natural, minimum = [], []
    for i in range(n):
        column_texts = [r[i] for r in texts]
        longest = max((stringWidth(t, FONT, SIZE) for t in column_texts), default=0.0)
        words = [w for t in [*column_texts, headers[i]] for w in t.split()]
        word = max((stringWidth(w, BOLD, SIZE) for w in words), default=0.0)
        natural.append(min(max(longest, word, stringWidth(headers[i], BOLD, SIZE) / 2) + 2 * PAD, available / 2))
        minimum.append(min(max(word + 2 * PAD, MIN_WIDTH), available * 0.3))
    total = sum(natural)
    if total <= available:
        return [w * available / total for w in natural] if total else [available / n] * n
    spare = available - sum(minimum)
    if spare <= 0:
        return [w * available / sum(minimum) for w in minimum]
    wanted = [max(nat - mini, 0.0) for nat, mini in zip(natural, minimum, strict=True)]
    share = sum(wanted) or 1.0
    return [mini + spare * want / share for mini, want in zip(minimum, wanted, strict=True)]


def flowable(table: Table, available: float, rows: list[list[Any]] | None = None) -> RLTable:
    """The table (or the given subset of its rows) as a page-fitting reportlab Table."""
    columns = [c for c in table.columns if c.pdf]
    body = table.rows if rows is None else rows
    texts = [[cell_text(table, c, r) for c in columns] for r in body]
    headers = [c.label for c in columns]
    widths = _widths(texts, headers, available)
    numeric = [c.kind not in (*KEY_KINDS, "unit") for c in columns]
    data = [[Paragraph(pdf_text(h), HEAD_NUMBER if num else HEAD) for h, num in zip(headers, numeric, strict=True)]]
    total = bool(body) and str(body[-1][0]) == "All"  # a total row closes the group tables
    for i, r in enumerate(texts):
        bold = total and i == len(texts) - 1
        data.append([Paragraph(pdf_text(t), (TOTAL_NUMBER if bold else NUMBER) if num else (TOTAL if bold else CELL))
                     for t, num in zip(r, numeric, strict=True)])
    style = TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD), ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8ECF2")),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.HexColor("#4C5A70")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#D5DAE1")),
    ])
    if total:
        style.add("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.HexColor("#4C5A70"))
    out = RLTable(data, colWidths=widths, repeatRows=1, splitByRow=1, hAlign="LEFT")
    out.setStyle(style)
    return out
