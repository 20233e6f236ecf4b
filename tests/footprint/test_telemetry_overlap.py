"""The same GPU-hours in two live batches are counted once everywhere: the Telemetry page's hourly table
(agg_telemetry_hour) and the refresh's measured energy (line_item_measured + telemetry_activity) read one
definition of device-hours, v_telemetry_device_hours (migration 023).

Expectations are worked out here from one copy of the raw log with Python's csv module and Decimal:
trapezoids of power over time per GPU, an interval longer than 3 x that GPU's median sampling interval
left out (the readers' default gap rule). Loading the log a second time must not change any of them.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from support import SAMPLE_TELEMETRY

from footprint.aggregates.telemetry import telemetry_devices
from footprint.pipeline import last_refresh, refresh
from footprint.queries import Filters
from ingest import ingest_file
from ingest.loader import remove_batch

# Real: 8 idle H100s polled every 1-2 s, ISO time stamps with +08:00, no host column, last poll cut short.
IDLE_H100 = SAMPLE_TELEMETRY / "nvidia_smi" / "xypp3_gpu_glasses__8xH100_idle_nvidia_smi.csv"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
BILL = FIXTURES / "billing" / "focus_p4d_hours.csv"  # bills 09:00-11:00 of the p4d the log below measured
P4D_LOG = FIXTURES / "nvidia_smi" / "p4d_i-0f1e2d3c4b5a69788_l30.csv"
INSTANCE = "i-0f1e2d3c4b5a69788"
MAX_GAP_FACTOR = Decimal(3)


def _utc(text: str) -> datetime:
    text = text.strip()
    try:
        return datetime.strptime(text, "%Y/%m/%d %H:%M:%S.%f")  # nvidia-smi's own format, host clock UTC
    except ValueError:
        stamp = datetime.fromisoformat(text)
        return stamp.astimezone(UTC).replace(tzinfo=None) if stamp.tzinfo else stamp


def _seconds(delta: timedelta) -> Decimal:
    return Decimal(delta.days * 86400 + delta.seconds) + Decimal(delta.microseconds) / 10**6


def _trapezoids(path: Path, gpu_column: str) -> tuple[Decimal, Decimal]:
    """(energy kWh, covered seconds) of one log, summed over its GPUs."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8")), skipinitialspace=True))
    header = [re.sub(r"\s*\[[^\]]*\]$", "", h.strip()) for h in rows[0]]
    power_w: dict[str, list[tuple[datetime, Decimal]]] = defaultdict(list)
    for row in rows[1:]:
        if len(row) != len(header) or row[0].strip() == rows[0][0].strip():  # blank or repeated header
            continue
        cell = dict(zip(header, (v.strip() for v in row), strict=True))
        power_w[cell[gpu_column]].append((_utc(cell["timestamp"]), Decimal(cell["power.draw"].removesuffix(" W"))))
    energy_j, covered_s = Decimal(0), Decimal(0)
    for samples in power_w.values():
        samples.sort()
        steps = [(_seconds(b[0] - a[0]), a[1], b[1]) for a, b in zip(samples, samples[1:], strict=False)]
        limit_s = MAX_GAP_FACTOR * statistics.median(dt for dt, _, _ in steps if dt > 0)
        for dt, p0, p1 in steps:
            if dt <= limit_s:
                energy_j += (p0 + p1) / 2 * dt
                covered_s += dt
    return energy_j / 3_600_000, covered_s


def _copy(path: Path, tmp_path: Path) -> Path:
    """The same readings in other bytes (one more blank line), so the store takes it as another file."""
    out = tmp_path / path.name
    out.write_bytes(path.read_bytes() + b"\n")
    return out


def _load(con, path: Path, **options: str) -> int:
    result = ingest_file(con, path, options=options)
    assert result.status == "loaded" and result.batch_id is not None, result.error
    return result.batch_id


def _totals(con) -> dict[str, float]:
    """Energy (kWh) on the Telemetry page, in the refresh's two tables, and the page's device-seconds."""
    page = con.execute("SELECT coalesce(sum(energy_kwh), 0), coalesce(sum(covered_s), 0) FROM agg_telemetry_hour")
    page_kwh, page_s = page.fetchone()
    return {
        "page_kwh": page_kwh,
        "page_covered_s": page_s,
        "measured_kwh": con.execute(
            "SELECT coalesce(sum(measured_accelerator_energy_kwh), 0) FROM line_item_measured"
        ).fetchone()[0],
        "activity_kwh": con.execute("SELECT coalesce(sum(energy_kwh), 0) FROM telemetry_activity").fetchone()[0],
    }


def test_a_real_log_loaded_twice_shows_its_energy_once_on_the_telemetry_page(con, tmp_path):
    expected_kwh, expected_s = _trapezoids(IDLE_H100, "gpu")  # 'index' is 0 on every row; 'gpu' numbers them
    # The file names no host: the ingest flag names it, the same for both copies (without a host, two
    # files' devices cannot be told to be the same ones).
    first = _load(con, IDLE_H100, host="gpu-node-07")
    refresh(con)
    once = _totals(con)
    second = _load(con, _copy(IDLE_H100, tmp_path), host="gpu-node-07")
    assert second != first
    refresh(con)
    assert last_refresh(con)["mode"] == "incremental"  # agg_telemetry_hour rebuilt by the incremental path
    twice = _totals(con)

    # No bill covers these GPUs: everything measured is activity, and the page shows the same energy.
    assert twice["measured_kwh"] == 0
    for totals in (once, twice):
        assert totals["page_kwh"] == pytest.approx(float(expected_kwh), rel=1e-9)
        assert totals["activity_kwh"] == pytest.approx(float(expected_kwh), rel=1e-9)
        assert totals["page_covered_s"] == pytest.approx(float(expected_s), rel=1e-9)
    assert round(expected_kwh, 9) == Decimal("0.001101215")  # 8 GPUs x ~73 W for 6-8 s
    # One row per GPU and hour, from the later batch (equal coverage and method: the later file wins).
    rows = con.execute("SELECT gpu, count(*) FROM agg_telemetry_hour GROUP BY 1 ORDER BY 1").fetchall()
    assert rows == [(str(i), 1) for i in range(8)]
    assert con.execute("SELECT DISTINCT batch_id FROM v_telemetry_device_hours").fetchall() == [(second,)]
    # The page's own query: per-device energy adds up to the same figure, each device once.
    devices = telemetry_devices(con, Filters())
    assert len(devices) == 8 and set(devices["host"]) == {"gpu-node-07"}
    assert devices["energy_kwh"].sum() == pytest.approx(float(expected_kwh), rel=1e-9)


def test_a_billed_log_loaded_twice_page_equals_measured_plus_activity_through_removals(con, tmp_path):
    expected_kwh, _ = _trapezoids(P4D_LOG, "uuid")
    _load(con, BILL)
    first = _load(con, P4D_LOG, host=INSTANCE)
    second = _load(con, _copy(P4D_LOG, tmp_path), host=INSTANCE)
    refresh(con)
    totals = _totals(con)
    # The two billed hours get the measurement (line_item_measured); the milliseconds past 11:00 are
    # activity. Page = measured + activity = one copy of the log.
    assert totals["measured_kwh"] > 0 and totals["activity_kwh"] > 0
    assert totals["measured_kwh"] + totals["activity_kwh"] == pytest.approx(float(expected_kwh), rel=1e-9)
    assert totals["page_kwh"] == pytest.approx(float(expected_kwh), rel=1e-9)
    assert round(expected_kwh, 6) == Decimal("3.864542")  # 8 A100s at ~240 W for 2 h

    # Removing the copy that was counted hands its hours to the other: nothing changes.
    remove_batch(con, second)
    refresh(con)
    assert last_refresh(con)["mode"] == "incremental"
    assert _totals(con)["page_kwh"] == pytest.approx(float(expected_kwh), rel=1e-9)
    assert con.execute("SELECT DISTINCT batch_id FROM v_telemetry_device_hours").fetchall() == [(first,)]

    # Removing the last copy empties the page too (the incremental refresh rebuilt it, not kept it).
    remove_batch(con, first)
    refresh(con)
    assert last_refresh(con)["mode"] == "incremental"
    assert _totals(con) == {"page_kwh": 0, "page_covered_s": 0, "measured_kwh": 0, "activity_kwh": 0}
