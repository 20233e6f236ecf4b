"""GCP Console cost table (synthetic fixture with preamble lines) and the retired JSON file export (the two
real files in ../shared/sample_exports/gcp), reconciled against raw re-sums with csv/json and Decimal."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from support import REPO, SAMPLE_EXPORTS

from ingest import ingest_file
from ingest.source import materialise

CONSOLE = REPO / "tests" / "fixtures" / "gcp" / "gcp_console_cost_table_2024-05.csv"
LEGACY = SAMPLE_EXPORTS / "gcp" / "legacy-json-file-export"
LEGACY_FILES = ["google-platform-demo-2014-01-15.json", "analytics-bigquery-demo-2014-01-15.json"]
PREAMBLE_LINES = 6  # invoice number, date, account name, account id, month, blank line


def console_rows() -> list[dict[str, str]]:
    lines = CONSOLE.read_text(encoding="utf-8").splitlines(keepends=True)[PREAMBLE_LINES:]
    return list(csv.DictReader(io.StringIO("".join(lines))))


def test_sniffer_offers_the_header_after_the_preamble():
    with materialise(CONSOLE) as sf:
        skips = [skip for skip, _ in sf.candidate_headers]
    assert PREAMBLE_LINES in skips and skips[0] == 0  # the preamble lines are candidates too, and lose


def test_console_reconciles_and_skips_only_the_total_row(con):
    rows = console_rows()
    charges = [r for r in rows if r["Cost type"] != "Total"]
    total_row = [r for r in rows if r["Cost type"] == "Total"]
    result = ingest_file(con, CONSOLE)
    assert result.status == "loaded", result.error
    assert result.format_id == "gcp-console"
    assert (result.rows_read, result.rows_loaded) == (len(rows), len(charges)) == (34, 33)
    assert result.skipped == {"summary row (Cost type = Total)": 1}
    expected = sum(Decimal(r["Unrounded Cost ($)"]) for r in charges)
    assert expected == Decimal(total_row[0]["Unrounded Cost ($)"])  # the report's own total
    got = con.execute(
        "SELECT sum(billed_cost), sum(effective_cost), any_value(billing_currency) FROM billing_line_items"
    ).fetchone()
    assert got == (expected, expected, "USD")
    # Source rows count data records after the header; the Total row (34) is the one missing.
    assert con.execute(
        "SELECT max(source_row), count(DISTINCT source_row) FROM billing_line_items"
    ).fetchone() == (33, 33)


def test_console_credits_are_their_own_rows_without_usage(con):
    rows = console_rows()
    ingest_file(con, CONSOLE)
    credit_rows = [r for r in rows if r["Credit type"]]
    got = con.execute(
        "SELECT count(*), sum(billed_cost), bool_or(carries_usage) FROM billing_line_items "
        "WHERE charge_category = 'Credit' AND x_details->>'credit_type' IS NOT NULL"
    ).fetchone()
    assert got == (len(credit_rows), sum(Decimal(r["Unrounded Cost ($)"]) for r in credit_rows), False)
    assert {r["Credit type"] for r in credit_rows} == {
        "COMMITTED_USAGE_DISCOUNT",
        "SUSTAINED_USAGE_DISCOUNT",
        "PROMOTION",
    }
    cats = dict(
        con.execute(
            "SELECT line_item_type, list(DISTINCT charge_category) FROM billing_line_items GROUP BY 1"
        ).fetchall()
    )
    assert sorted(cats["Tax"]) == ["Tax"] and sorted(cats["Rounding error"]) == ["Adjustment"]
    # Both adjustments lower the bill; the cost table cannot tell a correction from a goodwill credit.
    assert sorted(cats["Adjustment"]) == ["Credit"]


def test_console_dates_are_whole_days_with_an_inclusive_end(con):
    ingest_file(con, CONSOLE)
    got = con.execute(
        "SELECT DISTINCT charge_period_start, charge_period_end FROM billing_line_items"
    ).fetchall()
    assert got == [(datetime(2024, 5, 1), datetime(2024, 6, 1))]


def test_console_gpu_rows_and_workloads(con):
    ingest_file(con, CONSOLE)
    got = con.execute(
        "SELECT accelerator_model, sum(accelerator_count * usage_hours) FROM billing_line_items "
        "WHERE carries_usage AND accelerator_model IS NOT NULL GROUP BY 1 ORDER BY 1"
    ).fetchall()
    # May 2024 = 744 h: H100 8 + Vertex training 8 per hour; L4 1 + spot 2 + prediction 2; TPU v5e 8, v4 4.
    assert got == [
        ("A100-40GB", 744.0),
        ("H100-80GB", 16 * 744.0),
        ("L4", 5 * 744.0),
        ("TPU-v4", 4 * 744.0),
        ("TPU-v5e", 8 * 744.0),
    ]
    hints = dict(con.execute("SELECT workload_hint, count(*) FROM billing_line_items GROUP BY 1").fetchall())
    assert (hints["training"], hints["inference"]) == (3, 4)


def test_console_currency_option_and_unknown_symbol(con, tmp_path: Path):
    text = CONSOLE.read_text(encoding="utf-8")
    assert ingest_file(con, CONSOLE, options={"currency": "eur"}).status == "loaded"
    assert con.execute("SELECT DISTINCT billing_currency FROM billing_line_items").fetchall() == [("EUR",)]
    odd = tmp_path / "won.csv"
    odd.write_text(text.replace("Cost ($)", "Cost (\u20a9)"), encoding="utf-8")
    before = con.execute("SELECT count(*) FROM billing_line_items").fetchone()
    result = ingest_file(con, odd)
    assert result.status == "error" and "--currency" in result.error and "won.csv" in result.error
    assert con.execute("SELECT count(*) FROM billing_line_items").fetchone() == before


def test_console_thousands_separators(con, tmp_path: Path):
    # A spreadsheet round trip writes 65836.56 as "65,836.56"; the amount is the same.
    text = CONSOLE.read_text(encoding="utf-8").replace(",5952,hour,65836.56,", ',5952,hour,"65,836.56",')
    assert '"65,836.56"' in text
    edited = tmp_path / "separators.csv"
    edited.write_text(text, encoding="utf-8")
    assert ingest_file(con, edited).status == "loaded"
    got = con.execute("SELECT billed_cost FROM billing_line_items WHERE source_row = 1").fetchone()[0]
    assert got == Decimal("65836.56")


@pytest.mark.shared
@pytest.mark.parametrize("name", LEGACY_FILES)
def test_legacy_file_export_reconciles_exactly(con, name: str):
    path = LEGACY / name
    records = json.loads(path.read_text())
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.format_id == "gcp-legacy-json"
    assert result.rows_read == result.rows_loaded == len(records) and result.skipped == {}
    expected = sum(Decimal(r["cost"]["amount"]) for r in records)
    got = con.execute(
        "SELECT sum(billed_cost), list(DISTINCT billing_currency) FROM billing_line_items"
    ).fetchone()
    assert got == (expected, ["USD"])
    # Record accounting: source_row k is the k-th record of the array, with its own measurement.
    rows = con.execute(
        "SELECT source_row, x_details->>'line_item_id', consumed_quantity, consumed_unit, sub_account_id "
        "FROM billing_line_items ORDER BY source_row"
    ).fetchall()
    assert [r[0] for r in rows] == list(range(1, len(records) + 1))
    for (_, item, qty, unit, project), rec in zip(rows, records, strict=True):
        assert (item, qty, unit, project) == (
            rec["lineItemId"],
            float(rec["measurements"][0]["sum"]),
            rec["measurements"][0]["unit"],
            rec["projectNumber"],
        )
    # Every row is usage; only rows with a positive quantity carry it (the analytics file has zeros).
    zero = sum(1 for r in records if Decimal(r["measurements"][0]["sum"]) == 0)
    assert con.execute(
        "SELECT count(*) FILTER (NOT carries_usage), list(DISTINCT charge_category) FROM billing_line_items"
    ).fetchone() == (zero, ["Usage"])


@pytest.mark.shared
def test_legacy_pacific_offset_is_converted_to_utc(con):
    ingest_file(con, LEGACY / LEGACY_FILES[0])
    # "2014-01-14T00:00:00-08:00" is 08:00 UTC.
    got = con.execute(
        "SELECT DISTINCT charge_period_start, charge_period_end FROM billing_line_items"
    ).fetchall()
    assert got == [(datetime(2014, 1, 14, 8), datetime(2014, 1, 15, 8))]


@pytest.mark.shared
def test_legacy_services_and_vm_machine_types(con):
    records = json.loads((LEGACY / LEGACY_FILES[0]).read_text())
    ingest_file(con, LEGACY / LEGACY_FILES[0])
    by_service = dict(
        con.execute("SELECT service_name, count(*) FROM billing_line_items GROUP BY 1").fetchall()
    )
    slugs = [r["lineItemId"].split("/")[2] for r in records]
    assert by_service == {
        "BigQuery": slugs.count("big-query"),
        "Cloud SQL": slugs.count("cloud-sql"),
        "Cloud Storage": slugs.count("cloud-storage"),
        "Compute Engine": slugs.count("compute-engine"),
    }
    vms = dict(
        con.execute(
            "SELECT usage_type, instance_type FROM billing_line_items WHERE usage_type LIKE 'Vmimage%'"
        ).fetchall()
    )
    assert vms == {
        "VmimageN1Highmem_2": "n1-highmem-2",
        "VmimageN1Highmem_2_Eu": "n1-highmem-2",
        "VmimageN1Highmem_4": "n1-highmem-4",
        "VmimageN1Standard_1_Eu": "n1-standard-1",
        "VmimageN1Standard_2": "n1-standard-2",
        "VmimageN1Standard_4": "n1-standard-4",
        "VmimageN1Standard_4_Eu": "n1-standard-4",
        "VmimageN1Standard_8_Eu": "n1-standard-8",
    }
    # 172,740 VM-seconds of n1-standard-4 are 47.98 VM-hours.
    assert con.execute(
        "SELECT usage_hours FROM billing_line_items WHERE usage_type = 'VmimageN1Standard_4'"
    ).fetchone()[0] == pytest.approx(172740 / 3600)
