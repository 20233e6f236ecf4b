"""Chart builders and the CSV behind every chart: titles, units, hover text, colours, inert text cells."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest

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


CO2E = Measure("scope2_location_kgco2e", "Location-based", "co2e", colour="#1b7f5c")
MONTHS = pd.to_datetime(["2026-06-01", "2026-07-01", "2026-08-01", "2026-09-01"])


def test_monthly_lines_tick_once_per_month_start_at_zero_and_draw_the_range():
    df = pd.DataFrame(
        {
            "period": MONTHS,
            "scope2_location_kgco2e": [2_300.0, 2_450.0, 2_380.0, 2_600.0],
            "scope2_location_kgco2e_low": [2_000.0, 2_100.0, 2_050.0, 2_200.0],
            "scope2_location_kgco2e_high": [2_700.0, 2_800.0, 2_750.0, 2_900.0],
        }
    )
    fig = charts.lines(df, "period", [CO2E], "Emissions per month", x_label="Month", value_label="Emissions")
    x = fig.layout.xaxis
    # one tick per month from the first period, "Sep 2026": the September point has its label
    assert (x.dtick, x.tickformat, x.tick0[:10]) == ("M1", "%b %Y", "2026-06-01")
    lo, hi = (pd.Timestamp(v) for v in x.range)
    assert pd.Timestamp("2026-05-01") < lo < pd.Timestamp("2026-06-01")
    assert pd.Timestamp("2026-09-01") < hi < pd.Timestamp("2026-10-01")
    assert fig.layout.yaxis.rangemode == "tozero"  # not from 2,300 kg
    band, line = fig.data
    assert band.fill == "toself" and band.hoverinfo == "skip"
    assert list(band.y) == [2_700.0, 2_800.0, 2_750.0, 2_900.0, 2_200.0, 2_050.0, 2_100.0, 2_000.0]
    assert list(line.y) == [2_300.0, 2_450.0, 2_380.0, 2_600.0]
    assert line.customdata[3] == "2,600 kg CO2e (range 2,200 kg CO2e to 2,900 kg CO2e)"


def test_weekly_and_short_daily_axes_tick_on_period_starts():
    weeks = pd.DataFrame(
        {"period": pd.to_datetime(["2026-03-30", "2026-04-06", "2026-04-13"]), "energy_kwh": [5.0, 7.0, 6.0]}
    )
    fig = charts.trend(weeks, ENERGY, "IT energy per week", period_label="Week")
    assert fig.layout.xaxis.dtick == 7 * 24 * 3600 * 1000
    assert fig.layout.xaxis.tick0[:10] == "2026-03-30"
    assert fig.layout.xaxis.tickformat == "%d %b %Y"
    assert fig.layout.yaxis.rangemode == "tozero"
    days = pd.DataFrame({"period": pd.date_range("2026-04-01", periods=5, freq="D"), "energy_kwh": [1.0] * 5})
    fig = charts.lines(days, "period", [ENERGY], "Per day", x_label="Day", value_label="IT energy")
    assert (fig.layout.xaxis.dtick, fig.layout.xaxis.tickformat) == (24 * 3600 * 1000, "%d %b")


def test_grain_is_read_from_the_period_starts():
    assert charts.grain_of(pd.Series(MONTHS)) == "month"
    assert charts.grain_of(pd.Series(pd.to_datetime(["2026-03-30", "2026-04-13"]))) == "week"
    assert charts.grain_of(pd.Series(pd.to_datetime(["2026-04-01", "2026-04-02", "2026-05-01"]))) == "day"
    assert charts.grain_of(pd.Series(pd.to_datetime(["2026-04-01 06:00", "2026-05-01 00:00"]))) == "day"


def test_markers_stay_within_the_data_and_never_read_nan():
    df = pd.DataFrame(
        {"period_start": ["2026-09-02", "2026-09-03", "2026-09-04"], "energy_kwh": [1.0, 2.0, 3.0]}
    )

    def build(markers: list[tuple[object, str]]):
        return charts.lines(
            df,
            "period_start",
            [ENERGY],
            "Cumulative",
            x_label="Day",
            value_label="IT energy",
            markers=markers,
        )

    fig = build([("2026-09-03", "break-even 2026-09-03")])
    assert [a.text for a in fig.layout.annotations] == ["break-even 2026-09-03"]
    assert fig.layout.shapes[0].x0[:10] == "2026-09-03"
    for at in (float("nan"), None, pd.NaT, "2040-03-20"):
        with pytest.raises(ValueError, match="outside the data"):
            build([(at, f"break-even {at}")])
    lo, hi = (pd.Timestamp(v) for v in build([]).layout.xaxis.range)
    assert pd.Timestamp("2026-09-01") < lo < pd.Timestamp("2026-09-02")
    assert pd.Timestamp("2026-09-04") < hi < pd.Timestamp("2026-09-05")


def test_breakdown_labels_every_bar_and_can_use_a_log_axis():
    df = pd.DataFrame({"model": ["atlas-30b", "ranker-v3"], "energy_kwh": [0.990187, 0.000936]})
    per_1k = Measure("energy_kwh", "IT energy per 1,000 inferences", "energy")
    fig = charts.breakdown(df, "model", per_1k, "Per 1,000", log=True)
    assert list(fig.data[0].text) == ["0.000936 kWh", "0.990 kWh"]
    assert fig.layout.xaxis.type == "log"
    assert fig.layout.xaxis.title.text == "IT energy per 1,000 inferences (kWh), logarithmic scale"
    linear = charts.breakdown(df, "model", per_1k, "Per 1,000")
    assert linear.layout.xaxis.type is None and linear.layout.xaxis.rangemode == "tozero"


def test_every_quantity_axis_starts_at_zero():
    two = pd.DataFrame({"region": ["a", "b"], "energy_kwh": [900.0, 950.0], "other": [910.0, 940.0]})
    other = Measure("other", "Other", "energy")
    assert (
        charts.side_by_side(two, "region", [ENERGY, other], "t", value_label="E").layout.yaxis.rangemode
        == "tozero"
    )
    stacked = charts.stacked_bars(two.assign(w="x"), "region", "w", ENERGY, "t")
    assert stacked.layout.xaxis.rangemode == "tozero"
    scatter = charts.scatter_vs(two, ENERGY, other, "region", "t")
    assert (scatter.layout.xaxis.rangemode, scatter.layout.yaxis.rangemode) == ("tozero", "tozero")
    power = pd.DataFrame(
        {
            "ts": pd.to_datetime(["2026-04-01 10:00", "2026-04-01 10:01"]),
            "power_w": [300.0, 310.0],
            "gpu": "0",
        }
    )
    fig = charts.power_lines(power, Measure("power_w", "Power", "power"), "t", x="ts", colour_by="gpu")
    assert fig.layout.yaxis.rangemode == "tozero"
