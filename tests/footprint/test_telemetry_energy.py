"""Measured energy rules (footprint.telemetry.energy): trapezoids, counters, resets, gaps, hour buckets.

Samples are written straight into telemetry_samples so each rule is checked on numbers worked out by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.store import open_db
from footprint.telemetry.energy import compute

T0 = datetime(2026, 3, 10, 9, 0, 0)


def _load(
    con, rows: list[tuple[float, float | None, float | None]], batch_id: int = 1, series_id: int = 1
) -> None:
    """rows: (seconds after T0, power W, counter mJ)."""
    con.execute(
        "INSERT INTO telemetry_series (series_id, batch_id, source_format) VALUES (?, ?, 'test')",
        [series_id, batch_id],
    )
    con.executemany(
        "INSERT INTO telemetry_samples (series_id, batch_id, source_row, ts, power_w, energy_counter_mj) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [[series_id, batch_id, i + 1, T0 + timedelta(seconds=s), p, c] for i, (s, p, c) in enumerate(rows)],
    )


def _buckets(con) -> list[tuple]:
    return con.execute(
        "SELECT hour(bucket_start), method, energy_kwh, covered_s, intervals FROM telemetry_energy ORDER BY 1"
    ).fetchall()


def test_constant_power(con):
    _load(con, [(s, 250.0, None) for s in range(0, 61, 10)])
    e = compute(con, 1, 3.0)
    assert e.energy_kwh == pytest.approx(250 * 60 / 3.6e6)
    assert _buckets(con) == [(9, "power_trapezoid", pytest.approx(250 * 60 / 3.6e6), 60.0, 6)]


def test_interval_across_an_hour_is_split_in_proportion(con):
    # 09:59:00 -> 10:01:00 at 100 then 300 W: 200 W average over 120 s = 24 kJ, half in each hour.
    _load(con, [(59 * 60, 100.0, None), (61 * 60, 300.0, None)])
    compute(con, 1, 3.0)
    assert _buckets(con) == [
        (9, "power_trapezoid", pytest.approx(12000 / 3.6e6), 60.0, 1),
        (10, "power_trapezoid", pytest.approx(12000 / 3.6e6), 60.0, 1),
    ]


def test_counter_preferred_and_resets_count_from_zero(con):
    # Power says 1 W, the counter says otherwise: the counter wins. 1000 -> 5000 (+4000), reset to 2000
    # (+2000), -> 2500 (+500): 6500 mJ.
    _load(con, [(0, 1.0, 1000.0), (10, 1.0, 5000.0), (20, 1.0, 2000.0), (30, 1.0, 2500.0)])
    e = compute(con, 1, 3.0)
    assert e.energy_kwh == pytest.approx(6500 / 3.6e9)
    assert e.counter_resets == 1
    assert con.execute("SELECT kind, gap_start, energy_not_counted_kwh FROM telemetry_gaps").fetchall() == [
        ("counter_reset", T0 + timedelta(seconds=10), None)
    ]


def test_counter_bridges_gaps_power_does_not(con):
    # Spacing 10 s, then a 100 s hole. The counter measured the hole; power cannot.
    _load(con, [(0, 100.0, 0.0), (10, 100.0, 1e6), (20, 100.0, 2e6), (120, 100.0, 12e6)], series_id=1)
    _load(con, [(0, 100.0, None), (10, 100.0, None), (20, 100.0, None), (120, 100.0, None)], series_id=2)
    compute(con, 1, 3.0)
    by_series = dict(
        con.execute("SELECT series_id, sum(energy_kwh) FROM telemetry_energy GROUP BY 1").fetchall()
    )
    assert by_series == {1: pytest.approx(12e6 / 3.6e9), 2: pytest.approx(100 * 20 / 3.6e6)}
    gaps = con.execute(
        "SELECT series_id, kind, gap_s, max_bridge_s, energy_not_counted_kwh FROM telemetry_gaps ORDER BY 1"
    ).fetchall()
    assert gaps == [
        (1, "counter_gap_measured", 100.0, 30.0, 0.0),
        (2, "gap_not_bridged", 100.0, 30.0, pytest.approx(100 * 100 / 3.6e6)),
    ]


def test_missing_values_are_not_zero(con):
    # A placeholder (NULL) is a missing reading: neighbours are joined, not dragged to 0 W.
    _load(con, [(0, 200.0, None), (1, None, None), (2, 200.0, None), (3, 200.0, None)])
    assert compute(con, 1, 3.0).energy_kwh == pytest.approx(200 * 3 / 3.6e6)


def test_one_reading_gives_no_energy(con):
    _load(con, [(0, 500.0, None)])
    e = compute(con, 1, 3.0)
    assert (e.energy_kwh, e.devices, e.devices_with_energy, e.has_time_axis) == (0.0, 1, 0, False)


def _python_trapezoid(times: list[float], powers: list[float], factor: float) -> float:
    dts = [b - a for a, b in zip(times, times[1:], strict=False)]
    positive = sorted(d for d in dts if d > 0)
    n = len(positive)
    median = positive[n // 2] if n % 2 else (positive[n // 2 - 1] + positive[n // 2]) / 2
    return (
        sum(
            (p0 + p1) / 2 * dt
            for p0, p1, dt in zip(powers, powers[1:], dts, strict=False)
            if dt <= factor * median
        )
        / 3.6e6
    )


_DB: list = []


def _shared_db():
    """One database for every generated example (opening one per example would dominate the run)."""
    if not _DB:
        _DB.append(open_db(":memory:"))
    return _DB[0]


@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(st.integers(min_value=1, max_value=50), min_size=2, max_size=30),
    powers=st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=31, max_size=31),
    factor=st.sampled_from([1.0, 2.0, 3.0, 10.0]),
)
def test_property_matches_python_never_negative_monotone_in_factor(steps, powers, factor):
    times = [0.0]
    for s in steps:
        times.append(times[-1] + s)
    powers = powers[: len(times)]
    con = _shared_db()
    results = {}
    for f in sorted({factor, factor * 2}):
        for table in ("telemetry_series", "telemetry_samples", "telemetry_energy", "telemetry_gaps"):
            con.execute(f"DELETE FROM {table}")
        _load(con, list(zip(times, powers, [None] * len(times), strict=True)))
        results[f] = compute(con, 1, f).energy_kwh
    assert results[factor] == pytest.approx(_python_trapezoid(times, powers, factor), rel=1e-9, abs=1e-15)
    assert results[factor] >= 0
    assert results[factor * 2] >= results[factor] - 1e-15
