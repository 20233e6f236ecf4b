"""The flows a person performs, in a real browser: upload a bill, see the numbers move, open a team's
dashboard, follow the link, download a chart's data.

The app runs as it does for users (`python -m streamlit run dashboard/app.py` on a free port) on a copy of
the demo database; Playwright drives Debian's Chromium (Playwright never downloads a browser here).
Expected values come from summary() on the same database file, and from the uploaded file itself.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from support import SAMPLE_EXPORTS, data_rows

from footprint import units
from footprint.queries import Filters, summary
from footprint.store import connection

pytestmark = [pytest.mark.browser, pytest.mark.shared, pytest.mark.slow]

CHROMIUM = os.environ.get("FOOTPRINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)  # a page's first run on a shared 2-core machine can take a while


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make browser`) to run the browser tests"
        )
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _summary(db: Path, f: Filters) -> dict:
    with connection(db, read_only=True) as con:
        return summary(con, f)


def _card(page: Page, label: str):  # type: ignore[no-untyped-def]
    return (
        page.locator("[data-testid=stMetric]").filter(has_text=label).locator("[data-testid=stMetricValue]")
    )


def _nav(page: Page, title: str) -> None:
    page.locator("[data-testid=stSidebarNav]").get_by_text(title, exact=True).click()
    expect(page.locator("h1").first).to_have_text(title, timeout=TIMEOUT_MS)


def test_upload_browse_and_download(app_url: str, app_db: Path, browser: Browser, tmp_path: Path):
    page = browser.new_context(viewport={"width": 1400, "height": 1100}, accept_downloads=True).new_page()
    page.set_default_timeout(TIMEOUT_MS)
    outside: list[str] = []  # the app runs where there is no internet: every request stays on its server
    page.context.on("request", lambda r: _note_outside(r.url, app_url, outside))
    page.goto(app_url)
    before = _summary(app_db, Filters())
    expect(_card(page, "Line items")).to_have_text(units.number(before["line_items"], 0))
    expect(_card(page, "IT energy")).to_have_text(_it_card(before))

    # Upload a bill the database does not hold yet: preview first, then load
    _nav(page, "Upload")
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(str(FOCUS))
    expect(page.get_by_text(f"{FOCUS.name}: FOCUS 1.0 (billing)")).to_be_visible()
    page.get_by_role("button", name="Load 1 file").click()
    expect(page.get_by_text("1 file loaded")).to_be_visible()

    # The Overview's cards moved by exactly the file's rows
    after = _summary(app_db, Filters())
    assert after["line_items"] == before["line_items"] + data_rows(FOCUS)
    _nav(page, "Overview")
    expect(_card(page, "Line items")).to_have_text(units.number(after["line_items"], 0))
    expect(_card(page, "Cost")).to_have_text(units.money_by_currency(after["cost"]))

    # A team's dashboard, picked in the page; the link follows and survives navigation
    _nav(page, "Team dashboards")
    with connection(app_db, read_only=True) as con:
        team = con.execute(
            "SELECT team FROM v_footprint WHERE team <> 'unattributed' GROUP BY 1 ORDER BY sum(energy_kwh) ASC LIMIT 1"
        ).fetchone()[0]  # the smallest team: not the one the page lands on by default
    picker = page.locator("[data-testid=stSelectbox]").filter(has_text="Team")
    picker.click()
    page.keyboard.type(team)  # the option list is virtual: filter it to the one team, then pick it
    page.get_by_role("option", name=team, exact=True).click()
    expect(page).to_have_url(re.compile(rf"[?&]team={re.escape(team)}(&|$)"))  # the link follows the picker
    scoped = _summary(app_db, Filters(team=[team]))
    expect(_card(page, "IT energy")).to_have_text(_it_card(scoped))
    expect(page.get_by_role("heading", name=f"Models of {team}")).to_be_visible()

    # The data behind the team's models chart downloads as CSV and adds up to the team's IT energy
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = info.value
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows and set(rows[0]) >= {"model", "workload", "energy_kwh"}
    assert {r["model"] for r in rows} <= set(_models_of(app_db, team))
    assert sum(float(r["energy_kwh"] or 0) for r in rows) == pytest.approx(scoped["energy_kwh"], rel=1e-9)

    # Following the link elsewhere keeps the team filter
    _nav(page, "Overview")
    expect(page).to_have_url(re.compile(rf"/(overview)?\?(.*&)?team={re.escape(team)}(&|$)"))
    expect(_card(page, "IT energy")).to_have_text(_it_card(scoped))
    shared = browser.new_context().new_page()
    shared.goto(page.url)
    expect(_card(shared, "IT energy")).to_have_text(_it_card(scoped), timeout=TIMEOUT_MS)
    assert outside == []


def _it_card(s: dict) -> str:
    """The IT energy card as the page must show it: in the unit it shares with the facility energy card."""
    return units.quantities([s["energy_kwh"], s["facility_energy_kwh"]], "energy")[0]


def _note_outside(url: str, app_url: str, outside: list[str]) -> None:
    """Keep `url` when it leaves the app's server (data: and blob: URLs are drawn in the browser)."""
    if not url.startswith((app_url.rstrip("/"), "data:", "blob:")):
        outside.append(url)


def _models_of(db: Path, team: str) -> list[str]:
    with connection(db, read_only=True) as con:
        return [
            r[0]
            for r in con.execute("SELECT DISTINCT model FROM v_footprint WHERE team = ?", [team]).fetchall()
        ]
