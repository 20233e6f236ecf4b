"""Measured energy grouped by GPU, host, job, hour or day, as each telemetry file measured it.

A thin query over `v_telemetry_energy` (migration 022) for front ends that show telemetry itself (power
curves, per-device totals, gaps). Totals that feed the footprint come from the refresh step's tables,
which count a GPU-hour measured by two files once; this view shows each file's measurement.
"""

from __future__ import annotations

from typing import Any

import duckdb

# Group-by dimensions: name -> SQL over v_telemetry_energy (identifiers chosen here, never by callers).
DIMENSIONS: dict[str, str] = {
    "batch": "batch_id",
    "host": "coalesce(host, '(unnamed host)')",
    "gpu": "coalesce(gpu_uuid, 'index:' || CAST(gpu_index AS VARCHAR), 'series:' || CAST(series_id AS VARCHAR))",
    "accelerator": "coalesce(accelerator_model, 'unknown')",
    "job": "coalesce(job, 'none')",
    "team": "coalesce(team, 'unattributed')",
    "model": "coalesce(model, 'unattributed')",
    "hour": "bucket_start",
    "day": "CAST(bucket_start AS DATE)",
    "method": "method",
}


def measured_energy(con: duckdb.DuckDBPyConnection, by: list[str] | None = None) -> list[dict[str, Any]]:
    """Measured energy (kWh) and covered device-hours per group of the chosen dimensions."""
    by = list(by or [])
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"unknown dimension {unknown[0]!r}; choose from {', '.join(DIMENSIONS)}")
    keys = [f"{DIMENSIONS[d]} AS {d}" for d in by]
    group = f"GROUP BY {', '.join(str(i + 1) for i in range(len(by)))} ORDER BY {', '.join(str(i + 1) for i in range(len(by)))}"
    select = ", ".join(
        keys
        + [
            "sum(energy_kwh) AS energy_kwh",
            "sum(covered_s) / 3600.0 AS device_hours",
            "count(DISTINCT series_id) AS devices",
        ]
    )
    cur = con.execute(f"SELECT {select} FROM v_telemetry_energy {group if by else ''}")
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
