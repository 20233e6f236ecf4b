"""CodeCarbon `emissions.csv`, in every column layout CodeCarbon has released.

CodeCarbon appends one row per tracked run: its duration, energy (kWh: CPU, GPU, RAM and their sum
`energy_consumed`) and emissions. Columns were added over the versions (research/telemetry.md, section
1c); they are found by name, so every layout reads with one mapping. From 2.2.3 on the energies already
include CodeCarbon's `pue`: that is recorded (`pue_included`, `pue_in_source`) and the estimation step
must not apply a PUE a second time. Energies are exact decimals, so totals equal the file's own sums.
GPU energy in CodeCarbon's machine mode covers every visible GPU, not only the busy one.
"""

from __future__ import annotations

from footprint.sqlfiles import sql
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import options_from, stage_named_csv

# Name in _cc_raw -> CodeCarbon column.
FIELDS = {
    "ts_text": "timestamp",
    "duration": "duration",
    "energy_consumed": "energy_consumed",
    "cpu_energy": "cpu_energy",
    "gpu_energy": "gpu_energy",
    "ram_energy": "ram_energy",
    "emissions": "emissions",
    "cpu_power": "cpu_power",
    "gpu_power": "gpu_power",
    "ram_power": "ram_power",
    "gpu_count": "gpu_count",
    "gpu_model": "gpu_model",
    "project_name": "project_name",
    "run_id": "run_id",
    "experiment_id": "experiment_id",
    "task_name": "task_name",
    "codecarbon_version": "codecarbon_version",
    "country_name": "country_name",
    "country_iso_code": "country_iso_code",
    "region": "region",
    "cloud_provider": "cloud_provider",
    "cloud_region": "cloud_region",
    "on_cloud": "on_cloud",
    "tracking_mode": "tracking_mode",
    "pue": "pue",
}
_REQUIRED = {"timestamp", "duration", "emissions", "energy_consumed"}
_KNOWN = set(FIELDS.values()) | {
    "emissions_rate",
    "os",
    "python_version",
    "cpu_count",
    "cpu_model",
    "longitude",
    "latitude",
    "ram_total_size",
    "water_consumed",
    "wue",
    "cpu_utilization_percent",
    "gpu_utilization_percent",
    "ram_utilization_percent",
    "ram_used_gb",
}


def layout(header: list[str]) -> str:
    """The CodeCarbon release range whose column set the header has."""
    cols = [c.strip().lower() for c in header]
    s = set(cols)
    if "run_id" not in s:
        return "0.0.9-0.0.10" if cols and cols[0] == "experiment_id" else "1.0-1.2"
    if "cpu_utilization_percent" in s:
        return "3.2.1+"
    if "water_consumed" in s:
        return "3.0.8-3.1"
    if "experiment_id" in s:
        return "2.7-3.0.7"
    if "pue" in s:
        return "2.2.3-2.6"
    if "codecarbon_version" in s:
        return "2.2.0-2.2.2"
    return "2.0-2.1"


class CodeCarbonReader:
    format_id = "codecarbon"
    label = "CodeCarbon emissions.csv"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        cols = {c.strip().lower() for c in header}
        return 70 if _REQUIRED <= cols else 0

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        con = ctx.con
        cols = {c.strip().lower(): c for c in ctx.header}
        stage_named_csv(ctx, "_cc_raw", {field: (src,) for field, src in FIELDS.items()})
        blank = con.execute(
            "DELETE FROM _cc_raw WHERE ts_text IS NULL AND duration IS NULL AND energy_consumed IS NULL"
        ).fetchone()
        blank_rows = int(blank[0]) if blank else 0
        # CodeCarbon leaves energy_consumed empty when it could not measure the CPU; such a run has no
        # total, and its parts alone would be a different quantity: the row is skipped, and counted.
        unmeasured = con.execute("DELETE FROM _cc_raw WHERE fp_blank(energy_consumed) IS NULL").fetchone()
        unmeasured_rows = int(unmeasured[0]) if unmeasured else 0
        read = con.execute("SELECT count(*) FROM _cc_raw").fetchone()
        rows = int(read[0]) if read else 0
        the_layout = layout(ctx.header)
        p = options.params()
        con.execute(
            sql("telemetry/codecarbon_insert"),
            {
                "batch_id": ctx.batch_id,
                "layout": the_layout,
                "has_pue": "pue" in cols,
                "tz": options.timezone,
                **{
                    k: p[k]
                    for k in (
                        "opt_host",
                        "opt_team",
                        "opt_model",
                        "opt_workload",
                        "opt_job",
                        "opt_provider",
                        "opt_region",
                        "opt_country",
                    )
                },
            },
        )
        con.execute("DROP TABLE IF EXISTS _cc_raw")
        return LoadCounts(
            rows_read=rows + blank_rows + unmeasured_rows,
            rows_loaded=rows,
            skipped={
                k: v for k, v in (("blank_row", blank_rows), ("energy_consumed_blank", unmeasured_rows)) if v
            },
            detail=self._detail(ctx, the_layout, options.timezone, cols),
            warnings=self._warnings(ctx, "pue" in cols),
        )

    def _detail(self, ctx: LoadContext, the_layout: str, tz: str, cols: dict[str, str]) -> str:
        row = ctx.con.execute(
            "SELECT count(*), min(run_start), max(run_end), sum(energy_consumed_kwh), "
            "string_agg(DISTINCT codecarbon_version, ', ' ORDER BY codecarbon_version), "
            "string_agg(DISTINCT CAST(pue_in_source AS VARCHAR), ', ') FILTER (WHERE pue_included) "
            "FROM codecarbon_runs WHERE batch_id = ?",
            [ctx.batch_id],
        ).fetchone()
        assert row is not None
        runs, start, end, total, versions, pues = row
        extra = sorted(c for c in cols if c not in _KNOWN)
        text = f"CodeCarbon emissions.csv, layout {the_layout}" + (
            f" (version {versions})" if versions else ""
        )
        if extra:
            text += f", extra columns kept aside: {', '.join(extra)}"
        text += (
            f"; {runs} runs, {start:%Y-%m-%d %H:%M:%S} to {end:%Y-%m-%d %H:%M:%S} UTC, "
            f"energy_consumed {float(total):.6g} kWh"
        )
        text += f" (already includes CodeCarbon's PUE {pues})" if pues else " (no PUE applied by CodeCarbon)"
        return text + f"; host clock {tz}"

    def _warnings(self, ctx: LoadContext, has_pue: bool) -> list[str]:
        if has_pue:
            return []
        row = ctx.con.execute(
            "SELECT count(*) FROM codecarbon_runs WHERE batch_id = ? AND pue_included", [ctx.batch_id]
        ).fetchone()
        n = int(row[0]) if row else 0
        if not n:
            return []
        return [
            f"{n} runs are from CodeCarbon 2.2.3 or later but the file has no pue column: their energy is "
            "taken to include CodeCarbon's default PUE of 1.0"
        ]


register(CodeCarbonReader())
