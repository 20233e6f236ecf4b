"""Tables as shown: days as days, a missing text value as a dash, units in the headers; card ranges."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import components
from footprint import units


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
    assert config["ingested_at"]["label"] == "Loaded at (UTC)"
    assert config["ingested_at"]["type_config"]["format"] == "YYYY-MM-DD HH:mm"
    assert config["energy_kwh"]["label"] == "IT energy (kWh)"
    assert config["energy_kwh"]["type_config"]["format"] == "%,.1f"


def test_a_cards_range_is_in_the_central_values_unit_and_precision():
    assert components.range_text(80_700, 52_900, 100_400, "energy") == "52.9\u2013100.4 MWh"
    assert components.range_text(5_557, 3_623.4, 6_926.2, "co2e") == "3,623\u20136,926 kg CO2e"
    assert components.range_text(0.5, 0.2, None, "co2e") == "0.200\u2013\u2013 kg CO2e"


def test_a_range_follows_the_unit_its_row_of_cards_shares():
    tonnes = units.CO2E_SCALES[1]
    assert components.range_text(9_052, 5_370, 11_620, "co2e", tonnes) == "5.37\u201311.62 t CO2e"
    text, detail = components.value_and_range(
        {
            "scope2_market_kgco2e": 9_052.0,
            "scope2_market_kgco2e_low": 5_370.0,
            "scope2_market_kgco2e_high": 11_620.0,
        },
        "scope2_market_kgco2e",
        "co2e",
        tonnes,
    )
    assert (text, detail) == ("9.05 t CO2e", "range 5.37\u201311.62 t CO2e")
    row = {"scope2_location_kgco2e": 11_480.0, "scope2_market_kgco2e": 9_052.0}
    assert components.cards_scale(row, components.EMISSIONS, "co2e") == tonnes


@pytest.mark.parametrize(
    ("resource_id", "name"),
    [
        (
            "/subscriptions/9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d/resourceGroups/rg-assistant-serving/providers/"
            "Microsoft.Compute/virtualMachines/nc-a100-serve-00",
            "nc-a100-serve-00",
        ),
        (
            "//compute.googleapis.com/projects/platform-data-lake/zones/us-central1-a/instances/etl-worker-0",
            "etl-worker-0",
        ),
        ("arn:aws:sagemaker:us-east-1:310000000103:endpoint/atlas-30b-eval", "atlas-30b-eval"),
        ("i-0b305710a50d3f6b5", "i-0b305710a50d3f6b5"),
        ("(no resource id)", "(no resource id)"),
    ],
)
def test_a_resource_reads_as_the_last_part_of_its_id(resource_id: str, name: str):
    assert components.resource_name(resource_id) == name


def test_a_figure_names_the_scopes_in_it():
    split = pd.DataFrame(
        {
            "scope": ["scope3_cat1", "scope2"],
            "scope2_location_kgco2e": [24_900.0, 160.0],
            "scope2_market_kgco2e": [18_970.0, 160.0],
        }
    )
    assert (
        components.scope_sentence(split, "scope2_location_kgco2e")
        == "Scope 3 cat. 1: 24.9 t CO2e; Scope 2: 0.160 t CO2e"
    )
    assert (
        components.scope_sentence(split, "scope2_market_kgco2e", units.CO2E_SCALES[0])
        == "Scope 3 cat. 1: 18,970 kg CO2e; Scope 2: 160 kg CO2e"
    )
    assert components.scope_help(split) == (
        "reported under Scope 3 category 1 (purchased cloud services) and Scope 2 (own or colocated hardware) "
        "(split on the Emissions page)"
    )
    assert components.scope_help(split.iloc[1:]) == "reported under Scope 2 (own or colocated hardware)"
