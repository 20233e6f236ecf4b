"""The Report page: period and scope start from the sidebar, and the documents it prepares hold the
figures summary() gives for the same days, teams and models.

AppTest drives the page on a copy of the demo database (tests/dashboard/conftest.py); the prepared
documents are read back from the page's state with pypdf, openpyxl and the csv module. One real-browser
test clicks through to the downloaded PDF, as a person does.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from footprint import units
from footprint.queries import Filters, summary
from footprint.report import Period
from footprint.store import connection

pytestmark = pytest.mark.shared


def _summary(db: Path, f: Filters) -> dict:
    with connection(db, read_only=True) as con:
        return summary(con, f)


def _last_complete_quarter(db: Path) -> Period:
    """The last quarter the data covers from its first day to its last (the demo's ends on 2026-10-31)."""
    with connection(db, read_only=True) as con:
        first, last = con.execute("SELECT min(CAST(charge_period_start AS DATE)), "
                                  "max(CAST(charge_period_start AS DATE)) FROM v_footprint").fetchone()
    quarter = Period.parse(f"{last.year}-Q{(last.month - 1) // 3 + 1}")
    if quarter.until > last:
        quarter = quarter.previous()
    assert first <= quarter.since and quarter.until <= last
    return quarter


def _busiest_team(db: Path) -> str:
    with connection(db, read_only=True) as con:
        return con.execute("SELECT team FROM v_footprint WHERE team <> 'unattributed' GROUP BY 1 "
                           "ORDER BY sum(energy_kwh) DESC NULLS LAST, 1 LIMIT 1").fetchone()[0]


def _prepare(at: AppTest, fmt: str) -> dict:
    next(b for b in at.button if b.label == f"Prepare {fmt.upper()}").click().run(timeout=300)
    assert not at.exception and not at.error, [e.value for e in at.exception]
    return at.session_state[f"report-{fmt}"]


def test_scope_and_period_start_from_the_sidebar(open_app, app_db: Path, cards, expected_cards):
    team = _busiest_team(app_db)
    at = open_app("report", query={"team": team})
    assert [t.value for t in at.title] == ["Report"]
    assert at.multiselect(key="report-team").value == [team]
    assert at.multiselect(key="report-model").value == []
    quarter = _last_complete_quarter(app_db)
    assert at.segmented_control(key="report-kind").value == "Quarter"
    assert at.selectbox(key="report-Quarter").value == quarter.label
    assert any(f"Scope: Team {team}." in c.value for c in at.caption)
    want = expected_cards(app_db, Filters(since=quarter.since, until=quarter.until, team=[team]))
    assert cards(at) == want
    # the sidebar's dates make a custom period
    at = open_app("report", query={"since": "2026-08-01", "until": "2026-08-31"})
    assert at.segmented_control(key="report-kind").value == "Sidebar dates"
    assert any("2026-08-01 to 2026-08-31, 31 days, UTC" in c.value for c in at.caption)
    assert cards(at) == expected_cards(app_db, Filters(since=date(2026, 8, 1), until=date(2026, 8, 31)))
    # a custom period that is exactly a calendar month compares with the previous month
    assert any("Compared with the previous calendar month: 2026-07." in c.value for c in at.caption)
    assert not at.warning


def test_a_partial_period_says_which_days_the_data_covers(open_app, app_db: Path):
    at = open_app("report")
    assert at.selectbox(key="report-Quarter").value == "2026-Q3" and not at.warning
    at.selectbox(key="report-Quarter").set_value("2026-Q4").run()
    assert [w.value for w in at.warning] == [
        "Partial period: the data covers 2026-10-01 to 2026-10-31 of this period (31 of 92 days); the data "
        "loaded covers 2026-04-01 to 2026-10-31. The report says so, and leaves out the change against 2026-Q3."]
    at.segmented_control(key="report-kind").set_value("Month").run()
    assert at.selectbox(key="report-Month").value == "2026-10" and not at.warning


def test_prepared_documents_hold_the_summary(open_app, app_db: Path):
    team = _busiest_team(app_db)
    at = open_app("report", query={"team": team})
    at.selectbox(key="report-Quarter").set_value("2026-Q3").run()
    s = _summary(app_db, Filters(since=date(2026, 7, 1), until=date(2026, 9, 30), team=[team]))
    assert s["energy_kwh"] > 0

    pdf = _prepare(at, "pdf")
    assert pdf["file_name"] == f"footprint-report_2026-Q3_team-{team}.pdf" and not pdf["empty"]
    assert any(b.label == f"Download {pdf['file_name']}" for b in at.download_button)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf["bytes"])).pages)
    assert f"Team {team}" in text and "2026-Q3 (2026-07-01 to 2026-09-30, 92 days, UTC)" in text
    assert units.number(s["facility_energy_kwh"] / 1000) in text

    xlsx = _prepare(at, "xlsx")
    ws = openpyxl.load_workbook(io.BytesIO(xlsx["bytes"]))["Headline"]
    head = {r[0]: r for r in ws.iter_rows(min_row=4, values_only=True)}
    assert head["IT energy"][2] == pytest.approx(s["energy_kwh"] / 1000, rel=1e-12)
    assert head["Market-based emissions"][2] == pytest.approx(s["scope2_market_kgco2e"] / 1000, rel=1e-12)
    # both prepared documents stay on offer
    assert len([b for b in at.download_button if b.label.startswith("Download footprint-report_")]) == 2

    # choosing another scope withdraws documents prepared for the previous one
    at.multiselect(key="report-team").set_value([]).run()
    assert not [b for b in at.download_button if b.label.startswith("Download footprint-report_")]


def test_documents_prepared_before_the_data_changed_are_withdrawn(open_app, app_db: Path):
    at = open_app("report")
    _prepare(at, "csv")
    assert [b for b in at.download_button if b.label.startswith("Download footprint-report_")]
    stamp = app_db.stat().st_mtime_ns + 10_000_000_000
    os.utime(app_db, ns=(stamp, stamp))  # as an upload from another process would
    at.run()
    assert not [b for b in at.download_button if b.label.startswith("Download footprint-report_")]


def test_an_empty_scope_says_so_and_still_gives_a_report(open_app, app_db: Path):
    with connection(app_db, read_only=True) as con:
        team, model = con.execute(
            "SELECT t.team, m.model FROM (SELECT DISTINCT team FROM v_footprint) t, "
            "(SELECT DISTINCT model FROM v_footprint) m WHERE NOT EXISTS (SELECT 1 FROM v_footprint v "
            "WHERE v.team = t.team AND v.model = m.model) ORDER BY 1, 2 LIMIT 1").fetchone()
    at = open_app("report", query={"team": team, "model": model})
    assert any("No data in this period and scope" in i.value for i in at.info)
    built = _prepare(at, "csv")
    assert built["empty"]
    rows = list(csv.reader(io.StringIO(built["bytes"].decode("utf-8"))))
    status = next(r for r in rows if r[:3] == ["cover", "item", "Status"])
    assert status[5].startswith("No footprint data for")
    assert any("the report says so" in c.value for c in at.caption)


# ---------------------------------------------------------------------------------------------- browser

CHROMIUM = os.environ.get("FOOTPRINT_CHROMIUM", "/usr/bin/chromium")


@pytest.mark.browser
@pytest.mark.slow
def test_a_person_downloads_the_quarters_pdf(app_url: str, app_db: Path, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`) to run the browser tests")
    quarter = _last_complete_quarter(app_db)
    s = _summary(app_db, Filters(since=quarter.since, until=quarter.until))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_context(accept_downloads=True).new_page()
        page.set_default_timeout(120_000)
        page.goto(f"{app_url}/report")
        expect(page.locator("h1").first).to_have_text("Report", timeout=120_000)
        page.get_by_role("button", name="Prepare PDF").click()
        name = f"footprint-report_{quarter.label}_organisation.pdf"
        with page.expect_download() as info:
            page.get_by_role("button", name=f"Download {name}").click()
        target = tmp_path / info.value.suggested_filename
        info.value.save_as(target)
        browser.close()
    assert target.name == name
    text = "\n".join(pg.extract_text() for pg in PdfReader(target).pages)
    assert quarter.description in text
    assert units.number(s["energy_kwh"] / 1000) in text and units.number(s["scope2_location_kgco2e"] / 1000) in text
