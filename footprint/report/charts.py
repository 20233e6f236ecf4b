"""Charts for the PDF, drawn with reportlab's own graphics (vector drawings, no browser, no network).

Pure functions from plain lists to a `Drawing`: bars per category (grouped or stacked) and lines over
months. Every chart names its unit on the value axis; categories come from data (regions, models) and
are drawn as plain strings, never parsed as markup. Fixed colours per series kind keep the charts of
every report alike.
"""

from __future__ import annotations

from typing import TypeVar

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

# The dashboard's colours (dashboard/style.py: SERIES_COLOURS for it, facility, location and market;
# WORKLOAD_COLOURS for training and inference), copied because the core never imports the UI: they must
# match, and tests/footprint/test_report_colours.py fails when they do not. "other" (IT energy of neither
# training nor inference) has no dashboard counterpart.
COLOUR_HEX = {
    "it": "#1b7f5c",
    "facility": "#a6611a",
    "location": "#4575b4",
    "market": "#d73027",
    "training": "#7b3294",
    "inference": "#1b7f5c",
    "other": "#937860",
}
COLOURS = {key: colors.HexColor(value) for key, value in COLOUR_HEX.items()}
FONT = "Helvetica"
LABEL_WIDTH = 140.0  # points of category label left of a horizontal bar chart
MAX_CATEGORIES = 15

Series = tuple[str, list[float | None], str]  # name, one value per category, colour key
_MonthChart = TypeVar("_MonthChart", VerticalBarChart, HorizontalLineChart)


def short(label: str, width: float = LABEL_WIDTH, size: float = 7) -> str:
    """A category label that fits `width` points: long names end in '...'."""
    if stringWidth(label, FONT, size) <= width:
        return label
    while label and stringWidth(label + "...", FONT, size) > width:
        label = label[:-1]
    return label + "..."


def _values(series: list[Series]) -> list[list[float]]:
    return [[float(v) if v is not None else 0.0 for v in values] for _, values, _ in series]


def _legend(drawing: Drawing, series: list[Series], height: float) -> None:
    """One line of swatches under the title, left-aligned (text to the right of each swatch)."""
    legend = Legend()
    legend.x, legend.y = 0, height - 18
    legend.fontName, legend.fontSize = FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 90
    legend.dx = legend.dy = 7
    legend.dxTextSpace = 4
    legend.colorNamePairs = [(COLOURS[colour], name) for name, _, colour in series]
    drawing.add(legend)


def _title(drawing: Drawing, title: str, width: float, height: float) -> None:
    drawing.add(String(0, height - 10, title, fontName=f"{FONT}-Bold", fontSize=9))


def category_bars(title: str, categories: list[str], series: list[Series], unit: str, width: float,
                  *, stacked: bool = False) -> Drawing:
    """Horizontal bars, one row per category (the first category on top), grouped or stacked series."""
    categories, series = categories[:MAX_CATEGORIES], [(n, v[:MAX_CATEGORIES], c) for n, v, c in series]
    row_h = 10 + (0 if stacked else 6 * (len(series) - 1))
    plot_h = max(40.0, row_h * len(categories))
    labels = [short(c) for c in categories]
    label_w = max((stringWidth(label, FONT, 7) for label in labels), default=20.0) + 10
    height = plot_h + 70
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_w, 30
    chart.width, chart.height = width - label_w - 20, plot_h
    chart.data = [list(reversed(v)) for v in _values(series)]
    chart.categoryAxis.categoryNames = list(reversed(labels))
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.4g}"
    chart.valueAxis.forceZero = 1
    if stacked:
        chart.categoryAxis.style = "stacked"
    chart.barSpacing = 1
    for i, (_, _, colour) in enumerate(series):
        chart.bars[i].fillColor = COLOURS[colour]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(label_w + chart.width, 8, unit, fontName=FONT, fontSize=7, textAnchor="end"))
    _legend(drawing, series, height)
    return drawing


def _month_axes(chart: _MonthChart, months: list[str], series: list[Series], width: float, height: float) -> _MonthChart:
    """Place a chart over months in its drawing and set its axes: months along the bottom (slanted when
    more than a year), values from zero with thousands separators."""
    chart.x, chart.y, chart.width, chart.height = 50, 35, width - 70, height - 85
    chart.data = _values(series)
    chart.categoryAxis.categoryNames = months
    chart.categoryAxis.labels.fontName, chart.categoryAxis.labels.fontSize = FONT, 7
    chart.categoryAxis.labels.angle = 30 if len(months) > 12 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 12 else "n"
    chart.valueAxis.labels.fontName, chart.valueAxis.labels.fontSize = FONT, 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.forceZero = 1
    chart.valueAxis.labelTextFormat = lambda v: f"{v:,.4g}"
    return chart


def month_bars(title: str, months: list[str], series: list[Series], unit: str, width: float) -> Drawing:
    """Vertical bars per month."""
    height = 180.0
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = _month_axes(VerticalBarChart(), months, series, width, height)
    for i, (_, _, colour) in enumerate(series):
        chart.bars[i].fillColor = COLOURS[colour]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(4, height - 34, unit, fontName=FONT, fontSize=7))
    _legend(drawing, series, height)
    return drawing


def month_lines(title: str, months: list[str], series: list[Series], unit: str, width: float) -> Drawing:
    """Lines over months (one per series), with a marker on every month."""
    height = 180.0
    drawing = Drawing(width, height)
    _title(drawing, title, width, height)
    chart = _month_axes(HorizontalLineChart(), months, series, width, height)
    chart.joinedLines = 1
    for i, (_, _, colour) in enumerate(series):
        chart.lines[i].strokeColor = COLOURS[colour]
        chart.lines[i].strokeWidth = 1.5
        chart.lines[i].symbol = None
    drawing.add(chart)
    drawing.add(String(4, height - 34, unit, fontName=FONT, fontSize=7))
    _legend(drawing, series, height)
    return drawing
