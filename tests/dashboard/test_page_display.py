"""How the pages show numbers: one unit per row of cards and per page's charts, a dash (and why) for a
missing value, readable resource names, and emissions split by the scope they are reported under.

Expected values come from the line items (`v_footprint`, summed in SQL here, with its stored
`scope_label` per row), not from the aggregates the pages read.
"""

from __future__ import annotations

import base64
import json
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from footprint.queries import Filters, summary
from footprint.store import connection

pytestmark = pytest.mark.shared

DASH = "\u2013"
Q3 = {"since": "2026-07-01", "until": "2026-09-30"}


def _unit(text: str) -> str:
    """'11.5 t CO2e' -> 't CO2e'."""
    return text.split(" ", 1)[1]


def _number(text: str) -> float:
    return float(text.split(" ", 1)[0].replace(",", ""))


def test_a_row_of_cards_shares_one_unit(open_app, app_db: Path, cards):
    at = open_app(query=Q3)
    shown = cards(at)
    with connection(app_db, read_only=True) as con:
        s = summary(con, Filters(since=date(2026, 7, 1), until=date(2026, 9, 30)))
    # the quarter where location-based passes ten tonnes and market-based does not: both in tonnes
    assert s["scope2_location_kgco2e"] >= 10_000 > s["scope2_market_kgco2e"] >= 1_000
    location, market = shown["Location-based emissions"], shown["Market-based emissions"]
    assert _unit(location) == _unit(market) == "t CO2e"
    assert _number(market) == pytest.approx(s["scope2_market_kgco2e"] / 1000, abs=0.005)
    assert _number(location) == pytest.approx(s["scope2_location_kgco2e"] / 1000, abs=0.05)
    assert _unit(shown["IT energy"]) == _unit(shown["Facility energy"])
    # the ranges under the cards are in the row's unit too
    ranges = [c.value for c in at.caption if c.value.startswith("range ")]
    assert sum(r.endswith(" t CO2e") for r in ranges) == 2 and not any(r.endswith(" kg CO2e") for r in ranges)


def _scope_split(db: Path, f: Filters) -> dict[str, tuple[float, float]]:
    where, params = f.where()
    with connection(db, read_only=True) as con:
        rows = con.execute(
            "SELECT scope_label, CAST(sum(location_kgco2e) AS DOUBLE), CAST(sum(market_kgco2e) AS DOUBLE) "
            f"FROM v_footprint WHERE {where} GROUP BY 1",
            params,
        ).fetchall()
    return {label: (loc, mkt) for label, loc, mkt in rows if loc}


def test_emissions_are_split_by_the_scope_each_row_is_reported_under(open_app, app_db: Path):
    at = open_app("emissions", query=Q3)
    want = _scope_split(app_db, Filters(since=date(2026, 7, 1), until=date(2026, 9, 30)))
    assert set(want) == {"scope2", "scope3_cat1"}  # the demo's on-premises CodeCarbon runs are Scope 2
    table = at.dataframe[0].value.set_index("scope")
    names = {
        "scope3_cat1": "Scope 3 cat. 1 (purchased cloud services)",
        "scope2": "Scope 2 (own or colocated hardware)",
    }
    assert set(table.index) == set(names.values())
    for label, (loc, mkt) in want.items():
        assert table.loc[names[label], "scope2_location_kgco2e"] == pytest.approx(loc, rel=1e-9)
        assert table.loc[names[label], "scope2_market_kgco2e"] == pytest.approx(mkt, rel=1e-9)
    # each card says how much of it is in which scope, in the card's unit
    lines = [c.value for c in at.caption if c.value.startswith("Scope 3 cat. 1: ")]
    assert len(lines) == 2 and all("; Scope 2: " in line and line.endswith(" t CO2e") for line in lines)
    # location-based first, then market-based: 'Scope 3 cat. 1: 11.5 t CO2e; Scope 2: 0.0821 t CO2e'
    for line, i in zip(lines, (0, 1), strict=True):
        cloud, own = (part.split(": ", 1)[1] for part in line.split("; "))
        assert _number(cloud) == pytest.approx(want["scope3_cat1"][i] / 1000, rel=5e-3)
        assert _number(own) == pytest.approx(want["scope2"][i] / 1000, rel=5e-3)
    assert not any("Scope label: emissions reported under Scope 3" in c.value for c in at.caption)
    assert all("Scope 2 (own or colocated hardware)" in m.help for m in at.metric)


def _axis_units(at: AppTest) -> list[str]:
    titles = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        titles.append(spec["layout"]["yaxis"]["title"]["text"])
    return titles


def test_the_charts_of_a_page_share_one_unit(open_app, app_db: Path):
    with connection(app_db, read_only=True) as con:
        region, month = con.execute(
            "SELECT (SELECT max(s) FROM (SELECT sum(location_kgco2e) AS s FROM v_footprint GROUP BY region_id)), "
            "(SELECT max(s) FROM (SELECT sum(location_kgco2e) AS s FROM v_footprint "
            "GROUP BY date_trunc('month', charge_period_start)))"
        ).fetchone()
    # the largest region passes ten tonnes, no month does: on its own the monthly chart would be in kg
    assert region >= 10_000 > month
    at = open_app("emissions")
    assert _axis_units(at) == ["Emissions (t CO2e)", "Emissions (t CO2e)"]


def _no_none_text(at: AppTest) -> None:
    """Every table shows a dash for a missing number and has no 'None' or '{}' text in any cell."""
    for frame in at.dataframe:
        assert frame.proto.placeholder == DASH
        df: pd.DataFrame = frame.value
        for column in list(frame.proto.column_order) or df.columns:  # the columns shown
            if df[column].dtype == object or pd.api.types.is_string_dtype(df[column]):
                cells = df[column].tolist()
                assert not any(c is None or (isinstance(c, float) and pd.isna(c)) for c in cells), column
                assert not any(str(c) in ("None", "nan", "{}", "<NA>") for c in cells), column


def test_team_tables_say_why_a_value_is_missing(open_app):
    at = open_app("team", query={"team": "research"})
    _no_none_text(at)
    month, top = at.dataframe[0].value, at.dataframe[1].value
    # 'unattributed' used no energy in September: no change in %, and the row says why
    row = month.set_index("model").loc["unattributed"]
    assert row["energy_kwh_previous_month"] == 0 and pd.isna(row["change_pct"])
    assert row["note"] == "no IT energy in Sep 2026: no change in %"
    assert month.set_index("model").loc["atlas-30b", "note"] == ""
    # the TPU has no power figure: no energy, and a note instead of 'None'
    tpu = top.set_index("resource_name").loc["atlas-sweep-v5p-32"]
    assert pd.isna(tpu["energy_kwh"]) and tpu["note"] == "not estimated: unknown SKU or no usage"
    assert tpu["resource_id"].startswith("//aiplatform.googleapis.com/projects/research-tpu-sweeps/")
    columns = json.loads(at.dataframe[1].proto.columns)
    assert columns["resource_name"]["label"] == "Resource"
    assert list(at.dataframe[1].proto.column_order)[0] == "resource_name"


def test_azure_resources_read_by_name(open_app):
    at = open_app("team", query={"team": "assistants"})
    names = at.dataframe[-1].value["resource_name"].tolist()
    assert "nc-a100-serve-00" in names and "nd-h100-train-00" in names
    assert not any(n.startswith("/subscriptions/") for n in names)


def test_methodology_tables_show_dashes_labels_and_reasons(open_app, app_db: Path):
    at = open_app("methodology")
    _no_none_text(at)
    methods = at.dataframe[0].value
    telemetry = methods[methods["billing_currency"] == DASH]
    assert telemetry["note"].tolist() == ["telemetry without a bill: no cost"]
    assert pd.isna(telemetry["usage_cost"].iloc[0])
    loaded = at.dataframe[-1]
    columns = json.loads(loaded.proto.columns)
    assert {
        columns[c]["label"] for c in ("batch_id", "file_name", "format_label", "rows_loaded", "ingested_at")
    } == {"Batch", "File", "Format", "Rows loaded", "Loaded at (UTC)"}
    assert "skipped_reasons" not in loaded.proto.column_order
    batches = loaded.value.set_index("batch_id")
    with connection(app_db, read_only=True) as con:
        first = con.execute("SELECT detected_format FROM ingest_batches WHERE batch_id = 1").fetchone()[0]
    assert first == "aws-cur2" and batches.loc[1, "format_label"] == "AWS CUR 2.0 (billing)"


def _values(array: object) -> list[float]:
    """A plotly JSON array: a plain list, or numpy's bytes as {'dtype', 'bdata' (base64)}."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)  # type: ignore[call-overload]


def test_emissions_over_time_draw_the_low_to_high_range_of_each_method(open_app, app_db: Path):
    with connection(app_db, read_only=True) as con:
        want = con.execute(
            "SELECT sum(location_kgco2e_low), sum(location_kgco2e_high), sum(market_kgco2e_low), "
            "sum(market_kgco2e_high) FROM v_footprint "
            "WHERE charge_period_start >= DATE '2026-07-01' AND charge_period_start < DATE '2026-10-01'"
        ).fetchone()
    at = open_app("emissions", query=Q3)
    over_time = json.loads(at.get("plotly_chart")[1].proto.spec)
    unit = over_time["layout"]["yaxis"]["title"]["text"]
    assert unit in ("Emissions (kg CO2e)", "Emissions (t CO2e)")
    per_unit_kg = 1000 if unit == "Emissions (t CO2e)" else 1
    bands = {t["name"]: _values(t["y"]) for t in over_time["data"] if t.get("fill") == "toself"}
    assert set(bands) == {"Location-based, range (low to high)", "Market-based, range (low to high)"}
    for name, (low_kg, high_kg) in (
        ("Location-based, range (low to high)", want[:2]),
        ("Market-based, range (low to high)", want[2:]),
    ):
        y = bands[name]
        months = len(y) // 2  # the band's outline: highs forward, then lows backward
        assert months == 3
        assert sum(y[:months]) == pytest.approx(high_kg / per_unit_kg, rel=1e-9)
        assert sum(y[months:]) == pytest.approx(low_kg / per_unit_kg, rel=1e-9)
