"""`footprint models`: the per-model ledger: training against inference, per 1,000 inferences, break-even."""

from __future__ import annotations

import argparse
import json
from typing import Any

import duckdb

from footprint.ledger import LedgerFilters, models
from footprint.store import connection
from footprint_cli.common import add_db_option, parse_date, settings_from
from footprint_cli.main import CliError

# The fields every model carries, in order; `--json` prints them first, then the rest of the ledger.
HEADLINE = [
    "model",
    "training_energy_kwh",
    "inference_energy_kwh",
    "training_kgco2e_location",
    "inference_kgco2e_location",
    "training_kgco2e_market",
    "inference_kgco2e_market",
    "requests",
    "energy_kwh_per_1k_inferences",
    "break_even",
    "sci_kgco2e_per_1k_requests",
]


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "models", help="per-model footprint: training vs inference, energy per 1,000 inferences, break-even"
    )
    p.add_argument("--since", type=parse_date, help="first day included (YYYY-MM-DD, UTC)")
    p.add_argument("--until", type=parse_date, help="last day included (YYYY-MM-DD, UTC)")
    p.add_argument("--team", action="append", default=[], metavar="TEAM", help="only this team (repeatable)")
    p.add_argument(
        "--model", action="append", default=[], metavar="MODEL", help="only this model (repeatable)"
    )
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per model")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    filters = LedgerFilters(since=args.since, until=args.until, team=args.team, model=args.model)
    try:
        with connection(settings.db, read_only=True, wait_s=settings.lock_wait_s) as con:
            result = models(con, filters)
    except FileNotFoundError as exc:
        raise CliError(str(exc)) from None
    except duckdb.CatalogException:
        raise CliError(
            f"{settings.db}: this database predates the per-model ledger; run `footprint ingest` or "
            "`footprint rules reset` once to upgrade it"
        ) from None
    ordered = [
        {**{k: m[k] for k in HEADLINE}, **{k: v for k, v in m.items() if k not in HEADLINE}} for m in result
    ]
    if args.json:
        print(json.dumps(ordered, indent=2))
        return 0
    print(_table(ordered))
    return 0


def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def _table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no models in this period (load billing exports or telemetry first)"
    head = [
        "model",
        "training kWh",
        "inference kWh",
        "train kgCO2e (loc)",
        "infer kgCO2e (loc)",
        "requests",
        "kWh / 1k inf",
        "break-even",
        "SCI kgCO2e / 1k req",
    ]
    lines = []
    for r in rows:
        break_even = r["break_even"] or (
            f"~{r['break_even_projected']}" if r["break_even_projected"] else "-"
        )
        lines.append(
            [
                r["model"],
                _fmt(r["training_energy_kwh"]),
                _fmt(r["inference_energy_kwh"]),
                _fmt(r["training_kgco2e_location"]),
                _fmt(r["inference_kgco2e_location"]),
                f"{r['requests']:,.0f}",
                _fmt(r["energy_kwh_per_1k_inferences"]),
                break_even,
                _fmt(r["sci_kgco2e_per_1k_requests"]),
            ]
        )
    widths = [max(len(str(x)) for x in col) for col in zip(head, *lines, strict=True)]
    out = ["  ".join(h.ljust(w) for h, w in zip(head, widths, strict=True))]
    out += ["  ".join(str(c).ljust(w) for c, w in zip(line, widths, strict=True)) for line in lines]
    out.append(
        "energy is IT energy (PUE not applied); '~date' is a projected break-even; SCI embodied part M = 0"
    )
    return "\n".join(out)
