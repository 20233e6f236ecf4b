"""Chart builders: pure functions from a DataFrame (base units) to a plotly Figure.

They never query or compute estimates; they scale a column to a readable unit (kWh/MWh/GWh, kg/t),
put the unit in the axis title and in every hover label (formatted by footprint.units, the same text
as the cards), and colour providers and workloads the same way on every page. Teams, models and other
groups get a colour derived from their name, so a team keeps its colour across pages and sessions.
Quantity axes start at zero (a 2,300 kg baseline would exaggerate a change), time axes tick once per
period of the data's grain ("Sep 2026" for months) and span the data only, and where the data carries
low/high columns the range is drawn (error bars, or a band around a line).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.style import (  # noqa: F401 - re-exported: views name colours and Measure via charts
    FIXED,
    METHOD_COLOURS,
    PALETTE,
    PROVIDER_COLOURS,
    SERIES_COLOURS,
    UNATTRIBUTED_COLOUR,
    WORKLOAD_COLOURS,
    Measure,
    colour_for,
)
from footprint import units


def _bars_height(n: int) -> int:
    """Height of a horizontal bar chart with n bars: readable bars, no giant single bar."""
    return max(220, 110 + 34 * n)


def _layout(
    fig: go.Figure, title: str, x_title: str, y_title: str, *, legend: str | None = None
) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend_title_text=legend,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        hoverlabel={"namelength": -1},
        separators=".,",
    )
    # plain numbers with thousands separators on both axes: no SI suffixes ('5p', '2k') beside our units
    fig.update_xaxes(exponentformat="none", separatethousands=True)
    fig.update_yaxes(exponentformat="none", separatethousands=True)
    return fig


GRAINS = ("month", "week", "day")
_DAY = pd.Timedelta(days=1)
# half a period either side of the first and last point: the points and bars are whole, nothing more
_PAD = {"month": pd.Timedelta(days=16), "week": pd.Timedelta(days=4), "day": pd.Timedelta(hours=12)}


def grain_of(dates: pd.Series) -> str:
    """'month', 'week' or 'day': the spacing of a series of period starts (month starts a month or more
    apart; the same weekday whole weeks apart; otherwise days). Views that know their grain pass it."""
    d = pd.Series(pd.to_datetime(pd.Series(dates).dropna().unique())).sort_values()
    if d.empty or (d != d.dt.normalize()).any():
        return "day"
    gaps = d.diff().dropna()
    if (d.dt.day == 1).all() and (gaps >= pd.Timedelta(days=28)).all():
        return "month"
    if len(d) > 1 and (gaps % pd.Timedelta(days=7) == pd.Timedelta(0)).all():
        return "week"
    return "day"


def _time_axis(fig: go.Figure, dates: pd.Series, grain: str | None) -> None:
    """Ticks once per period (several periods per tick on long series) and an x range that is the data's."""
    d = pd.to_datetime(pd.Series(dates).dropna())
    if d.empty:
        return
    grain = grain or grain_of(d)
    if grain not in GRAINS:
        raise ValueError(f"grain must be one of {', '.join(GRAINS)}, not {grain!r}")
    first, last = d.min(), d.max()
    axis: dict = {"range": [(first - _PAD[grain]).isoformat(), (last + _PAD[grain]).isoformat()]}
    if grain == "month":
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        every = 1 if months <= 24 else 3 if months <= 72 else 12
        axis |= {"dtick": f"M{every}", "tick0": first.isoformat(), "tickformat": "%b %Y"}
    elif grain == "week":
        weeks = (last - first) // pd.Timedelta(days=7) + 1
        every = max(1, -(-weeks // 12))  # at most about 12 ticks, always on a week start
        axis |= {"dtick": every * 7 * _DAY / pd.Timedelta(milliseconds=1), "tick0": first.isoformat()}
        axis |= {"tickformat": "%d %b %Y"}
    elif (last - first) <= pd.Timedelta(days=14):  # a fortnight or less: one tick per day
        axis |= {
            "dtick": _DAY / pd.Timedelta(milliseconds=1),
            "tick0": first.isoformat(),
            "tickformat": "%d %b",
        }
    # longer daily series: plotly's own date ticks (weeks, then months) read well
    fig.update_xaxes(**axis)


def _rgba(colour: str | None, alpha: float) -> str:
    c = (colour or "#888888").lstrip("#")
    r, g, b = (int(c[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


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
    colour_by: str | None = None,
    log: bool = False,
) -> go.Figure:
    """Horizontal bars, largest first, each labelled with its value and unit, with the uncertainty range as
    error bars where given; coloured by the bar's own value, or by another column's (colour_by: a GPU by
    its host). log: a logarithmic value axis, for values orders of magnitude apart (said in its title)."""
    data = df.sort_values(measure.column, ascending=False).head(top).iloc[::-1]
    scale = measure.scale(data[measure.column])
    values = data[measure.column] / scale.divisor
    labels = [measure.text(v, scale) for v in data[measure.column]]
    hover = labels
    error = None
    if low and high:
        error = {
            "type": "data",
            "symmetric": False,
            "array": (data[high] - data[measure.column]) / scale.divisor,
            "arrayminus": (data[measure.column] - data[low]) / scale.divisor,
            "color": "#555",
        }
        hover = [
            f"{h} (range {measure.text(lo, scale)} to {measure.text(hi, scale)})"
            for h, lo, hi in zip(hover, data[low], data[high], strict=True)
        ]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=data[dim].astype(str),
            orientation="h",
            error_x=error,
            text=labels,
            textposition="outside",
            cliponaxis=False,
            customdata=hover,
            marker_color=[colour_for(colour_by or dim, v) for v in data[colour_by or dim]],
            hovertemplate="%{y}: %{customdata}<extra></extra>",
        )
    )
    fig.update_layout(height=_bars_height(len(data)))
    value_title = measure.axis_title(scale) + (", logarithmic scale" if log else "")
    fig = _layout(fig, title, value_title, dim_label or dim.capitalize())
    if log:
        fig.update_xaxes(type="log")
    else:
        fig.update_xaxes(rangemode="tozero")
    return fig


def trend(
    df: pd.DataFrame,
    measure: Measure,
    title: str,
    *,
    colour_by: str | None = None,
    period_label: str = "Month",
    grain: str | None = None,
) -> go.Figure:
    """Stacked bars over time, one colour per group (provider, workload, team...) when colour_by is given;
    one tick per period of `grain` (inferred from the periods when not given), the value axis from zero."""
    scale = measure.scale(df.groupby("period")[measure.column].sum() if colour_by else df[measure.column])
    fig = go.Figure()
    groups = [(None, df)] if not colour_by else list(df.groupby(colour_by, sort=True))
    for name, part in groups:
        part = part.sort_values("period")
        fig.add_trace(
            go.Bar(
                x=part["period"],
                y=part[measure.column] / scale.divisor,
                name=str(name) if name is not None else measure.label,
                marker_color=colour_for(colour_by, name) if colour_by else "#1b7f5c",
                customdata=[measure.text(v, scale) for v in part[measure.column]],
                hovertemplate=("%{fullData.name}, " if colour_by else "")
                + "%{x|%Y-%m-%d}: %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(barmode="stack", showlegend=bool(colour_by))
    fig = _layout(
        fig, title, period_label, measure.axis_title(scale), legend=colour_by and colour_by.capitalize()
    )
    _time_axis(fig, df["period"], grain)
    fig.update_yaxes(rangemode="tozero")
    return fig


def _value_title(value_label: str, scale: units.Scale) -> str:
    return f"{value_label} ({scale.unit})" if scale.unit else value_label


def side_by_side(
    df: pd.DataFrame,
    dim: str,
    measures: list[Measure],
    title: str,
    *,
    value_label: str,
    dim_label: str | None = None,
    errors: dict[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """Grouped bars: several measures of one kind (IT vs facility energy, location vs market) per group."""
    scale = measures[0].scale(pd.concat([df[m.column] for m in measures]))
    fig = go.Figure()
    for m in measures:
        err = None
        if errors and m.column in errors:
            lo, hi = errors[m.column]
            err = {
                "type": "data",
                "symmetric": False,
                "array": (df[hi] - df[m.column]) / scale.divisor,
                "arrayminus": (df[m.column] - df[lo]) / scale.divisor,
                "color": "#555",
            }
        fig.add_trace(
            go.Bar(
                x=df[dim].astype(str),
                y=df[m.column] / scale.divisor,
                name=m.label,
                error_y=err,
                marker_color=m.colour,
                customdata=[m.text(v, scale) for v in df[m.column]],
                hovertemplate="%{x}, %{fullData.name}: %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(barmode="group")
    fig = _layout(fig, title, dim_label or dim.capitalize(), _value_title(value_label, scale))
    fig.update_yaxes(rangemode="tozero")
    return fig


def lines(
    df: pd.DataFrame,
    x: str,
    measures: list[Measure],
    title: str,
    *,
    x_label: str,
    value_label: str,
    markers: list[tuple[object, str]] | None = None,
    grain: str | None = None,
) -> go.Figure:
    """Lines of one kind over time (emissions per period, cumulative training vs inference), each with a
    band from its `<column>_low` to its `<column>_high` where df has them, the value axis from zero and
    one tick per period of `grain` (inferred from x when not given).

    markers: (date, label) vertical lines; each must fall within the data's dates (ValueError otherwise),
    so a marker never stretches the axis away from the data: a date outside it belongs in text."""
    xs = pd.to_datetime(df[x])
    scale = measures[0].scale(pd.concat([df[m.column] for m in measures]))
    fig = go.Figure()
    for i, m in enumerate(measures):
        hover = [m.text(v, scale) for v in df[m.column]]
        low, high = f"{m.column}_low", f"{m.column}_high"
        if low in df.columns and high in df.columns:
            fig.add_trace(
                go.Scatter(
                    x=pd.concat([xs, xs[::-1]]),
                    y=pd.concat([df[high], df[low][::-1]]) / scale.divisor,
                    fill="toself",
                    fillcolor=_rgba(m.colour, 0.18),
                    line={"width": 0},
                    name=f"{m.label}, range (low to high)",
                    hoverinfo="skip",
                )
            )
            hover = [
                f"{h} (range {m.text(lo, scale)} to {m.text(hi, scale)})"
                for h, lo, hi in zip(hover, df[low], df[high], strict=True)
            ]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=df[m.column] / scale.divisor,
                name=m.label,
                mode="lines+markers",
                line={"color": m.colour, "dash": "solid" if i == 0 else "dash"},  # equal series stay visible
                customdata=hover,
                hovertemplate="%{fullData.name}, %{x|%Y-%m-%d}: %{customdata}<extra></extra>",
            )
        )
    for at, label in markers or []:
        when = pd.to_datetime(at) if at is not None and not pd.isna(at) else None
        if when is None or not xs.min() <= when <= xs.max():
            raise ValueError(
                f"marker {label!r} at {at!r} is outside the data ({xs.min():%Y-%m-%d} to {xs.max():%Y-%m-%d})"
            )
        fig.add_vline(x=when.isoformat(), line_dash="dash", line_color="#333")
        fig.add_annotation(
            x=when.isoformat(), y=1, yref="paper", text=label, showarrow=False, xanchor="left", yanchor="top"
        )
    fig = _layout(fig, title, x_label, _value_title(value_label, scale))
    _time_axis(fig, xs, grain)
    fig.update_yaxes(rangemode="tozero")
    return fig


def scatter_vs(
    df: pd.DataFrame,
    x: Measure,
    y: Measure,
    label: str,
    title: str,
    *,
    label_title: str | None = None,
) -> go.Figure:
    """Measured vs modelled per resource, with the line where they agree."""
    scale = x.scale(pd.concat([df[x.column], df[y.column]]))
    top = float(max(df[x.column].max(), df[y.column].max()) / scale.divisor) if len(df) else 1.0
    fig = go.Figure(
        [
            go.Scatter(
                x=[0, top],
                y=[0, top],
                mode="lines",
                name="measured = modelled",
                line={"dash": "dot", "color": "#888"},
                hoverinfo="skip",
            ),
            go.Scatter(
                x=df[x.column] / scale.divisor,
                y=df[y.column] / scale.divisor,
                mode="markers",
                name=label_title or label,
                text=df[label].astype(str),
                customdata=list(
                    zip(
                        [x.text(v, scale) for v in df[x.column]],
                        [y.text(v, scale) for v in df[y.column]],
                        strict=True,
                    )
                ),
                hovertemplate=f"%{{text}}<br>{x.label}: %{{customdata[0]}}<br>{y.label}: %{{customdata[1]}}<extra></extra>",
            ),
        ]
    )
    fig = _layout(fig, title, x.axis_title(scale), y.axis_title(scale))
    fig.update_xaxes(rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    return fig


def power_lines(df: pd.DataFrame, measure: Measure, title: str, *, x: str, colour_by: str) -> go.Figure:
    """One line per device or host over time (measured power)."""
    scale = measure.scale(df[measure.column])
    fig = go.Figure()
    for name, part in df.groupby(colour_by, sort=True):
        part = part.sort_values(x)
        fig.add_trace(
            go.Scatter(
                x=part[x],
                y=part[measure.column] / scale.divisor,
                mode="lines+markers",
                name=str(name),
                marker={"size": 6},  # telemetry often covers short windows: points stay visible
                line={"color": colour_for(colour_by, name)},
                customdata=[measure.text(v, scale) for v in part[measure.column]],
                hovertemplate="%{fullData.name}, %{x|%Y-%m-%d %H:%M}: %{customdata}<extra></extra>",
            )
        )
    fig = _layout(fig, title, "Time (UTC)", measure.axis_title(scale), legend=colour_by.capitalize())
    fig.update_yaxes(rangemode="tozero")  # sub-daily samples: plotly's own date ticks
    return fig


def stacked_bars(
    df: pd.DataFrame, dim: str, colour_by: str, measure: Measure, title: str, top: int = 15
) -> go.Figure:
    """Horizontal bars per group (largest first), split by a second dimension (a model's workloads)."""
    order = df.groupby(dim)[measure.column].sum().sort_values(ascending=False).head(top)
    data = df[df[dim].isin(order.index)]
    scale = measure.scale(order)
    fig = go.Figure()
    for name, part in data.groupby(colour_by, sort=True):
        fig.add_trace(
            go.Bar(
                x=part[measure.column] / scale.divisor,
                y=part[dim].astype(str),
                orientation="h",
                name=str(name),
                marker_color=colour_for(colour_by, name),
                customdata=[measure.text(v, scale) for v in part[measure.column]],
                hovertemplate="%{y}, %{fullData.name}: %{customdata}<extra></extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        yaxis={"categoryorder": "array", "categoryarray": list(order.index[::-1])},
        height=_bars_height(len(order)),
    )
    fig = _layout(fig, title, measure.axis_title(scale), dim.capitalize(), legend=colour_by.capitalize())
    fig.update_xaxes(rangemode="tozero")
    return fig
