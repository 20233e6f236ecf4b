"""Legacy AWS CUR reader: the real anonymised CUR, the synthetic GPU CUR, its Athena/Parquet form, broken files.

Expected money is re-summed from the raw files with Python's csv module and Decimal; expected derivations
are written out by hand from the fixture rows (tests/fixtures/aws/make_fixtures.py).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from support import SAMPLE_EXPORTS, data_rows, raw_sum

from footprint_cli.main import main
from ingest import ingest_file
from ingest.billing.base import number_and_derive as _derive

REAL = SAMPLE_EXPORTS / "aws-cur" / "focus-converters_sample-anonymous-aws-export-dataset.csv"
CCF = SAMPLE_EXPORTS / "ccf-fixtures" / "aws_input.test.csv"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aws"
LEGACY = FIXTURES / "cur_legacy_gpu.csv"
ATHENA = FIXTURES / "cur_legacy_athena.parquet"


def _state(con):
    return con.execute(
        "SELECT (SELECT count(*) FROM billing_line_items), (SELECT count(*) FROM ingest_batches), "
        "(SELECT sum(billed_cost) FROM billing_line_items)"
    ).fetchone()


def _rows(path: Path) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    return rows[0], rows[1:]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def _by_row(con, columns: str) -> dict[int, tuple]:
    return {r[0]: r[1:] for r in con.execute(f"SELECT source_row, {columns} FROM billing_line_items").fetchall()}


# --- the real anonymised legacy CUR ---------------------------------------------------------------------
@pytest.mark.shared
def test_real_cur_loads_every_row_and_reconciles_per_currency(con):
    result = ingest_file(con, REAL)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur"
    assert result.rows_read == result.rows_loaded == data_rows(REAL) == 1281
    assert result.skipped == {}
    expected = raw_sum(REAL, "lineItem/UnblendedCost", group="lineItem/CurrencyCode")
    got = dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall())
    assert got == expected and set(got) == {"USD"}


@pytest.mark.shared
def test_real_cur_tax_rows_are_kept_labelled_and_carry_no_usage(con):
    ingest_file(con, REAL)
    taxes = raw_sum(REAL, "lineItem/UnblendedCost", where={"lineItem/LineItemType": {"Tax"}})[""]
    row = con.execute(
        "SELECT count(*), sum(billed_cost), bool_or(carries_usage), count(consumed_quantity) "
        "FROM billing_line_items WHERE charge_category = 'Tax' AND line_item_type = 'Tax'"
    ).fetchone()
    assert row == (12, taxes, False, 0)
    usage = raw_sum(REAL, "lineItem/UsageAmount", where={"lineItem/LineItemType": {"Usage"}})[""]
    got = con.execute("SELECT sum(consumed_quantity), count(*) FROM billing_line_items WHERE carries_usage").fetchone()
    assert got[1] == 1269 and got[0] == pytest.approx(float(usage), rel=1e-12)


@pytest.mark.shared
def test_real_cur_quoted_comma_in_the_entity_name_keeps_columns_aligned(con):
    ingest_file(con, REAL)
    header, rows = _rows(REAL)
    entity, payer = header.index("bill/InvoicingEntity"), header.index("bill/PayerAccountId")
    region, code = header.index("product/region"), header.index("product/regionCode")
    # The entity is quoted because of its comma; the columns after it must land where they belong.
    assert {r[entity] for r in rows} == {"Amazon Web Services Canada, Inc."}
    assert con.execute("SELECT DISTINCT billing_account_id FROM billing_line_items").fetchall() == [(rows[0][payer],)]
    expected_regions: dict[str | None, int] = {}
    for r in rows:
        key = r[code] or r[region] or None
        expected_regions[key] = expected_regions.get(key, 0) + 1
    assert dict(con.execute("SELECT region_id, count(*) FROM billing_line_items GROUP BY 1").fetchall()) == expected_regions
    descriptions = con.execute(
        "SELECT charge_description FROM billing_line_items WHERE source_row = 1"
    ).fetchone()[0]
    assert descriptions == rows[0][header.index("lineItem/LineItemDescription")] == "Tax for product code AWSCloudTrail"


# --- the synthetic legacy CUR with GPU, SageMaker and commitment rows --------------------------------
def test_legacy_fixture_reconciles_and_labels_every_line_item_type(con):
    result = ingest_file(con, LEGACY)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur" and result.rows_loaded == data_rows(LEGACY) == 14
    expected = raw_sum(LEGACY, "lineItem/UnblendedCost", group="lineItem/CurrencyCode")
    assert dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall()) == expected
    labels = _by_row(con, "line_item_type, charge_category, carries_usage")
    assert labels == {
        1: ("Usage", "Usage", True), 2: ("Usage", "Usage", True), 3: ("Usage", "Usage", True),
        4: ("Usage", "Usage", True), 5: ("Usage", "Usage", True),
        6: ("SavingsPlanCoveredUsage", "Usage", True), 7: ("SavingsPlanNegation", "Usage", False),
        8: ("SavingsPlanRecurringFee", "Purchase", False), 9: ("DiscountedUsage", "Usage", True),
        10: ("RIFee", "Purchase", False), 11: ("EdpDiscount", "Usage", False), 12: ("Refund", "Adjustment", False),
        13: ("Credit", "Credit", False), 14: ("Tax", "Tax", False),
    }


def test_legacy_commitments_are_costed_once_and_counted_as_usage_once(con):
    ingest_file(con, LEGACY)
    money = _by_row(con, "billed_cost, effective_cost, commitment_discount_type, pricing_category")
    # Savings Plan: covered usage at on-demand cost, cancelled by its negation; amortised at the SP rate.
    assert money[6] == (Decimal("0.9330"), Decimal("0.6531"), "Savings Plan", "Committed")
    assert money[7] == (Decimal("-0.9330"), Decimal("0"), "Savings Plan", None)
    # Recurring SP fee: billed in full, effective only the unused commitment (0.7000 - 0.6531).
    assert money[8][:2] == (Decimal("0.7000"), Decimal("0.0469"))
    # Reserved Instance: covered usage billed 0, amortised 0.1120; the RI fee's effective part is the unused fee.
    assert money[9] == (Decimal("0"), Decimal("0.1120"), "Reserved Instance", "Committed")
    assert money[10][:3] == (Decimal("81.8400"), Decimal("4.4000"), "Reserved Instance")
    g5 = con.execute(
        "SELECT sum(usage_hours) FILTER (carries_usage), sum(billed_cost) FROM billing_line_items "
        "WHERE usage_type = 'BoxUsage:g5.xlarge'"
    ).fetchone()
    assert g5 == (1.0, Decimal("0"))
    # Hours that ran: p5 2 + EBS-optimized surcharge 1 + m4 1 + training 2 + hosting 10 + SP 1 + RI 1.
    assert con.execute("SELECT sum(usage_hours) FROM billing_line_items WHERE carries_usage").fetchone()[0] == 18.0
    assert con.execute("SELECT count(consumed_quantity) FROM billing_line_items WHERE NOT carries_usage").fetchone()[0] == 0


def test_legacy_instances_accelerators_workloads_and_tags(con):
    ingest_file(con, LEGACY)
    got = _by_row(con, "instance_type, vcpu_count, memory_gb, accelerator_model, accelerator_count, workload_hint")
    assert got[1] == ("p5.48xlarge", 192.0, 2048.0, "H100-80GB", 8.0, None)
    # The EBS-optimized surcharge names m4.xlarge and its product columns say 4 vCPU: not an instance hour.
    assert got[2] == (None, None, None, None, None, None)
    assert got[3] == ("m4.xlarge", 4.0, 16.0, None, None, None)
    assert got[4] == ("ml.g5.12xlarge", 48.0, 192.0, "A10G", 4.0, "training")
    assert got[5] == ("ml.g5.xlarge", 4.0, 16.0, "A10G", 1.0, "inference")
    tags = {r: json.loads(t) if t else None for r, (t,) in _by_row(con, "tags").items()}
    assert tags[1] == {"user:team": "research", "user:Model": "llama-3-70b-ft"}
    assert tags[4] == {"user:team": "research", "user:cost-center": "cc-042"}
    assert tags[5] is None and tags[14] is None
    regions = {r[0] for r in con.execute("SELECT DISTINCT region_id FROM billing_line_items").fetchall()}
    assert regions == {"us-east-1", None}
    assert con.execute("SELECT x_details->>'usage_amount' FROM billing_line_items WHERE source_row = 10").fetchone() == ("744",)


def test_athena_parquet_form_matches_the_csv(con):
    result = ingest_file(con, ATHENA)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur-athena" and result.rows_loaded == 14
    expected = raw_sum(LEGACY, "lineItem/UnblendedCost", group="lineItem/CurrencyCode")
    assert dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall()) == expected
    assert _by_row(con, "instance_type, accelerator_model, accelerator_count")[1] == ("p5.48xlarge", "H100-80GB", 8.0)
    # Athena lower-cases tag keys and replaces ':' and '-'; the user: prefix is restored.
    tags = json.loads(con.execute("SELECT tags FROM billing_line_items WHERE source_row = 4").fetchone()[0])
    assert tags == {"user:team": "research", "user:cost_center": "cc-042"}


@pytest.mark.shared
def test_real_cur_under_athena_column_names_reconciles(con, tmp_path):
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    header, rows = _rows(REAL)
    path = _write(tmp_path / "athena.csv", [module.athena_name(h) for h in header], rows)
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur-athena" and result.rows_loaded == 1281
    expected = raw_sum(REAL, "lineItem/UnblendedCost", group="lineItem/CurrencyCode")
    assert dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall()) == expected


@pytest.mark.shared
def test_ccf_usage_types_are_not_instance_hours(con, tmp_path):
    """Cloud Carbon Footprint's AWS usage types: none bills instance time, not even the EBS-optimized one."""
    ccf = list(csv.DictReader(io.StringIO(CCF.read_text(encoding="utf-8"))))
    header = ["lineItem/LineItemType", "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/UsageType",
              "lineItem/UnblendedCost", "lineItem/CurrencyCode", "lineItem/UsageAmount", "pricing/unit",
              "product/region", "product/vcpu", "product/instanceType", "lineItem/ProductCode"]
    rows = [["Usage", "2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", r["usageType"], "0.1", "USD", "1",
             r["usageUnit"], r["region"], r["vCpus"], r["usageType"].split(":")[-1] if r["vCpus"] else "",
             r["serviceName"]] for r in ccf]
    result = ingest_file(con, _write(tmp_path / "ccf.csv", header, rows))
    assert result.status == "loaded", result.error
    got = con.execute(
        "SELECT usage_type, instance_type, vcpu_count, usage_unit, region_id FROM billing_line_items ORDER BY source_row"
    ).fetchall()
    assert got == [
        ("USE1-EBSOptimized:m4.xlarge", None, None, "hour", "us-east-1"),
        ("APS3-EUW3-AWS-Out-Bytes", None, None, "gb", "ap-south-1"),
        ("APS2-TimedStorage-ByteHrs", None, None, "gb_month", "ap-southeast-2"),
        ("EUW2-RDS:GP2-Storage", None, None, "gb_month", "eu-west-2"),
        ("Aurora:StorageIOUsage", None, None, "other", "us-east-1"),
        ("USE1-ECS-EC2-GB-Hours", None, None, "gb_hour", "us-east-1"),
    ]


# --- broken files -----------------------------------------------------------------------------------
@pytest.fixture
def loaded(con):
    assert ingest_file(con, LEGACY).status == "loaded"
    return con


def test_missing_mandatory_column_names_it_and_changes_nothing(loaded, tmp_path):
    header, rows = _rows(LEGACY)
    i = header.index("lineItem/UnblendedCost")
    path = _write(tmp_path / "nocost.csv", header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    before = _state(loaded)
    result = ingest_file(loaded, path)
    assert result.status == "error"
    assert result.error == (
        f"{path}: looks like an AWS Cost and Usage Report (legacy CUR, slash headers) but lacks the mandatory "
        "column(s) lineItem/UnblendedCost"
    )
    assert _state(loaded) == before


def test_unparseable_date_names_row_and_column_and_changes_nothing(loaded, tmp_path):
    header, rows = _rows(LEGACY)
    rows[4][header.index("lineItem/UsageStartDate")] = "2025-03-32T00:00:00.000Z"
    before = _state(loaded)
    result = ingest_file(loaded, _write(tmp_path / "baddate.csv", header, rows))
    assert result.status == "error"
    assert result.error.endswith(
        "baddate.csv: row 5, column 'lineItem/UsageStartDate': cannot read 2025-03-32T00:00:00.000Z as a date/time"
    )
    assert _state(loaded) == before


def test_unknown_line_item_type_and_bad_amount_name_the_row(loaded, tmp_path):
    header, rows = _rows(LEGACY)
    rows[2][header.index("lineItem/LineItemType")] = "MysteryFee"
    result = ingest_file(loaded, _write(tmp_path / "type.csv", header, rows))
    assert result.error.endswith("type.csv: row 3, column 'lineItem/LineItemType': unknown line item type MysteryFee")
    header, rows = _rows(LEGACY)
    rows[6][header.index("lineItem/UnblendedCost")] = "12,5"
    result = ingest_file(loaded, _write(tmp_path / "amount.csv", header, rows))
    assert result.error.endswith("amount.csv: row 7, column 'lineItem/UnblendedCost': cannot read 12,5 as a number")
    assert _state(loaded)[0] == 14


@pytest.mark.shared
def test_forcing_the_cur_format_on_another_export_says_what_is_missing(con):
    focus = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
    result = ingest_file(con, focus, format_id="aws-cur")
    assert result.status == "error"
    assert "not an AWS Cost and Usage Report (legacy CUR, slash headers)" in result.error
    assert "lineItem/LineItemType, lineItem/UsageStartDate" in result.error
    assert _state(con)[:2] == (0, 0)


def test_cli_prints_the_format_and_row_counts(tmp_path, capsys):
    status = main(["ingest", str(LEGACY), "--db", str(tmp_path / "db.duckdb")])
    out = capsys.readouterr().out.strip().splitlines()
    assert status == 0
    assert out == [
        "cur_legacy_gpu.csv: AWS CUR (legacy) -> batch 1, 14 of 14 rows loaded, 0 skipped; "
        "legacy CUR, slash headers; billed cost = lineItem/UnblendedCost"
    ]


# --- the parallel, file-order load gives exactly the rows of the one-thread load ----------------------
@pytest.mark.shared
@pytest.mark.parametrize("path", [REAL, LEGACY], ids=["real", "synthetic"])
def test_parallel_load_stores_the_same_rows_as_the_one_thread_load(con, monkeypatch, path):
    import ingest.billing.base as base
    from footprint.store import open_db
    from ingest.billing.aws_cur import CurReader

    numbered = []
    monkeypatch.setattr(base, "number_and_derive", lambda *a: numbered.append(a[2]) or _derive(*a))
    parallel = ingest_file(con, path)
    assert parallel.status == "loaded" and numbered == [parallel.rows_loaded]  # the two-step path ran
    monkeypatch.setattr(CurReader, "parallel_csv_load", False)
    other = open_db(":memory:")
    serial = ingest_file(other, path)
    assert serial.status == "loaded" and numbered == [parallel.rows_loaded]  # the one-thread path ran
    query = "SELECT * FROM billing_line_items ORDER BY source_row"
    a = con.execute(query).fetchall()
    assert len(a) == parallel.rows_loaded and a == other.execute(query).fetchall()
    assert [r[0] - (1 << 32) for r in a] == list(range(1, len(a) + 1))  # row_id = batch 1, source_row
    other.close()
