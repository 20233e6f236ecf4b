"""FOCUS reader on the real FinOps Foundation sample and the spec's commitment-discount examples."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from support import SAMPLE_EXPORTS, data_rows, raw_sum

from ingest import ingest_file

pytestmark = pytest.mark.shared

FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
SPEC = SAMPLE_EXPORTS / "focus" / "spec-examples-v1.2"


def test_sample_loads_every_row_and_reconciles_cost(con):
    result = ingest_file(con, FOCUS_SAMPLE)
    assert result.status == "loaded", result.error
    assert result.format_id == "focus-1.0"
    assert result.rows_read == data_rows(FOCUS_SAMPLE) == 1000
    assert result.rows_loaded == 1000 and result.skipped == {}
    expected = raw_sum(FOCUS_SAMPLE, "BilledCost", group="BillingCurrency")
    got = dict(con.execute("SELECT billing_currency, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall())
    assert got == expected
    by_provider = raw_sum(FOCUS_SAMPLE, "BilledCost", group="ProviderName")
    got_p = dict(con.execute("SELECT provider, sum(billed_cost) FROM billing_line_items GROUP BY 1").fetchall())
    assert got_p == {"aws": by_provider["AWS"], "azure": by_provider["Microsoft"], "oracle": by_provider["Oracle"]}
    eff = raw_sum(FOCUS_SAMPLE, "EffectiveCost")[""]
    assert con.execute("SELECT sum(effective_cost) FROM billing_line_items").fetchone()[0] == eff


def test_sample_rows_keep_their_source_row(con):
    ingest_file(con, FOCUS_SAMPLE)
    # Row 2 of the file (first data row after the header is row 1) is an Elastic Load Balancing charge.
    row = con.execute(
        "SELECT service_name, billed_cost, tags->>'application' FROM billing_line_items WHERE source_row = 2"
    ).fetchone()
    assert row == ("Elastic Load Balancing", Decimal("0.0000160599"), "BrightLensMatrix")


def test_gpu_instances_are_derived_from_the_charge_description(con):
    ingest_file(con, FOCUS_SAMPLE)
    rows = con.execute(
        "SELECT instance_type, accelerator_model, accelerator_count, count(*) FROM billing_line_items "
        "WHERE accelerator_model IS NOT NULL GROUP BY ALL ORDER BY 1"
    ).fetchall()
    assert rows == [("g3.4xlarge", "M60", 1.0, 2), ("g5.4xlarge", "A10G", 1.0, 8)]


def test_credit_and_negative_rows_are_kept_but_carry_no_usage(con):
    ingest_file(con, FOCUS_SAMPLE)
    credit = con.execute(
        "SELECT count(*), sum(billed_cost), bool_or(carries_usage) FROM billing_line_items WHERE charge_category = 'Credit'"
    ).fetchone()
    assert credit[0] == 1 and credit[1] < 0 and credit[2] is False
    negatives = con.execute("SELECT count(*) FROM billing_line_items WHERE billed_cost < 0").fetchone()[0]
    assert negatives == 13


@pytest.mark.parametrize(
    "name, rows, unused",
    [
        ("commitment_discount_usage_scenario_3.csv", 2, 1),
        ("commitment_discount_usage_scenario_4.csv", 2, 0),
        ("zero_percent_utilization_without_commitment_discount_flexibility.csv", 3, 1),
        ("one_hundred_percent_utilization_with_commitment_discount_flexibility_with_2_resources.csv", 3, 0),
    ],
)
def test_spec_commitment_examples(con, name: str, rows: int, unused: int):
    path = SPEC / name
    result = ingest_file(con, path, options={"currency": "USD"})
    assert result.status == "loaded", result.error
    assert result.rows_loaded == rows == data_rows(path)
    assert con.execute("SELECT sum(billed_cost) FROM billing_line_items").fetchone()[0] == raw_sum(path, "BilledCost")[""]
    got_unused, usage_rows = con.execute(
        "SELECT count(*) FILTER (commitment_discount_status = 'Unused'), count(*) FILTER (carries_usage) FROM billing_line_items"
    ).fetchone()
    assert got_unused == unused
    # Unused commitments and purchases never carry usage.
    assert usage_rows == con.execute(
        "SELECT count(*) FROM billing_line_items WHERE charge_category = 'Usage' AND coalesce(commitment_discount_status, '') <> 'Unused'"
    ).fetchone()[0]


def test_spec_example_without_currency_column_needs_currency(con):
    result = ingest_file(con, SPEC / "commitment_discount_usage_scenario_1.csv")
    assert result.status == "error"
    assert "--currency" in result.error


def test_impossible_timestamp_names_row_and_column_and_loads_nothing(con):
    # The spec's purchase scenario 2 has a charge period ending at hour 30 on its third row.
    ingest_file(con, FOCUS_SAMPLE)
    before = con.execute("SELECT count(*), (SELECT count(*) FROM ingest_batches) FROM billing_line_items").fetchone()
    result = ingest_file(con, SPEC / "commitment_discount_purchase_scenario_2.csv", options={"currency": "USD"})
    assert result.status == "error"
    assert "row 3" in result.error and "'ChargePeriodEnd'" in result.error and "2023-02-01T30:00:00Z" in result.error
    after = con.execute("SELECT count(*), (SELECT count(*) FROM ingest_batches) FROM billing_line_items").fetchone()
    assert after == before


def test_same_file_twice_is_a_duplicate(con, tmp_path: Path):
    first = ingest_file(con, FOCUS_SAMPLE)
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(FOCUS_SAMPLE.read_bytes())
    second = ingest_file(con, copy)
    assert second.status == "duplicate" and second.duplicate_of == first.batch_id
    assert con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0] == 1000


def test_upload_stream_equals_path(con):
    with open(FOCUS_SAMPLE, "rb") as f:
        result = ingest_file(con, f, name="focus.csv")
    assert result.status == "loaded" and result.rows_loaded == 1000


def test_preview_1_0_header_is_detected_as_preview_variant(con, tmp_path: Path):
    text = FOCUS_SAMPLE.read_text(encoding="utf-8")
    header, rest = text.split("\n", 1)
    preview_header = (
        header.replace('"ConsumedQuantity"', '"UsageQuantity"')
        .replace('"ConsumedUnit"', '"UsageUnit"')
        .replace('"RegionId"', '"Region"')
        .replace('"ChargeClass"', '"ChargeSubcategory"')
    )
    path = tmp_path / "preview.csv"
    path.write_text(preview_header + "\n" + rest, encoding="utf-8")
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.format_id == "focus-1.0-preview"
    hours = con.execute("SELECT sum(consumed_quantity) FROM billing_line_items WHERE instance_type = 'g5.4xlarge'").fetchone()[0]
    assert hours > 0
