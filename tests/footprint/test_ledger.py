"""The per-model ledger on hand-computed cases: rows go straight into footprint_items and inference_requests.

Every item below has PUE 1.25 and a location factor of 400 g/kWh (market 200 g/kWh), so facility energy is
1.25 x IT energy and location-based kgCO2e is 0.5 x IT energy: the expected figures are written out by hand.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from footprint import ledger
from footprint.ledger import LedgerFilters
from footprint.queries import Filters

PUE = 1.25


def _item(
    con,
    item_id,
    start,
    hours,
    model,
    workload,
    it_kwh,
    *,
    team="ml",
    cost=None,
    currency="USD",
    detail=None,
    source="billing",
    measured_kwh=0.0,
):
    facility = it_kwh * PUE
    con.execute(
        """INSERT INTO footprint_items (item_id, source, batch_id, charge_period_start, charge_period_end,
        usage_year, provider, team, model, workload, workload_detail, usage_kind, carries_usage,
        measured_energy_kwh, method, location_hourly, instrument_share, scope_label, methodology_version,
        energy_kwh_low, energy_kwh, energy_kwh_high, facility_energy_kwh_low, facility_energy_kwh,
        facility_energy_kwh_high, location_kgco2e_low, location_kgco2e, location_kgco2e_high,
        market_kgco2e_low, market_kgco2e, market_kgco2e_high, billed_cost, billing_currency)
        VALUES (?, ?, 1, ?, ?, 2024, 'aws', ?, ?, ?, ?, 'instance', true, ?, 'modelled', false, 0, 'scope3_cat1',
        'test', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            item_id,
            source,
            start,
            start + timedelta(hours=hours),
            team,
            model,
            workload,
            detail,
            measured_kwh,
            it_kwh * 0.8,
            it_kwh,
            it_kwh * 1.2,
            facility * 0.8,
            facility,
            facility * 1.2,
            facility * 0.4 * 0.8,
            facility * 0.4,
            facility * 0.4 * 1.2,
            facility * 0.2 * 0.8,
            facility * 0.2,
            facility * 0.2 * 1.2,
            cost,
            currency if cost is not None else None,
        ],
    )


def _requests(con, n, start, hours, model, requests, *, team=None, tokens=None):
    con.execute(
        "INSERT OR IGNORE INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) VALUES "
        "(9, 'requests.csv', 'r', 1, 'telemetry', 'inference-requests', 1, 1, 0, TIMESTAMP '2024-05-01')"
    )
    con.execute(
        "INSERT INTO inference_requests VALUES (9, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
        [n, start, start + timedelta(hours=hours), model, team, requests, tokens],
    )


def _serving(con, model="m", first=2, last=20, *, it_kwh=8.0, requests=1000, tokens=2_000_000, team="ml"):
    """Daily inference of `it_kwh` IT kWh and `requests` requests on 2024-01-<first>..<last>."""
    for d in range(first, last + 1):
        _item(con, f"b:{model}:inf:{d}", datetime(2024, 1, d), 24, model, "inference", it_kwh, team=team)
        _requests(con, 1000 + d, datetime(2024, 1, d), 24, model.upper(), requests, tokens=tokens)


def _one(con, filters=None, model="m"):
    ledger.refresh(con)
    rows = {r["model"]: r for r in ledger.models(con, filters)}
    return rows[model]


def test_break_even_amortisation_and_sci_on_a_hand_computed_model(con):
    # training 80 kWh IT (100 kWh facility) on Jan 1; serving 8 kWh IT (10 facility) and 1,000 requests a
    # day from Jan 2 to Jan 20: cumulative inference reaches 100 kWh facility on Jan 11 (10 days x 10).
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _serving(con)
    m = _one(con)
    assert m["training_energy_kwh"] == pytest.approx(80.0)
    assert m["inference_energy_kwh"] == pytest.approx(19 * 8.0)
    assert m["training_kgco2e_location"] == pytest.approx(40.0)
    assert m["inference_kgco2e_location"] == pytest.approx(19 * 4.0)
    assert m["training_kgco2e_market"] == pytest.approx(20.0)
    assert m["requests"] == pytest.approx(19_000)
    assert m["energy_kwh_per_1k_inferences"] == pytest.approx(8.0)
    assert m["facility_energy_kwh_per_1k_inferences"] == pytest.approx(10.0)
    assert m["energy_kwh_per_1m_tokens"] == pytest.approx(4.0)  # 8 kWh per 2,000,000 tokens
    assert m["sci_kgco2e_per_1k_requests"] == pytest.approx(4.0)  # 10 kWh x 0.4 kg/kWh per 1,000
    assert m["sci_embodied_kgco2e"] == 0.0
    assert (m["break_even"], m["break_even_status"], m["break_even_projected"]) == (
        "2024-01-11",
        "reached",
        None,
    )
    assert m["amortised_training_energy_kwh_per_1k_inferences"] == pytest.approx(80 / 19)
    assert m["amortised_training_kgco2e_location_per_1k_inferences"] == pytest.approx(40 / 19)


def test_a_retrain_puts_training_ahead_again_and_break_even_becomes_a_projection(con):
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _item(con, "b:retrain", datetime(2024, 1, 15), 24, "m", "training", 200.0, detail="fine_tuning")
    _serving(con)
    m = _one(con)
    # training 100 + 250 = 350 kWh facility; inference 19 x 10 = 190; the gap of 160 kWh at the serving
    # rate of 10 kWh/day (190 kWh over the 19 days since serving began) takes 16 days from Jan 20.
    assert m["cumulative_training_facility_energy_kwh"] == pytest.approx(350.0)
    assert m["cumulative_inference_facility_energy_kwh"] == pytest.approx(190.0)
    assert m["break_even"] is None
    assert (m["break_even_status"], m["break_even_projected"]) == ("projected", "2024-02-05")
    assert m["fine_tuning_energy_kwh"] == pytest.approx(200.0)


def test_until_cuts_the_history_and_the_projection_matches_the_later_outcome(con):
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _serving(con)
    m = _one(con, LedgerFilters(until=date(2024, 1, 6)))
    # by Jan 6: inference 5 x 10 = 50 of 100 kWh; 5 more days at 10 kWh/day -> Jan 11
    assert (m["break_even"], m["break_even_status"], m["break_even_projected"]) == (
        None,
        "projected",
        "2024-01-11",
    )
    assert m["requests"] == pytest.approx(5_000)


def test_since_limits_the_sums_but_not_the_break_even_history(con):
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _serving(con)
    m = _one(con, LedgerFilters(since=date(2024, 1, 15)))
    assert m["training_energy_kwh"] == 0.0
    assert m["inference_energy_kwh"] == pytest.approx(6 * 8.0)  # Jan 15..20
    assert m["break_even"] == "2024-01-11"
    assert m["amortised_training_energy_kwh_per_1k_inferences"] == pytest.approx(80 / 19)


def test_models_without_training_or_without_serving(con):
    _serving(con, model="api-only", first=1, last=3)
    _item(con, "b:t", datetime(2024, 1, 1), 10, "research-net", "training", 50.0)
    ledger.refresh(con)
    rows = {r["model"]: r for r in ledger.models(con)}
    assert rows["api-only"]["break_even_status"] == "no_training"
    # no training on record: nothing to amortise (null, not zero: the training happened elsewhere)
    assert rows["api-only"]["amortised_training_energy_kwh_per_1k_inferences"] is None
    assert rows["research-net"]["break_even_status"] == "not_serving"
    assert rows["research-net"]["break_even_projected"] is None
    assert (
        rows["research-net"]["requests"] == 0 and rows["research-net"]["energy_kwh_per_1k_inferences"] is None
    )


def test_an_item_spanning_days_is_spread_by_time_and_cost_stays_whole(con):
    # 48 h from Jan 1 12:00 to Jan 3 12:00: 12 h, 24 h, 12 h -> 1/4, 1/2, 1/4 of 48 kWh and of 4.80 USD
    _item(con, "b:span", datetime(2024, 1, 1, 12), 48, "m", "training", 48.0, cost=Decimal("4.80"))
    ledger.refresh(con)
    days = con.execute("SELECT day, energy_kwh FROM ledger_model_day ORDER BY day").fetchall()
    assert [(d.isoformat(), round(e, 9)) for d, e in days] == [
        ("2024-01-01", 12.0),
        ("2024-01-02", 24.0),
        ("2024-01-03", 12.0),
    ]
    costs = con.execute("SELECT day, billed_cost FROM ledger_model_cost_day ORDER BY day").fetchall()
    assert [c for _, c in costs] == [Decimal("1.2"), Decimal("2.4"), Decimal("1.2")]
    assert ledger.models(con)[0]["cost"] == {"USD": 4.8}


def test_per_request_ratios_use_only_days_with_both_counts_and_energy(con):
    _item(con, "b:i", datetime(2024, 1, 2), 24, "m", "inference", 8.0)
    _requests(con, 1, datetime(2024, 1, 2), 24, "m", 1000)
    _requests(con, 2, datetime(2024, 1, 3), 24, "m", 5000)  # no inference energy billed that day
    m = _one(con)
    assert m["requests"] == pytest.approx(6000)
    assert m["energy_kwh_per_1k_inferences"] == pytest.approx(8.0)
    assert m["requests_matched_share"] == pytest.approx(1000 / 6000)
    assert m["energy_kwh_per_1m_tokens"] is None  # no token counts


def test_team_filter_and_counts_without_a_team(con):
    _item(con, "b:t", datetime(2024, 1, 1), 24, "m", "training", 80.0, team="research")
    _serving(con, first=2, last=3, team="serving")
    ledger.refresh(con)
    research = {r["model"]: r for r in ledger.models(con, LedgerFilters(team=["research"]))}["m"]
    serving = {r["model"]: r for r in ledger.models(con, LedgerFilters(team=["serving"]))}["m"]
    assert (research["training_energy_kwh"], research["inference_energy_kwh"]) == (80.0, 0.0)
    assert research["requests"] == 2000 and research["energy_kwh_per_1k_inferences"] is None
    assert (serving["training_energy_kwh"], serving["inference_energy_kwh"]) == (0.0, 16.0)
    assert serving["energy_kwh_per_1k_inferences"] == pytest.approx(8.0)


def test_names_from_bills_telemetry_and_counts_are_one_model(con):
    _item(con, "b:1", datetime(2024, 1, 1), 24, "llama-3-8b", "training", 10.0)
    _item(
        con,
        "t:1",
        datetime(2024, 1, 2),
        24,
        "Llama 3_8B",
        "fine-tuning",
        6.0,
        source="telemetry",
        measured_kwh=6.0,
    )
    _item(
        con,
        "t:2",
        datetime(2024, 1, 3),
        24,
        "LLAMA-3-8B",
        "serving",
        2.0,
        source="telemetry",
        measured_kwh=2.0,
    )
    _requests(con, 1, datetime(2024, 1, 3), 24, "llama_3_8b", 500)
    m = _one(con, model="llama-3-8b")
    assert m["training_energy_kwh"] == pytest.approx(16.0)
    assert m["fine_tuning_energy_kwh"] == pytest.approx(6.0)
    assert m["inference_energy_kwh"] == pytest.approx(2.0)
    assert m["measured_share"] == pytest.approx(8.0 / 18.0)
    assert m["energy_kwh_per_1k_inferences"] == pytest.approx(4.0)


def test_cost_per_currency_and_the_unattributed_bucket_is_listed(con):
    _item(con, "b:1", datetime(2024, 1, 1), 1, "m", "training", 1.0, cost=Decimal("10.00"))
    _item(con, "b:2", datetime(2024, 1, 1), 1, "m", "inference", 1.0, cost=Decimal("3.50"), currency="EUR")
    _item(con, "b:3", datetime(2024, 1, 1), 1, "unattributed", "unknown", 2.0, cost=Decimal("7.25"))
    ledger.refresh(con)
    rows = {r["model"]: r for r in ledger.models(con)}
    assert rows["m"]["cost"] == {"EUR": 3.5, "USD": 10.0}
    assert rows["m"]["cost_by_workload"] == {"inference": {"EUR": 3.5}, "training": {"USD": 10.0}}
    assert rows["unattributed"]["cost"] == {"USD": 7.25}
    assert rows["unattributed"]["other_energy_kwh"] == pytest.approx(2.0)


def test_period_ledger_by_day_and_month(con):
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _serving(con, first=30, last=31)
    _item(con, "b:feb", datetime(2024, 2, 1), 24, "m", "inference", 8.0)
    _requests(con, 1, datetime(2024, 2, 1), 24, "m", 1000)
    ledger.refresh(con)
    month = con.execute(
        "SELECT period_start, training_energy_kwh, inference_energy_kwh, requests, energy_kwh_per_1k_inferences, "
        "cumulative_training_facility_energy_kwh, cumulative_inference_facility_energy_kwh, cumulative_requests "
        "FROM ledger_model_period WHERE grain = 'month' ORDER BY period_start"
    ).fetchall()
    assert [(p.isoformat(), *[round(x, 9) for x in rest]) for p, *rest in month] == [
        ("2024-01-01", 80.0, 16.0, 2000.0, 8.0, 100.0, 20.0, 2000.0),
        ("2024-02-01", 0.0, 8.0, 1000.0, 8.0, 100.0, 30.0, 3000.0),
    ]
    assert con.execute("SELECT count(*) FROM ledger_model_period WHERE grain = 'day'").fetchone()[0] == 4
    series = ledger.model_periods(con, LedgerFilters(since=date(2024, 2, 1)), grain="day")
    assert [(r["period_start"], r["cumulative_inference_facility_energy_kwh"]) for r in series] == [
        ("2024-02-01", pytest.approx(30.0))
    ]


def test_filters_the_ledger_has_no_dimension_for_are_refused():
    with pytest.raises(ValueError, match="cannot filter by provider"):
        LedgerFilters.from_filters(Filters(provider=["aws"]))
    assert LedgerFilters.from_filters(Filters(team=["a"], since=date(2024, 1, 1))).team == ["a"]


RANGE_GROUPS = {
    "training": "workload = 'training'",
    "inference": "workload = 'inference'",
    "other": "workload NOT IN ('training', 'inference')",
}
RANGE_MEASURES = {  # ledger column stem -> footprint_items column stem
    "energy_kwh": "energy_kwh",
    "facility_energy_kwh": "facility_energy_kwh",
    "kgco2e_location": "location_kgco2e",
    "kgco2e_market": "market_kgco2e",
}


def test_ranges_are_the_sums_of_the_items_low_and_high_estimates(con):
    _item(con, "b:train", datetime(2024, 1, 1), 24, "m", "training", 80.0)
    _serving(con)
    _item(con, "b:dev", datetime(2024, 1, 3), 24, "m", "development", 5.0)
    _item(con, "b:t2", datetime(2024, 1, 4), 48, "n", "training", 30.0)
    # a range that is not a fixed share of the central value (as a telemetry gap or a wide factor gives)
    con.execute(
        "UPDATE footprint_items SET energy_kwh_low = 1.0, energy_kwh_high = 30.0, "
        "location_kgco2e_high = 9.5 WHERE item_id = 'b:dev'"
    )
    ledger.refresh(con)
    rows = {r["model"]: r for r in ledger.models(con)}
    assert set(rows) == {"m", "n"}
    for model, row in rows.items():
        for group, where in RANGE_GROUPS.items():
            for stem, item_stem in RANGE_MEASURES.items():
                low, central, high = con.execute(
                    f"SELECT coalesce(sum({item_stem}_low), 0), coalesce(sum({item_stem}), 0), "
                    f"coalesce(sum({item_stem}_high), 0) FROM footprint_items WHERE model = ? AND {where}",
                    [model],
                ).fetchone()
                column = f"{group}_{stem}"
                assert row[column] == pytest.approx(central), column
                assert row[f"{column}_low"] == pytest.approx(low), column
                assert row[f"{column}_high"] == pytest.approx(high), column
                assert row[f"{column}_low"] <= row[column] <= row[f"{column}_high"], (model, column)
        for column in [k[: -len("_low")] for k in row if k.endswith("_low")]:
            if row[column] is not None:
                assert row[f"{column}_low"] <= row[column] <= row[f"{column}_high"], (model, column)
    m = rows["m"]
    # by hand: items carry 0.8x and 1.2x ranges, except the development item's IT energy 1..30 kWh
    assert (m["training_energy_kwh_low"], m["training_energy_kwh_high"]) == (
        pytest.approx(64.0),
        pytest.approx(96.0),
    )
    assert (m["other_energy_kwh_low"], m["other_energy_kwh_high"]) == (
        pytest.approx(1.0),
        pytest.approx(30.0),
    )
    assert m["other_kgco2e_location_high"] == pytest.approx(9.5)
    # per 1,000 inferences on matched days: 8 kWh IT (6.4..9.6), 10 kWh facility, 4 kg location-based
    requests = con.execute(
        "SELECT sum(requests) FROM inference_requests WHERE lower(model) = 'm'"
    ).fetchone()[0]
    inf_low, inf_high, loc_low, loc_high = con.execute(
        "SELECT sum(energy_kwh_low), sum(energy_kwh_high), sum(location_kgco2e_low), sum(location_kgco2e_high) "
        "FROM footprint_items WHERE model = 'm' AND workload = 'inference'"
    ).fetchone()
    assert m["energy_kwh_per_1k_inferences_low"] == pytest.approx(inf_low / requests * 1000)
    assert m["energy_kwh_per_1k_inferences_high"] == pytest.approx(inf_high / requests * 1000)
    assert (m["energy_kwh_per_1k_inferences_low"], m["energy_kwh_per_1k_inferences_high"]) == (
        pytest.approx(6.4),
        pytest.approx(9.6),
    )
    assert (
        m["facility_energy_kwh_per_1k_inferences_low"],
        m["facility_energy_kwh_per_1k_inferences_high"],
    ) == (
        pytest.approx(8.0),
        pytest.approx(12.0),
    )
    assert m["sci_kgco2e_per_1k_requests_low"] == pytest.approx(loc_low / requests * 1000)
    assert m["sci_kgco2e_per_1k_requests_high"] == pytest.approx(loc_high / requests * 1000)
    assert m["amortised_training_energy_kwh_per_1k_inferences_low"] == pytest.approx(64 / 19)
    assert m["amortised_training_kgco2e_market_per_1k_inferences_high"] == pytest.approx(24 / 19)
    n = rows["n"]
    assert n["energy_kwh_per_1k_inferences_low"] is None and n["energy_kwh_per_1k_inferences_high"] is None
