"""Text from uploaded files cannot act in a report, and the PDF's pages hold everything they show.

The database holds the FinOps Foundation's FOCUS sample as published, except that a few rows carry
hostile tags and resource ids (spreadsheet formulas, a DDE payload, markup, a 150-character name), plus
an instruments file whose id and certification are formulas: what a careless or malicious export could
contain. The report must show them as the text they are: quoted in CSV and XLSX (never a formula), as
literal characters in the PDF (never markup), while real numbers stay numbers. The headline cost is
checked against the raw file summed with Python's csv module and Decimal.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from support import SAMPLE_EXPORTS, data_rows, raw_sum

from footprint.pipeline import refresh
from footprint.report import Period, Scope, export, render
from footprint.report.pdf import MARGIN, PAGE
from footprint.report.safety import FORMULA_START
from footprint.store import connection
from ingest import ingest_file

pytestmark = pytest.mark.shared

FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
SEPT = Period.parse("2024-09")

HYPERLINK = '=HYPERLINK("http://evil.test","click")'
DDE = "+cmd|' /C calc'!A0"
LONG = "m" * 150 + "-very-long-model-name"
# data row (0-based) -> (team tag, model tag, resource id); rows 20, 81, 118 are EC2 instance hours
HOSTILE = {
    20: (HYPERLINK, "<b>markup</b>", "@SUM(1+1)"),
    81: (DDE, "@sum(9)", "-2+3"),
    118: ("\tteam-with-tab", LONG, "\ttab-resource"),
}
INSTRUMENTS = (
    "instrument_id,instrument_type,zone,provider,region_id,period_start,period_end,covered_mwh,covered_share,"
    "factor_g_per_kwh,certification,note\n"
    '@REC-1,rec,,aws,us-east-1,2024-01-01,2024-12-31,,0.5,0,"=HYPERLINK(""http://evil.test"",""x"")",-2+3\n'
)


def hostile_focus(target: Path) -> Path:
    """The FOCUS sample with HOSTILE values written into its Tags and ResourceId cells."""
    with FOCUS.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for i, (team, model, resource) in HOSTILE.items():
        rows[i]["Tags"] = json.dumps({"business_unit": team, "model": model, "workload": "inference"})
        rows[i]["ResourceId"] = resource
    with target.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)  # NULL stays unquoted, as in the sample
        writer.writeheader()
        writer.writerows(rows)
    return target


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    db = folder / "footprint.duckdb"
    instruments = folder / "instruments.csv"
    instruments.write_text(INSTRUMENTS, encoding="utf-8")
    with connection(db) as con:
        for path in (hostile_focus(folder / "focus-hostile.csv"), instruments):
            result = ingest_file(con, path)
            assert result.status == "loaded", result.error
        refresh(con)
    return db


@pytest.fixture(scope="module")
def outputs(db: Path) -> dict[str, bytes]:
    out = {}
    with connection(db, read_only=True) as con:
        for fmt in ("pdf", "xlsx", "csv"):
            report, out[fmt] = export(con, SEPT, Scope(), fmt, organisation="<i>Org</i> & =1+1",
                                      generated_at=WHEN)
    out["report"] = report  # type: ignore[assignment]
    return out


def stored_values(db: Path) -> set[str]:
    """The hostile values as the store holds them after attribution (team lower-cased, model slugged)."""
    with connection(db, read_only=True) as con:
        rows = con.execute(
            "SELECT team, model, resource_id FROM v_footprint WHERE resource_id IN (?, ?, ?)",
            [h[2] for h in HOSTILE.values()],
        ).fetchall()
    values = {v for row in rows for v in row}
    assert len(rows) == 3 and {h[2] for h in HOSTILE.values()} <= values
    return values


def test_hostile_text_is_stored_as_written(db: Path):
    values = stored_values(db)
    assert HYPERLINK.lower() in values and "<b>markup</b>" in values and DDE.lower() in values


def test_headline_cost_is_the_raw_files_sum(db: Path, outputs):
    report = outputs["report"]
    assert report.headline.line_items == data_rows(FOCUS)
    raw = raw_sum(FOCUS, "BilledCost", group="BillingCurrency")
    assert report.headline.cost == {k: pytest.approx(float(v), rel=1e-12) for k, v in raw.items()}


def _dangerous(text: str) -> bool:
    return text.startswith(FORMULA_START)


def test_csv_cells_are_inert_and_numbers_stay_numbers(db: Path, outputs):
    rows = list(csv.reader(io.StringIO(outputs["csv"].decode("utf-8"))))
    for row in rows[1:]:
        for i, cell in enumerate(row):
            if _dangerous(cell):
                assert i == 5 and row[0] not in ("cover", "methodology"), row
                float(cell)  # only a number written as a number may start with '-'
    text = outputs["csv"].decode("utf-8")
    for value in ("<b>markup</b>", "@sum(9)"):  # model names, in the per-model section
        assert f"'{value}" in text if _dangerous(value) else value in text
    # an instrument's key cells joined: its id leads (quoted); a formula inside a cell is inert text
    assert "'@REC-1 / eac /  / aws / us-east-1" in text
    assert ["cover", "item", "Organisation", "value", "", "<i>Org</i> & =1+1"] in rows
    negative = [r for r in rows if r[5].startswith("-")]
    assert negative, "the FOCUS sample has credits: negative costs must stay numbers"


def test_xlsx_has_no_formula_and_numbers_stay_numbers(db: Path, outputs):
    wb = openpyxl.load_workbook(io.BytesIO(outputs["xlsx"]))
    strings, negatives = [], 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not _dangerous(cell.value), (ws.title, cell.coordinate, cell.value)
                    strings.append(cell.value)
                elif isinstance(cell.value, float | int) and cell.value < 0:
                    negatives += 1
    for value in stored_values(db):
        shown = "'" + value if _dangerous(value) else value
        assert shown in strings, value
    assert "'@REC-1" in strings and "'=HYPERLINK(\"http://evil.test\",\"x\")" in strings
    assert negatives > 0


def test_pdf_shows_markup_as_text(outputs):
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(outputs["pdf"])).pages)
    flat = "".join(text.split())
    assert "<b>markup</b>" in text and "@sum(9)" in text
    assert "<i>Org</i>&=1+1" in flat and "@REC-1" in text
    assert LONG in flat  # a name longer than a column is wrapped, never cut or lost


def _pages(pdf: Path, folder: Path) -> list[tuple[int, int, bytes]]:
    """Grey pages rendered by poppler's pdftoppm: (width, height, pixels) per page."""
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(folder / "page")], check=True)
    pages = []
    for path in sorted(folder.glob("page-*.pgm")):
        data = path.read_bytes()
        magic, width, height, maxval, pixels = data.split(maxsplit=4)
        assert magic == b"P5" and maxval == b"255"
        pages.append((int(width), int(height), pixels[: int(width) * int(height)]))
    return pages


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make browser installs it)")
def test_pdf_pages_are_drawn_inside_the_margins(db: Path, outputs, tmp_path: Path):
    """Every page has ink, and none to the left or right of the text frame: no table or chart runs off."""
    with connection(db, read_only=True) as con:
        narrow = render(export(con, SEPT, Scope(), "pdf", organisation="x" * 400)[0], "pdf")
    for name, data in (("hostile", outputs["pdf"]), ("long-organisation", narrow)):
        pdf = tmp_path / f"{name}.pdf"
        pdf.write_bytes(data)
        folder = tmp_path / name
        folder.mkdir()
        pages = _pages(pdf, folder)
        assert len(pages) == len(PdfReader(io.BytesIO(data)).pages) > 1
        for number, (width, height, pixels) in enumerate(pages, start=1):
            left, right = MARGIN / PAGE[0] * width, (PAGE[0] - MARGIN) / PAGE[0] * width
            ink = [x for y in range(height) for x in range(width) if pixels[y * width + x] < 200]
            assert ink, f"{name}: page {number} is blank"
            # two pixels (3.6 pt) for rule widths and anti-aliasing
            assert left - 2 <= min(ink) and max(ink) <= right + 2, f"{name}: page {number} runs off the page"


@pytest.mark.parametrize(
    ("text", "csv_cell", "pdf"),
    [
        ("=1+1", "'=1+1", "=1+1"),
        ("+cmd", "'+cmd", "+cmd"),
        ("-2+3", "'-2+3", "-2+3"),
        ("@SUM(A1)", "'@SUM(A1)", "@SUM(A1)"),
        ("\tx", "'\tx", "\tx"),
        ("\rx", "'\rx", "\rx"),
        ("a=1", "a=1", "a=1"),
        ("<b>x</b> & y", "<b>x</b> & y", "&lt;b&gt;x&lt;/b&gt; &amp; y"),
        ("", "", ""),
    ],
)
def test_safety_functions(text: str, csv_cell: str, pdf: str):
    from footprint.report.safety import pdf_text, spreadsheet_text, xlsx_text

    assert spreadsheet_text(text) == csv_cell
    assert xlsx_text(text) == csv_cell
    assert pdf_text(text) == pdf
    assert xlsx_text("a\x00b\x1fc") == "a\ufffdb\ufffdc"  # XML 1.0 cannot carry these
