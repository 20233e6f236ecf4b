"""Vega-Lite chart builders for the Overview and the team page: pure functions from a DataFrame (base units) to a spec.

The Overview is the page everyone lands on. plotly.js is 4.7 MB of JavaScript, and on a modest machine
the browser spends one to three seconds compiling it before the first plotly chart draws; Vega-Lite draws
the same bars with a sixth of the code and keeps the landing page under its 3 s target
(bench/dashboard_browser.py). These builders give what charts.py gives: the value scaled to one readable
unit named in the axis title (dashboard.style.Measure), hover text with units (footprint.units, the same
text as the cards), the uncertainty range as error bars, and the same colour per provider, workload,
team and model as on every other page. The spec carries its data inline: a few hundred rows at most.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.style import Measure, colour_for

# Period labels per grain, as the plotly charts of the other pages label them; ordered by period.
PERIOD_FORMATS = {"month": "%b %Y", "week": "%Y-%m-%d", "day": "%Y-%m-%d"}
PERIOD_TITLES = {"month": "Month", "week": "Week (from Monday)", "day": "Day (UTC)"}
# Thousands separators and no SI suffixes ('2k') on value axes: the unit is in the axis title.
AXIS_FORMAT = ",~f"
BAR_ROW_PX = 30
DEFAULT_COLOUR = "#1b7f5c"
SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"


def _spec(title: str, data: pd.DataFrame, **rest: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 16},
        # missing values as null: NaN is not JSON
        "data": {"values": data.astype(object).where(data.notna(), None).to_dict(orient="records")},
        **rest,
    }


def _colours(dimension: str, values: list[Any]) -> dict[str, list[str]]:
    return {"domain": [str(v) for v in values], "range": [colour_for(dimension, v) for v in values]}


def period_label(value: Any, grain: str) -> str:
    """'Apr 2026' for a month, '2026-04-06' for a week's Monday or a day."""
    return pd.Timestamp(value).strftime(PERIOD_FORMATS[grain])


def trend(
    df: pd.DataFrame,
    measure: Measure,
    title: str,
    *,
    colour_by: str | None = None,
    grain: str = "month",
) -> dict[str, Any]:
    """Stacked bars over time, one colour per group (provider, workload, team...) when colour_by is given."""
    scale = measure.scale(df.groupby("period")[measure.column].sum() if colour_by else df[measure.column])
    period_title = PERIOD_TITLES[grain]
    order = [period_label(p, grain) for p in sorted(df["period"].unique())]
    data = pd.DataFrame(
        {
            "period": [period_label(p, grain) for p in df["period"]],
            "value": (df[measure.column] / scale.divisor).to_numpy(),
            "text": [measure.text(v, scale) for v in df[measure.column]],
        }
    )
    tooltip = [{"field": "period", "type": "ordinal", "title": period_title}]
    encoding: dict[str, Any] = {
        "x": {
            "field": "period",
            "type": "ordinal",
            "title": period_title,
            "sort": order,
            "axis": {"labelAngle": 0, "labelOverlap": True},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": measure.axis_title(scale),
            "stack": "zero",
            "axis": {"format": AXIS_FORMAT},
        },
    }
    if colour_by:
        label = colour_by.capitalize()
        data["group"] = df[colour_by].astype(str).to_numpy()
        groups = sorted(data["group"].unique())
        encoding["color"] = {
            "field": "group",
            "type": "nominal",
            "title": label,
            "scale": _colours(colour_by, groups),
        }
        encoding["order"] = {"field": "group"}
        tooltip.append({"field": "group", "type": "nominal", "title": label})
    else:
        encoding["color"] = {"value": measure.colour or DEFAULT_COLOUR}
    tooltip.append({"field": "text", "type": "nominal", "title": measure.label})
    encoding["tooltip"] = tooltip
    return _spec(title, data, mark={"type": "bar"}, encoding=encoding, height=340)


def breakdown(
    df: pd.DataFrame,
    dim: str,
    measure: Measure,
    title: str,
    *,
    low: str | None = None,
    high: str | None = None,
    dim_label: str | None = None,
    top: int = 15,
) -> dict[str, Any]:
    """Horizontal bars, largest first, with the uncertainty range as error bars where given."""
    rows = df.sort_values(measure.column, ascending=False).head(top)
    scale = measure.scale(rows[measure.column])
    text = [measure.text(v, scale) for v in rows[measure.column]]
    data = pd.DataFrame(
        {
            "group": rows[dim].astype(str).to_numpy(),
            "value": (rows[measure.column] / scale.divisor).to_numpy(),
        }
    )
    if low and high:
        data["low"] = (rows[low] / scale.divisor).to_numpy()
        data["high"] = (rows[high] / scale.divisor).to_numpy()
        text = [
            f"{t} (range {measure.text(lo, scale)} to {measure.text(hi, scale)})"
            for t, lo, hi in zip(text, rows[low], rows[high], strict=True)
        ]
    data["text"] = text
    label = dim_label or dim.capitalize()
    y = {"field": "group", "type": "nominal", "title": label, "sort": data["group"].tolist()}
    tooltip = [
        {"field": "group", "type": "nominal", "title": label},
        {"field": "text", "type": "nominal", "title": measure.label},
    ]
    bars = {
        "mark": {"type": "bar"},
        "encoding": {
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": measure.axis_title(scale),
                "axis": {"format": AXIS_FORMAT},
            },
            "y": y,
            "color": {
                "field": "group",
                "type": "nominal",
                "scale": _colours(dim, rows[dim].tolist()),
                "legend": None,
            },
            "tooltip": tooltip,
        },
    }
    height = {"step": BAR_ROW_PX}  # a band per bar (a fixed total height collapses the bands in Streamlit)
    if not (low and high):
        return _spec(title, data, height=height, **bars)
    ranges = {
        "mark": {"type": "rule", "color": "#333", "strokeWidth": 1.5},
        "encoding": {
            "x": {"field": "low", "type": "quantitative"},
            "x2": {"field": "high"},
            "y": y,
            "tooltip": tooltip,
        },
    }
    return _spec(title, data, height=height, layer=[bars, ranges])


def stacked_bars(
    df: pd.DataFrame, dim: str, colour_by: str, measure: Measure, title: str, top: int = 15
) -> dict[str, Any]:
    """Horizontal bars per group (largest total first), split by a second dimension (a model's workloads)."""
    totals = df.groupby(dim)[measure.column].sum().sort_values(ascending=False).head(top)
    rows = df[df[dim].isin(totals.index)]
    scale = measure.scale(totals)
    data = pd.DataFrame(
        {
            "group": rows[dim].astype(str).to_numpy(),
            "part": rows[colour_by].astype(str).to_numpy(),
            "value": (rows[measure.column] / scale.divisor).to_numpy(),
            "text": [measure.text(v, scale) for v in rows[measure.column]],
        }
    )
    label, part_label = dim.capitalize(), colour_by.capitalize()
    parts = sorted(data["part"].unique())
    return _spec(
        title,
        data,
        mark={"type": "bar"},
        height={"step": BAR_ROW_PX},
        encoding={
            "x": {
                "field": "value",
                "type": "quantitative",
                "title": measure.axis_title(scale),
                "stack": "zero",
                "axis": {"format": AXIS_FORMAT},
            },
            "y": {
                "field": "group",
                "type": "nominal",
                "title": label,
                "sort": [str(v) for v in totals.index],
            },
            "color": {
                "field": "part",
                "type": "nominal",
                "title": part_label,
                "scale": _colours(colour_by, parts),
            },
            "order": {"field": "part"},
            "tooltip": [
                {"field": "group", "type": "nominal", "title": label},
                {"field": "part", "type": "nominal", "title": part_label},
                {"field": "text", "type": "nominal", "title": measure.label},
            ],
        },
    )
