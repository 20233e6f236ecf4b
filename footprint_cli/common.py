"""Options shared by several subcommands (database path, filters)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from footprint.queries import DIMENSIONS, Filters
from footprint.settings import Settings, get_settings


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--db", type=Path, default=None, help="DuckDB database file (default: $FOOTPRINT_DB or data/footprint.duckdb)"
    )


def settings_from(args: argparse.Namespace) -> Settings:
    return get_settings(db=getattr(args, "db", None))


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use YYYY-MM-DD)") from exc


def add_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", type=parse_date, help="first day included (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", type=parse_date, help="last day included (YYYY-MM-DD, UTC)")
    for name in ("provider", "team", "model", "workload", "region", "service"):
        parser.add_argument(f"--{name}", action="append", default=[], metavar=name.upper(), help=f"only this {name} (repeatable)")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters(
        since=args.since,
        until=args.until,
        provider=args.provider,
        team=args.team,
        model=args.model,
        workload=args.workload,
        region=args.region,
        service=args.service,
    )


def add_by_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--by", action="append", default=[], choices=sorted(DIMENSIONS), metavar="DIM",
        help=f"group by a dimension (repeatable): {', '.join(DIMENSIONS)}",
    )
