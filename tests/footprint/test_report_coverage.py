"""What a report counts and what it says about the days its data covers, on the demo organisation.

The estimation-method rows are checked against a count over footprint_items written here in SQL; the
data's first and last day are read from v_footprint here too. The demo's data runs from 2026-04-01 to
2026-10-31, so 2026-Q3 is covered from end to end and 2026-Q4 holds one month: its report must say so in
every format and leave out a change against 2026-Q3 that would compare a month with a quarter.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from pydantic import ValidationError
from pypdf import PdfReader

from footprint.report import Period, Scope, build_report, export, render
from footprint.report.model import MethodShare
from footprint.store import connection
from footprint_cli.cmd_demo import build_demo

pytestmark = pytest.mark.shared

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
Q3, Q4 = Period.parse("2026-Q3"), Period.parse("2026-Q4")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation (the same file test_report.py builds, once per test process)."""
    db = tmp_path_factory.getbasetemp() / "report-demo" / "footprint.duckdb"
    if not db.exists():
        db.parent.mkdir(exist_ok=True)
        assert build_demo(db, echo=lambda line: None).errors == 0
    return db


@pytest.fixture(scope="module")
def bounds(db: Path) -> tuple[date, date]:
    with connection(db, read_only=True) as con:
        first, last = con.execute(
            "SELECT min(CAST(charge_period_start AS DATE)), max(CAST(charge_period_start AS DATE)) FROM v_footprint"
        ).fetchone()
    assert (first, last) == (date(2026, 4, 1), date(2026, 10, 31))  # what the statements below rely on
    return first, last


def _csv(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def _sheet(data: bytes, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(data))[name].iter_rows(values_only=True))


def test_method_rows_are_the_footprint_rows_of_each_method(db: Path):
    with connection(db, read_only=True) as con:
        want = dict(con.execute(
            "SELECT method, count(*) FROM footprint_items WHERE charge_period_start >= DATE '2026-07-01' "
            "AND charge_period_start < DATE '2026-10-01' GROUP BY 1").fetchall())
        report, xlsx = export(con, Q3, Scope(), "xlsx", organisation="J", generated_at=WHEN)
    assert want["modelled"] > 1000 and set(want) == {"measured", "modelled", "none", "spend_based"}
    got: dict[str, int] = {}
    for m in report.methods:  # one row per method and billing currency
        got[m.method] = got.get(m.method, 0) + m.footprint_rows
    assert got == want
    assert sum(want.values()) == report.rows_total
    sheet = _sheet(xlsx, "Methods")
    header = sheet[2]
    rows_col = header.index("Rows (billing and telemetry)")
    by_sheet: dict[str, int] = {}
    for row in sheet[3:]:
        by_sheet[row[0]] = by_sheet.get(row[0], 0) + row[rows_col]
    assert by_sheet == want
    tidy: dict[str, int] = {}
    for r in _csv(render(report, "csv")):
        if r[0] == "methods" and r[3] == "footprint_rows":
            method = r[2].split(" / ")[0]
            tidy[method] = tidy.get(method, 0) + int(r[5])
    assert tidy == want


def test_a_missing_method_figure_is_an_error_not_zero():
    row = {"method": "modelled", "billing_currency": "USD", "energy_kwh": 1.0, "measured_energy_kwh": None,
           "spend_based_energy_kwh": None, "usage_cost": 2.0}
    assert MethodShare.model_validate({**row, "footprint_rows": 7}).footprint_rows == 7
    with pytest.raises(ValidationError, match="footprint_rows"):
        MethodShare.model_validate({**row, "line_items": 7})  # the name the report once expected
    with pytest.raises(ValidationError, match="usage_cost"):
        MethodShare.model_validate({k: v for k, v in {**row, "footprint_rows": 7}.items() if k != "usage_cost"})


def test_a_covered_period_says_so_and_keeps_its_change(db: Path, bounds):
    with connection(db, read_only=True) as con:
        report = build_report(con, Q3, Scope(), organisation="J", generated_at=WHEN)
    assert (report.data_first_day, report.data_last_day) == bounds
    assert report.coverage_note is None and not report.comparison_is_partial
    rows = _csv(render(report, "csv"))
    assert ["cover", "item", "Data coverage", "value", "",
            "The data loaded (2026-04-01 to 2026-10-31) covers the whole period."] in rows
    change = {r[2]: float(r[5]) for r in rows if r[0] == "trend" and r[3] == "change_share"}
    it_now, it_before = report.headline.energy_kwh, report.previous.energy_kwh
    assert change["IT energy"] == pytest.approx((it_now - it_before) / it_before, rel=1e-12)


def test_a_partial_period_says_so_in_every_format_and_shows_no_change(db: Path, bounds):
    note = ("Partial period: the data covers 2026-10-01 to 2026-10-31 of this period (31 of 92 days); "
            "the data loaded covers 2026-04-01 to 2026-10-31.")
    with connection(db, read_only=True) as con:
        report, pdf = export(con, Q4, Scope(), "pdf", organisation="J", generated_at=WHEN)
        _, xlsx = export(con, Q4, Scope(), "xlsx", organisation="J", generated_at=WHEN)
    assert not report.is_empty and report.coverage_note == note and report.comparison_is_partial
    first_page = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert note in first_page
    cover = {r[0]: r[1] for r in _sheet(xlsx, "Cover")[3:]}
    assert cover["Data coverage"] == note
    assert _sheet(xlsx, "Headline")[1][0].startswith(note)
    trend = _sheet(xlsx, "Trend")
    assert "The change is not shown" in trend[1][0]
    assert trend[2][2:] == ("2026-Q4 (partial)", "2026-Q3", "Change", "Change (%)")
    assert all(row[4] is None and row[5] is None for row in trend[3:])
    assert all(row[2] is not None for row in trend[3:])  # the figures themselves stay
    rows = _csv(render(report, "csv"))
    assert ["cover", "item", "Data coverage", "value", "", note] in rows
    assert {r[3] for r in rows if r[0] == "trend"} == {"this_period", "previous_period"}


def test_a_period_compared_with_one_the_data_does_not_reach_shows_no_change(db: Path):
    with connection(db, read_only=True) as con:  # 2026-Q2 is covered; 2026-Q1 holds nothing
        report = build_report(con, Period.parse("2026-Q2"), Scope(), organisation="J", generated_at=WHEN)
    assert report.coverage_note is None and report.comparison_is_partial and report.previous_rows_total == 0
    rows = _csv(render(report, "csv"))
    assert not [r for r in rows if r[0] == "trend" and r[3].startswith("change")]
