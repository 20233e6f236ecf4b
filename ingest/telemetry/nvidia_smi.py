"""nvidia-smi `--query-gpu=... --format=csv` logs, with or without units, one or many GPUs, -l / -lms loops.

What nvidia-smi writes: fields separated by ', ', units in the header (`power.draw [W]`) and in the values
(`69.85 W`) unless `nounits`, placeholders such as `[N/A]` or `[Requested functionality has been
deprecated]` (missing, never 0), one row per GPU per poll, the header repeated where logs were appended,
time stamps in host-local time without a zone (`2026/07/14 08:12:38.696`; the `timezone` option says which
zone). The header uses canonical field names whatever alias was queried (`gpu_name` prints as `name`).
Wrapper scripts write variants (ISO time stamps with an offset, no units, a `gpu` ordinal beside an
`index` that is always 0); those are read too, and what was decided is recorded on the batch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from footprint.sqlfiles import sql
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import (
    TelemetryOptions,
    counts_by_reason,
    options_from,
    stage_lines,
    store_staged,
)

# Aliases nvidia-smi accepts in --query-gpu, to the canonical names it prints (from --help-query-gpu).
ALIASES = {
    "gpu_name": "name",
    "gpu_uuid": "uuid",
    "gpu_serial": "serial",
    "gpu_bus_id": "pci.bus_id",
    "gpu.power.draw.average": "power.draw.average",
    "gpu.power.draw.instant": "power.draw.instant",
}
# Unit each used field must be in (header suffix and value suffix).
UNITS = {
    "power.draw": "W",
    "power.draw.average": "W",
    "power.draw.instant": "W",
    "utilization.gpu": "%",
    "memory.used": "MiB",
}
POWER_FIELDS = ("power.draw", "power.draw.average", "power.draw.instant")
IDENTITY_FIELDS = ("uuid", "index", "gpu", "pci.bus_id", "pci.bus")
_UNIT_SUFFIX = re.compile(r"^(.*?)\s*\[([^\]]*)\]$")


@dataclass(frozen=True)
class Column:
    position: int  # 1-based
    raw: str  # as written in the header
    name: str  # canonical field name
    unit: str | None


def parse_header(header: list[str]) -> dict[str, Column]:
    """Canonical field name -> column (first occurrence wins)."""
    out: dict[str, Column] = {}
    for i, raw in enumerate(header, start=1):
        text = raw.strip()
        m = _UNIT_SUFFIX.match(text)
        name, unit = (m.group(1).strip(), m.group(2).strip()) if m else (text, None)
        name = ALIASES.get(name.lower(), name.lower())
        out.setdefault(name, Column(i, text, name, unit))
    return out


def score_header(header: list[str]) -> int:
    cols = parse_header(header)
    if not any(f in cols for f in POWER_FIELDS) or not any(f in cols for f in IDENTITY_FIELDS):
        return 0
    return 70 if "timestamp" in cols else 60


def _check_units(name: str, cols: dict[str, Column]) -> None:
    for field, unit in UNITS.items():
        col = cols.get(field)
        if col is not None and col.unit is not None and col.unit != unit:
            raise IngestError(
                name,
                f"the header gives {field} in {col.unit!r}; nvidia-smi reports it in {unit}",
                column=col.raw,
            )


def _ordinal(ctx: LoadContext, cols: dict[str, Column], header_line: int) -> tuple[Column | None, str | None]:
    """Which column numbers the GPUs: `index`, or a wrapper's `gpu` ordinal when `index` never varies."""
    index, gpu = cols.get("index"), cols.get("gpu")
    if index and gpu:
        row = ctx.con.execute(
            "SELECT count(DISTINCT trim(split_part(line, ',', $i))), count(DISTINCT trim(split_part(line, ',', $g))) "
            "FROM _tl_lines l ANTI JOIN _tl_rows r USING (line_no) WHERE l.line_no > $h AND l.line IS NOT NULL",
            {"i": index.position, "g": gpu.position, "h": header_line},
        ).fetchone()
        n_index, n_gpu = (int(row[0]), int(row[1])) if row else (0, 0)
        if n_index <= 1 < n_gpu:
            return gpu, "'index' is the same on every row while 'gpu' varies, so 'gpu' numbers the GPUs"
        return index, None
    return (index or gpu), None


def load_staged_lines(
    ctx: LoadContext,
    options: TelemetryOptions,
    *,
    header_line: int,
    header: list[str],
    format_id: str,
    notes: list[str],
) -> LoadCounts:
    """Read the CSV lines staged in _tl_lines (header at `header_line`) into series and samples."""
    name = ctx.source.name
    cols = parse_header(header)
    _check_units(name, cols)
    con = ctx.con
    first = header[0].strip().lstrip("\ufeff")
    con.execute(
        sql("telemetry/lines_classify"),
        {"header_line": header_line, "header_re": r"(?i)^\s*" + re.escape(first) + r"\s*(,|$)"},
    )
    changed = con.execute(
        "SELECT min(source_row) FROM _tl_rows WHERE skip_reason = 'header_changed'"
    ).fetchone()
    if changed and changed[0] is not None:
        raise IngestError(
            name,
            "the header changes here (other columns or units than the first header); one log must keep "
            "one header: split the file where it changes",
            row=int(changed[0]),
        )
    ordinal, ordinal_note = _ordinal(ctx, cols, header_line)
    if ordinal_note:
        notes.append(ordinal_note)

    def pos(field: str) -> int | None:
        col = cols.get(field)
        return col.position if col else None

    def label(field: str, fallback: str) -> str:
        col = cols.get(field)
        return col.raw if col else fallback

    con.execute(
        sql("telemetry/nvidia_smi_raw"),
        {
            "header_line": header_line,
            "ncols": len(header),
            "i_ts": pos("timestamp"),
            "i_host": pos("hostname"),
            "i_uuid": pos("uuid"),
            "i_ord": ordinal.position if ordinal else None,
            "i_bus": pos("pci.bus_id") or pos("pci.bus"),
            "i_name": pos("name"),
            "i_pw": pos("power.draw"),
            "i_pwa": pos("power.draw.average"),
            "i_pwi": pos("power.draw.instant"),
            "i_util": pos("utilization.gpu"),
            "i_mem": pos("memory.used"),
        },
    )
    c_ord = ordinal.raw if ordinal else "index"
    con.execute(sql("telemetry/nvidia_smi_devices"), {"opt_host": options.host, "c_ord": c_ord})
    con.execute(
        sql("telemetry/nvidia_smi_stage"),
        {
            "tz": options.timezone,
            "i_ts": pos("timestamp"),
            "c_ts": label("timestamp", "timestamp"),
            "c_pw": label("power.draw", "power.draw"),
            "c_pwa": label("power.draw.average", "power.draw.average"),
            "c_pwi": label("power.draw.instant", "power.draw.instant"),
            "c_util": label("utilization.gpu", "utilization.gpu"),
            "c_mem": label("memory.used", "memory.used"),
        },
    )
    con.execute(sql("telemetry/nvidia_smi_device_rows"))
    if "timestamp" not in cols:
        dup = con.execute(
            "SELECT d.device_key, min(s.source_row) FROM _tl_staged s JOIN _tl_devices d USING (device_no) "
            "GROUP BY d.device_key HAVING count(*) > 1 LIMIT 1"
        ).fetchone()
        if dup:
            raise IngestError(
                name,
                f"several readings of GPU {dup[0]} without time stamps: query the timestamp field too "
                "(--query-gpu=timestamp,...)",
                row=int(dup[1]),
            )
    mig = cols.get("mig.mode.current")
    if mig is not None:
        enabled = con.execute(
            "SELECT count(*) FROM _tl_raw r JOIN _tl_lines l ON l.line_no - $h = r.source_row "
            "WHERE r.skip_reason IS NULL AND trim(split_part(l.line, ',', $p)) = 'Enabled'",
            {"p": mig.position, "h": header_line},
        ).fetchone()
        if enabled and enabled[0]:
            notes.append("MIG mode enabled (power is per board; utilisation is not reported)")
    skipped: dict[str, int] = {}
    rows_read = 0
    for table in ("_tl_rows", "_tl_raw", "_tl_staged"):
        reasons = con.execute(f"SELECT skip_reason, count(*) FROM {table} GROUP BY skip_reason").fetchall()
        if table != "_tl_staged":
            rows_read += sum(int(n) for _, n in reasons)
        for reason, n in counts_by_reason(reasons).items():
            skipped[reason] = skipped.get(reason, 0) + n
    return store_staged(ctx, options, format_id=format_id, notes=notes, rows_read=rows_read, skipped=skipped)


class NvidiaSmiReader:
    format_id = "nvidia-smi"
    label = "nvidia-smi --query-gpu CSV"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        return score_header(header)

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        stage_lines(ctx)
        cols = parse_header(ctx.header)
        units = "units in the header and values" if any(c.unit for c in cols.values()) else "no units"
        notes = [f"nvidia-smi CSV, {len(ctx.header)} columns, {units}"]
        return load_staged_lines(
            ctx,
            options,
            header_line=ctx.header_skip + 1,
            header=ctx.header,
            format_id=self.format_id,
            notes=notes,
        )


register(NvidiaSmiReader())
