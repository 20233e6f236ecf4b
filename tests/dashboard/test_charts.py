"""Chart builders and the CSV behind every chart: titles, units, hover text, colours, inert text cells."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd

from dashboard import charts
from dashboard.charts import Measure
from dashboard.components import csv_bytes

ENERGY = Measure("energy_kwh", "IT energy", "energy")


def test_breakdown_scales_to_one_unit_and_labels_it():
    df = pd.DataFrame(
        {
            "provider": ["aws", "gcp", "azure"],
            "energy_kwh": [25_000.0, 1_500.0, 12.0],
            "energy_kwh_low": [20_000.0, 1_000.0, 10.0],
            "energy_kwh_high": [30_000.0, 2_000.0, 15.0],
        }
    )
    fig = charts.breakdown(
        df, "provider", ENERGY, "IT energy by provider", low="energy_kwh_low", high="energy_kwh_high"
    )
    assert fig.layout.title.text == "IT energy by provider"
    assert fig.layout.xaxis.title.text == "IT energy (MWh)"
    bar = fig.data[0]
    # smallest first (bars read top-down largest first), values in MWh
    assert list(bar.y) == ["azure", "gcp", "aws"]
    assert list(bar.x) == [0.012, 1.5, 25.0]
    assert list(bar.error_x.array) == [0.003, 0.5, 5.0]
    assert list(bar.error_x.arrayminus) == [0.002, 0.5, 5.0]
    assert bar.customdata[2] == "25.0 MWh (range 20.0 MWh to 30.0 MWh)"
    assert list(bar.marker.color) == ["#0078d4", "#34a853", "#ff9900"]


def test_trend_stacks_groups_with_their_fixed_colours():
    df = pd.DataFrame(
        {
            "period": [date(2025, 1, 1), date(2025, 1, 1), date(2025, 2, 1)],
            "workload": ["training", "inference", "inference"],
            "scope2_location_kgco2e": [3_000.0, 9_000.0, 14_000.0],
        }
    )
    m = Measure("scope2_location_kgco2e", "Location-based emissions", "co2e")
    fig = charts.trend(df, m, "Emissions per month", colour_by="workload")
    assert fig.layout.barmode == "stack"
    # the largest stacked period is 12 t, so the axis is in t CO2e
    assert fig.layout.yaxis.title.text == "Location-based emissions (t CO2e)"
    names = {t.name: t for t in fig.data}
    assert names["inference"].marker.color == charts.WORKLOAD_COLOURS["inference"]
    assert list(names["inference"].y) == [9.0, 14.0]
    assert list(names["inference"].customdata) == ["9.00 t CO2e", "14.0 t CO2e"]


def test_derived_colours_are_stable_and_the_unattributed_bucket_is_grey():
    assert charts.colour_for("team", "research") == charts.colour_for("team", "research")
    assert charts.colour_for("team", "research") in charts.PALETTE
    assert charts.colour_for("team", "unattributed") == charts.UNATTRIBUTED_COLOUR
    assert charts.colour_for("provider", "gcp") == "#34a853"


def test_side_by_side_and_money_hover():
    df = pd.DataFrame(
        {"region": ["eu-west-1", "us-east-1"], "loc": [900.0, 2_000.0], "mkt": [100.0, 2_500.0]}
    )
    fig = charts.side_by_side(
        df,
        "region",
        [Measure("loc", "Location-based", "co2e"), Measure("mkt", "Market-based", "co2e")],
        "Both methods",
        value_label="Emissions",
    )
    assert fig.layout.yaxis.title.text == "Emissions (kg CO2e)"
    assert [t.name for t in fig.data] == ["Location-based", "Market-based"]
    assert list(fig.data[1].customdata) == ["100 kg CO2e", "2,500 kg CO2e"]
    cost = Measure("billed_cost", "Billed cost", "money", currency="EUR")
    assert cost.text(234.5, cost.scale(pd.Series([234.5]))) == "234.50 EUR"


def test_csv_behind_a_chart_keeps_numbers_and_makes_text_inert():
    df = pd.DataFrame(
        {
            "team": ['=HYPERLINK("http://x")', "+1", "-cmd", "@SUM(A1)", "\tx", "research"],
            "energy_kwh": [1.5, -2.0, 3.0, 4.0, 5.0, 6.25],
            "period": pd.to_datetime(["2025-01-01"] * 6),
        }
    )
    rows = list(csv.DictReader(io.StringIO(csv_bytes(df).decode("utf-8"))))
    assert [r["team"] for r in rows] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-cmd",
        "'@SUM(A1)",
        "'\tx",
        "research",
    ]
    assert [float(r["energy_kwh"]) for r in rows] == [1.5, -2.0, 3.0, 4.0, 5.0, 6.25]
    assert rows[0]["period"] == "2025-01-01"
