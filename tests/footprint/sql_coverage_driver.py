"""Drive the product over real sample files and record which footprint/sql files its code loads and runs.

Run as `python sql_coverage_driver.py WORKDIR OUT.json` in a fresh interpreter; test_sql_files_exercised.py
does, and judges the records. Two are kept, because loading a file is not running it: the refresh pipeline
reads every refresh .sql file to hash its code (footprint.pipeline._code_signature), so a record of loads
alone would count those files as used whatever ran.

- loads: footprint.sqlfiles.sql is replaced, before any project module imports it, by a wrapper that notes
  each name (with its .sql suffix, as all_sql_files() gives it), the function that asked for it and the
  text it got (sql() caches, so that is the text the product ran even if the file changes meanwhile).
- runs: every DuckDB database the product opens keeps DuckDB's own query log (`enable_logging('QueryLog')`,
  written under WORKDIR/duckdb-logs/<step>/, one folder per database); the connections stay real DuckDB
  connections, and the product code is not touched.

The drive is what users do: build the demo (generated and real sample files, a full refresh), load
reference inputs (full refresh), the formats and variants the demo lacks from tests/fixtures and ../shared
(incremental refresh), broken files (each refused, or loaded with counted skips, as its reader promises),
remove a batch (incremental), load and reset attribution rules, then read the store through the functions
the dashboard, the CLI and the reports call, write every report format, and run the job calculator.
"""

from __future__ import annotations

import itertools
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
EXPORTS = REPO.parent / "shared" / "sample_exports"
TELEMETRY = REPO.parent / "shared" / "sample_telemetry"

LOADS: dict[str, set[str]] = {}  # .sql name -> functions that asked sql() for it
TEXTS: dict[str, str] = {}  # .sql name -> the text sql() gave (cached: the product ran this text)
PHASE = ["setup"]  # the drive's current step: a database opened in it logs to duckdb-logs/<step>/


def install(log_root: Path) -> None:
    """Wrap footprint.sqlfiles.sql and duckdb.connect; must run before any other project import."""
    import duckdb

    import footprint.sqlfiles as sqlfiles

    early = [m for m in sys.modules if m.split(".")[0] in {"ingest", "footprint_cli", "dashboard"}]
    early += [m for m in sys.modules if m.startswith("footprint.") and m != "footprint.sqlfiles"]
    if early:
        raise RuntimeError(f"install() must run before the project's modules are imported: {sorted(early)}")
    original_sql = sqlfiles.sql

    def recording_sql(name: str) -> str:
        caller = sys._getframe(1)
        key = name if name.endswith(".sql") else name + ".sql"
        LOADS.setdefault(key, set()).add(f"{caller.f_globals.get('__name__')}.{caller.f_code.co_name}")
        return TEXTS.setdefault(key, original_sql(name))

    sqlfiles.sql = recording_sql  # type: ignore[assignment]
    real_connect = duckdb.connect
    numbers = itertools.count()

    def logging_connect(*args: Any, **kwargs: Any) -> duckdb.DuckDBPyConnection:
        con = real_connect(*args, **kwargs)
        # A second connection to a database already open shares its instance, which keeps its first folder.
        folder = log_root / PHASE[0] / f"{next(numbers):05d}"
        con.execute("CALL enable_logging('QueryLog', storage = 'file', storage_path = ?)", [str(folder)])
        return con

    duckdb.connect = logging_connect


# --- the drive ---------------------------------------------------------------------------------------------

PUE = "provider,region_id,year,pue,source\naws,us-east-1,2026,1.14,site audit\nonprem,onprem-fra-1,,1.38,meter\n"
HOURLY = "zone,hour_start,intensity_g_per_kwh,basis,source\n" + "".join(
    f"SRVC,2026-09-02T{h:02d}:00:00Z,{300 + h},direct,utility\n" for h in range(24)
)
BAD_PUE = "provider,region_id,year,pue,source\naws,us-east-1,2026,-3,site audit\n"

# (file, ingest options): formats and variants the demo does not hold, each a real or fixture file.
EXTRA: list[tuple[Path, dict[str, str]]] = [
    (FIXTURES / "aws" / "cur2_gpu.parquet", {}),
    (FIXTURES / "aws" / "cur_legacy_athena.parquet", {}),
    (FIXTURES / "aws" / "cur_legacy_gpu.csv", {}),
    (FIXTURES / "gcp" / "gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9.jsonl", {}),
    (FIXTURES / "gcp" / "gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9.csv", {}),
    (FIXTURES / "gcp" / "gcp_console_cost_table_2024-05.csv", {}),
    (EXPORTS / "gcp" / "legacy-json-file-export" / "google-platform-demo-2014-01-15.json", {}),
    (FIXTURES / "azure" / "mca_gpu_actual.csv", {}),
    (FIXTURES / "azure" / "ea_gpu_amortized.csv", {}),
    (EXPORTS / "azure" / "opencost-headersets" / "PayAsYouGo.csv", {}),
    (
        EXPORTS / "focus" / "spec-examples-v1.2" / "commitment_discount_usage_scenario_1.csv",
        {"currency": "USD"},
    ),
    (FIXTURES / "attribution" / "aws_focus_sagemaker_bedrock.csv", {}),
    (FIXTURES / "telemetry" / "billing" / "focus_p4d_hours.csv", {}),
    (
        FIXTURES / "telemetry" / "nvidia_smi" / "p4d_i-0f1e2d3c4b5a69788_l30.csv",
        {"host": "i-0f1e2d3c4b5a69788"},
    ),
    (
        TELEMETRY / "nvidia_smi" / "captures" / "linux-x86_64__nvidia-h200__590.48.01.txt",
        {"host": "h200-capture"},
    ),
    (
        TELEMETRY / "prometheus_nvidia_gpu_exporter" / "linux-x86_64__nvidia-h200__590.48.01__load.metrics",
        {"host": "h200-exporter"},
    ),
    (TELEMETRY / "dcgm" / "datadog_integrations-core__dcgm_fixture_metrics.txt", {"host": "dcgm-fixture"}),
    (FIXTURES / "telemetry" / "dcgm" / "dgx-a-01_scrapes_reset_gap_mig.txt", {}),
    (FIXTURES / "telemetry" / "dcgm" / "gke-serve-pool-3_query_range_power.json", {"provider": "gcp"}),
    (FIXTURES / "telemetry" / "codecarbon" / "emissions_1.0-1.2.csv", {}),
    (FIXTURES / "telemetry" / "mapping" / "gpu_mapping.csv", {}),
    (FIXTURES / "telemetry" / "requests" / "inference_requests.csv", {}),
]
# Broken files and what their readers promise: refused whole ('error'), or loaded with counted skips.
_BAD_TELEMETRY = FIXTURES / "telemetry" / "bad"
BAD: list[tuple[Path, str]] = [
    *(
        (_BAD_TELEMETRY / f"nvidia_smi_{n}.csv", "error")
        for n in ("units_change", "header_changes", "bad_value")
    ),
    (_BAD_TELEMETRY / "nvidia_smi_negative_power.csv", "error"),
    (_BAD_TELEMETRY / "nvidia_smi_garbled.csv", "loaded"),
    (_BAD_TELEMETRY / "nvidia_smi_clock_backwards.csv", "loaded"),
    (_BAD_TELEMETRY / "dcgm_mixed_timestamps.txt", "error"),
    (_BAD_TELEMETRY / "dcgm_two_scrapes_no_ts.txt", "error"),
    (_BAD_TELEMETRY / "prometheus_no_name.json", "error"),
    (_BAD_TELEMETRY / "codecarbon_bad_energy.csv", "error"),
    *((FIXTURES / "gcp" / f"broken_{n}", "error") for n in ("missing_cost.csv", "bad_timestamp.csv")),
    *((FIXTURES / "gcp" / f"broken_{n}", "error") for n in ("bad_timestamp.jsonl", "bad_credits.csv")),
    (FIXTURES / "gcp" / "broken_console_no_cost.csv", "error"),
]


class DriveError(RuntimeError):
    """The drive did not go as a user's would (a good file refused, a broken one accepted)."""


class Drive:
    """One store under `work`, driven step by step; `outcome` says what each step did and how long it took."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.db = work / "footprint.duckdb"
        self.outcome: dict[str, Any] = {"refreshes": [], "ingested": [], "seconds": {}}

    def run(self) -> dict[str, Any]:
        for step in (self.demo, self.load_more, self.remove_and_rules, self.read_everything, self.calculator):
            started = time.monotonic()
            PHASE[0] = step.__name__
            step()
            self.outcome["seconds"][step.__name__] = round(time.monotonic() - started, 1)
        return self.outcome

    def _refreshed(self, con: Any, step: str) -> None:
        from footprint.pipeline import last_refresh

        last = last_refresh(con) or {}
        self.outcome["refreshes"].append(
            {"step": step, "mode": last.get("mode"), "reason": last.get("reason")}
        )

    def _load(self, con: Any, path: Path, options: dict[str, str], expect: str) -> int | None:
        from ingest import ingest_file

        result = ingest_file(con, path, name=path.name, options=options)
        self.outcome["ingested"].append({"file": path.name, "status": result.status, "error": result.error})
        if result.status != expect:
            raise DriveError(f"{path}: expected {expect}, got {result.status} ({result.error})")
        return result.batch_id

    def demo(self) -> None:
        """`footprint demo --with-real`: every sample file, one full refresh."""
        from footprint.store import connection
        from footprint_cli.cmd_demo import build_demo

        built = build_demo(self.db, with_real=True, echo=lambda line: None)
        if built.errors:
            raise DriveError(
                f"the demo refused files: {[r.line() for r in built.results if r.status == 'error']}"
            )
        with connection(self.db, read_only=True) as con:
            self._refreshed(con, "demo")

    def load_more(self) -> None:
        """Reference inputs (a full refresh), then the other formats (incremental), then broken files."""
        from footprint.pipeline import refresh
        from footprint.store import connection

        with connection(self.db) as con:
            for name, text in (
                ("pue_overrides.csv", PUE),
                ("hourly_factors.csv", HOURLY),
                ("bad_pue.csv", BAD_PUE),
            ):
                (self.work / name).write_text(text, encoding="utf-8")
            for name in ("pue_overrides.csv", "hourly_factors.csv"):
                self._load(con, self.work / name, {}, "loaded")
            refresh(con)
            self._refreshed(con, "reference inputs")
            self.outcome["extra_batches"] = [
                self._load(con, path, options, "loaded") for path, options in EXTRA
            ]
            refresh(con)
            self._refreshed(con, "billing and telemetry")
            for path, expect in [*BAD, (self.work / "bad_pue.csv", "error")]:
                self._load(con, path, {}, expect)

    def remove_and_rules(self) -> None:
        """`footprint batches --remove` (incremental), `footprint rules load` and `rules reset` (full)."""
        from footprint.attribution import load_rules, reset_rules
        from footprint.pipeline import refresh
        from footprint.store import connection
        from ingest.loader import remove_batch

        with connection(self.db) as con:
            remove_batch(con, self.outcome["extra_batches"][0])
            refresh(con)
            self._refreshed(con, "batch removed")
            load_rules(
                con, (FIXTURES / "attribution" / "rules_merge_fine_tune.toml").read_bytes(), "rules.toml"
            )
            self._refreshed(con, "rules loaded")
            reset_rules(con)
            self._refreshed(con, "rules reset")

    def read_everything(self) -> None:
        """What the dashboard pages, `footprint summary`/`models` and the reports read, for three scopes."""
        from datetime import date

        from footprint import aggregates, ledger
        from footprint.attribution import queries as attribution
        from footprint.estimation.provenance import explain
        from footprint.queries import DIMENSIONS, Filters, summary
        from footprint.report import FORMATS, Period, Scope, export
        from footprint.store import connection
        from footprint.telemetry import queries as telemetry
        from footprint.telemetry import reconcile

        provenance = (
            aggregates.pue_used,
            aggregates.location_factors,
            aggregates.market_methods,
            aggregates.instruments_applied,
            aggregates.method_shares,
            aggregates.unmodelled_usage,
            aggregates.unattributed_spend,
            aggregates.telemetry_devices,
            aggregates.telemetry_power,
            aggregates.reconciliation,
            aggregates.measured_sources,
            aggregates.codecarbon_runs,
            attribution.coverage,
            attribution.unattributed,
        )
        scopes = (
            Filters(),
            Filters(since=date(2026, 9, 1), until=date(2026, 9, 30)),
            Filters(team=["research"]),
        )
        with connection(self.db, read_only=True) as con:
            aggregates.filter_options(con)
            aggregates.batches(con)
            for f in scopes:
                summary(con, f, ["team", "model"])
                aggregates.kpis(con, f)
                for grain in aggregates.GRAINS:
                    aggregates.totals(con, f, ["provider"], grain)
                    aggregates.costs(con, f, ["team"], grain)
                aggregates.top_resources(con, f)
                aggregates.month_on_month(con, f, "team", "energy_kwh")
                for query in provenance:
                    query(con, f)
                explain(con, f, limit=50)
                lf = ledger.LedgerFilters.from_filters(f)
                ledger.models(con, lf)
                ledger.model_costs(con, lf)
                for grain in ledger.GRAINS:
                    ledger.model_periods(con, lf, grain)
            summary(con, Filters(provider=["aws"]), list(DIMENSIONS))
            telemetry.measured_energy(con, ["host"])
            for group in ("resource", "model"):
                reconcile.reconciliation(con, group)
            reconcile.reconciliation_summary(con)
            for period, scope in (
                (Period.parse("2026-Q3"), Scope()),
                (Period.parse("2026-09"), Scope(teams=("research",))),
            ):
                for fmt in FORMATS:
                    _, data = export(con, period, scope, fmt, organisation="Juniper Labs")
                    if not data:
                        raise DriveError(f"the {fmt} report for {period} came out empty")

    def calculator(self) -> None:
        """`footprint estimate`: one job from device-hours, in a private in-memory store."""
        from footprint.estimation.calculator import Job, estimate_job
        from footprint.store import open_db

        con = open_db(":memory:")
        try:
            estimate_job(con, Job(accelerator="H100-80GB", count=8, hours=72, region="aws:us-east-1"))
        finally:
            con.close()


def main(argv: list[str]) -> int:
    work, out = Path(argv[0]), Path(argv[1])
    install(work / "duckdb-logs")
    import gc

    outcome = Drive(work).run()
    gc.collect()  # a database writes the rest of its log when its last connection is gone
    result = {
        "loads": {name: sorted(callers) for name, callers in sorted(LOADS.items())},
        "texts": TEXTS,
        "logs": str(work / "duckdb-logs"),
        **outcome,
    }
    out.write_text(json.dumps(result, indent=1, sort_keys=True), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
