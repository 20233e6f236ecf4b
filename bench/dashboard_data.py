"""Builds the dashboard benchmark database: N synthetic billing rows generated in DuckDB, then the refresh.

    python bench/dashboard_data.py [--rows 10000000] [--resources 1200] [--add-rows 864000]
                                   [--db bench/out/dashboard.duckdb]

After the full refresh, --add-rows more rows arrive as a second batch, the next month's bill of the same
resources (864,000 rows: 30 days of 1,200 resources billed hourly), and the refresh that follows is timed
as well: the pipeline chooses an incremental refresh for it, as it does after a user's new upload.

The rows go straight into billing_line_items with SQL (bench/dashboard_rows.sql), as one batch, because
the benchmark measures the pages, not the readers. Prints how long generation and each refresh step took.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from footprint.pipeline import last_refresh, refresh
from footprint.store import connection

HERE = Path(__file__).resolve().parent
DEFAULT_DB = HERE / "out" / "dashboard.duckdb"


def _insert_batch(con: duckdb.DuckDBPyConnection, batch_id: int, rows: int, resources: int, first_hour: int) -> None:
    """One synthetic bill of `rows` rows as batch `batch_id`, its first charge hour `first_hour`."""
    con.execute(
        "INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, skipped_reasons, options, ingested_at) "
        "VALUES (?, 'synthetic benchmark bill', ?, 0, 'billing', 'bench', ?, ?, 0, '{}', '{}', ?)",
        [batch_id, f"bench-{batch_id}-{rows}-{resources}", rows, rows, datetime.now(UTC).replace(tzinfo=None)],
    )
    params = {"batch_id": batch_id, "n_rows": rows, "n_resources": resources, "first_hour": first_hour}
    script = (HERE / "dashboard_rows.sql").read_text(encoding="utf-8")
    for statement in (s.strip() for s in script.split(";\n")):
        body = "\n".join(line for line in statement.splitlines() if not line.lstrip().startswith("--"))
        if body.strip():
            used = {k: v for k, v in params.items() if f"${k}" in body}
            con.execute(body, used)


def build(db: Path, rows: int, resources: int, memory_limit: str = "6GB", add_rows: int = 0) -> dict[str, Any]:
    """Create `db` afresh with `rows` billing rows and refresh it, then add `add_rows` rows as a second
    batch and refresh again; returns seconds per phase and the mode of the second refresh."""
    for stale in (db, Path(str(db) + ".wal")):
        stale.unlink(missing_ok=True)
    timings: dict[str, Any] = {}
    with connection(db) as con:
        # a good neighbour on a shared machine: DuckDB spills to disk rather than taking 80 % of memory
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{db.parent / 'tmp'}'")
        started = time.monotonic()
        _insert_batch(con, 1, rows, resources, first_hour=0)
        timings["generate_s"] = time.monotonic() - started
        started = time.monotonic()
        steps = refresh(con)
        timings["refresh_s"] = time.monotonic() - started
        timings.update({f"refresh_{k}_s": v for k, v in steps.items()})
        if add_rows:
            _insert_batch(con, 2, add_rows, resources, first_hour=-(-rows // resources))
            started = time.monotonic()
            steps = refresh(con)
            timings["added_rows"] = add_rows
            timings["second_refresh_s"] = time.monotonic() - started
            timings["second_refresh_mode"] = (last_refresh(con) or {}).get("mode")
            timings.update({f"second_refresh_{k}_s": v for k, v in steps.items()})
        timings["billing_rows"] = con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0]
        for table in ("agg_footprint_day", "agg_resource_day"):
            timings[f"{table}_rows"] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con_size = db.stat().st_size
    timings["db_size_mb"] = round(con_size / 1e6, 1)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--resources", type=int, default=1200)
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--add-rows", type=int, default=864_000, help="rows of the second batch (0: none)")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB memory_limit while building")
    args = parser.parse_args()
    print(json.dumps(build(args.db, args.rows, args.resources, args.memory_limit, args.add_rows), indent=2))


if __name__ == "__main__":
    main()
