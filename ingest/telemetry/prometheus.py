"""GPU metrics from Prometheus: DCGM exporter and nvidia_gpu_exporter scrapes, and query_range exports.

Two containers carry the same metrics:
- text exposition (`curl :9400/metrics`, one scrape or many appended, with or without the optional
  millisecond time stamp after the value);
- the Prometheus HTTP API's JSON (`/api/v1/query_range` 'matrix', or an instant 'vector'), which is how
  Kubernetes clusters usually hand GPU metrics over.
Both become raw samples in SQL and go through one classification (footprint/sql/telemetry/prom_stage.sql:
which metrics are read, label spellings across exporter versions, MIG duplicates, DCGM blank values) and
one pivot into device series. A scrape without time stamps is a snapshot: it is loaded, and the result
says that no energy follows from it; several scrapes without time stamps cannot be ordered and fail.
"""

from __future__ import annotations

import re

from footprint.sqlfiles import sql
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import (
    WORKLOADS,
    TelemetryOptions,
    counts_by_reason,
    options_from,
    stage_lines,
    store_staged,
)

METRICS = [
    "DCGM_FI_DEV_POWER_USAGE",
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION",
    "DCGM_FI_DEV_GPU_UTIL",
    "DCGM_FI_PROF_GR_ENGINE_ACTIVE",
    "DCGM_FI_DEV_FB_USED",
    "nvidia_smi_power_draw_watts",
    "nvidia_smi_energy_joules_total",
    "nvidia_smi_utilization_gpu_ratio",
    "nvidia_smi_memory_used_bytes",
    "nvidia_smi_gpu_info",
]
_TEXT_SIGNATURE = re.compile(r"^(?:# (?:HELP|TYPE) )?(DCGM_FI_[A-Z0-9_]+|nvidia_smi_[a-z0-9_]+)\b", re.M)


def _stage_and_store(
    ctx: LoadContext, options: TelemetryOptions, format_id: str, notes: list[str]
) -> LoadCounts:
    con = ctx.con
    name = ctx.source.name
    con.execute(sql("telemetry/prom_stage"), {"opt_host": options.host, "workloads": list(WORKLOADS)})
    timed = con.execute(
        "SELECT count(*) FILTER (WHERE ts IS NOT NULL), count(*) FILTER (WHERE ts IS NULL), "
        "min(source_row) FILTER (WHERE ts IS NULL) FROM _tp_cls WHERE skip_reason IS NULL AND role <> 'info'"
    ).fetchone()
    if timed and timed[0] and timed[1]:
        raise IngestError(name, "some samples carry a time stamp and others do not", row=int(timed[2]))
    repeated = con.execute(
        "SELECT metric, min(source_row) FROM _tp_cls WHERE skip_reason = 'duplicate_sample' AND ts IS NULL "
        "GROUP BY metric LIMIT 1"
    ).fetchone()
    if repeated:
        raise IngestError(
            name,
            f"{repeated[0]} appears more than once for the same GPU without time stamps: several scrapes "
            "cannot be put in time order (export them with time stamps, or as a query_range JSON)",
            row=int(repeated[1]),
        )
    con.execute(sql("telemetry/prom_pivot"))
    con.execute(sql("telemetry/prom_devices"))
    con.execute(sql("telemetry/prom_staged"))
    reasons = con.execute("SELECT skip_reason, count(*) FROM _tp_cls GROUP BY skip_reason").fetchall()
    skipped = counts_by_reason(reasons)
    rows_read = sum(int(n) for _, n in reasons)
    families = con.execute(
        "SELECT string_agg(DISTINCT metric, ', ' ORDER BY metric) FROM _tp_cls WHERE skip_reason IS NULL"
    ).fetchone()
    if families and families[0]:
        notes.append(f"metrics read: {families[0]}")
    else:
        raise IngestError(
            name,
            "no GPU power or energy metric in the file (looked for " + ", ".join(METRICS[:2]) + ", "
            "nvidia_smi_power_draw_watts)",
        )
    for table in ("_tp_cls", "_tp_raw", "_tl_pivot"):
        con.execute(f"DROP TABLE IF EXISTS {table}")
    return store_staged(ctx, options, format_id=format_id, notes=notes, rows_read=rows_read, skipped=skipped)


class PrometheusTextReader:
    format_id = "prometheus-text"
    label = "Prometheus text exposition (DCGM exporter, nvidia_gpu_exporter)"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        return 75 if _TEXT_SIGNATURE.search(source.head_text) else 0

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        stage_lines(ctx)
        ctx.con.execute(sql("telemetry/prom_text_raw"), {"metrics": METRICS})
        return _stage_and_store(ctx, options, self.format_id, ["Prometheus text exposition"])


def _max_object_bytes(source: SourceFile) -> int:
    """Largest JSON object DuckDB must accept: the whole response is one object.

    DuckDB reserves buffers in proportion to this bound, so it follows the file's size (a gzip stream
    may expand about twentyfold) instead of a fixed 2 GB that would not fit the memory limit.
    """
    expanded = source.size_bytes * (20 if source.compression == "gzip" else 1)
    return int(min(max(expanded + 1024, 16 * 1024 * 1024), 2_000_000_000))


class PrometheusJsonReader:
    format_id = "prometheus-json"
    label = "Prometheus query_range JSON (DCGM exporter, nvidia_gpu_exporter)"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container not in ("json", "jsonl"):
            return 0
        head = source.head_text
        return 80 if '"resultType"' in head and '"result"' in head else 0

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        con = ctx.con
        name = ctx.source.name
        params = {"path": str(ctx.source.path), "max_object_bytes": _max_object_bytes(ctx.source)}
        status = con.execute(
            "SELECT json_extract_string(json, '$.status'), json_extract_string(json, '$.data.resultType'), "
            "json_extract_string(json, '$.error') FROM read_json_objects($path, format = 'auto', "
            "maximum_object_size = $max_object_bytes) LIMIT 1",
            params,
        ).fetchone()
        if not status:
            raise IngestError(name, "an empty JSON document")
        if status[0] != "success":
            raise IngestError(
                name, f"the query did not succeed (status {status[0]!r}: {status[2] or 'no error text'})"
            )
        if status[1] not in ("matrix", "vector"):
            raise IngestError(
                name, f"result type {status[1]!r}: export a range query (matrix) of the raw series"
            )
        con.execute(sql("telemetry/prom_json_raw"), params)
        unnamed = con.execute("SELECT min(series_no) FROM _tp_raw WHERE metric IS NULL").fetchone()
        if unnamed and unnamed[0] is not None:
            raise IngestError(
                name,
                f"series {unnamed[0]} has no __name__ label (an aggregated query): export the raw "
                "DCGM_FI_DEV_POWER_USAGE / DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION series",
            )
        return _stage_and_store(ctx, options, self.format_id, [f"Prometheus API JSON ({status[1]})"])


register(PrometheusTextReader())
register(PrometheusJsonReader())
