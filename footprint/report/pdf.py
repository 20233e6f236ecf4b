"""The report as a PDF: a cover, then every section with its title, tables and charts, page numbers.

Built with reportlab's platypus on A4. Tables come from footprint.report.pdf_table (always within the
page width, header repeated, split across pages); charts are reportlab drawings. Text from data is
escaped before it becomes a Paragraph. The PDF's creation date is the report's generation time and its
id a digest of the content, so the same report gives the same bytes.
"""

from __future__ import annotations

import io
import time
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import ListFlowable, ListItem, PageBreak, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import Flowable

from footprint.report import charts
from footprint.report.model import Report
from footprint.report.pdf_table import flowable
from footprint.report.safety import pdf_text
from footprint.report.sections import cover, methodology, sections
from footprint.report.tables import Section, Table, kilo

PAGE = A4
MARGIN = 18 * mm
FRAME_PADDING = 6.0  # platypus frames keep this inside the margins on every side
FRAME_WIDTH = PAGE[0] - 2 * MARGIN - 2 * FRAME_PADDING  # what a table or a chart may use

TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=20, leading=25, spaceAfter=6)
SUBTITLE = ParagraphStyle("subtitle", fontName="Helvetica", fontSize=13, leading=17, spaceAfter=14)
H1 = ParagraphStyle("h1", fontName="Helvetica-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=5,
                    keepWithNext=1, textColor=colors.HexColor("#1F2A3A"))
H2 = ParagraphStyle("h2", fontName="Helvetica-Bold", fontSize=10, leading=13, spaceBefore=8, spaceAfter=3,
                    keepWithNext=1)
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=8.5, leading=11, spaceAfter=4)
NOTE = ParagraphStyle("note", fontName="Helvetica-Oblique", fontSize=7.5, leading=9.5, spaceAfter=4,
                      textColor=colors.HexColor("#4A5566"), keepWithNext=1)
NOTICE = ParagraphStyle("notice", parent=BODY, fontName="Helvetica-Bold", fontSize=11, leading=14,
                        textColor=colors.HexColor("#8A3B12"), spaceBefore=10)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(pdf_text(text), style)


def _nonzero(values: list[float | None]) -> bool:
    return any(v for v in values)


def _charts(section: Section, report: Report) -> list[Flowable]:
    w = FRAME_WIDTH
    if section.id == "energy" and report.by_region:
        groups = sorted(report.by_region, key=lambda g: (-(g.facility_energy_kwh or 0.0), g.key["provider"],
                                                          g.key["region"]))
        facility = [kilo(g.facility_energy_kwh) for g in groups]
        if _nonzero(facility):
            return [charts.category_bars(
                "IT and facility energy by provider and region", [f"{g.key['provider']} {g.key['region']}" for g in groups],
                [("IT energy", [kilo(g.energy_kwh) for g in groups], "it"), ("Facility energy", facility, "facility")],
                "MWh", w)]
    if section.id == "emissions" and report.by_region:
        groups = sorted(report.by_region, key=lambda g: (-(g.scope2_location_kgco2e or 0.0), g.key["provider"],
                                                          g.key["region"]))
        location = [kilo(g.scope2_location_kgco2e) for g in groups]
        if _nonzero(location):
            return [charts.category_bars(
                "Emissions by provider and region, both methods", [f"{g.key['provider']} {g.key['region']}" for g in groups],
                [("Location-based", location, "location"),
                 ("Market-based", [kilo(g.scope2_market_kgco2e) for g in groups], "market")], "t CO2e", w)]
    if section.id == "models" and report.models:
        ms = sorted(report.models, key=lambda m: (-sum(v or 0.0 for v in (
            m.training_energy_kwh, m.inference_energy_kwh, m.other_energy_kwh)), m.model))
        series = [("Training", [kilo(m.training_energy_kwh) for m in ms], "training"),
                  ("Inference", [kilo(m.inference_energy_kwh) for m in ms], "inference"),
                  ("Other", [kilo(m.other_energy_kwh) for m in ms], "other")]
        if any(_nonzero(v) for _, v, _ in series):
            return [charts.category_bars("IT energy per model: training and inference", [m.model for m in ms],
                                         series, "MWh", w, stacked=True)]
    if section.id == "trend" and report.monthly:
        months = [g.key["month"] for g in report.monthly]
        return [
            charts.month_bars("Facility energy per month", months,
                              [("Facility energy", [kilo(g.facility_energy_kwh) for g in report.monthly], "facility")],
                              "MWh", w),
            Spacer(1, 6),
            charts.month_lines("Emissions per month, both methods", months,
                               [("Location-based", [kilo(g.scope2_location_kgco2e) for g in report.monthly], "location"),
                                ("Market-based", [kilo(g.scope2_market_kgco2e) for g in report.monthly], "market")],
                               "t CO2e", w),
        ]
    return []


def _table(table: Table, with_title: bool) -> list[Flowable]:
    out: list[Flowable] = [_p(table.title, H2)] if with_title else []
    if table.note:
        out.append(_p(table.note, NOTE))
    if not table.rows:
        out.append(_p(table.empty, BODY))
        return out
    rows = table.rows
    if table.pdf_limit is not None and len(rows) > table.pdf_limit:
        out.append(_p(f"The first {table.pdf_limit:,} of {len(rows):,} rows; the XLSX and the CSV list them all.",
                      NOTE))
        rows = rows[: table.pdf_limit]
    out.append(flowable(table, FRAME_WIDTH, rows))
    return out


def _section(section: Section, report: Report) -> list[Flowable]:
    out: list[Flowable] = [_p(section.title, H1)]
    for text in section.paragraphs:
        out.append(_p(text, BODY))
    if section.bullets:
        out.append(ListFlowable([ListItem(_p(b, BODY), leftIndent=10) for b in section.bullets],
                                bulletType="bullet", start="-", leftIndent=10, bulletFontSize=8))
    for i, table in enumerate(section.tables):
        out += _table(table, with_title=table.title != section.title)
        if i == 0:
            out += _charts(section, report)
    return out


def _story(report: Report) -> list[Flowable]:
    story: list[Flowable] = [_p(report.title, TITLE), _p(report.organisation, SUBTITLE)]
    story.append(flowable(cover(report), FRAME_WIDTH))
    if report.coverage_note and not report.is_empty:
        story.append(_p(report.coverage_note, NOTICE))
    if report.is_empty:
        story.append(_p(report.empty_message, NOTICE))
    else:
        story.append(_p("Contents", H2))
        story += [_p(s.title, BODY) for s in sections(report)]
    story.append(PageBreak())
    if report.is_empty:
        story += [_p("Headline figures", H1), _p(report.empty_message, BODY)]
        story += _section(methodology(report), report)
        return story
    for section in sections(report):
        story += _section(section, report)
    return story


def _fit(text: str, width: float, font: str = "Helvetica", size: float = 7) -> str:
    while text and stringWidth(text, font, size) > width:
        text = text[:-4] + "..."
    return text


def _stamp(canvas: Canvas, when: datetime) -> None:
    """Date the document with the report's generation time instead of the time of writing."""
    stamp = canvas._doc._timeStamp  # reportlab keeps the creation time here
    seconds = when.timestamp()
    stamp.t, stamp.lt = seconds, time.gmtime(seconds)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    stamp.dhh = stamp.dmm = 0
    stamp.tzname = "UTC"


def render_pdf(report: Report) -> bytes:
    """The PDF's bytes."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=f"{report.title}: {report.organisation}, {report.period.label}", author=report.organisation,
        subject=f"{report.scope.label}, {report.period.description}", creator="ai-footprint", invariant=1,
    )
    footer = f"{report.organisation} - {report.title} - {report.period.label} - {report.scope.label}"

    def page(canvas: Canvas, doc: SimpleDocTemplate) -> None:
        if doc.page == 1:
            _stamp(canvas, report.generated_at)
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#4A5566"))
        canvas.drawString(MARGIN, 10 * mm, _fit(footer, PAGE[0] - 2 * MARGIN - 60))
        canvas.drawRightString(PAGE[0] - MARGIN, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc.build(_story(report), onFirstPage=page, onLaterPages=page)
    return buffer.getvalue()
