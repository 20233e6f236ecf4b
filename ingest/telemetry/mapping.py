"""Telemetry mapping files: which team, model, workload and job a host's GPUs worked for, and when.

Device logs rarely say who used the GPUs. A mapping file says it once for many logs, per host, optionally
per GPU and time window, and may name the billed resource a host runs as (so a log from host `gpu-07`
matches the bill's `i-0abc...`). It is applied at refresh, after the file's own labels and the ingest
flags: what those leave open, the mapping fills. Layout (one header row, names case-insensitive):

| column | required | meaning |
|---|---|---|
| `host` | yes | host name as the telemetry reports it (or as passed with --host) |
| `gpu` | no | GPU index or UUID; empty = every GPU of the host |
| `start`, `end` | no | window (ISO 8601, `end` exclusive; empty = open); `valid_from` / `valid_to` also read |
| `team`, `model`, `workload`, `job` | at least one | attribution; workload is training, inference, development, data_processing or unknown |
| `resource_id` | no | billing resource id of the host (instance id, ARN, Azure or GCP resource path) |

Windows apply to whole UTC hours of measured energy (by the hour's start).
"""

from __future__ import annotations

from footprint.sqlfiles import sql
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import WORKLOADS, options_from, stage_named_csv

FIELDS = {
    "host": ("host", "hostname"),
    "gpu": ("gpu", "gpu_index", "gpu_uuid"),
    "valid_from": ("start", "valid_from"),
    "valid_to": ("end", "valid_to"),
    "team": ("team",),
    "model": ("model",),
    "workload": ("workload",),
    "job": ("job",),
    "resource_id": ("resource_id",),
}
_ATTRIBUTES = {"team", "model", "workload", "job", "resource_id"}
_DEVICE_COLUMNS = {"power.draw", "power.draw [w]", "timestamp", "requests", "energy_consumed"}


class TelemetryMappingReader:
    format_id = "telemetry-mapping"
    label = "telemetry mapping (host / GPU / time window -> team, model, workload, job)"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        cols = {c.strip().lower() for c in header}
        if "host" not in cols or not (_ATTRIBUTES & cols) or (_DEVICE_COLUMNS & cols):
            return 0
        return 50

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        con = ctx.con
        stage_named_csv(ctx, "_tm_raw", FIELDS)
        blank = con.execute(
            "DELETE FROM _tm_raw WHERE host IS NULL AND team IS NULL AND model IS NULL AND workload IS NULL "
            "AND job IS NULL AND resource_id IS NULL"
        ).fetchone()
        blank_rows = int(blank[0]) if blank else 0
        con.execute(
            sql("telemetry/mapping_insert"),
            {"batch_id": ctx.batch_id, "tz": options.timezone, "workloads": list(WORKLOADS)},
        )
        con.execute("DROP TABLE IF EXISTS _tm_raw")
        row = con.execute(
            "SELECT count(*), count(DISTINCT host) FROM telemetry_mapping WHERE batch_id = ?", [ctx.batch_id]
        ).fetchone()
        assert row is not None
        return LoadCounts(
            rows_read=int(row[0]) + blank_rows,
            rows_loaded=int(row[0]),
            skipped={"blank_row": blank_rows} if blank_rows else {},
            detail=f"telemetry mapping: {row[0]} rules for {row[1]} hosts; applied at refresh",
        )


register(TelemetryMappingReader())
