"""`footprint batches`: list loaded files, and remove one (e.g. before loading a restated export)."""

from __future__ import annotations

import argparse

from footprint.pipeline import refresh
from footprint.store import connection
from footprint_cli.common import add_db_option, settings_from
from footprint_cli.main import CliError
from ingest import IngestError
from ingest.loader import remove_batch


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("batches", help="list loaded files, or remove one with --remove ID")
    p.add_argument("--remove", type=int, metavar="ID", help="delete this batch and every row it loaded")
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with connection(settings.db, read_only=args.remove is None, wait_s=settings.lock_wait_s) as con:
        if args.remove is not None:
            try:
                name = remove_batch(con, args.remove)
            except IngestError as exc:
                raise CliError(str(exc)) from exc
            refresh(con)
            print(f"removed batch {args.remove} ({name})")
            return 0
        rows = con.execute(
            "SELECT batch_id, detected_format, rows_loaded, rows_skipped, ingested_at, file_name "
            "FROM ingest_batches ORDER BY batch_id"
        ).fetchall()
    print(f"{'id':>4}  {'format':18s} {'loaded':>10} {'skipped':>8}  {'ingested (UTC)':19s}  file")
    for r in rows:
        print(f"{r[0]:>4}  {r[1]:18s} {r[2]:>10,} {r[3]:>8,}  {r[4]:%Y-%m-%d %H:%M:%S}  {r[5]}")
    return 0
