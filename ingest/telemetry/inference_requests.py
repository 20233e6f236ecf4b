"""Inference request counts per time bucket and model, for energy per 1,000 inferences.

Serving logs differ everywhere, so this is a small CSV layout of the project's own (one header row,
comma separated; names are case-insensitive):

| column | required | meaning |
|---|---|---|
| `period_start` | yes | start of the time bucket (ISO 8601; without an offset it is read in the `timezone` option) |
| `period_end` | yes | end of the bucket (exclusive) |
| `model` | yes | model name, as used for attribution elsewhere |
| `requests` | yes | inference requests served in the bucket (whole number) |
| `team` | no | team (else the --team flag) |
| `input_tokens`, `output_tokens` | no | tokens read and generated |
| `tokens` | no | total tokens (else input + output) |

Example: `period_start,period_end,model,requests,input_tokens,output_tokens` /
`2026-10-14T12:00:00Z,2026-10-14T13:00:00Z,assistant-7b,18250,4120000,2210000`.
"""

from __future__ import annotations

from footprint.sqlfiles import sql
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import options_from, stage_named_csv

FIELDS = {
    "period_start": ("period_start",),
    "period_end": ("period_end",),
    "model": ("model",),
    "requests": ("requests",),
    "team": ("team",),
    "input_tokens": ("input_tokens",),
    "output_tokens": ("output_tokens",),
    "tokens": ("tokens", "total_tokens"),
}
REQUIRED = {"period_start", "period_end", "model", "requests"}


class InferenceRequestsReader:
    format_id = "inference-requests"
    label = "inference request counts CSV"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        return 70 if REQUIRED <= {c.strip().lower() for c in header} else 0

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        con = ctx.con
        stage_named_csv(ctx, "_ir_raw", FIELDS)
        blank = con.execute(
            "DELETE FROM _ir_raw WHERE period_start IS NULL AND period_end IS NULL AND model IS NULL "
            "AND requests IS NULL"
        ).fetchone()
        blank_rows = int(blank[0]) if blank else 0
        con.execute(
            sql("telemetry/requests_insert"),
            {"batch_id": ctx.batch_id, "tz": options.timezone, "opt_team": options.team},
        )
        con.execute("DROP TABLE IF EXISTS _ir_raw")
        row = con.execute(
            "SELECT count(*), count(DISTINCT model), sum(requests), min(period_start), max(period_end) "
            "FROM inference_requests WHERE batch_id = ?",
            [ctx.batch_id],
        ).fetchone()
        assert row is not None
        rows, models, requests, start, end = row
        detail = (
            f"inference request counts: {models} model{'s' if models != 1 else ''}, {int(requests or 0):,} "
            f"requests"
        )
        if start is not None:
            detail += f", {start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC"
        return LoadCounts(
            rows_read=int(rows) + blank_rows,
            rows_loaded=int(rows),
            skipped={"blank_row": blank_rows} if blank_rows else {},
            detail=detail + f"; clock {options.timezone}",
        )


register(InferenceRequestsReader())
