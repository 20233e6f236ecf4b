"""The ESG report on the demo organisation: its figures are summary()'s figures, in every format.

The demo database is built from the project's sample files the way `footprint demo` builds it. Expected
values are summary() / ledger.models() on the same database and filters; the line-item sheet is re-added
in Python and must give the headline back, so a figure the report computed differently, a group it
dropped or a row it counted twice fails here. Text is checked in the PDF with pypdf, cells in the XLSX
with openpyxl and rows in the CSV with the csv module.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from footprint import ledger, units
from footprint.queries import Filters, summary
from footprint.report import Period, Report, ReportError, Scope, build_report, export, line_items, render
from footprint.report.pdf import MARGIN, PAGE
from footprint.report.text import SECTIONS
from footprint.store import connection
from footprint_cli.cmd_demo import build_demo

pytestmark = pytest.mark.shared

WHEN = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
Q3 = Period.parse("2026-Q3")


def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo organisation, built once per test process (the report tests only read it)."""
    db = tmp_path_factory.getbasetemp() / "report-demo" / "footprint.duckdb"
    if not db.exists():
        db.parent.mkdir(exist_ok=True)
        result = build_demo(db, echo=lambda line: None)
        assert result.errors == 0
    return db


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return demo_db(tmp_path_factory)


@pytest.fixture(scope="module")
def q3(db: Path) -> tuple[Report, dict[str, bytes], list[dict], int]:
    """The organisation's 2026-Q3 report and its three renderings."""
    with connection(db, read_only=True) as con:
        report = build_report(con, Q3, Scope(), organisation="Juniper Labs", generated_at=WHEN)
        rows, total = line_items(con, report, 100_000)
    out = {fmt: render(report, fmt, rows, total) for fmt in ("pdf", "xlsx", "csv")}
    return report, out, rows, total


def _summary(db: Path, f: Filters, by: list[str] | None = None) -> dict:
    with connection(db, read_only=True) as con:
        return summary(con, f, by)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def sheet_rows(data: bytes, sheet: str) -> list[tuple]:
    """Rows under the header (row 3) of one sheet, and the header itself first."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return list(wb[sheet].iter_rows(min_row=3, values_only=True))


def by_first(rows: list[tuple]) -> dict:
    return {r[0]: r for r in rows[1:]}


def test_the_report_holds_summarys_figures(db: Path, q3):
    report, _, _, _ = q3
    f = Filters(since=Q3.since, until=Q3.until)
    s = _summary(db, f)
    assert report.headline.model_dump() == {k: v for k, v in s.items() if k not in ("filters", "by", "groups")}
    assert report.headline.line_items > 0 and report.headline.energy_kwh > 0
    groups = _summary(db, f, ["provider", "region"])["groups"]
    assert [(g.key["provider"], g.key["region"], g.energy_kwh, g.scope2_market_kgco2e, g.cost)
            for g in report.by_region] == [
        (g["key"]["provider"], g["key"]["region"], g["energy_kwh"], g["scope2_market_kgco2e"], g["cost"])
        for g in groups]
    prev = _summary(db, Filters(since=Q3.previous().since, until=Q3.previous().until))
    assert report.previous.energy_kwh == prev["energy_kwh"] and report.previous.cost == prev["cost"]
    with connection(db, read_only=True) as con:
        models = ledger.models(con, ledger.LedgerFilters(Q3.since, Q3.until))
    assert {m.model: m.inference_energy_kwh for m in report.models} == {
        m["model"]: m["inference_energy_kwh"] for m in models}
    assert any(m.requests and m.energy_kwh_per_1k_inferences for m in report.models)
    # every scope label the rows carry, adding up to the headline
    assert sum(g.scope2_location_kgco2e or 0 for g in report.by_scope_label) == pytest.approx(
        s["scope2_location_kgco2e"], rel=1e-12)
    assert {g.key["scope_label"] for g in report.by_scope_label} == {"scope2", "scope3_cat1"}


def test_instruments_cover_what_the_market_based_method_applied(q3):
    report, _, _, _ = q3
    assert report.instruments, "the demo loads Guarantees of Origin and RECs"
    covered = sum(i.covered_kwh for i in report.instruments)
    by_method = sum(m.instrument_covered_kwh or 0 for m in report.market_methods)
    assert covered == pytest.approx(by_method, rel=1e-9)
    for i in report.instruments:
        assert i.instrument_type == "eac" and i.period_start and i.certification  # joined to the loaded file
        assert 0 < i.covered_kwh <= (i.eligible_facility_energy_kwh or 0) + 1e-9


def test_line_items_add_up_to_the_headline(q3):
    report, _, rows, total = q3
    assert total == report.rows_total == len(rows)
    assert sum(r["energy_kwh"] or 0 for r in rows) == pytest.approx(report.headline.energy_kwh, rel=1e-9)
    assert sum(r["market_kgco2e"] or 0 for r in rows) == pytest.approx(report.headline.scope2_market_kgco2e,
                                                                        rel=1e-9)
    usd = sum(float(r["billed_cost"]) for r in rows if r["billing_currency"] == "USD")
    assert usd == pytest.approx(report.headline.cost["USD"], rel=1e-12)


def test_pdf_has_every_section_and_the_headline_figures(q3):
    report, out, _, _ = q3
    text = pdf_text(out["pdf"])
    for key in ("headline", "energy", "emissions", "scope_labels", "models", "trend", "instruments", "sources",
                "pue", "factors", "data_quality", "unknown_skus", "unattributed", "methodology"):
        assert SECTIONS[key] in text, key
    h = report.headline
    for kwh, low, high in [(h.energy_kwh, h.energy_kwh_low, h.energy_kwh_high),
                           (h.facility_energy_kwh, h.facility_energy_kwh_low, h.facility_energy_kwh_high),
                           (h.scope2_location_kgco2e, h.scope2_location_kgco2e_low, h.scope2_location_kgco2e_high),
                           (h.scope2_market_kgco2e, h.scope2_market_kgco2e_low, h.scope2_market_kgco2e_high)]:
        d = units.decimals_for(kwh / 1000)
        shown = f"{units.number(kwh / 1000)} ({units.number(low / 1000, d)}\u2013{units.number(high / 1000, d)})"
        assert shown in text
    assert f"{h.cost['USD']:,.0f}" in text and f"{h.line_items:,}" in text  # thousands separators
    for words in ("Juniper Labs", "2026-Q3 (2026-07-01 to 2026-09-30, 92 days, UTC)", "Whole organisation",
                  "Scope 3, category 1 (purchased cloud services)", "2026-11-02 09:30:00", "MWh", "t CO2e",
                  report.methodology_version, "REC-US-2026-GE-55812"):
        assert words in text, words
    assert len(PdfReader(io.BytesIO(out["pdf"])).pages) >= 5


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils (make browser installs it)")
def test_pdf_pages_have_ink_and_none_outside_the_text_frame(q3, tmp_path: Path):
    _, out, _, _ = q3
    (tmp_path / "q3.pdf").write_bytes(out["pdf"])
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(tmp_path / "q3.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) == len(PdfReader(io.BytesIO(out["pdf"])).pages)
    for page in pages:
        magic, width, height, _, pixels = page.read_bytes().split(maxsplit=4)
        w, h = int(width), int(height)
        ink = [x for y in range(h) for x in range(w) if pixels[y * w + x] < 200]
        assert magic == b"P5" and ink, f"{page.name} is blank"
        left, right = MARGIN / PAGE[0] * w, (PAGE[0] - MARGIN) / PAGE[0] * w
        assert left - 2 <= min(ink) and max(ink) <= right + 2, f"{page.name}: something runs off the page"


def test_xlsx_cells_are_summarys_numbers(db: Path, q3):
    report, out, rows, _ = q3
    wb = openpyxl.load_workbook(io.BytesIO(out["xlsx"]))
    assert wb.sheetnames[:3] == ["Cover", "Headline", "Energy"] and wb.sheetnames[-1] == "Line items"
    s = _summary(db, Filters(since=Q3.since, until=Q3.until))
    head = by_first(sheet_rows(out["xlsx"], "Headline"))
    assert sheet_rows(out["xlsx"], "Headline")[0] == ("Figure", "Unit", "Central", "Low", "High")
    assert head["IT energy"][1:] == ("MWh", *[pytest.approx(s[k] / 1000, rel=1e-14) for k in
                                              ("energy_kwh", "energy_kwh_low", "energy_kwh_high")])
    assert head["Location-based emissions"][2] == pytest.approx(s["scope2_location_kgco2e"] / 1000, rel=1e-14)
    assert head["Market-based emissions"][4] == pytest.approx(s["scope2_market_kgco2e_high"] / 1000, rel=1e-14)
    assert head["Cost (USD)"][2] == pytest.approx(s["cost"]["USD"], rel=1e-14)
    assert head["Line items (billing rows)"][2] == s["line_items"]
    energy = sheet_rows(out["xlsx"], "Energy")
    header = energy[0]
    assert "Facility energy (MWh)" in header and "Cost (USD)" in header
    groups = _summary(db, Filters(since=Q3.since, until=Q3.until), ["provider", "region"])["groups"]
    cells = {(r[0], r[1]): r for r in energy[1:]}
    assert len(cells) == len(groups) + 1  # and the 'All' row
    fac, cost = header.index("Facility energy (MWh)"), header.index("Cost (USD)")
    for g in groups:
        row = cells[(g["key"]["provider"], g["key"]["region"])]
        want = None if g["facility_energy_kwh"] is None else pytest.approx(g["facility_energy_kwh"] / 1000, rel=1e-14)
        assert row[fac] == want
        usd = g["cost"].get("USD")  # telemetry of own hardware carries no cost
        assert row[cost] == (None if usd is None else pytest.approx(usd, rel=1e-14))
    assert cells[("All", "All")][fac] == pytest.approx(s["facility_energy_kwh"] / 1000, rel=1e-14)
    items = sheet_rows(out["xlsx"], "Line items")
    assert len(items) - 1 == len(rows) and "energy_kwh" in items[0] and "file_name" in items[0]
    col = items[0].index("energy_kwh")
    assert sum(r[col] or 0 for r in items[1:]) == pytest.approx(s["energy_kwh"], rel=1e-9)
    assert all(isinstance(r[col], float | int | type(None)) for r in items[1:])


def test_csv_is_tidy_and_holds_the_same_figures(db: Path, q3):
    _, out, _, _ = q3
    rows = list(csv.reader(io.StringIO(out["csv"].decode("utf-8"))))
    assert rows[0] == ["section", "group_by", "group", "metric", "unit", "value"]
    assert all(len(r) == 6 for r in rows)
    data = [r for r in rows[1:] if r[0] not in ("cover", "methodology")]
    for r in data:
        float(r[5])  # every figure is a number
        assert r[4], r  # with its unit
    s = _summary(db, Filters(since=Q3.since, until=Q3.until))
    tidy = {(r[0], r[2], r[3]): (r[4], float(r[5])) for r in data}
    assert tidy[("headline", "IT energy", "central")] == ("MWh", pytest.approx(s["energy_kwh"] / 1000, rel=1e-15))
    assert tidy[("headline", "Cost (USD)", "central")] == ("USD", pytest.approx(s["cost"]["USD"], rel=1e-15))
    assert tidy[("energy", "All / All", "facility_energy_mwh")][1] == pytest.approx(s["facility_energy_kwh"] / 1000)
    assert tidy[("data_quality", "Measured share of IT energy (telemetry)", "value")] == (
        "ratio", pytest.approx(s["measured_share"], rel=1e-15))
    assert ["cover", "item", "Generated at (UTC)", "value", "", "2026-11-02 09:30:00"] in rows
    assert len({(r[0], r[2], r[3]) for r in data}) == len(data), "one row per section, group and metric"


def test_same_data_same_report_apart_from_the_generation_time(db: Path, q3):
    report, out, _, _ = q3
    with connection(db, read_only=True) as con:
        threads = con.execute("SELECT current_setting('threads')").fetchone()
        again, pdf = export(con, Q3, Scope(), "pdf", organisation="Juniper Labs", generated_at=WHEN)
        _, xlsx = export(con, Q3, Scope(), "xlsx", organisation="Juniper Labs", generated_at=WHEN)
        later = build_report(con, Q3, Scope(), organisation="Juniper Labs")
        more = {build_report(con, Q3, Scope(), organisation="J", generated_at=WHEN).model_dump_json()
                for _ in range(10)}
        assert con.execute("SELECT current_setting('threads')").fetchone() == threads  # restored
    assert len(more) == 1  # the per-model ratios too, to the last digit
    assert again == report
    assert pdf == out["pdf"] and xlsx == out["xlsx"]
    assert render(again, "csv") == out["csv"]
    assert later.generated_at != report.generated_at
    assert later.model_dump(exclude={"generated_at"}) == report.model_dump(exclude={"generated_at"})
    changed = [a for a, b in zip(render(later, "csv").splitlines(), out["csv"].splitlines(), strict=True) if a != b]
    assert len(changed) == 1 and changed[0].startswith(b"cover,item,Generated at (UTC)")


def test_a_team_and_a_model_scope(db: Path):
    with connection(db, read_only=True) as con:
        team = build_report(con, Period.parse("2026-09"), Scope(teams=("research",)), organisation="J", generated_at=WHEN)
        model = build_report(con, Period.parse("2026"), Scope(models=("assistant-7b",)), organisation="J")
    s = _summary(db, Filters(since=team.period.since, until=team.period.until, team=["research"]))
    assert team.headline.energy_kwh == s["energy_kwh"] and team.headline.cost == s["cost"]
    assert 0 < s["energy_kwh"] < _summary(db, Filters(since=team.period.since, until=team.period.until))["energy_kwh"]
    assert "Team research" in pdf_text(render(team, "pdf"))
    assert [m.model for m in model.models] == ["assistant-7b"]
    s = _summary(db, Filters(since=model.period.since, until=model.period.until, model=["assistant-7b"]))
    assert model.headline.scope2_location_kgco2e == s["scope2_location_kgco2e"]


def test_an_empty_period_says_so_in_every_format(db: Path):
    with connection(db, read_only=True) as con:
        report, pdf = export(con, Period.parse("2019"), Scope(), "pdf", organisation="J", generated_at=WHEN)
        _, xlsx = export(con, Period.parse("2019"), Scope(), "xlsx", organisation="J", generated_at=WHEN)
    assert report.is_empty and report.headline.energy_kwh is None
    message = "No footprint data for 2019 (2019-01-01 to 2019-12-31, 365 days, UTC)"
    assert message in " ".join(pdf_text(pdf).split())
    cover = by_first(sheet_rows(xlsx, "Cover"))
    assert cover["Status"][1].startswith(message)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert wb["Headline"]["A2"].value.startswith(message)
    assert wb["Line items"]["A2"].value == "No footprint rows in this period and scope."
    rows = list(csv.reader(io.StringIO(render(report, "csv").decode())))
    status = [r for r in rows if r[:3] == ["cover", "item", "Status"]]
    assert len(status) == 1 and status[0][5].startswith(message)
    assert not [r for r in rows if r[0] == "headline" and r[2] != "Line items (billing rows)"]  # nothing made up
    assert ["headline", "figure", "Line items (billing rows)", "central", "rows", "0"] in rows


def test_stale_derived_tables_are_refused(db: Path, tmp_path: Path):
    copy = tmp_path / "stale.duckdb"
    copy.write_bytes(db.read_bytes())
    with connection(copy) as con:
        con.execute("UPDATE agg_meta SET batches_signature = 'another data set'")
    with connection(copy, read_only=True) as con, pytest.raises(ReportError, match="refresh"):
        build_report(con, Q3, Scope(), organisation="J")
