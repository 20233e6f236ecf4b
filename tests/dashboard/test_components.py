"""Tables as shown: days as days, a missing text value as a dash, units in the headers; card ranges."""

from __future__ import annotations

import math

import pandas as pd

from dashboard import components


def test_a_missing_text_value_reads_as_a_dash_and_numbers_stay_numbers():
    df = pd.DataFrame({"grid_zone": ["SE", None], "energy_kwh": [1.5, math.nan]})
    shown = components._shown(df)
    assert list(shown["grid_zone"]) == ["SE", "\u2013"]
    assert shown["energy_kwh"].dtype == float and shown["energy_kwh"].iloc[0] == 1.5
    assert pd.isna(df["grid_zone"].iloc[1])  # the data (and its CSV) keep the empty value


def test_days_show_as_days_and_times_in_utc_minutes():
    df = pd.DataFrame(
        {
            "period_start": pd.to_datetime(["2026-04-01", "2026-07-01"]),
            "ingested_at": pd.to_datetime(["2026-11-20 10:15:30", "2026-11-21 00:00:00"]),
            "energy_kwh": [1.0, 2.0],
        }
    )
    config = components._column_config(df, None)
    assert config["period_start"]["label"] == "From"
    date = config["period_start"]["type_config"]
    assert (date["type"], date["format"]) == ("date", "YYYY-MM-DD")
    assert config["ingested_at"]["label"] == "ingested_at (UTC)"
    assert config["ingested_at"]["type_config"]["format"] == "YYYY-MM-DD HH:mm"
    assert config["energy_kwh"]["label"] == "IT energy (kWh)"
    assert config["energy_kwh"]["type_config"]["format"] == "%,.1f"


def test_a_cards_range_is_in_the_central_values_unit_and_precision():
    assert components.range_text(80_700, 52_900, 100_400, "energy") == "52.9\u2013100.4 MWh"
    assert components.range_text(5_557, 3_623.4, 6_926.2, "co2e") == "3,623\u20136,926 kg CO2e"
    assert components.range_text(0.5, 0.2, None, "co2e") == "0.200\u2013\u2013 kg CO2e"
