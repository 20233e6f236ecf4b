"""`footprint summary`: totals and groups for a period and scope, as JSON or a short table."""

from __future__ import annotations

import argparse
import json

from footprint.queries import summary
from footprint.store import connection
from footprint_cli.common import add_by_option, add_db_option, add_filter_options, filters_from, settings_from


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("summary", help="totals (energy, emissions, cost) for a period and scope")
    add_by_option(p)
    add_filter_options(p)
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    with connection(settings.db, read_only=True, wait_s=settings.lock_wait_s) as con:
        result = summary(con, filters_from(args), args.by)
    if args.json:
        print(json.dumps(result, indent=2, sort_keys=False, default=str))
        return 0
    print(_text(result))
    return 0


def _text(result: dict) -> str:
    lines = []
    skip = {"filters", "by", "groups", "cost"}
    for key, value in result.items():
        if key in skip:
            continue
        lines.append(f"{key:32s} {value:,.6g}" if isinstance(value, int | float) else f"{key:32s} {value}")
    for cur, amount in result["cost"].items():
        lines.append(f"{'cost (' + cur + ')':32s} {amount:,.2f}")
    for g in result["groups"]:
        key = ", ".join(f"{k}={v}" for k, v in g["key"].items())
        cost = ", ".join(f"{a:,.2f} {c}" for c, a in g["cost"].items())
        lines.append(f"  {key}: {g['line_items']:,} rows, {cost}")
    return "\n".join(lines)
