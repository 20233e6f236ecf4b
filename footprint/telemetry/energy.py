"""Measured energy of one telemetry batch: counters where the source has them, else power trapezoids.

Readers call `compute()` inside the ingest transaction once the batch's samples are stored, so the batch
carries its energy per device and UTC hour (`telemetry_energy`) and every interval it left out
(`telemetry_gaps`). Everything is SQL over the batch's rows (footprint/sql/telemetry/energy_*.sql).

Rules, stated once:
- a series with two or more energy-counter readings (DCGM mJ, NVML/exporter J) is measured by its
  counter: the sum of increases, a decrease being a reset after which the reading counts from zero;
- otherwise power is integrated with trapezoids between consecutive samples that both have a value;
- the sampling interval of a series is the median spacing of its samples; a power interval longer than
  `max_gap_factor` x that interval is a gap: not bridged, reported with the energy bridging would add;
- a file without a time axis (one snapshot) has samples but no energy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import duckdb

from footprint.settings import Settings
from footprint.sqlfiles import sql

# The settings default, so a front end that passes nothing gets the documented rule.
DEFAULT_MAX_GAP_FACTOR: float = float(Settings.model_fields["max_gap_factor"].default)


@dataclass(frozen=True)
class BatchEnergy:
    """What one telemetry batch measured (units in the names)."""

    devices: int
    hosts: int
    devices_without_host: int
    samples: int
    timed_samples: int
    first_ts: datetime | None
    last_ts: datetime | None
    power_samples: int
    counter_samples: int
    energy_kwh: float
    counter_energy_kwh: float
    devices_with_energy: int
    gaps_not_bridged: int
    energy_not_counted_kwh: float
    counter_resets: int
    counter_gaps: int

    @property
    def has_time_axis(self) -> bool:
        return self.timed_samples > 0 and self.first_ts != self.last_ts

    def text(self) -> str:
        """One phrase for the ingest line: devices, hosts, time span, energy, gaps."""
        parts = [f"{self.devices} GPU{'s' if self.devices != 1 else ''}"]
        if self.hosts:
            parts[0] += f" on {self.hosts} host{'s' if self.hosts != 1 else ''}"
        if self.first_ts is not None and self.last_ts is not None:
            parts.append(f"{self.first_ts:%Y-%m-%d %H:%M:%S} to {self.last_ts:%Y-%m-%d %H:%M:%S} UTC")
        else:
            parts.append("no time axis")
        method = (
            "energy counters"
            if self.counter_energy_kwh and self.counter_energy_kwh == self.energy_kwh
            else "power trapezoids"
            if not self.counter_energy_kwh
            else "energy counters and power trapezoids"
        )
        parts.append(f"{self.energy_kwh:.6g} kWh measured ({method})")
        if self.gaps_not_bridged:
            parts.append(
                f"{self.gaps_not_bridged} gap{'s' if self.gaps_not_bridged != 1 else ''} not bridged "
                f"({self.energy_not_counted_kwh:.6g} kWh not counted)"
            )
        if self.counter_resets:
            parts.append(f"{self.counter_resets} counter reset{'s' if self.counter_resets != 1 else ''}")
        return ", ".join(parts)


def compute(con: duckdb.DuckDBPyConnection, batch_id: int, max_gap_factor: float) -> BatchEnergy:
    """Fill telemetry_energy and telemetry_gaps for a batch whose samples are stored; return its summary."""
    if not max_gap_factor >= 1.0:
        raise ValueError(f"max_gap_factor must be at least 1 (got {max_gap_factor})")
    con.execute(sql("telemetry/energy_pairs"), {"batch_id": batch_id, "max_gap_factor": max_gap_factor})
    try:
        con.execute(sql("telemetry/energy_buckets"), {"batch_id": batch_id})
        con.execute(sql("telemetry/energy_gaps"), {"batch_id": batch_id})
    finally:
        con.execute("DROP TABLE IF EXISTS _te_pairs")
    return summarise(con, batch_id)


def summarise(con: duckdb.DuckDBPyConnection, batch_id: int) -> BatchEnergy:
    """Summary of a stored telemetry batch."""
    cur = con.execute(sql("telemetry/batch_summary"), {"batch_id": batch_id})
    cols = [d[0] for d in cur.description]
    row = cur.fetchone()
    values: dict[str, Any] = dict(zip(cols, row, strict=True)) if row else {}
    return BatchEnergy(
        devices=int(values["devices"]),
        hosts=int(values["hosts"]),
        devices_without_host=int(values["devices_without_host"]),
        samples=int(values["samples"]),
        timed_samples=int(values["timed_samples"]),
        first_ts=values["first_ts"],
        last_ts=values["last_ts"],
        power_samples=int(values["power_samples"]),
        counter_samples=int(values["counter_samples"]),
        energy_kwh=float(values["energy_kwh"]),
        counter_energy_kwh=float(values["counter_energy_kwh"]),
        devices_with_energy=int(values["devices_with_energy"]),
        gaps_not_bridged=int(values["gaps_not_bridged"]),
        energy_not_counted_kwh=float(values["energy_not_counted_kwh"]),
        counter_resets=int(values["counter_resets"]),
        counter_gaps=int(values["counter_gaps"]),
    )
