"""`footprint report` against `footprint summary --json`: both commands run as a user runs them.

The database is the demo organisation built from the project's sample files. For each period and scope
the report's headline (XLSX cells, CSV rows, PDF text) must be the figures `summary --json` prints for the
same days, teams and models; bad arguments give one line and exit status 2, with no file written.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from footprint import units
from footprint.store import connection
from footprint_cli.cmd_demo import build_demo

pytestmark = pytest.mark.shared

# headline row of the report -> summary --json keys of its central, low and high values (kWh, kg)
HEADLINE = {
    "IT energy": ("energy_kwh", "energy_kwh_low", "energy_kwh_high"),
    "Facility energy (IT x PUE)": ("facility_energy_kwh", "facility_energy_kwh_low", "facility_energy_kwh_high"),
    "Location-based emissions": ("scope2_location_kgco2e", "scope2_location_kgco2e_low", "scope2_location_kgco2e_high"),
    "Market-based emissions": ("scope2_market_kgco2e", "scope2_market_kgco2e_low", "scope2_market_kgco2e_high"),
}


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.getbasetemp() / "report-demo" / "footprint.duckdb"
    if not db.exists():
        db.parent.mkdir(exist_ok=True)
        assert build_demo(db, echo=lambda line: None).errors == 0
    return db


ENTRY = "import sys; from footprint_cli.main import main; sys.exit(main(sys.argv[1:]))"  # the console script


def footprint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", ENTRY, *args], capture_output=True, text=True, timeout=300)


def summary_json(db: Path, *args: str) -> dict:
    done = footprint("summary", "--db", str(db), "--json", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def report(db: Path, out: Path, *args: str) -> str:
    done = footprint("report", "--db", str(db), "-o", str(out), *args)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and not list(out.parent.glob(".*.part"))
    return done.stdout


def xlsx_headline(path: Path) -> dict[str, tuple]:
    ws = openpyxl.load_workbook(path)["Headline"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    return {r[0]: r[1:] for r in rows}


def csv_headline(path: Path) -> dict[tuple[str, str], tuple[str, float]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return {(r[2], r[3]): (r[4], float(r[5])) for r in rows if r[0] == "headline"}


def assert_headline_is_summary(xlsx: dict, tidy: dict, s: dict) -> None:
    for figure, keys in HEADLINE.items():
        for column, key in zip(("central", "low", "high"), keys, strict=True):
            want = pytest.approx(s[key] / 1000, rel=1e-14)
            assert xlsx[figure][1 + ("central", "low", "high").index(column)] == want, (figure, column)
            assert tidy[(figure, column)][1] == want, (figure, column)
    for currency, amount in s["cost"].items():
        assert xlsx[f"Cost ({currency})"][:2] == (currency, pytest.approx(amount, rel=1e-14))
        assert tidy[(f"Cost ({currency})", "central")] == (currency, pytest.approx(amount, rel=1e-14))
    assert xlsx["Line items (billing rows)"][1] == s["line_items"]
    assert tidy[("Line items (billing rows)", "central")] == ("rows", s["line_items"])


@pytest.mark.parametrize(
    ("report_args", "summary_args"),
    [
        (["--period", "2026-Q3"], ["--since", "2026-07-01", "--until", "2026-09-30"]),
        (["--period", "2026-09", "--team", "research"], ["--since", "2026-09-01", "--until", "2026-09-30",
                                                          "--team", "research"]),
        (["--since", "2026-08-15", "--until", "2026-09-14", "--model", "assistant-7b"],
         ["--since", "2026-08-15", "--until", "2026-09-14", "--model", "assistant-7b"]),
    ],
    ids=["organisation-quarter", "team-month", "model-custom"],
)
def test_report_headline_is_summary_json(db: Path, tmp_path: Path, report_args: list[str], summary_args: list[str]):
    s = summary_json(db, *summary_args)
    assert s["line_items"] > 0 and s["energy_kwh"] > 0
    said = report(db, tmp_path / "r.xlsx", *report_args)
    assert said.startswith(f"Wrote {tmp_path / 'r.xlsx'} (XLSX")
    report(db, tmp_path / "r.csv", *report_args)
    assert_headline_is_summary(xlsx_headline(tmp_path / "r.xlsx"), csv_headline(tmp_path / "r.csv"), s)
    report(db, tmp_path / "r.pdf", *report_args)
    text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    d = units.decimals_for(s["energy_kwh"] / 1000)
    assert (f"{units.number(s['energy_kwh'] / 1000)} ({units.number(s['energy_kwh_low'] / 1000, d)}"
            f"\u2013{units.number(s['energy_kwh_high'] / 1000, d)})") in text
    assert units.number(s["scope2_market_kgco2e"] / 1000) in text


def test_format_comes_from_the_flag_or_the_file_name(db: Path, tmp_path: Path):
    report(db, tmp_path / "r.txt", "--period", "2026-09", "--format", "csv")
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").startswith("section,group_by,group,metric,unit,value")
    report(db, tmp_path / "R.PDF", "--period", "2026-09", "--organisation", "Juniper Labs")
    assert (tmp_path / "R.PDF").read_bytes().startswith(b"%PDF-")
    assert "Juniper Labs" in PdfReader(tmp_path / "R.PDF").pages[0].extract_text()


def test_an_empty_period_writes_a_report_that_says_so(db: Path, tmp_path: Path):
    said = report(db, tmp_path / "empty.csv", "--period", "2019-Q2")
    assert "Note: No footprint data for 2019-Q2" in said
    text = (tmp_path / "empty.csv").read_text(encoding="utf-8")
    assert "No footprint data for 2019-Q2 (2019-04-01 to 2019-06-30, 91 days, UTC)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13", "-o", "{tmp}/x.pdf"], "error: '2026-13': month 13 does not exist"),
        (["--period", "2026-Q3", "--since", "2026-07-01", "-o", "{tmp}/x.pdf"], "error: give either --period"),
        (["--period", "2026", "-o", "{tmp}/x.docx"], "error: {tmp}/x.docx: say which format"),
        (["--period", "2026", "-o", "{tmp}/missing/x.pdf"], "error: {tmp}/missing/x.pdf: folder {tmp}/missing does"),
        (["--since", "2026-09-02", "--until", "2026-09-01", "-o", "{tmp}/x.pdf"], "error: --until 2026-09-01 is before"),
    ],
)
def test_bad_arguments_give_one_line_and_no_file(db: Path, tmp_path: Path, args: list[str], message: str):
    done = footprint("report", "--db", str(db), *[a.format(tmp=tmp_path) for a in args])
    assert done.returncode == 2
    assert done.stderr.startswith(message.format(tmp=tmp_path)) and done.stderr.count("\n") == 1, done.stderr
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_missing_database_is_one_line(tmp_path: Path):
    done = footprint("report", "--db", str(tmp_path / "none.duckdb"), "--period", "2026", "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2 and done.stderr.startswith("error: ") and "no such database" in done.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_stale_derived_tables_are_refreshed_first(db: Path, tmp_path: Path):
    copy = tmp_path / "stale.duckdb"
    shutil.copy(db, copy)
    with connection(copy) as con:
        con.execute("UPDATE agg_meta SET batches_signature = 'another data set'")
    said = report(copy, tmp_path / "r.xlsx", "--period", "2026-Q3")
    assert said.startswith("The derived tables were built from other data or definitions: refreshing them first.")
    s = summary_json(copy, "--since", "2026-07-01", "--until", "2026-09-30")
    assert xlsx_headline(tmp_path / "r.xlsx")["IT energy"][1] == pytest.approx(s["energy_kwh"] / 1000, rel=1e-14)


def test_without_a_period_the_last_complete_quarter_is_reported(db: Path, tmp_path: Path):
    with connection(db, read_only=True) as con:
        last = con.execute("SELECT max(CAST(charge_period_start AS DATE)) FROM v_footprint").fetchone()[0]
    assert last.isoformat() == "2026-10-31"  # so 2026-Q4 holds one month and 2026-Q3 is the last complete
    said = report(db, tmp_path / "r.csv")
    assert said.startswith("No period given: reporting 2026-Q3, the last quarter the data covers from end to end\n")
    rows = list(csv.reader(io.StringIO((tmp_path / "r.csv").read_text(encoding="utf-8"))))
    assert ["cover", "item", "Period", "value", "", "2026-Q3 (2026-07-01 to 2026-09-30, 92 days, UTC)"] in rows
    s = summary_json(db, "--since", "2026-07-01", "--until", "2026-09-30")
    assert csv_headline(tmp_path / "r.csv")[("IT energy", "central")][1] == pytest.approx(s["energy_kwh"] / 1000,
                                                                                        rel=1e-14)


def test_a_partial_period_is_noted(db: Path, tmp_path: Path):
    said = report(db, tmp_path / "q4.csv", "--period", "2026-Q4")
    assert ("Note: Partial period: the data covers 2026-10-01 to 2026-10-31 of this period (31 of 92 days); "
            "the data loaded covers 2026-04-01 to 2026-10-31.") in said


def test_without_a_period_an_empty_store_is_one_line(tmp_path: Path):
    empty = tmp_path / "empty.duckdb"
    with connection(empty):
        pass
    done = footprint("report", "--db", str(empty), "-o", str(tmp_path / "x.pdf"))
    assert done.returncode == 2
    assert done.stderr.startswith("error: the store holds no data yet: say which period") and \
        done.stderr.count("\n") == 1, done.stderr
    assert not (tmp_path / "x.pdf").exists()
