"""`footprint ingest FILE...`: load billing and telemetry files, one line per file."""

from __future__ import annotations

import argparse

from footprint.pipeline import refresh
from footprint.store import connection
from footprint_cli.common import add_db_option, settings_from
from ingest import ingest_file


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ingest", help="load billing exports and telemetry files into the database")
    p.add_argument("files", nargs="+", metavar="FILE", help="CSV, CSV.GZ, Parquet, JSON or text export")
    p.add_argument("--format", dest="format_id", help="skip detection and read every file as this format")
    p.add_argument("--currency", help="invoice currency for FOCUS files without a BillingCurrency column")
    for flag in ("team", "model", "workload", "job", "host"):
        p.add_argument(f"--{flag}", help=f"attribute telemetry in these files to this {flag}")
    p.add_argument(
        "--timezone", help="IANA time zone of telemetry timestamps written without an offset (default UTC)"
    )
    p.add_argument("--provider", help="telemetry: cloud provider of the hosts (aws, gcp, azure) or onprem")
    p.add_argument("--region", help="telemetry: cloud region or site id, for PUE and grid factors")
    p.add_argument("--country", help="telemetry: ISO 3166 two-letter country of the hosts")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    options = {
        k: getattr(args, k)
        for k in ("currency", "team", "model", "workload", "job", "host", "timezone", "provider", "region", "country")
        if getattr(args, k, None)
    }
    options["max_gap_factor"] = settings.max_gap_factor
    failed = 0
    loaded = 0
    with connection(settings.db, wait_s=settings.lock_wait_s) as con:
        for path in args.files:
            result = ingest_file(con, path, format_id=args.format_id, options=options)
            print(result.line(), flush=True)
            failed += result.status == "error"
            loaded += result.status == "loaded"
        if loaded:
            refresh(con)
    return 1 if failed else 0
