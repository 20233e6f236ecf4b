"""End to end on the real FinOps Foundation FOCUS sample: ingest_file, footprint.pipeline.refresh, then the
footprint rows, the summary and the CLI's summary --json.

Independent checks re-read the raw CSV with the csv module and Decimal: row counts and cost per currency,
and the energy of the GPU instance rows recomputed from their consumed hours and the shipped figures (g5
= 16 vCPU AMD EPYC 2nd Gen 0.4743 / 1.693 W, 64 GB with a 1.0139 GB/vCPU baseline, one A10G idle 18 W,
full load 153 W; g3.4xlarge = 16 vCPU Broadwell 0.7128 / 3.6853 W, 122 GB, 1.0629 GB/vCPU, one M60 17.10 /
150 W; Teads 50 % fraction 0.70492; AWS PUE 2024 1.15; eGRID2022 SRVC 283.892 g/kWh).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import pytest
from support import SAMPLE_EXPORTS, data_rows, raw_sum

from footprint.pipeline import refresh
from footprint.queries import summary
from footprint.store import open_db
from footprint_cli.main import main
from ingest import ingest_file

pytestmark = pytest.mark.shared

FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
METRIC_KEYS = ["energy_kwh", "energy_kwh_low", "energy_kwh_high", "facility_energy_kwh", "scope2_location_kgco2e",
               "scope2_market_kgco2e", "coverage", "measured_energy_kwh", "measured_share"]


@pytest.fixture(scope="module")
def loaded():
    con = open_db(":memory:")
    result = ingest_file(con, FOCUS)
    assert result.status == "loaded", result.error
    refresh(con)
    yield con
    con.close()


def _instance_hours() -> dict[str, Decimal]:
    hours: dict[str, Decimal] = {}
    with open(FOCUS, encoding="utf-8-sig", newline="") as f:
        for r in csv.DictReader(f):
            for itype in ("g5.4xlarge", "g3.4xlarge"):
                if r["ChargeCategory"] == "Usage" and f" {itype} " in (r["ChargeDescription"] or ""):
                    hours[itype] = hours.get(itype, Decimal(0)) + Decimal(r["ConsumedQuantity"])
    return hours


def test_one_footprint_row_per_billing_row_and_cost_unchanged(loaded):
    n = loaded.execute("SELECT count(*) FROM footprint_items WHERE source = 'billing'").fetchone()[0]
    assert n == data_rows(FOCUS) == 1000
    got = dict(loaded.execute("SELECT billing_currency, sum(billed_cost) FROM footprint_items GROUP BY 1").fetchall())
    assert got == raw_sum(FOCUS, "BilledCost", group="BillingCurrency")
    s = summary(loaded)
    assert s["cost"] == {k: float(v) for k, v in raw_sum(FOCUS, "BilledCost", group="BillingCurrency").items()}


def test_gpu_instance_rows_match_a_recomputation_from_the_raw_file(loaded):
    hours = _instance_hours()
    assert hours == {"g5.4xlarge": Decimal("6.283056"), "g3.4xlarge": Decimal("1.686667")}
    workloads = loaded.execute(
        "SELECT DISTINCT workload FROM footprint_items WHERE instance_type IN ('g5.4xlarge', 'g3.4xlarge')").fetchall()
    assert workloads == [("unknown",)]  # so the 50 % utilisation assumptions apply
    per_hour = {
        "g5.4xlarge": (16 * (0.4743 + 0.5 * (1.693 - 0.4743)) + (64 - 16 * 1.0139) * 0.392
                       + 18 + 0.70492 * (153 - 18)) / 1000,
        "g3.4xlarge": (16 * (0.7128 + 0.5 * (3.6853 - 0.7128)) + (122 - 16 * 1.0629) * 0.392
                       + 17.10 + 0.70492 * (150 - 17.10)) / 1000,
    }
    for itype, h in hours.items():
        energy, facility, co2, methods = loaded.execute(
            "SELECT sum(energy_kwh), sum(facility_energy_kwh), sum(location_kgco2e), list(DISTINCT method) "
            "FROM footprint_items WHERE instance_type = ?", [itype]).fetchone()
        assert methods == ["modelled"]
        assert energy == pytest.approx(float(h) * per_hour[itype], rel=1e-9)
        assert facility == pytest.approx(float(h) * per_hour[itype] * 1.15, rel=1e-9)
        assert co2 == pytest.approx(float(h) * per_hour[itype] * 1.15 * 283.892 / 1000, rel=1e-9)


def test_every_row_is_internally_consistent(loaded):
    bad = loaded.execute("""
        SELECT item_id FROM footprint_items
        WHERE (energy_kwh IS NOT NULL AND NOT (energy_kwh_low <= energy_kwh AND energy_kwh <= energy_kwh_high))
           OR (energy_kwh IS NOT NULL AND abs(facility_energy_kwh - energy_kwh * pue) > 1e-12)
           OR (energy_kwh IS NOT NULL AND abs(location_kgco2e - facility_energy_kwh * location_factor_g_per_kwh / 1000) > 1e-12)
           OR (method IN ('modelled', 'measured')) <> (energy_kwh IS NOT NULL)
           OR (method = 'spend_based') <> (not_modelled_reason IS NOT NULL AND carries_usage)
           OR location_factor_source IS NULL OR pue_source IS NULL OR methodology_version <> '2026.11-1'
    """).fetchall()
    assert bad == []
    assert loaded.execute("SELECT count(DISTINCT item_id) = count(*) FROM footprint_items").fetchone()[0]


def test_summary_totals_equal_the_sum_of_groups_and_ratios_are_recomputed(loaded):
    s = summary(loaded, by=["provider", "service"])
    for key in ["energy_kwh", "energy_kwh_low", "energy_kwh_high", "facility_energy_kwh", "scope2_location_kgco2e",
                "scope2_market_kgco2e", "line_items", "spend_based_energy_kwh", "unmodelled_line_items"]:
        assert s[key] == pytest.approx(sum(g[key] or 0 for g in s["groups"]), rel=1e-9), key
    usage, estimated = (sum(g[k] or 0 for g in s["groups"]) for k in ("usage_cost", "estimated_usage_cost"))
    assert s["coverage"] == pytest.approx(estimated / usage, rel=1e-12)
    assert 0.5 < s["coverage"] < 1
    assert s["unmodelled_line_items"] == loaded.execute(
        "SELECT count(*) FROM footprint_items WHERE method = 'spend_based'").fetchone()[0]
    assert s["measured_share"] == 0 and s["line_items"] == 1000


def test_cli_summary_json_carries_the_estimate_everywhere(tmp_path, capsys):
    db = tmp_path / "fp.duckdb"
    assert main(["ingest", str(FOCUS), "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["summary", "--json", "--by", "provider", "--db", str(db)]) == 0
    out = json.loads(capsys.readouterr().out)
    for key in METRIC_KEYS:
        assert key in out, key
        for g in out["groups"]:
            assert key in g, (key, g["key"])
    assert out["energy_kwh_low"] <= out["energy_kwh"] <= out["energy_kwh_high"]
    assert out["facility_energy_kwh"] > out["energy_kwh"] > 0
    assert {g["key"]["provider"] for g in out["groups"]} == {"aws", "azure", "oracle"}
