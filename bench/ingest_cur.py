"""Ingest speed on a large legacy AWS CUR, next to DuckDB loading the same file by itself.

    python bench/ingest_cur.py [--rows 2000000] [--scaling] [--repeat 1] [--cli] [--workdir bench/out/cur]

Writes an N-row legacy CUR CSV (slash headers, the columns a real EC2/SageMaker/S3 report carries, about
360 bytes a row) with one DuckDB COPY, then in the same run measures, each in a fresh process:
  * the ingest `footprint ingest FILE` performs: open the store, hash, detect, validate, map, derive and
    insert the file as one batch (ingest.ingest_file);
  * DuckDB's own `CREATE TABLE t AS SELECT * FROM read_csv(FILE)` into a new file database;
  * with --cli, the whole `footprint ingest FILE --db NEW.duckdb`, which also refreshes every derived
    table (attribution, estimation, ledger, aggregates) after loading.
Each gets wall time, CPU time and peak RSS. With --scaling it repeats at 2N rows and reports the 2N/N
ratio. Targets (issue 2): ingest at most 2x DuckDB's load, peak RSS under 1.5 GB, 2N rows at most 2.2x N.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

HERE = Path(__file__).resolve().parent
FOOTPRINT = Path(sys.executable).with_name("footprint")

# (usage type, product code, operation, unit, usage amount, rate, instance, vcpu, memory, gpu, product
#  name, line item type); one template per row, cycling, so every size of file has the same mix.
TEMPLATES = [
    ("BoxUsage:m5.xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 0.192, "m5.xlarge", 4, "16 GiB", "", "Amazon Elastic Compute Cloud", "Usage"),
    ("BoxUsage:c5.2xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 0.34, "c5.2xlarge", 8, "16 GiB", "", "Amazon Elastic Compute Cloud", "Usage"),
    ("BoxUsage:g5.2xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 1.212, "g5.2xlarge", 8, "32 GiB", "1", "Amazon Elastic Compute Cloud", "Usage"),
    ("BoxUsage:p4d.24xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 32.7726, "p4d.24xlarge", 96, "1152 GiB", "8", "Amazon Elastic Compute Cloud", "Usage"),
    ("BoxUsage:p5.48xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 98.32, "p5.48xlarge", 192, "2048 GiB", "8", "Amazon Elastic Compute Cloud", "Usage"),
    ("SpotUsage:g5.xlarge", "AmazonEC2", "RunInstances:SV001", "Hrs", 1, 0.4, "g5.xlarge", 4, "16 GiB", "1", "Amazon Elastic Compute Cloud", "Usage"),
    ("EBS:VolumeUsage.gp3", "AmazonEC2", "CreateVolume-Gp3", "GB-Mo", 0.672, 0.08, "", "", "", "", "Amazon Elastic Compute Cloud", "Usage"),
    ("EBSOptimized:m4.xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 0.05, "m4.xlarge", 4, "16 GiB", "", "Amazon Elastic Compute Cloud", "Usage"),
    ("DataTransfer-Out-Bytes", "AWSDataTransfer", "RunInstances", "GB", 3.217, 0.09, "", "", "", "", "AWS Data Transfer", "Usage"),
    ("Requests-Tier1", "AmazonS3", "PutObject", "Requests", 1200, 0.000005, "", "", "", "", "Amazon Simple Storage Service", "Usage"),
    ("TimedStorage-ByteHrs", "AmazonS3", "StandardStorage", "GB-Mo", 17.3, 0.023, "", "", "", "", "Amazon Simple Storage Service", "Usage"),
    ("Train:ml.g5.12xlarge", "AmazonSageMaker", "RunInstance", "Hrs", 1, 7.09, "ml.g5.12xlarge", 48, "192 GiB", "4", "Amazon SageMaker", "Usage"),
    ("Host:ml.g5.xlarge", "AmazonSageMaker", "RunInstance", "Hrs", 1, 1.408, "ml.g5.xlarge", 4, "16 GiB", "1", "Amazon SageMaker", "Usage"),
    ("Lambda-GB-Second", "AWSLambda", "Invoke", "Lambda-GB-Second", 512.5, 0.0000166667, "", "", "", "", "AWS Lambda", "Usage"),
    ("BoxUsage:g5.xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, 1.006, "g5.xlarge", 4, "16 GiB", "1", "Amazon Elastic Compute Cloud", "SavingsPlanCoveredUsage"),
    ("BoxUsage:g5.xlarge", "AmazonEC2", "RunInstances", "Hrs", 1, -1.006, "", "", "", "", "Amazon Elastic Compute Cloud", "SavingsPlanNegation"),
    ("BoxUsage:r5.large", "AmazonEC2", "RunInstances", "Hrs", 1, 0.0, "r5.large", 2, "16 GiB", "", "Amazon Elastic Compute Cloud", "DiscountedUsage"),
    ("CW:Requests", "AmazonCloudWatch", "GetMetricData", "Metrics", 1000, 0.00001, "", "", "", "", "AmazonCloudWatch", "Usage"),
    ("USE1-Claude3.5Sonnet-input-tokens", "AmazonBedrock", "InvokeModelInference", "1K tokens", 250, 0.003, "", "", "", "", "Amazon Bedrock", "Usage"),
    ("", "AmazonEC2", "", "", 1, 0.0125, "", "", "", "", "Amazon Elastic Compute Cloud", "Tax"),
]

GENERATE_SQL = """
COPY (
    SELECT
        lpad(to_hex(hash(i)), 16, '0') || lpad(to_hex(hash(i + 7)), 16, '0') AS "identity/LineItemId",
        'Amazon Web Services, Inc.' AS "bill/InvoicingEntity",
        '111111111111' AS "bill/PayerAccountId",
        '2025-03-01T00:00:00.000Z' AS "bill/BillingPeriodStartDate",
        CAST(222222222222 + (i % 7) AS VARCHAR) AS "lineItem/UsageAccountId",
        t.lt AS "lineItem/LineItemType",
        strftime(s, '%Y-%m-%dT%H:%M:%S.000Z') AS "lineItem/UsageStartDate",
        strftime(s + INTERVAL 1 HOUR, '%Y-%m-%dT%H:%M:%S.000Z') AS "lineItem/UsageEndDate",
        t.code AS "lineItem/ProductCode",
        CASE WHEN t.ut = '' THEN '' ELSE r.prefix || t.ut END AS "lineItem/UsageType",
        t.op AS "lineItem/Operation",
        CASE WHEN t.instance <> '' THEN r.region || 'a' ELSE '' END AS "lineItem/AvailabilityZone",
        CASE WHEN t.instance <> '' THEN 'i-0' || lpad(to_hex(i % 5000), 16, '0') ELSE '' END AS "lineItem/ResourceId",
        CAST(t.amount AS VARCHAR) AS "lineItem/UsageAmount",
        'USD' AS "lineItem/CurrencyCode",
        CAST(round(t.amount * t.rate * (1 + (i % 13) / 100.0), 10) AS VARCHAR) AS "lineItem/UnblendedCost",
        CAST(t.rate AS VARCHAR) AS "lineItem/UnblendedRate",
        t.product_name AS "product/ProductName",
        t.instance AS "product/instanceType",
        t.memory AS "product/memory",
        r.region AS "product/regionCode",
        CAST(t.vcpu AS VARCHAR) AS "product/vcpu",
        t.gpu AS "product/gpu",
        CASE WHEN t.lt = 'Tax' THEN '' ELSE 'OnDemand' END AS "pricing/term",
        t.unit AS "pricing/unit",
        CASE WHEN t.lt = 'DiscountedUsage' THEN CAST(round(t.amount * 0.12, 10) AS VARCHAR) ELSE '' END
            AS "reservation/EffectiveCost",
        CASE WHEN t.lt LIKE 'SavingsPlan%' THEN
            'arn:aws:savingsplans::111111111111:savingsplan/0a1b2c3d-1111-2222-3333-444455556666' ELSE '' END
            AS "savingsPlan/SavingsPlanARN",
        CASE WHEN t.lt = 'SavingsPlanCoveredUsage' THEN '0.7042' ELSE '' END AS "savingsPlan/SavingsPlanEffectiveCost",
        CASE WHEN i % 3 = 0 THEN 'research' WHEN i % 3 = 1 THEN 'platform' ELSE '' END AS "resourceTags/user:team",
        CASE WHEN i % 5 = 0 THEN 'llama-ft' ELSE '' END AS "resourceTags/user:model"
    FROM (
        SELECT i, TIMESTAMP '2025-03-01' + to_hours(i // 2700) AS s,
               $templates[i % $n_templates + 1] AS t, $regions[i % 4 + 1] AS r
        FROM range($rows) g(i)
    )
) TO '$path' (HEADER, DELIMITER ',')
"""


REGIONS = [
    ("us-east-1", "USE1-", "US East (N. Virginia)"),
    ("us-west-2", "USW2-", "US West (Oregon)"),
    ("eu-west-1", "EU-", "EU (Ireland)"),
    ("eu-central-1", "EUC1-", "EU (Frankfurt)"),
]
_TEMPLATE_FIELDS = ("ut", "code", "op", "unit", "amount", "rate", "instance", "vcpu", "memory", "gpu",
                    "product_name", "lt")


def _sql_value(value: object) -> str:
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return "'" + str(value).replace("'", "''") + "'"


def _struct_list(rows: list[tuple], fields: tuple[str, ...], text_fields: set[str]) -> str:
    """A list literal of structs: the generator indexes it by row number, so no join reorders rows."""
    items = []
    for row in rows:
        parts = [f"{f}: {_sql_value(str(v) if f in text_fields else v)}" for f, v in zip(fields, row, strict=True)]
        items.append("{" + ", ".join(parts) + "}")
    return "[" + ", ".join(items) + "]"


def generate(path: Path, rows: int) -> float:
    """Write the N-row CUR with one DuckDB COPY, rows in order; returns seconds taken."""
    started = time.monotonic()
    templates = _struct_list(TEMPLATES, _TEMPLATE_FIELDS, {"vcpu"})
    regions = _struct_list(REGIONS, ("region", "prefix", "location"), set())
    query = (
        GENERATE_SQL.replace("$templates", templates)
        .replace("$regions", regions)
        .replace("$rows", str(int(rows)))
        .replace("$n_templates", str(len(TEMPLATES)))
        .replace("$path", path.as_posix().replace("'", "''"))
    )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(query)
    con.close()
    return time.monotonic() - started


def measure(command: list[str]) -> dict[str, object]:
    """Run a command in a fresh process: wall seconds, CPU seconds (user + system, all its threads) and
    peak RSS, all of that process alone (wait4). CPU time is reported because wall time on a shared
    machine depends on what else runs; the ratio of CPU times is the load-independent comparison."""
    started = time.monotonic()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - started
    if status != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{output}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "output": output.strip(),
    }


DUCKDB_LOAD = (
    "import duckdb, sys; con = duckdb.connect(sys.argv[1]); "
    "con.execute('CREATE TABLE t AS SELECT * FROM read_csv(?)', [sys.argv[2]]); "
    "print(con.execute('SELECT count(*) FROM t').fetchone()[0]); con.close()"
)


# What `footprint ingest` runs for one file before the refresh of the derived tables: open the store,
# load the file as one batch (ingest.ingest_file), close.
INGEST_ONLY = (
    "import sys; from footprint.store import connection; from ingest import ingest_file\n"
    "with connection(sys.argv[1]) as con:\n"
    "    r = ingest_file(con, sys.argv[2]); print(r.line()); sys.exit(r.status != 'loaded')"
)


def run_once(workdir: Path, csv_path: Path, tag: str, cli: bool) -> dict[str, dict[str, object]]:
    out = {}
    commands = [
        ("duckdb_ctas", [sys.executable, "-c", DUCKDB_LOAD, str(workdir / f"ctas-{tag}.duckdb"), str(csv_path)]),
        ("ingest", [sys.executable, "-c", INGEST_ONLY, str(workdir / f"in-{tag}.duckdb"), str(csv_path)]),
    ]
    if cli:
        commands.append(
            ("footprint_ingest", [str(FOOTPRINT), "ingest", str(csv_path), "--db", str(workdir / f"fp-{tag}.duckdb")])
        )
    for name, command in commands:
        for stale in workdir.glob(f"*-{tag}.duckdb*"):
            stale.unlink()
        out[name] = measure(command)
    for stale in workdir.glob(f"*-{tag}.duckdb*"):
        stale.unlink()
    return out


def bench(workdir: Path, rows: int, repeat: int, cli: bool) -> dict[str, object]:
    csv_path = workdir / f"cur-{rows}.csv"
    started = time.monotonic()
    # In a process of its own: a child's peak RSS starts from its parent's, so this process stays small.
    subprocess.run([sys.executable, __file__, "--write", str(csv_path), "--rows", str(rows)], check=True)
    gen_s = time.monotonic() - started
    size_mb = csv_path.stat().st_size / 1e6
    with open(csv_path, "rb") as f:  # every contender starts from a warm page cache
        while f.read(1 << 24):
            pass
    runs = [run_once(workdir, csv_path, f"{rows}-{k}", cli) for k in range(repeat)]
    result: dict[str, object] = {"rows": rows, "file_mb": round(size_mb, 1), "generate_s": round(gen_s, 1)}
    for name in runs[0]:
        for metric in ("wall_s", "cpu_s"):
            result[f"{name}_{metric}"] = statistics.median(float(r[name][metric]) for r in runs)  # type: ignore[arg-type]
        result[f"{name}_peak_rss_mb"] = max(float(r[name]["peak_rss_mb"]) for r in runs)  # type: ignore[arg-type]
    result["ingest_line"] = str(runs[-1]["ingest"]["output"]).splitlines()[-1]
    for metric in ("wall_s", "cpu_s"):
        result[f"ratio_{metric}"] = round(float(result[f"ingest_{metric}"]) / float(result[f"duckdb_ctas_{metric}"]), 2)
    csv_path.unlink()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--scaling", action="store_true", help="also run at 2x rows and report the time ratio")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (median times are reported)")
    parser.add_argument(
        "--cli", action="store_true",
        help="also time the whole `footprint ingest` command, which refreshes every derived table after loading",
    )
    parser.add_argument("--workdir", type=Path, default=HERE / "out" / "cur")
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)  # only write the N-row file there
    args = parser.parse_args()
    if args.write:
        generate(args.write, args.rows)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    results = [bench(args.workdir, args.rows, args.repeat, args.cli)]
    if args.scaling:
        results.append(bench(args.workdir, 2 * args.rows, args.repeat, args.cli))
    for r in results:
        print(json.dumps(r))
    for r in results:
        print(
            f"\n{r['rows']:,} rows ({r['file_mb']} MB): ingest {r['ingest_wall_s']} s wall / {r['ingest_cpu_s']} s CPU, "
            f"peak RSS {r['ingest_peak_rss_mb']} MB (target < 1500); DuckDB CTAS {r['duckdb_ctas_wall_s']} s wall / "
            f"{r['duckdb_ctas_cpu_s']} s CPU, peak RSS {r['duckdb_ctas_peak_rss_mb']} MB; ratio {r['ratio_wall_s']} wall, "
            f"{r['ratio_cpu_s']} CPU (target <= 2)"
        )
        if "footprint_ingest_wall_s" in r:
            print(
                f"  footprint ingest (with refresh): {r['footprint_ingest_wall_s']} s wall / "
                f"{r['footprint_ingest_cpu_s']} s CPU, peak RSS {r['footprint_ingest_peak_rss_mb']} MB"
            )
    if len(results) == 2:
        a, b = results
        print(
            f"\n{b['rows']:,} / {a['rows']:,} rows: ingest {round(float(b['ingest_wall_s']) / float(a['ingest_wall_s']), 2)}x wall, "
            f"{round(float(b['ingest_cpu_s']) / float(a['ingest_cpu_s']), 2)}x CPU (target <= 2.2)"
        )


if __name__ == "__main__":
    main()
