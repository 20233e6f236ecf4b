"""What every chart on every page shares: colours per provider, workload and group, and Measure.

Both chart libraries use these (charts.py builds plotly figures, vega.py Vega-Lite specs), so a provider,
a workload or a team has the same colour on every page, and a value is scaled and labelled the same way
in an axis title, a hover label and a card.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd

from footprint import units

PROVIDER_COLOURS = {
    "aws": "#ff9900",
    "azure": "#0078d4",
    "gcp": "#34a853",
    "oracle": "#c74634",
    "onprem": "#5f6b73",
    "other": "#9e9e9e",
}
WORKLOAD_COLOURS = {
    "training": "#7b3294",
    "inference": "#1b7f5c",
    "development": "#f1a340",
    "data_processing": "#4575b4",
    "unknown": "#bdbdbd",
}
# Colour-blind-safe palette for groups without a fixed colour.
PALETTE = [
    "#88ccee",
    "#cc6677",
    "#ddcc77",
    "#117733",
    "#332288",
    "#aa4499",
    "#44aa99",
    "#999933",
    "#882255",
    "#661100",
    "#6699cc",
    "#888888",
]
SERIES_COLOURS = {"location": "#4575b4", "market": "#d73027", "it": "#1b7f5c", "facility": "#a6611a"}
METHOD_COLOURS = {"measured": "#1b7f5c", "modelled": "#4575b4", "spend_based": "#f1a340", "none": "#bdbdbd"}
UNATTRIBUTED_COLOUR = "#d9d9d9"
FIXED = {"provider": PROVIDER_COLOURS, "workload": WORKLOAD_COLOURS, "method": METHOD_COLOURS}


def colour_for(dimension: str, value: object) -> str:
    """Stable colour of one group value: fixed for providers and workloads, derived from the name otherwise."""
    text = str(value)
    if text in FIXED.get(dimension, {}):
        return FIXED[dimension][text]
    if text in ("unattributed", "unknown", "none"):
        return UNATTRIBUTED_COLOUR
    digest = hashlib.sha256(f"{dimension}:{text}".encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)]


@dataclass(frozen=True)
class Measure:
    """A column to plot, what it is, and how to scale it: kind is energy, mass, power, money, count or share."""

    column: str
    label: str  # e.g. "IT energy"
    kind: str
    currency: str | None = None  # for money
    colour: str | None = None  # fixed colour where the measure has one (location- vs market-based, ...)
    unit: units.Scale | None = None  # a page's common unit, so its charts agree (else chosen per chart)

    def scale(self, values: pd.Series) -> units.Scale:
        if self.unit is not None:
            return self.unit
        if self.kind in units.KINDS:
            return units.pick_scale([float(v) for v in values.dropna()], self.kind)
        if self.kind == "money":
            return units.Scale(self.currency or "", 1.0)
        if self.kind == "share":
            return units.Scale("%", 0.01)
        return units.Scale("", 1.0)

    def axis_title(self, scale: units.Scale) -> str:
        return f"{self.label} ({scale.unit})" if scale.unit else self.label

    def text(self, value: float | None, scale: units.Scale) -> str:
        if value is None or pd.isna(value):
            return units.EN_DASH
        if self.kind == "money":
            return units.money(value, self.currency or "")
        if self.kind == "share":
            return units.percent(value)
        if self.kind in units.KINDS:
            return units.quantity(value, self.kind, scale)
        return units.number(value)
