"""What every telemetry reader shares: its options, staging a file's lines, and the closing energy step.

Telemetry readers implement `load(ctx)` themselves (their rows are samples, not billing line items). They
read the file's lines into a temporary table, turn them into `telemetry_series` / `telemetry_samples`
rows in SQL, and finish with `finish()`, which works out the batch's measured energy
(footprint.telemetry.energy) inside the same transaction and phrases the result for the ingest line.

Options (ctx.options, recorded on the batch): `timezone` (IANA name of the host clock for time stamps
without an offset; default UTC), `max_gap_factor` (default from footprint.settings), `host`, `team`,
`model`, `workload`, `job` (attribution where the file itself says nothing), `provider`, `region`,
`country` (where the hardware runs: a cloud region, or an own site id and its ISO 3166 country).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footprint.sqlfiles import sql
from footprint.telemetry.energy import DEFAULT_MAX_GAP_FACTOR, BatchEnergy, compute
from ingest.billing.base import q, raw_csv_relation
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts

WORKLOADS = ("training", "inference", "development", "data_processing", "unknown")
PROVIDERS = ("aws", "gcp", "azure", "oracle", "onprem", "other")


@dataclass(frozen=True)
class TelemetryOptions:
    timezone: str = "UTC"
    max_gap_factor: float = DEFAULT_MAX_GAP_FACTOR
    host: str | None = None
    team: str | None = None
    model: str | None = None
    workload: str | None = None
    job: str | None = None
    provider: str | None = None
    region: str | None = None
    country: str | None = None  # ISO 3166 alpha-2 of an own site

    def params(self) -> dict[str, Any]:
        """SQL parameters every reader's statements take."""
        return {
            "tz": self.timezone,
            "opt_host": self.host,
            "opt_team": self.team,
            "opt_model": self.model,
            "opt_workload": self.workload,
            "opt_job": self.job,
            "opt_provider": self.provider,
            "opt_region": self.region,
            "opt_country": self.country,
        }


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def options_from(ctx: LoadContext) -> TelemetryOptions:
    """Validated telemetry options; a bad value fails the file with a message naming the option."""
    opts = ctx.options
    name = ctx.source.name
    tz = _text(opts.get("timezone")) or "UTC"
    if tz != "UTC":
        found = ctx.con.execute("SELECT count(*) FROM pg_timezone_names() WHERE name = ?", [tz]).fetchone()
        if not found or not found[0]:
            raise IngestError(name, f"unknown time zone {tz!r} (use an IANA name such as Europe/Berlin)")
    raw_factor = opts.get("max_gap_factor")
    try:
        factor = DEFAULT_MAX_GAP_FACTOR if raw_factor is None else float(raw_factor)
    except (TypeError, ValueError) as exc:
        raise IngestError(name, f"max_gap_factor {raw_factor!r} is not a number") from exc
    if not factor >= 1.0:
        raise IngestError(name, f"max_gap_factor must be at least 1 (got {factor:g})")
    workload = _text(opts.get("workload"))
    if workload is not None and workload not in WORKLOADS:
        raise IngestError(name, f"--workload {workload!r} is not one of {', '.join(WORKLOADS)}")
    provider = _text(opts.get("provider"))
    if provider is not None:
        provider = provider.lower()
        if provider not in PROVIDERS:
            raise IngestError(name, f"provider {provider!r} is not one of {', '.join(PROVIDERS)}")
    region = _text(opts.get("region"))
    country = _text(opts.get("country"))
    if country is not None:
        country = country.upper()
        if len(country) != 2 or not country.isalpha():
            raise IngestError(name, f"country {country!r} is not an ISO 3166 two-letter code (e.g. DE)")
    return TelemetryOptions(
        timezone=tz,
        max_gap_factor=factor,
        host=_text(opts.get("host")),
        team=_text(opts.get("team")),
        model=_text(opts.get("model")),
        workload=workload,
        job=_text(opts.get("job")),
        provider=provider,
        region=region.lower() if region else None,
        country=country,
    )


def stage_lines(ctx: LoadContext, path: Path | None = None) -> None:
    """The file's physical lines as temp table _tl_lines(line_no, line); blank lines are NULL or blank."""
    compression = "gzip" if ctx.source.compression == "gzip" else "none"
    ctx.con.execute(
        "CREATE OR REPLACE TEMP TABLE _tl_lines AS "
        "SELECT CAST(row_number() OVER () AS BIGINT) AS line_no, line FROM read_csv($path, "
        "columns = {'line': 'VARCHAR'}, header = false, delim = E'\\x01', quote = '', escape = '', "
        "auto_detect = false, strict_mode = false, null_padding = true, compression = $compression)",
        {"path": str(path or ctx.source.path), "compression": compression},
    )


def stage_named_csv(ctx: LoadContext, table: str, fields: dict[str, tuple[str, ...]]) -> None:
    """Temp table `table`(source_row, <field>...) from a headed CSV: each field is the first of its
    column names the header has (case-insensitive), else NULL. Values stay text."""
    cols = {c.strip().lower(): c for c in ctx.header}
    parts = []
    for field, names in fields.items():
        found = next((cols[n] for n in names if n in cols), None)
        parts.append(f"{q(found) if found else 'NULL'} AS {field}")
    ctx.con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT source_row, {', '.join(parts)} "
        f"FROM ({raw_csv_relation(ctx)}) raw"
    )


def drop_temp(ctx: LoadContext, *tables: str) -> None:
    for table in tables:
        ctx.con.execute(f"DROP TABLE IF EXISTS {table}")


def finish(
    ctx: LoadContext,
    options: TelemetryOptions,
    *,
    rows_read: int,
    rows_loaded: int,
    skipped: dict[str, int],
    detail: str,
    warnings: list[str] | None = None,
) -> LoadCounts:
    """Work out the batch's energy and phrase the result (detail is recorded on the batch)."""
    energy: BatchEnergy = compute(ctx.con, ctx.batch_id, options.max_gap_factor)
    notes = list(warnings or [])
    if energy.samples and not energy.has_time_axis:
        notes.append(
            "a single snapshot without a time axis: samples loaded, but energy needs readings over time "
            "and none was inferred"
        )
    elif energy.timed_samples and energy.devices_with_energy < energy.devices:
        notes.append(
            f"{energy.devices - energy.devices_with_energy} of {energy.devices} GPUs have fewer than two "
            "readings with a value, so no energy"
        )
    if energy.devices_without_host:
        notes.append("no host in the file and no --host given: it cannot be matched to a billed instance")
    text = (
        f"{detail}; {energy.text()}; host clock {options.timezone}; "
        f"gaps over {options.max_gap_factor:g} x the sampling interval not bridged"
    )
    return LoadCounts(
        rows_read=rows_read,
        rows_loaded=rows_loaded,
        skipped={k: v for k, v in skipped.items() if v},
        detail=text,
        warnings=notes,
    )


def store_staged(
    ctx: LoadContext,
    options: TelemetryOptions,
    *,
    format_id: str,
    notes: list[str],
    rows_read: int,
    skipped: dict[str, int],
) -> LoadCounts:
    """Write series and samples from the kept rows of _tl_staged, then work out the energy."""
    con = ctx.con
    con.execute("DELETE FROM _tl_staged WHERE skip_reason IS NOT NULL")
    p = options.params()
    con.execute(
        sql("telemetry/stage_series"),
        {"batch_id": ctx.batch_id, **{k: p[k] for k in ("opt_team", "opt_model", "opt_workload", "opt_job")}},
    )
    con.execute(
        sql("telemetry/insert_series"),
        {
            "batch_id": ctx.batch_id,
            "format_id": format_id,
            "opt_provider": options.provider,
            "opt_region": options.region,
            "opt_country": options.country,
        },
    )
    con.execute(sql("telemetry/insert_samples"), {"batch_id": ctx.batch_id})
    drop_temp(ctx, "_tl_series", "_tl_staged", "_tl_devices", "_tl_ids", "_tl_raw", "_tl_rows", "_tl_lines")
    return finish(
        ctx,
        options,
        rows_read=rows_read,
        rows_loaded=rows_read - sum(skipped.values()),
        skipped=skipped,
        detail="; ".join(notes),
    )


def counts_by_reason(rows: list[tuple[Any, Any]]) -> dict[str, int]:
    """{reason: count} from (reason, count) rows, NULL reasons (kept rows) left out."""
    return {str(reason): int(n) for reason, n in rows if reason is not None}
