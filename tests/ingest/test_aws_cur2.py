"""CUR 2.0 reader on the synthetic Data Exports fixtures: CSV.GZ with JSON maps and Parquet with MAP columns.

No real CUR 2.0 export is public; the fixtures (tests/fixtures/aws/make_fixtures.py) follow AWS's
documented column set. Expected money is re-summed from the CSV with the csv module and Decimal; expected
hardware is written out from AWS's published instance specifications.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest

from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "aws"
CSV_GZ = FIXTURES / "cur2_gpu.csv.gz"
PARQUET = FIXTURES / "cur2_gpu.parquet"
CUR2_ONLY = {"product", "resource_tags", "cost_category", "discount", "bill_payer_account_name",
             "line_item_usage_account_name"}


def _rows() -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(gzip.decompress(CSV_GZ.read_bytes()).decode("utf-8"))))
    return rows[0], rows[1:]


def _write_gz(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    path.write_bytes(gzip.compress(out.getvalue().encode("utf-8")))
    return path


def _invoice_per_currency() -> dict[str, Decimal]:
    """What the invoice charges: net unblended cost where given, else unblended cost, per currency."""
    header, rows = _rows()
    net, cost, cur = (header.index(c) for c in ("line_item_net_unblended_cost", "line_item_unblended_cost",
                                                 "line_item_currency_code"))
    out: dict[str, Decimal] = {}
    for r in rows:
        out[r[cur]] = out.get(r[cur], Decimal(0)) + Decimal(r[net] or r[cost])
    return out


def _state(con):
    return con.execute(
        "SELECT (SELECT count(*) FROM billing_line_items), (SELECT count(*) FROM ingest_batches)"
    ).fetchone()


@pytest.mark.parametrize("path", [CSV_GZ, PARQUET], ids=["csv.gz", "parquet"])
def test_cur2_loads_every_row_and_reconciles_to_the_invoice(con, path: Path):
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur2"
    assert result.rows_read == result.rows_loaded == len(_rows()[1]) == 17
    got = dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall())
    assert got == _invoice_per_currency()
    # The EDP discount sits in the discount map and the net column: billed 98.32 - 2.9496.
    assert con.execute("SELECT billed_cost FROM billing_line_items WHERE source_row = 1").fetchone()[0] == Decimal("95.3704")
    detail = con.execute("SELECT format_detail FROM ingest_batches").fetchone()[0]
    assert "line_item_net_unblended_cost" in detail


def test_parquet_and_csv_give_identical_line_items(con):
    columns = (
        "source_row, provider, billing_account_id, billing_account_name, sub_account_id, sub_account_name, "
        "billing_period_start, charge_period_start, charge_period_end, charge_category, line_item_type, "
        "pricing_category, commitment_discount_id, commitment_discount_status, service_name, usage_type, "
        "resource_id, region_id, region_name, consumed_quantity, consumed_unit, usage_hours, billed_cost, "
        "effective_cost, list_cost, billing_currency, carries_usage, tags, instance_type, vcpu_count, memory_gb, "
        "accelerator_model, accelerator_count, workload_hint"
    )
    a = ingest_file(con, CSV_GZ).batch_id
    b = ingest_file(con, PARQUET).batch_id
    query = f"SELECT {columns} FROM billing_line_items WHERE batch_id = ? ORDER BY source_row"
    from_csv = con.execute(query, [a]).fetchall()
    assert len(from_csv) == 17 and from_csv == con.execute(query, [b]).fetchall()


def test_gpu_instances_from_every_place_aws_puts_them(con):
    ingest_file(con, CSV_GZ)
    got = con.execute(
        "SELECT instance_type, accelerator_model, accelerator_count, vcpu_count, memory_gb, workload_hint "
        "FROM billing_line_items WHERE carries_usage AND instance_type IS NOT NULL ORDER BY source_row"
    ).fetchall()
    assert got == [
        ("p5.48xlarge", "H100-80GB", 8.0, 192.0, 2048.0, None),
        ("p4d.24xlarge", "A100-40GB", 8.0, 96.0, 1152.0, None),
        ("g5.2xlarge", "A10G", 1.0, 8.0, 32.0, None),
        ("inf2.xlarge", "Inferentia2", 1.0, 4.0, 16.0, None),
        ("trn1.32xlarge", "Trainium1", 16.0, 128.0, 512.0, None),
        ("ml.g5.12xlarge", "A10G", 4.0, 48.0, 192.0, "training"),
        ("ml.g5.xlarge", "A10G", 1.0, 4.0, 16.0, "inference"),
        ("g5.xlarge", "A10G", 1.0, 4.0, 16.0, None),
        ("m5.xlarge", None, None, 4.0, 16.0, None),
    ]
    # Device-hours that ran: p5 8x1, p4d 8x2, g5.2xlarge 1, inf2 1, trn1 16, training 4x3, hosting 1x24, SP g5 1.
    hours = con.execute(
        "SELECT sum(usage_hours * accelerator_count) FROM billing_line_items WHERE carries_usage"
    ).fetchone()[0]
    assert hours == 8 + 16 + 1 + 1 + 16 + 12 + 24 + 1
    spot = con.execute("SELECT pricing_category FROM billing_line_items WHERE source_row = 3").fetchone()[0]
    assert spot == "Dynamic"


def test_commitments_credits_tax_and_unused_capacity_never_count_as_usage(con):
    ingest_file(con, CSV_GZ)
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_row, line_item_type, charge_category, carries_usage, billed_cost, effective_cost "
            "FROM billing_line_items"
        ).fetchall()
    }
    assert rows[8] == ("SavingsPlanCoveredUsage", "Usage", True, Decimal("1.006"), Decimal("0.7042"))
    assert rows[9] == ("SavingsPlanNegation", "Usage", False, Decimal("-1.006"), Decimal("0"))
    assert rows[10] == ("SavingsPlanRecurringFee", "Purchase", False, Decimal("0.75"), Decimal("0.0458"))
    assert rows[11] == ("DiscountedUsage", "Usage", True, Decimal("0"), Decimal("0.121"))
    assert rows[12] == ("RIFee", "Purchase", False, Decimal("88.33"), Decimal("5.936"))
    assert rows[13] == ("Usage", "Usage", False, Decimal("98.32"), Decimal("98.32"))  # unused capacity reservation
    assert rows[16] == ("Credit", "Credit", False, Decimal("-25.00"), Decimal("-25.00"))
    assert rows[17] == ("Tax", "Tax", False, Decimal("18.27"), Decimal("18.27"))
    g5 = con.execute(
        "SELECT sum(usage_hours) FILTER (carries_usage), count(*) FROM billing_line_items "
        "WHERE usage_type = 'USE1-BoxUsage:g5.xlarge'"
    ).fetchone()
    assert g5 == (1.0, 2)


def test_bedrock_tokens_accounts_tags_and_maps(con):
    ingest_file(con, CSV_GZ)
    bedrock = con.execute(
        "SELECT usage_unit, usage_quantity, usage_hours, workload_hint, service_name, service_category "
        "FROM billing_line_items WHERE source_row = 14"
    ).fetchone()
    assert bedrock == ("token", 1_500_000.0, None, "inference", "Amazon Bedrock", "AI and Machine Learning")
    names = con.execute(
        "SELECT DISTINCT billing_account_name, sub_account_id, sub_account_name FROM billing_line_items "
        "WHERE sub_account_id <> '111111111111' ORDER BY 2"
    ).fetchall()
    assert names == [("Example ML Org", "222222222222", "ml-research"), ("Example ML Org", "333333333333", "ml-platform")]
    tags = {r: json.loads(t) for r, t in con.execute(
        "SELECT source_row, tags FROM billing_line_items WHERE tags IS NOT NULL").fetchall()}
    # Keys are kept exactly as the export spells them.
    assert tags[1] == {"user:team": "research", "user:model": "llama-3-70b-ft"}
    assert tags[2] == {"user_team": "research"}
    assert tags[3] == {"user:Team": "platform"}
    assert tags[5] == {"user:cost-center": "cc-042"}
    assert tags[17] == {"aws:createdBy": "AssumedRole:AROAEXAMPLE:ci"}
    assert 10 not in tags  # an empty map is no tags
    details = json.loads(con.execute("SELECT x_details FROM billing_line_items WHERE source_row = 1").fetchone()[0])
    assert details["discount"] == {"edp_discount": -2.9496, "total_discount": -2.9496}
    assert details["cost_category"] == {"project": "foundation-models"}


def test_snake_case_without_cur2_columns_is_the_legacy_athena_form(con, tmp_path):
    header, rows = _rows()
    keep = [i for i, h in enumerate(header) if h not in CUR2_ONLY]
    path = _write_gz(tmp_path / "snake.csv.gz", [header[i] for i in keep], [[r[i] for i in keep] for r in rows])
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.format_id == "aws-cur-athena"
    assert dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall()) == _invoice_per_currency()
    # Without the product map the hardware comes from the instance catalog alone.
    assert con.execute("SELECT vcpu_count, accelerator_count FROM billing_line_items WHERE source_row = 1").fetchone() == (192.0, 8.0)


# --- broken files ---------------------------------------------------------------------------------
@pytest.fixture
def loaded(con):
    assert ingest_file(con, CSV_GZ).status == "loaded"
    return con


def test_truncated_gzip_changes_nothing(loaded, tmp_path):
    data = gzip.compress(gzip.decompress(CSV_GZ.read_bytes()) * 40)
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes(data[: len(data) // 2])
    before = _state(loaded)
    result = ingest_file(loaded, cut)
    assert result.status == "error" and "cut.csv.gz" in result.error and "gzip" in result.error
    assert _state(loaded) == before


def test_missing_mandatory_column(loaded, tmp_path):
    header, rows = _rows()
    i = header.index("line_item_currency_code")
    path = _write_gz(tmp_path / "nocur.csv.gz", header[:i] + header[i + 1 :], [r[:i] + r[i + 1 :] for r in rows])
    before = _state(loaded)
    result = ingest_file(loaded, path)
    assert result.error == (
        f"{path}: looks like an AWS Cost and Usage Report (CUR 2.0 (Data Exports)) but lacks the mandatory "
        "column(s) line_item_currency_code"
    )
    assert _state(loaded) == before


@pytest.mark.parametrize(
    "column, value, message",
    [
        ("line_item_usage_end_date", "tomorrow", "cannot read tomorrow as a date/time"),
        ("resource_tags", "user:team=research", "resource_tags is not a JSON object: user:team=research"),
        ("product", "[1, 2]", "product is not a JSON object: [1, 2]"),
    ],
)
def test_bad_values_name_row_and_column(loaded, tmp_path, column, value, message):
    header, rows = _rows()
    rows[5][header.index(column)] = value
    before = _state(loaded)
    result = ingest_file(loaded, _write_gz(tmp_path / "bad.csv.gz", header, rows))
    assert result.status == "error"
    assert result.error.endswith(f"bad.csv.gz: row 6, column {column!r}: {message}")
    assert _state(loaded) == before
