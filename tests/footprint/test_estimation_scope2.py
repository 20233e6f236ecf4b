"""PUE precedence, the location-based factor chain (and hourly factors), and market-based Scope 2 with and
without contractual instruments, on real tables, against values written out from the shipped factors.

Shipped figures used: AWS PUE 1.15 (2023, 2024), 1.14 (2025); Google 1.10 (2023); eGRID2022 SRVC 283.892
g/kWh; Ember IE 2024 270.91, World 2024 471.08; Google us-central1 2024 412.72 g/kWh (operational).
"""

from __future__ import annotations

import csv
import statistics
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footprint.estimation import EstimationOptions, refresh

DATA = Path(__file__).resolve().parents[2] / "footprint" / "data"


def add_batch(con, batch_id: int) -> None:
    con.execute(
        "INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) "
        "VALUES (?, ?, ?, 1, 'billing', 'test', 1, 1, 0, ?)",
        [batch_id, f"f{batch_id}", f"sha{batch_id}", datetime(2024, 1, 1)],
    )


def network_row(con, source_row: int, *, gb: float = 1000.0, provider: str = "aws", region: str | None = "us-east-1",
                start: datetime = datetime(2024, 6, 1), hours: int = 1) -> int:
    """A 1,000 GB data-transfer row: exactly 1 kWh of IT energy (0.001 kWh per GB)."""
    row_id = (1 << 32) + source_row
    con.execute(
        "INSERT INTO billing_line_items (row_id, batch_id, source_row, source_format, provider, region_id, "
        "charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, billing_currency, "
        "carries_usage, usage_quantity, usage_unit, usage_type) VALUES (?, 1, ?, 'test', ?, ?, ?, ?, 'Usage', 1, 1, "
        "'USD', true, ?, 'gb', 'DataTransfer-Out-Bytes')",
        [row_id, source_row, provider, region, start, start + timedelta(hours=hours), gb],
    )
    return row_id


def get(con, row_id: int, *cols: str):
    return con.execute(f"SELECT {', '.join(cols)} FROM footprint_items WHERE row_id = ?", [row_id]).fetchone()


@pytest.fixture
def db(con):
    add_batch(con, 1)
    return con


def load(con, table: str, rows: list[tuple]) -> None:
    for i, r in enumerate(rows, start=1):
        con.execute(f"INSERT INTO {table} VALUES (99, {i}, {', '.join('?' for _ in r)})", list(r))


# ------------------------------------------------------------------------------------------------ PUE


def test_pue_year_fallbacks_and_overrides(db):
    y2024 = network_row(db, 1)
    y2026 = network_row(db, 2, start=datetime(2026, 3, 1))
    y2021 = network_row(db, 3, start=datetime(2021, 3, 1))
    west = network_row(db, 4, region="us-west-2")
    oracle = network_row(db, 5, provider="oracle", region=None)
    refresh(db, EstimationOptions())
    assert get(db, y2024, "pue", "pue_source") == (1.15, "ref_pue:aws_pue 2024")
    assert get(db, y2026, "pue", "pue_source") == (1.14, "ref_pue:aws_pue 2025 (nearest earlier year)")
    assert get(db, y2021, "pue", "pue_source") == (1.15, "ref_pue:aws_pue 2023 (earliest published year)")
    assert get(db, oracle, "pue") == (1.56,)
    assert "industry average (oracle publishes none)" in get(db, oracle, "pue_source")[0]
    # An uploaded region PUE beats the provider figure; a setting beats the upload.
    load(db, "input_pue", [("aws", "us-east-1", None, 1.3, "site audit"), ("aws", None, 2024, 1.25, "contract")])
    refresh(db, EstimationOptions())
    assert get(db, y2024, "pue", "pue_source") == (1.3, "input_pue: batch 99 row 1 (site audit)")
    assert get(db, west, "pue", "pue_source") == (1.25, "input_pue: batch 99 row 2 (contract)")
    assert get(db, y2021, "pue") == (1.3,)  # the undated region row applies to every year
    refresh(db, EstimationOptions(pue_overrides={"aws": 1.4, "aws:us-west-2": 1.05}))
    assert get(db, y2024, "pue", "pue_source") == (1.4, "setting pue_overrides[aws]")
    assert get(db, west, "pue", "pue_source") == (1.05, "setting pue_overrides[aws:us-west-2]")
    assert get(db, west, "facility_energy_kwh") == pytest.approx((1.05,))


def test_pue_override_keys_and_values_are_checked():
    with pytest.raises(ValueError, match="pue_overrides key 'amazon'"):
        EstimationOptions(pue_overrides={"amazon": 1.2})
    with pytest.raises(ValueError, match=r"pue_overrides\['aws'\] = 0.9"):
        EstimationOptions(pue_overrides={"aws": 0.9})


# ------------------------------------------------------------------------------------- location-based


def _ember(zone: str, year: int) -> float:
    with open(DATA / "grid_factors.csv", newline="") as f:
        for r in csv.DictReader(f):
            if r["zone"] == zone and int(r["year"]) == year and r["source_id"].startswith("ember"):
                return float(r["intensity_g_per_kwh"])
    raise KeyError((zone, year))


def test_location_factor_chain(db):
    srvc = network_row(db, 1)
    ireland = network_row(db, 2, region="eu-west-1")
    gcp = network_row(db, 3, provider="gcp", region="us-central1")
    gcp_2026 = network_row(db, 4, provider="gcp", region="us-central1", start=datetime(2026, 1, 5))
    unmapped = network_row(db, 5, region="xx-nowhere-9")
    nowhere = network_row(db, 6, provider="oracle", region=None)
    refresh(db, EstimationOptions())
    cols = ("grid_zone", "location_factor_g_per_kwh", "location_factor_source", "location_factor_basis",
            "location_factor_year", "location_factor_fallback")
    assert get(db, srvc, *cols) == ("SRVC", 283.892, "egrid SRVC 2022", "direct", 2022, "earlier_year")
    assert get(db, ireland, *cols) == ("IE", 270.91, "ember IE 2024", "lifecycle", 2024, "exact")
    assert get(db, gcp, *cols) == ("MROW", 412.72, "google_region_carbon us-central1 2024", "operational", 2024, "exact")
    assert get(db, gcp_2026, *cols)[1:] == (412.72, "google_region_carbon us-central1 2024", "operational", 2024,
                                            "earlier_year")
    assert get(db, nowhere, *cols) == (None, 471.08, "ember WORLD 2024", "lifecycle", 2024, "world_average")
    # Unmapped region: equal-weight mean over AWS's mapped regions, recomputed here from the shipped CSVs.
    with open(DATA / "cloud_regions.csv", newline="") as f:
        regions = [r for r in csv.DictReader(f) if r["provider"] == "aws"]
    egrid2022 = {r["zone"]: float(r["intensity_g_per_kwh"]) for r in csv.DictReader(open(DATA / "grid_factors.csv"))
                 if r["zone_type"] == "egrid_subregion" and r["year"] == "2022"}
    values = []
    for r in regions:
        if r["egrid_subregion"]:
            values.append(egrid2022[r["egrid_subregion"]])
        else:
            values.append(next(_ember(r["country_iso2"], y) for y in (2024, 2023, 2022) if _has(r["country_iso2"], y)))
    factor, fallback = get(db, unmapped, "location_factor_g_per_kwh", "location_factor_fallback")
    assert fallback == "provider_average"
    assert factor == pytest.approx(statistics.mean(values), rel=1e-12)
    assert get(db, srvc, "location_kgco2e") == pytest.approx((1.15 * 283.892 / 1000,))


def _has(zone: str, year: int) -> bool:
    try:
        _ember(zone, year)
    except KeyError:
        return False
    return True


def test_hourly_factors_are_used_only_when_they_cover_the_whole_period(db):
    day = network_row(db, 1, start=datetime(2024, 6, 1), hours=3)
    partly = network_row(db, 2, start=datetime(2024, 6, 2), hours=2)
    half_hour = network_row(db, 3, start=datetime(2024, 6, 1, 0, 30), hours=1)
    hours = [(datetime(2024, 6, 1, h), 100.0 * (h + 1)) for h in range(3)] + [(datetime(2024, 6, 2, 0), 50.0)]
    load(db, "input_hourly_factors", [("SRVC", t, v, "direct", "utility feed") for t, v in hours])
    refresh(db, EstimationOptions())
    f, hourly, fallback = get(db, day, "location_factor_g_per_kwh", "location_hourly", "location_factor_fallback")
    assert (f, hourly, fallback) == (pytest.approx((100 + 200 + 300) / 3), True, "hourly")
    assert get(db, partly, "location_hourly", "location_factor_g_per_kwh") == (False, 283.892)
    # 00:30-01:30 overlaps 30 min of the 100 g hour and 30 min of the 200 g hour.
    assert get(db, half_hour, "location_factor_g_per_kwh") == pytest.approx((150.0,))


# --------------------------------------------------------------------------------------- market-based


def test_market_without_instruments_is_the_disclosed_location_fallback(db):
    r = network_row(db, 1)
    refresh(db, EstimationOptions())
    method, factor, source, share, loc, mkt = get(db, r, "market_method", "market_factor_g_per_kwh",
                                                   "market_factor_source", "instrument_share", "location_kgco2e",
                                                   "market_kgco2e")
    assert (method, factor, share) == ("location_fallback", 283.892, 0.0)
    assert source == "no instrument or residual mix for SRVC: location-based factor egrid SRVC 2022"
    assert mkt == loc


def test_residual_mix_then_partial_and_full_instrument_coverage(db):
    ie = network_row(db, 1, region="eu-west-1")
    ie_2 = network_row(db, 2, region="eu-west-1")
    load(db, "input_residual_mix", [("IE", 2023, 400.0, "AIB 2023")])
    refresh(db, EstimationOptions())
    assert get(db, ie, "market_method", "market_factor_g_per_kwh") == ("residual_mix", 400.0)
    assert get(db, ie, "market_kgco2e") == pytest.approx((1.15 * 400.0 / 1000,))
    # A 50 % certificate at 0 g covers half; the rest takes the residual mix: 0.5 * 0 + 0.5 * 400 = 200 g.
    load(db, "input_instruments", [
        ("GO-1", "eac", "IE", None, None, datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date(), None, 0.5, 0.0,
         "GO", None)])
    refresh(db, EstimationOptions())
    assert get(db, ie, "market_method", "instrument_share", "market_factor_g_per_kwh") == (
        "instrument+residual_mix", 0.5, 200.0)
    assert get(db, ie, "instrument_ids") == ("GO-1 (eac, 50.0%)",)
    assert get(db, ie_2, "instrument_share") == (0.5,)  # a share applies to each eligible row
    assert get(db, ie, "location_kgco2e") == pytest.approx((1.15 * 270.91 / 1000,))  # location unchanged


def test_mwh_instruments_spread_pro_rata_and_never_cover_more_than_everything(db):
    a = network_row(db, 1, gb=1000.0)  # 1 kWh IT -> 1.15 kWh facility
    b = network_row(db, 2, gb=3000.0)  # 3.45 kWh facility
    outside = network_row(db, 3, start=datetime(2025, 2, 1))
    d = datetime(2024, 1, 1).date()
    e = datetime(2024, 12, 31).date()
    # PPA: 2.3 kWh over 4.6 kWh of eligible energy = 50 % of each row, at 20 g. Then a 100 % supplier rate
    # at 300 g can only cover the remaining 50 %; a certificate sorts first whatever its id.
    load(db, "input_instruments", [
        ("Z-PPA", "ppa", None, "aws", "us-east-1", d, e, 0.0023, None, 20.0, None, None),
        ("A-SUP", "supplier_specific", "SRVC", None, None, d, e, None, 1.0, 300.0, None, None),
        ("Y-REC", "eac", "SRVC", None, None, d, e, None, 0.2, 0.0, None, None),
    ])
    refresh(db, EstimationOptions())
    # Order: Y-REC 20 % at 0 g, Z-PPA 50 % at 20 g, A-SUP the remaining 30 % at 300 g.
    for rid in (a, b):
        share, factor, method = get(db, rid, "instrument_share", "market_factor_g_per_kwh", "market_method")
        assert share == pytest.approx(1.0) and method == "instrument"
        assert factor == pytest.approx(0.2 * 0 + 0.5 * 20 + 0.3 * 300)
    assert get(db, a, "instrument_ids") == ("Y-REC (eac, 20.0%); Z-PPA (ppa, 50.0%); A-SUP (supplier_specific, 30.0%)",)
    assert get(db, outside, "instrument_share", "market_method") == (0.0, "location_fallback")


def test_provider_claims_count_only_when_the_user_opts_in(db):
    aws = network_row(db, 1)
    gcp = network_row(db, 2, provider="gcp", region="us-central1")
    refresh(db, EstimationOptions())
    assert get(db, aws, "market_method") == ("location_fallback",)
    refresh(db, EstimationOptions(count_provider_renewable_claims=True))
    method, factor, source = get(db, aws, "market_method", "market_factor_g_per_kwh", "market_factor_source")
    assert (method, factor) == ("provider_claim", 0.0)  # Amazon: 100 % annual renewable matching in 2024
    assert source.startswith("provider claim (opted in): amazon_renewable_match 2024")
    with open(DATA / "provider_renewable_claims.csv", newline="") as f:
        cfe = next(float(r["claimed_share"]) for r in csv.DictReader(f)
                   if r["provider"] == "gcp" and r["region_id"] == "us-central1" and r["year"] == "2024")
    assert get(db, gcp, "market_factor_g_per_kwh") == pytest.approx((412.72 * (1 - cfe),))


def test_totals_equal_the_sum_of_groups(db):
    for i, (prov, reg) in enumerate([("aws", "us-east-1"), ("aws", "eu-west-1"), ("gcp", "us-central1"),
                                     ("azure", "westeurope"), ("oracle", None)], start=1):
        network_row(db, i, provider=prov, region=reg, gb=100.0 * i)
    refresh(db, EstimationOptions())
    from footprint.queries import summary

    s = summary(db, by=["provider"])
    for key in ("energy_kwh", "facility_energy_kwh", "scope2_location_kgco2e", "scope2_market_kgco2e",
                "energy_kwh_low", "energy_kwh_high"):
        assert s[key] == pytest.approx(sum(g[key] for g in s["groups"]), rel=1e-12), key
    assert s["energy_kwh"] == pytest.approx(sum(100.0 * i * 0.001 for i in range(1, 6)))
    assert s["coverage"] == 1.0 and s["line_items"] == 5


# Random bills: the totals of the summary equal the sum of its groups for every metric, ranges stay ordered.

REGIONS = [("aws", "us-east-1"), ("aws", "eu-west-1"), ("aws", None), ("gcp", "us-central1"),
           ("gcp", "europe-west4"), ("azure", "westeurope"), ("azure", "eastus"), ("oracle", None)]
ROW = st.tuples(
    st.sampled_from(REGIONS),
    st.sampled_from([("p5.48xlarge", "hour"), ("g6.xlarge", "hour"), ("m5.large", "hour"), (None, "gb"),
                     (None, "gb_month"), (None, "request")]),
    st.floats(0.01, 500), st.integers(2023, 2025), st.sampled_from(["training", "inference", None]),
)


@pytest.fixture(scope="module")
def shared_db():
    from footprint.store import open_db

    c = open_db(":memory:")
    add_batch(c, 1)
    yield c
    c.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bill=st.lists(ROW, min_size=1, max_size=12))
def test_totals_equal_the_sum_of_groups_for_random_bills(shared_db, bill):
    from footprint.queries import summary

    con = shared_db
    con.execute("DELETE FROM billing_line_items")
    for i, ((prov, reg), (itype, unit), qty, year, hint) in enumerate(bill, start=1):
        start = datetime(year, 3, 1)
        con.execute(
            "INSERT INTO billing_line_items (row_id, batch_id, source_row, source_format, provider, region_id, "
            "service_name, charge_period_start, charge_period_end, charge_category, billed_cost, effective_cost, "
            "billing_currency, carries_usage, usage_quantity, usage_unit, usage_hours, instance_type, usage_type, "
            "workload_hint) VALUES (?, 1, ?, 'test', ?, ?, 'svc', ?, ?, 'Usage', ?, ?, 'USD', true, ?, ?, ?, ?, "
            "'DataTransfer-Out-Bytes', ?)",
            [(1 << 32) + i, i, prov, reg, start, start + timedelta(hours=1), qty, qty, qty, unit,
             qty if unit == "hour" else None, itype, hint])
    refresh(con, EstimationOptions())
    for by in (["provider"], ["region", "workload"], ["accelerator", "month"]):
        s = summary(con, by=by)
        for key in ("energy_kwh", "energy_kwh_low", "energy_kwh_high", "facility_energy_kwh",
                    "scope2_location_kgco2e", "scope2_market_kgco2e", "spend_based_energy_kwh", "line_items"):
            assert (s[key] or 0) == pytest.approx(sum(g[key] or 0 for g in s["groups"]), rel=1e-9, abs=1e-12), key
        assert (s["energy_kwh_low"] or 0) <= (s["energy_kwh"] or 0) <= (s["energy_kwh_high"] or 0)
        assert s["line_items"] == len(bill)
    bad = con.execute("SELECT count(*) FROM footprint_items WHERE energy_kwh < 0 OR facility_energy_kwh < energy_kwh "
                      "OR location_kgco2e < 0 OR market_kgco2e < 0").fetchone()[0]
    assert bad == 0
