"""footprint.units: the unit chosen by magnitude, precision, separators and ranges, against written-out text."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint import units


@pytest.mark.parametrize(
    ("kwh", "text"),
    [
        (0, "0 kWh"),
        (0.000123, "0.000123 kWh"),
        (0.5, "0.500 kWh"),
        (1.234, "1.23 kWh"),
        (12.34, "12.3 kWh"),
        (123.4, "123 kWh"),
        (1234.5, "1,234 kWh"),  # four digits stay in kWh
        (9999.7, "10.0 MWh"),  # rounds to 10,000 kWh: shown in the next unit
        (12_345, "12.3 MWh"),
        (1_234_567, "1,235 MWh"),
        (12_345_678, "12.3 GWh"),
        (-0.0000001, "0.000000 kWh"),  # below display precision: no "-0"
    ],
)
def test_energy_unit_by_magnitude(kwh: float, text: str):
    assert units.energy(kwh) == text


@pytest.mark.parametrize(
    ("kg", "text"),
    [(456, "456 kg CO2e"), (4_560, "4,560 kg CO2e"), (45_600, "45.6 t CO2e"), (45_600_000, "45.6 kt CO2e")],
)
def test_co2e_unit_by_magnitude(kg: float, text: str):
    assert units.co2e(kg) == text


def test_mass_and_power():
    assert units.mass(12_000) == "12.0 t"
    assert units.power(350) == "350 W"
    assert units.power(25_000) == "25.0 kW"


def test_range_uses_the_central_values_unit_and_precision():
    assert units.with_range(1234, 1100, 1400, "energy") == "1,234 kWh (1,100\u20131,400)"
    assert units.with_range(12_345, 11_000, 14_050, "energy") == "12.3 MWh (11.0\u201314.1)"
    assert units.with_range(0.5, 0.2, 0.9, "co2e") == "0.500 kg CO2e (0.200\u20130.900)"
    assert units.with_range(10, None, 12, "energy") == "10.0 kWh"


def test_missing_values_show_a_dash_not_zero():
    assert units.energy(None) == "\u2013"
    assert units.energy(math.nan) == "\u2013"
    assert units.percent(None) == "\u2013"
    assert units.money_by_currency({}) == "\u2013"


def test_money_is_per_currency_never_summed():
    assert units.money(234.567, "USD") == "234.57 USD"
    assert units.money(845_740.56, "USD") == "845,741 USD"  # cents are noise at this size
    assert units.money(1234.567, "USD", 2) == "1,234.57 USD"
    assert units.money_by_currency({"USD": 1234.567, "EUR": 3}) == "3.00 EUR + 1,235 USD"


def test_shares_pue_and_intensity():
    assert units.percent(0.8734) == "87.3 %"
    assert units.pue(1.1) == "1.10"
    assert units.intensity(412.3) == "412 gCO2e/kWh"


def test_a_value_that_rounds_to_zero_is_not_negative():
    assert units.number(-0.0004, 2) == "0.00"


def test_one_scale_for_a_whole_series():
    assert units.pick_scale([10.0, 25_000.0, None], "energy") == units.Scale("MWh", 1e3)
    assert units.pick_scale([], "energy") == units.Scale("kWh", 1.0)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_shown_value_times_unit_is_the_value(kwh: float):
    text = units.energy(kwh)
    number, unit = text.split(" ")
    factor = {"kWh": 1, "MWh": 1e3, "GWh": 1e6}[unit]
    shown = float(number.replace(",", "")) * factor
    # three significant figures at least (four for 1,000-9,999 of a unit)
    assert shown == pytest.approx(kwh, rel=5e-3, abs=5e-7)


@pytest.mark.parametrize(
    ("values", "kind", "texts"),
    [
        # a row of cards: the largest picks the unit, the others follow it
        ([11_480, 9_052], "co2e", ["11.5 t CO2e", "9.05 t CO2e"]),
        ([6_888, 23_400], "energy", ["6.89 MWh", "23.4 MWh"]),
        ([3_803, 1_572], "co2e", ["3,803 kg CO2e", "1,572 kg CO2e"]),
        ([24_900, 82.1], "co2e", ["24.9 t CO2e", "0.0821 t CO2e"]),
        ([None, 5.0], "energy", ["\u2013", "5.00 kWh"]),
        ([], "energy", []),
    ],
)
def test_values_side_by_side_share_the_unit_of_the_largest(values: list, kind: str, texts: list[str]):
    assert units.quantities(values, kind) == texts


@pytest.mark.parametrize(
    ("n_bytes", "text"),
    [
        (None, "\u2013"),
        (0, "0 B"),
        (512, "512 B"),
        (1_000, "1.0 KB"),
        (1_536, "1.5 KB"),
        (6_000, "6.0 KB"),  # was "0.00600 MB"
        (99_960, "100 KB"),  # rounds to 100: whole units from there
        (755_423, "755 KB"),
        (999_960, "1.0 MB"),  # not "1,000 KB"
        (12_345_678, "12.3 MB"),
        (1_073_741_824, "1.1 GB"),
        (3_500_000_000, "3.5 GB"),
    ],
)
def test_file_sizes_in_decimal_units_with_sensible_precision(n_bytes: int | None, text: str):
    assert units.data_size(n_bytes) == text


def test_a_range_in_a_given_unit_and_precision():
    assert units.range_in(5_370, 11_620, units.CO2E_SCALES[1], 2) == "5.37\u201311.62 t CO2e"
    assert units.range_in(None, 2_500, units.ENERGY_SCALES[1], 1) == "\u2013\u20132.5 MWh"
