"""Formatting of quantities for people: the unit chosen by magnitude, thousands separators, ranges.

Every front end (dashboard cards and tables, reports, CLI text) shows numbers through these helpers, so
"1.23 MWh (1.10–1.40)" reads the same everywhere. Pure functions: no I/O, no UI imports. Values come in
the store's base units (kWh, kg CO2e, W, money in its billing currency) and are scaled only for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

EN_DASH = "\u2013"


@dataclass(frozen=True)
class Scale:
    """A display unit: divide a base value by `divisor` and label it `unit`."""

    unit: str
    divisor: float


# Base unit first, then ever larger units. A value moves to the next unit once it reaches 10 of it, so
# four-digit values keep their precision ("1,234 kWh", then "12.3 MWh").
SWITCH_AT = 10.0
ENERGY_SCALES = (Scale("kWh", 1.0), Scale("MWh", 1e3), Scale("GWh", 1e6))
MASS_SCALES = (Scale("kg", 1.0), Scale("t", 1e3), Scale("kt", 1e6))
POWER_SCALES = (Scale("W", 1.0), Scale("kW", 1e3), Scale("MW", 1e6))

CO2E_SCALES = (Scale("kg CO2e", 1.0), Scale("t CO2e", 1e3), Scale("kt CO2e", 1e6))

KINDS: dict[str, tuple[Scale, ...]] = {
    "energy": ENERGY_SCALES,
    "mass": MASS_SCALES,
    "co2e": CO2E_SCALES,
    "power": POWER_SCALES,
}


def _value(value: float | None) -> float | None:
    """The value as a float, or None when it is missing (None or NaN): shown as a dash, never as 0."""
    if value is None:
        return None
    v = float(value)
    return None if math.isnan(v) else v


def pick_scale(values: float | list[float | None] | tuple[float | None, ...], kind: str) -> Scale:
    """Display unit for a value or a whole series (chosen by the largest magnitude, so an axis is one unit)."""
    scales = KINDS[kind]
    seq = values if isinstance(values, list | tuple) else [values]
    finite = [abs(v) for v in map(_value, seq) if v is not None]
    top = float(f"{max(finite, default=0.0):.3g}")  # as it will be shown: 9,999.7 is "10.0 MWh"
    chosen = scales[0]
    for scale in scales[1:]:
        if top >= SWITCH_AT * scale.divisor:
            chosen = scale
    return chosen


def decimals_for(value: float) -> int:
    """Sensible precision: three significant figures below 100, whole numbers above."""
    magnitude = abs(float(f"{value:.3g}"))  # 9.9996 shows as 10.0, so it takes 10's precision
    if magnitude == 0 or magnitude >= 100:
        return 0
    if magnitude >= 10:
        return 1
    if magnitude >= 1:
        return 2
    # below 1: three significant figures (0.123, 0.0123), capped so tiny values stay readable
    return min(6, 2 - math.floor(math.log10(magnitude)))


def number(value: float | None, decimals: int | None = None) -> str:
    """Number with thousands separators and sensible (or given) precision; '–' for missing."""
    v = _value(value)
    if v is None:
        return EN_DASH
    d = decimals_for(v) if decimals is None else decimals
    text = f"{v:,.{d}f}"
    if text.startswith("-") and float(text[1:].replace(",", "")) == 0:
        text = text[1:]  # a value that rounds to zero is not shown as '-0.00'
    return text


def quantity(value: float | None, kind: str, scale: Scale | None = None) -> str:
    """'1.23 MWh', '456 kg', '12.5 kW' (unit chosen by magnitude unless a scale is given)."""
    v = _value(value)
    if v is None:
        return EN_DASH
    s = scale or pick_scale(v, kind)
    return f"{number(v / s.divisor)} {s.unit}"


def quantities(values: list[float | None] | tuple[float | None, ...], kind: str) -> list[str]:
    """Several values side by side (a row of cards, a sentence) in one unit, chosen by the largest:
    11,480 and 9,052 kg CO2e read '11.5 t CO2e' and '9.05 t CO2e', never '11.5 t' next to '9,052 kg'."""
    scale = pick_scale(list(values), kind)
    return [quantity(v, kind, scale) for v in values]


def energy(kwh: float | None) -> str:
    return quantity(kwh, "energy")


def mass(kg: float | None) -> str:
    """CO2e mass: kg below a tonne, t above (kt above a thousand tonnes)."""
    return quantity(kg, "mass")


def co2e(kg: float | None) -> str:
    """Emissions: '456 kg CO2e', '12.3 t CO2e'."""
    return quantity(kg, "co2e")


def power(w: float | None) -> str:
    return quantity(w, "power")


def with_range(central: float | None, low: float | None, high: float | None, kind: str) -> str:
    """'1,234 kWh (1,100–1,400)': low and high in the central value's unit and precision."""
    c, lo, hi = _value(central), _value(low), _value(high)
    if c is None:
        return EN_DASH
    s = pick_scale(c, kind)
    main = quantity(c, kind, s)
    if lo is None or hi is None:
        return main
    d = decimals_for(c / s.divisor)
    return f"{main} ({number(lo / s.divisor, d)}{EN_DASH}{number(hi / s.divisor, d)})"


def range_in(low: float | None, high: float | None, scale: Scale, decimals: int) -> str:
    """'10.9–20.5 MWh': a range in a given unit and precision (that of the central value it goes with)."""
    ends = [number(None if (x := _value(v)) is None else x / scale.divisor, decimals) for v in (low, high)]
    return f"{ends[0]}{EN_DASH}{ends[1]} {scale.unit}"


# File sizes in decimal (SI) units, as file managers and browsers show them: 1 KB = 1,000 bytes.
BYTE_SCALES = (Scale("B", 1.0), Scale("KB", 1e3), Scale("MB", 1e6), Scale("GB", 1e9), Scale("TB", 1e12))


def data_size(n_bytes: float | None) -> str:
    """'512 B', '6.0 KB', '12.3 MB', '845 KB': one decimal below 100 of the unit, none above; the unit
    is the largest in which the shown value is at least 1 (999,960 bytes read '1.0 MB', not '1,000 KB')."""
    v = _value(n_bytes)
    if v is None:
        return EN_DASH
    chosen = BYTE_SCALES[0]
    for scale in BYTE_SCALES[1:]:
        if round(abs(v) / scale.divisor, 1) >= 1:
            chosen = scale
    if chosen.divisor == 1:
        return f"{number(v, 0)} B"
    shown = v / chosen.divisor
    return f"{number(shown, 1 if round(abs(shown), 1) < 100 else 0)} {chosen.unit}"


def money(amount: float | None, currency: str, decimals: int | None = None) -> str:
    """'234.56 USD', '845,741 USD': cents below a thousand, whole units above (unless decimals is given)."""
    v = _value(amount)
    if v is None:
        return EN_DASH
    return f"{number(v, (2 if abs(v) < 1000 else 0) if decimals is None else decimals)} {currency}"


def money_by_currency(costs: dict[str, float]) -> str:
    """'1,234.56 USD + 98.00 EUR' (never summed across currencies); '–' when there is no cost."""
    if not costs:
        return EN_DASH
    return " + ".join(money(v, k) for k, v in sorted(costs.items()))


def percent(share: float | None, decimals: int = 1) -> str:
    """A share in 0..1 as '87.3 %'."""
    v = _value(share)
    return EN_DASH if v is None else f"{v * 100:,.{decimals}f} %"


def pue(value: float | None) -> str:
    """PUE is a ratio near 1: always two decimals."""
    return number(value, 2)


def intensity(g_per_kwh: float | None) -> str:
    v = _value(g_per_kwh)
    return EN_DASH if v is None else f"{number(v)} gCO2e/kWh"
