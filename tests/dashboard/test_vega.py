"""The Overview's Vega-Lite charts: titles, units on the axes and in the hover text, ranges, colours.

Expected values are written out by hand: 25,000 kWh is 25.0 MWh on an axis in MWh, and its hover text
reads as the cards read it.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from dashboard import vega
from dashboard.style import PROVIDER_COLOURS, WORKLOAD_COLOURS, Measure

ENERGY = Measure("energy_kwh", "IT energy", "energy")


def test_breakdown_is_largest_first_in_one_unit_with_its_range():
    df = pd.DataFrame(
        {
            "provider": ["gcp", "aws", "azure"],
            "energy_kwh": [1_500.0, 25_000.0, 12.0],
            "energy_kwh_low": [1_000.0, 20_000.0, 10.0],
            "energy_kwh_high": [2_000.0, 30_000.0, 15.0],
        }
    )
    spec = vega.breakdown(
        df, "provider", ENERGY, "IT energy by provider", low="energy_kwh_low", high="energy_kwh_high"
    )
    assert spec["title"]["text"] == "IT energy by provider"
    bars, ranges = spec["layer"]
    assert bars["encoding"]["x"]["title"] == "IT energy (MWh)"
    assert bars["encoding"]["y"]["title"] == "Provider"
    assert bars["encoding"]["y"]["sort"] == ["aws", "gcp", "azure"]  # largest first, top down
    rows = spec["data"]["values"]
    assert [r["value"] for r in rows] == [25.0, 1.5, 0.012]
    assert [(r["low"], r["high"]) for r in rows] == [(20.0, 30.0), (1.0, 2.0), (0.01, 0.015)]
    assert rows[0]["text"] == "25.0 MWh (range 20.0 MWh to 30.0 MWh)"
    assert ranges["mark"]["type"] == "rule"
    assert (ranges["encoding"]["x"]["field"], ranges["encoding"]["x2"]["field"]) == ("low", "high")
    colours = bars["encoding"]["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True)) == {
        "aws": PROVIDER_COLOURS["aws"],
        "gcp": PROVIDER_COLOURS["gcp"],
        "azure": PROVIDER_COLOURS["azure"],
    }
    tooltip = {t["field"]: t["title"] for t in bars["encoding"]["tooltip"]}
    assert tooltip == {"group": "Provider", "text": "IT energy"}


def test_breakdown_without_a_range_is_plain_bars_and_keeps_the_top_15():
    df = pd.DataFrame({"team": [f"t{i:02d}" for i in range(20)], "energy_kwh": [float(i) for i in range(20)]})
    spec = vega.breakdown(df, "team", ENERGY, "IT energy by team", dim_label="Team")
    assert "layer" not in spec and spec["mark"]["type"] == "bar"
    assert [r["group"] for r in spec["data"]["values"]] == [f"t{i:02d}" for i in range(19, 4, -1)]
    assert spec["encoding"]["x"]["title"] == "IT energy (kWh)"
    assert spec["data"]["values"][0]["text"] == "19.0 kWh"


def test_trend_stacks_groups_by_period_with_their_fixed_colours():
    df = pd.DataFrame(
        {
            "period": [date(2025, 1, 1), date(2025, 1, 1), date(2025, 2, 1)],
            "workload": ["training", "inference", "inference"],
            "scope2_location_kgco2e": [3_000.0, 9_000.0, 14_000.0],
        }
    )
    m = Measure("scope2_location_kgco2e", "Location-based emissions", "co2e")
    spec = vega.trend(df, m, "Emissions per month", colour_by="workload", grain="month")
    enc = spec["encoding"]
    # the largest stacked month is 14 t, so the axis is in t CO2e
    assert enc["y"]["title"] == "Location-based emissions (t CO2e)" and enc["y"]["stack"] == "zero"
    assert enc["x"]["title"] == "Month"
    assert spec["data"]["values"] == [
        {"period": "Jan 2025", "value": 3.0, "text": "3.00 t CO2e", "group": "training"},
        {"period": "Jan 2025", "value": 9.0, "text": "9.00 t CO2e", "group": "inference"},
        {"period": "Feb 2025", "value": 14.0, "text": "14.0 t CO2e", "group": "inference"},
    ]
    assert enc["x"]["sort"] == ["Jan 2025", "Feb 2025"]  # by period, not alphabetically
    colours = enc["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True)) == {
        "inference": WORKLOAD_COLOURS["inference"],
        "training": WORKLOAD_COLOURS["training"],
    }
    assert [t["title"] for t in enc["tooltip"]] == ["Month", "Workload", "Location-based emissions"]


def test_trend_of_days_and_money_and_missing_values_stay_valid_json():
    df = pd.DataFrame(
        {"period": pd.to_datetime(["2025-03-30", "2025-03-31"]), "billed_cost": [1_234.6, float("nan")]}
    )
    cost = Measure("billed_cost", "Billed cost", "money", currency="EUR")
    spec = vega.trend(df, cost, "Billed cost per day", grain="day")
    assert spec["encoding"]["y"]["title"] == "Billed cost (EUR)"
    assert spec["encoding"]["x"]["title"] == "Day (UTC)"
    assert spec["data"]["values"][0] == {"period": "2025-03-30", "value": 1234.6, "text": "1,235 EUR"}
    assert spec["data"]["values"][1]["value"] is None and spec["data"]["values"][1]["text"] == "\u2013"
    json.loads(json.dumps(spec, allow_nan=False))  # what the browser parses: no NaN


def test_stacked_bars_order_groups_by_their_total_and_colour_the_parts():
    df = pd.DataFrame(
        {
            "model": ["small", "big", "big", "mid"],
            "workload": ["inference", "training", "inference", "training"],
            "energy_kwh": [500.0, 8_000.0, 4_000.0, 2_000.0],
        }
    )
    spec = vega.stacked_bars(df, "model", "workload", ENERGY, "IT energy per model, by workload")
    enc = spec["encoding"]
    assert enc["y"]["sort"] == ["big", "mid", "small"]  # by total: 12, 2 and 0.5 MWh
    assert enc["x"]["title"] == "IT energy (MWh)" and enc["x"]["stack"] == "zero"  # the largest total: 12 MWh
    assert [(r["group"], r["part"], r["value"], r["text"]) for r in spec["data"]["values"]] == [
        ("small", "inference", 0.5, "0.500 MWh"),
        ("big", "training", 8.0, "8.00 MWh"),
        ("big", "inference", 4.0, "4.00 MWh"),
        ("mid", "training", 2.0, "2.00 MWh"),
    ]
    colours = enc["color"]["scale"]
    assert dict(zip(colours["domain"], colours["range"], strict=True)) == {
        "inference": WORKLOAD_COLOURS["inference"],
        "training": WORKLOAD_COLOURS["training"],
    }
