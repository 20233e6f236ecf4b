"""GCP BigQuery billing export (standard CSV, detailed JSON lines, JSON, CSV.GZ, Parquet) on the synthetic
fixtures in tests/fixtures/gcp, reconciled against sums computed here with csv/json and Decimal."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from support import REPO

from ingest import ingest_file

FIXTURES = REPO / "tests" / "fixtures" / "gcp"
STANDARD = FIXTURES / "gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9.csv"
DETAILED = FIXTURES / "gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9.jsonl"


def csv_records(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def json_records(path: Path) -> list[dict]:
    return [json.loads(line, parse_float=Decimal) for line in path.read_text().splitlines() if line.strip()]


def invoice_total_csv(rows: list[dict[str, str]]) -> Decimal:
    """What the invoice charges: cost plus every credit amount (credits are negative)."""
    total = Decimal(0)
    for r in rows:
        total += Decimal(r["cost"])
        total += sum((Decimal(str(c["amount"])) for c in json.loads(r["credits"] or "[]")), Decimal(0))
    return total


def invoice_total_json(records: list[dict]) -> Decimal:
    total = Decimal(0)
    for r in records:
        total += Decimal(str(r["cost"])) + sum(
            (Decimal(str(c["amount"])) for c in r.get("credits", [])), Decimal(0)
        )
    return total


def db_totals(con) -> tuple[Decimal, Decimal, int]:
    return con.execute(
        "SELECT sum(billed_cost), sum(effective_cost), count(*) FROM billing_line_items"
    ).fetchone()


def test_standard_csv_reconciles_to_cost_plus_credits(con):
    rows = csv_records(STANDARD)
    result = ingest_file(con, STANDARD)
    assert result.status == "loaded", result.error
    assert result.format_id == "gcp-bq"
    assert (
        (result.rows_read, result.rows_loaded, result.skipped) == (len(rows), len(rows), {}) == (26, 26, {})
    )
    billed, effective, n = db_totals(con)
    expected = invoice_total_csv(rows)
    assert billed == effective == expected
    # The cost before credits and the credits themselves stay in x_details, so nothing is lost by netting.
    raw_cost = sum(Decimal(r["cost"]) for r in rows)
    kept = con.execute(
        "SELECT sum(CAST(x_details->>'cost_before_credits' AS DECIMAL(38, 18))), "
        "sum(CAST(x_details->>'credits_total' AS DECIMAL(38, 18))) FROM billing_line_items"
    ).fetchone()
    assert kept == (raw_cost, expected - raw_cost)
    assert con.execute("SELECT DISTINCT billing_currency FROM billing_line_items").fetchall() == [("USD",)]


def test_detailed_jsonl_reconciles_and_keeps_resources(con):
    records = json_records(DETAILED)
    result = ingest_file(con, DETAILED)
    assert result.status == "loaded", result.error
    assert result.format_id == "gcp-bq-resource"
    assert result.rows_read == result.rows_loaded == len(records) == 26
    billed, effective, _ = db_totals(con)
    assert billed == effective == invoice_total_json(records)
    got = con.execute(
        "SELECT resource_name, resource_id, x_details->'price'->>'effective_price' FROM billing_line_items "
        "WHERE source_row = 1"
    ).fetchone()
    assert got == (
        records[0]["resource"]["name"],
        records[0]["resource"]["global_name"],
        records[0]["price"]["effective_price"],
    )


def test_json_array_gzip_and_parquet_load_the_same_rows(con, tmp_path: Path):
    records = json_records(DETAILED)
    expected = invoice_total_json(records)
    array = tmp_path / "export.json"
    array.write_text("[\n" + ",\n".join(DETAILED.read_text().splitlines()) + "\n]\n")
    gz = tmp_path / "export.csv.gz"
    gz.write_bytes(gzip.compress(STANDARD.read_bytes()))
    results = [ingest_file(con, array), ingest_file(con, gz), ingest_file(con, _parquet(tmp_path, DETAILED))]
    assert [r.format_id for r in results] == ["gcp-bq-resource", "gcp-bq", "gcp-bq-resource"], [
        r.error for r in results
    ]
    by_batch = dict(
        con.execute("SELECT batch_id, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall()
    )
    assert by_batch == {1: expected, 2: invoice_total_csv(csv_records(STANDARD)), 3: expected}
    # Same classification whatever the container: compare every derived column of JSON vs Parquet.
    cols = "source_row, charge_category, usage_quantity, usage_unit, accelerator_model, accelerator_count, vcpu_count, tags"
    first = con.execute(f"SELECT {cols} FROM billing_line_items WHERE batch_id = 1 ORDER BY 1").fetchall()
    third = con.execute(f"SELECT {cols} FROM billing_line_items WHERE batch_id = 3 ORDER BY 1").fetchall()
    assert first == third and len(first) == 26


def _parquet(tmp_path: Path, jsonl: Path) -> Path:
    """A BigQuery-style Parquet export: nested structs, repeated key/value lists, real timestamps."""
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    for r in rows:
        for key in ("usage_start_time", "usage_end_time"):
            r[key] = datetime.strptime(r[key], "%Y-%m-%d %H:%M:%S UTC").replace(tzinfo=UTC)
        r.pop("export_time")
        r["cost"] = float(r["cost"])
        for c in r["credits"]:
            c["amount"] = float(c["amount"])
    path = tmp_path / "export.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def test_flat_parquet_with_dotted_columns(con, tmp_path: Path):
    # The standard CSV saved as Parquet keeps its dotted column names, every value as text.
    rows = csv_records(STANDARD)
    path = tmp_path / "flat.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    result = ingest_file(con, path)
    assert result.status == "loaded" and result.format_id == "gcp-bq", result.error
    assert con.execute("SELECT sum(billed_cost) FROM billing_line_items").fetchone()[0] == invoice_total_csv(
        rows
    )


def test_charge_period_is_utc_and_invoice_month_is_the_billing_period(con):
    ingest_file(con, STANDARD)
    got = con.execute(
        "SELECT DISTINCT charge_period_start, charge_period_end, billing_period_start FROM billing_line_items"
    ).fetchall()
    assert got == [(datetime(2024, 5, 14, 10), datetime(2024, 5, 14, 11), datetime(2024, 5, 1))]


# Hand-written expectations for every row of the standard fixture (see make_fixtures.ROWS):
# source_row: (charge_category, accelerator_model, accelerator_count, vcpu_count, memory_gb, instance_type,
#              workload_hint, carries_usage, usage_unit, usage_quantity)
EXPECTED = {
    1: ("Usage", "H100-80GB", 1.0, 0.0, 0.0, "a3-highgpu-8g", None, True, "hour", 8.0),
    2: ("Usage", None, 0.0, 1.0, 0.0, "a3-highgpu-8g", None, True, "hour", 208.0),
    3: ("Usage", None, 0.0, 0.0, 1.0, "a3-highgpu-8g", None, True, "gb_hour", 1872 * 1.073741824),
    4: ("Purchase", "H100-80GB", 1.0, None, None, None, None, False, "hour", 8.0),
    5: ("Usage", "A100-40GB", 1.0, 0.0, 0.0, "a2-highgpu-1g", None, True, "hour", 1.0),
    6: ("Usage", None, 0.0, 1.0, 0.0, "a2-highgpu-1g", None, True, "hour", 12.0),
    7: ("Usage", None, 0.0, 0.0, 1.0, "a2-highgpu-1g", None, True, "gb_hour", 85 * 1.073741824),
    8: ("Usage", "L4", 1.0, 0.0, 0.0, "g2-standard-8", None, True, "hour", 1.0),
    9: ("Usage", None, 0.0, 1.0, 0.0, "g2-standard-8", None, True, "hour", 8.0),
    10: ("Usage", None, 0.0, 0.0, 1.0, "g2-standard-8", None, True, "gb_hour", 32 * 1.073741824),
    11: ("Usage", "L4", 1.0, 0.0, 0.0, "g2-standard-4", None, True, "hour", 2.0),
    12: ("Usage", "TPU-v5e", 1.0, None, None, None, None, True, "hour", 8.0),
    13: ("Usage", "TPU-v4", 1.0, None, None, None, None, True, "hour", 4.0),
    14: ("Usage", "H100-80GB", 1.0, None, None, None, "training", True, "hour", 8.0),
    15: ("Usage", None, None, 1.0, None, None, "training", True, "hour", 208.0),
    16: ("Usage", None, None, None, None, None, "training", False, "hour", 208.0),
    17: ("Usage", "L4", 1.0, None, None, None, "inference", True, "hour", 2.0),
    18: ("Usage", None, None, 1.0, None, None, "inference", True, "hour", 16.0),
    19: ("Usage", None, None, None, None, None, "inference", True, "token", 1250000.0),
    20: ("Usage", None, None, None, None, None, "inference", True, "token", 310000.0),
    21: ("Usage", None, 0.0, 1.0, 0.0, "n1-standard-4", None, True, "hour", 4.0),
    22: ("Usage", None, None, None, None, None, None, True, "gb_month", 0.684 * 1.073741824),
    23: ("Tax", None, None, None, None, None, None, False, None, 0.0),
    24: ("Credit", None, None, None, None, None, None, False, None, 0.0),
    25: ("Adjustment", "A100-40GB", 1.0, 0.0, 0.0, "a2-highgpu-1g", None, False, "hour", -0.5),
    26: ("Adjustment", None, None, None, None, None, None, False, None, 0.0),
}


def test_every_row_is_classified_from_its_sku(con):
    ingest_file(con, STANDARD)
    rows = con.execute(
        "SELECT source_row, charge_category, accelerator_model, accelerator_count, vcpu_count, memory_gb, "
        "instance_type, workload_hint, carries_usage, usage_unit, usage_quantity FROM billing_line_items ORDER BY 1"
    ).fetchall()
    got = {r[0]: r[1:] for r in rows}
    assert got.keys() == EXPECTED.keys()
    for row, expected in EXPECTED.items():
        assert got[row][:-1] == expected[:-1], row
        assert got[row][-1] == pytest.approx(expected[-1], rel=1e-12), row


def test_machine_type_never_adds_the_vms_gpus_to_core_or_ram_rows(con):
    # An a3-highgpu-8g has 8 H100s in the instance catalog; on GCP they are billed by the GPU SKU only.
    ingest_file(con, STANDARD)
    device_h, vcpu_h = con.execute(
        "SELECT sum(accelerator_count * usage_hours), sum(vcpu_count * usage_hours) FROM billing_line_items "
        "WHERE instance_type = 'a3-highgpu-8g' AND carries_usage"
    ).fetchone()
    assert (device_h, vcpu_h) == (
        8.0,
        208.0,
    )  # 8 GPU-hours from the GPU row, 208 vCPU-hours from the core row


def test_credits_commitments_and_adjustments(con):
    ingest_file(con, STANDARD)
    rows = dict(
        con.execute(
            "SELECT source_row, [pricing_category, commitment_discount_type, commitment_discount_id, "
            "commitment_discount_status, charge_class, line_item_type] FROM billing_line_items"
        ).fetchall()
    )
    assert rows[5] == [
        "Committed",
        "Committed Use Discount",
        "commitment-a100-1y-0001",
        "Used",
        None,
        "regular",
    ]
    assert rows[4] == [None, "Committed Use Discount", None, None, None, "regular"]  # the commitment fee
    assert rows[8][0] == "Standard" and rows[11][0] == "Dynamic"  # sustained use; Spot
    assert rows[24][4:] == [None, "adjustment"] and rows[25][4:] == ["Correction", "adjustment"]
    assert rows[26][5] == "rounding_error"
    # Row 5: cost 2.933908 less a committed use credit of 1.026868.
    assert con.execute("SELECT billed_cost FROM billing_line_items WHERE source_row = 5").fetchone()[
        0
    ] == Decimal("1.907040")
    # Row 22 is fully covered by a promotion credit.
    assert con.execute("SELECT billed_cost FROM billing_line_items WHERE source_row = 22").fetchone()[0] == 0


def test_labels_become_one_flat_object(con):
    ingest_file(con, STANDARD)
    tags = {
        r: json.loads(t) if t else None
        for r, t in con.execute("SELECT source_row, tags FROM billing_line_items").fetchall()
    }
    # Project labels and resource labels merge; the resource label wins for `team`.
    assert tags[1] == {
        "team": "llm-research",
        "cost-center": "cc-410",
        "model": "llama-3-8b-ft",
        "workload": "training",
    }
    # Labels spelled as a JSON object instead of key/value records.
    assert tags[8] == {"team": "platform", "model": "mistral-7b", "workload": "inference"}
    assert tags[11] == {"team": "platform", "ml_stage": "batch-eval", "k8s-label/app": "eval-runner"}
    assert tags[21] is None  # no project or resource labels
    regions = dict(con.execute("SELECT source_row, region_id FROM billing_line_items").fetchall())
    assert (regions[1], regions[12], regions[22], regions[19], regions[23]) == (
        "us-central1",
        "us-west4",
        "us",
        "global",
        None,
    )


def test_usage_amount_is_the_recorded_fallback_without_pricing_units(con, tmp_path: Path):
    rows = csv_records(STANDARD)
    for r in rows:
        r["usage.amount_in_pricing_units"] = r["usage.pricing_unit"] = ""
    path = tmp_path / "no_pricing_units.csv"
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    assert ingest_file(con, path).status == "loaded"
    got = dict(
        con.execute(
            "SELECT source_row, [consumed_unit, x_details->>'quantity_source'] FROM billing_line_items"
        ).fetchall()
    )
    assert got[1] == ["seconds", "usage.amount"] and got[3] == ["byte-seconds", "usage.amount"]
    got = con.execute(
        "SELECT consumed_quantity, usage_unit, usage_hours FROM billing_line_items WHERE source_row IN (1, 3) "
        "ORDER BY source_row"
    ).fetchall()
    assert got[0][0] == 28800 and got[0][2] == pytest.approx(8.0)  # GPU-seconds to GPU-hours
    assert got[1][:2] == (1872 * 2**30 * 3600, "gb_hour")  # RAM byte-seconds, as billed


def test_same_file_twice_is_a_duplicate(con):
    first = ingest_file(con, STANDARD)
    second = ingest_file(con, STANDARD)
    assert second.status == "duplicate" and second.duplicate_of == first.batch_id
    assert con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0] == 26
