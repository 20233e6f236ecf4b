"""explain(): from a filtered figure to the rows, PUE, factors and cited coefficients behind it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from footprint.estimation import EstimationOptions, refresh
from footprint.estimation.provenance import explain
from footprint.queries import Filters, summary


@pytest.fixture
def db(con):
    con.execute("INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
                "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) VALUES (3, 'cur-2024-06.csv', "
                "'s', 1, 'billing', 'aws-cur', 3, 3, 0, ?)", [datetime(2024, 7, 1)])
    t = datetime(2024, 6, 1)
    for src_row, (itype, region, qty, unit) in enumerate(
            [("p5.48xlarge", "us-east-1", 2.0, "hour"), ("g6.xlarge", "eu-west-1", 5.0, "hour"),
             (None, "us-east-1", 1e6, "request")], start=1):
        con.execute(
            "INSERT INTO billing_line_items (row_id, batch_id, source_row, source_format, provider, region_id, "
            "service_name, charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, "
            "billing_currency, carries_usage, usage_quantity, usage_unit, usage_hours, instance_type) "
            "VALUES (?, 3, ?, 'aws-cur', 'aws', ?, 'Amazon Elastic Compute Cloud', ?, ?, 'Usage', 10, 10, 'USD', "
            "true, ?, ?, ?, ?)",
            [(3 << 32) + src_row, src_row, region, t, t + timedelta(hours=1), qty, unit,
             qty if unit == "hour" else None, itype])
    refresh(con, EstimationOptions(pue_overrides={"aws:eu-west-1": 1.2}))
    return con


def test_rows_listed_are_the_rows_summed(db):
    f = Filters(region=["us-east-1"])
    e = explain(db, f)
    s = summary(db, f)
    assert e["rows_total"] == len(e["rows"]) == s["line_items"] == 2
    assert sum(r["energy_kwh"] or 0 for r in e["rows"]) == pytest.approx(s["energy_kwh"])
    first = e["rows"][0]  # largest energy first
    assert (first["file_name"], first["detected_format"], first["source_row"], first["instance_type"]) == (
        "cur-2024-06.csv", "aws-cur", 1, "p5.48xlarge")
    assert first["method"] == "modelled" and first["formula_id"] == "instance_v1"
    assert (first["pue"], first["location_factor_source"], first["location_factor_year"]) == (
        1.15, "egrid SRVC 2022", 2022)
    second = e["rows"][1]
    assert second["method"] == "spend_based" and second["not_modelled_reason"].startswith("no energy coefficient")
    assert {m["method"]: m["line_items"] for m in e["methods"]} == {"modelled": 1, "spend_based": 1}


def test_factors_and_coefficients_resolve_to_values_and_citations(db):
    e = explain(db)
    factors = {f["location_factor_source"]: f for f in e["factors"]}
    assert set(factors) == {"egrid SRVC 2022", "ember IE 2024"}
    assert factors["ember IE 2024"]["pue_source"] == "setting pue_overrides[aws:eu-west-1]"
    assert sum(f["facility_energy_kwh"] for f in e["factors"]) == pytest.approx(summary(db)["facility_energy_kwh"])
    coef = {c["coefficient_id"]: c for c in e["coefficients"]}
    assert set(coef) >= {"cpu:AMD EPYC 3rd Gen", "accelerator:H100-80GB", "accelerator:L4", "curve:teads_gpu",
                         "memory_energy", "utilization:accelerator:unknown", "utilization:cpu:unknown"}
    assert coef["accelerator:H100-80GB"]["value"] == "power limit 700 W, idle 69.85 W, full load 631.95 W, curve teads_gpu"
    assert "nvidia_gpu_exporter" in coef["accelerator:H100-80GB"]["sources"]
    assert coef["curve:teads_gpu"]["value"] == "0% -> 0.00000, 10% -> 0.22398, 50% -> 0.70492, 100% -> 1.00000"
    assert coef["utilization:accelerator:unknown"]["value"] == "low 0.10, central 0.50, high 1.00"
    assert all(c["sources"] for c in coef.values()), [k for k, c in coef.items() if not c["sources"]]
    assert e["run"]["methodology_version"] == "2026.11-1"
    assert '"aws:eu-west-1": 1.2' in e["run"]["options"]


def test_limit_caps_the_listing_but_not_the_count(db):
    e = explain(db, limit=1)
    assert (len(e["rows"]), e["rows_total"]) == (1, 3)
