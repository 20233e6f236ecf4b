"""The Models page on the demo organisation: break-even marked only when reached, a projected break-even
stated in words (never put on the time axis), per-1,000 bars labelled and readable, no 'nan' anywhere.

Expected values are recomputed here from the ledger's day tables (ledger_model_day, ledger_requests_day)
with plain SQL sums and the definitions in docs/attribution.md, not with footprint.ledger's queries.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy
import pytest
from streamlit.testing.v1 import AppTest

from footprint import units
from footprint.store import connection

pytestmark = pytest.mark.shared

WINDOW_DAYS = 30  # the projection window docs/attribution.md names


def _team_sql(team: str | None) -> tuple[str, list]:
    return ("team = ?", [team]) if team else ("TRUE", [])


def data_days(db: Path, model: str, team: str | None = None) -> tuple[date, date]:
    """First and last day with footprint or request counts for the model (request counts that name no
    team count for every team)."""
    where, params = _team_sql(team)
    with connection(db, read_only=True) as con:
        return con.execute(
            f"SELECT min(day), max(day) FROM (SELECT day FROM ledger_model_day WHERE model = ? AND {where} "
            f"UNION ALL SELECT day FROM ledger_requests_day WHERE model = ? AND ({where} OR team IS NULL))",
            [model, *params, model, *params],
        ).fetchone()


def projection(db: Path, model: str, team: str | None = None) -> tuple[float, float, date]:
    """(training minus inference facility energy to date in kWh, serving rate in kWh per day, projected
    break-even day): the gap divided by the mean inference facility energy per day of the last 30 days
    of data (or of the days since serving began), counted from the last day of data."""
    where, params = _team_sql(team)
    with connection(db, read_only=True) as con:
        as_of, training_kwh, inference_kwh, first_inference, recent_kwh = con.execute(
            f"""
            WITH d AS (SELECT * FROM ledger_model_day WHERE {where}),
            as_of AS (SELECT max(day) AS day FROM d)
            SELECT (SELECT day FROM as_of),
                sum(facility_energy_kwh) FILTER (WHERE workload = 'training'),
                sum(facility_energy_kwh) FILTER (WHERE workload = 'inference'),
                min(day) FILTER (WHERE workload = 'inference'),
                sum(facility_energy_kwh) FILTER (
                    WHERE workload = 'inference' AND day > (SELECT day FROM as_of) - {WINDOW_DAYS})
            FROM d WHERE model = ?
            """,
            [*params, model],
        ).fetchone()
    rate = recent_kwh / min(WINDOW_DAYS, (as_of - first_inference).days + 1)
    gap = training_kwh - inference_kwh
    return gap, rate, as_of + timedelta(days=math.ceil(gap / rate))


def reached_on(db: Path, model: str) -> date:
    """The first day from which cumulative inference facility energy stays at or above training's."""
    with connection(db, read_only=True) as con:
        rows = con.execute(
            "SELECT day, sum(facility_energy_kwh) FILTER (WHERE workload = 'training'), "
            "sum(facility_energy_kwh) FILTER (WHERE workload = 'inference') "
            "FROM ledger_model_day WHERE model = ? GROUP BY day ORDER BY day",
            [model],
        ).fetchall()
    training = inference = 0.0
    behind_until = None
    days = []
    for day, t, i in rows:
        training += t or 0.0
        inference += i or 0.0
        days.append((day, training))
        if inference < training:
            behind_until = day
    return min(day for day, t in days if t > 0 and (behind_until is None or day > behind_until))


def energy_per_1k(db: Path) -> dict[str, float]:
    """IT energy per 1,000 inferences per model, on days with both request counts and inference energy."""
    with connection(db, read_only=True) as con:
        rows = con.execute(
            """
            WITH q AS (SELECT model, day, sum(requests) AS requests FROM ledger_requests_day GROUP BY ALL),
            i AS (SELECT model, day, sum(energy_kwh) AS energy_kwh FROM ledger_model_day
                  WHERE workload = 'inference' GROUP BY ALL)
            SELECT model, sum(i.energy_kwh) / sum(q.requests) * 1000
            FROM q JOIN i USING (model, day) WHERE q.requests > 0 GROUP BY model
            """
        ).fetchall()
    return dict(rows)


def figures(at: AppTest) -> dict[str, dict]:
    """The page's plotly figures by title."""
    out = {}
    for element in at.get("plotly_chart"):
        fig = json.loads(element.proto.spec)
        out[fig["layout"]["title"]["text"]] = fig
    return out


def texts(at: AppTest) -> list[str]:
    """Every piece of text the page shows: captions, markdown, cards, and the charts' labels."""
    out = [c.value for c in at.caption] + [m.value for m in at.markdown]
    out += [m.value for m in at.metric] + [m.label for m in at.metric]
    for fig in figures(at).values():
        layout = fig["layout"]
        out += [a.get("text", "") for a in layout.get("annotations", [])]
        out += [str(layout.get(axis, {}).get("title", "")) for axis in ("xaxis", "yaxis")]
        out += [str(t) for trace in fig["data"] for t in trace.get("text", []) or []]
    return out


def open_curve(open_app, model: str, query: dict[str, str] | None = None) -> AppTest:
    at = open_app("models", query=query)
    at.selectbox(key="models-curve").set_value(model).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def as_day(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize("team", [None, "research"])
def test_unreached_break_even_is_text_and_the_axis_covers_the_data(open_app, app_db: Path, team):
    at = open_curve(open_app, "atlas-30b", {"team": team} if team else None)
    assert texts(at) and not [t for t in texts(at) if re.search(r"\bna[nt]\b", t, re.IGNORECASE)]

    fig = figures(at)["atlas-30b: cumulative facility energy, training vs serving"]
    layout = fig["layout"]
    assert not layout.get("shapes") and not layout.get("annotations")  # nothing reached, nothing marked
    first, last = data_days(app_db, "atlas-30b", team)
    lo, hi = (as_day(x) for x in layout["xaxis"]["range"])
    start, end = datetime.combine(first, datetime.min.time()), datetime.combine(last, datetime.min.time())
    assert start - timedelta(days=1) <= lo <= start and end <= hi <= end + timedelta(days=1)
    assert layout["yaxis"]["rangemode"] == "tozero"

    gap_kwh, rate_kwh_per_day, projected = projection(app_db, "atlas-30b", team)
    assert projected.year > last.year + 5  # the case that stretched the axis: years beyond the data
    caption = next(c.value for c in at.caption if c.value.startswith("Break-even not reached"))
    assert f"Projected break-even around {projected.isoformat()}" in caption
    assert f"trails training by {units.energy(gap_kwh)}" in caption
    assert f"{units.energy(rate_kwh_per_day)} of facility energy per day" in caption
    assert "last 30 days of data" in caption


def test_reached_break_even_is_marked_on_its_day(open_app, app_db: Path):
    day = reached_on(app_db, "assistant-7b").isoformat()
    at = open_curve(open_app, "assistant-7b")
    layout = figures(at)["assistant-7b: cumulative facility energy, training vs serving"]["layout"]
    assert [a["text"] for a in layout["annotations"]] == [f"break-even {day}"]
    assert [s["x0"][:10] for s in layout["shapes"]] == [day]
    assert f"Serving overtook training on {day}." in [
        c.value.split(" Training amortised")[0] for c in at.caption
    ]


def test_per_1k_bars_are_labelled_and_readable_for_every_model(open_app, app_db: Path):
    expected = energy_per_1k(app_db)
    at = open_app("models")
    fig = figures(at)["IT energy per 1,000 inferences"]
    bar = fig["data"][0]
    shown = dict(zip(bar["y"], bar["text"], strict=True))
    # the largest is about 1 kWh, so every label is in kWh, the smallest (about 0.001 kWh) included
    assert shown == {m: units.quantity(v, "energy", units.Scale("kWh", 1.0)) for m, v in expected.items()}
    assert max(expected.values()) / min(expected.values()) > 100
    assert fig["layout"]["xaxis"]["type"] == "log"
    assert (
        fig["layout"]["xaxis"]["title"]["text"] == "IT energy per 1,000 inferences (kWh), logarithmic scale"
    )
    assert any(c.value.startswith("Cards and per-model bars show the central estimate") for c in at.caption)


def item_sums(db: Path) -> dict[str, float]:
    """Training and inference IT energy, low, central and high, summed over the ledger's day table."""
    with connection(db, read_only=True) as con:
        row = con.execute(
            """
            SELECT
                sum(energy_kwh_low) FILTER (WHERE workload = 'training'),
                sum(energy_kwh) FILTER (WHERE workload = 'training'),
                sum(energy_kwh_high) FILTER (WHERE workload = 'training'),
                sum(energy_kwh_low) FILTER (WHERE workload = 'inference'),
                sum(energy_kwh) FILTER (WHERE workload = 'inference'),
                sum(energy_kwh_high) FILTER (WHERE workload = 'inference')
            FROM ledger_model_day
            """
        ).fetchone()
    names = [f"{w}_energy_kwh_{end}" for w in ("training", "inference") for end in ("low", "central", "high")]
    return dict(zip(names, row, strict=True))


def test_cards_show_a_range_and_the_per_model_bars_error_bars(open_app, app_db: Path):
    sums = item_sums(app_db)
    at = open_app("models")
    assert not at.exception, [e.value for e in at.exception]
    cards = {m.label: m for m in at.metric}
    captions = [c.value for c in at.caption]
    scale = units.pick_scale(
        [sums["training_energy_kwh_central"], sums["inference_energy_kwh_central"]], "energy"
    )
    for label, stem in (
        ("Training IT energy", "training_energy_kwh"),
        ("Inference IT energy", "inference_energy_kwh"),
    ):
        low, central, high = (sums[f"{stem}_{end}"] for end in ("low", "central", "high"))
        assert low < central < high
        assert cards[label].value == units.quantity(central, "energy", scale)
        digits = units.decimals_for(central / scale.divisor)
        assert "range " + units.range_in(low, high, scale, digits) in captions
    assert "Inference emissions" in cards and any(c.startswith("market-based ") for c in captions)

    shown = figures(at)
    inference = next(
        b for b in shown["IT energy per model: training vs inference"]["data"] if b["name"] == "Inference"
    )
    above, below = array(inference["error_y"]["array"]), array(inference["error_y"]["arrayminus"])
    assert inference["error_y"]["type"] == "data" and len(above) == len(below) == len(inference["x"])
    assert all(v >= 0 for v in [*above, *below]) and any(v > 0 for v in above)
    per_1k = shown["IT energy per 1,000 inferences"]["data"][0]
    above, below = array(per_1k["error_x"]["array"]), array(per_1k["error_x"]["arrayminus"])
    assert len(above) == len(below) == len(per_1k["y"]) and all(v > 0 for v in [*above, *below])


def array(value: list | dict) -> list[float]:
    """A plotly array from the chart's JSON: a plain list, or numbers packed as base64 ('bdata')."""
    if isinstance(value, dict):
        return numpy.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"]).tolist()
    return list(value)
