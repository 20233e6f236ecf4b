"""`footprint report`: the ESG summary report for a period and a scope, written as PDF, XLSX or CSV.

The period is a year, a quarter or a month (`--period 2026-Q3`), or a range of UTC days (`--since`,
`--until`); without either, the last quarter the data covers from end to end (as the dashboard's Report
page starts with). The scope is the whole organisation, or teams and models. The figures are the ones
`footprint summary --json` prints for the same days, teams and models.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from datetime import date
from pathlib import Path

from footprint import aggregates
from footprint.pipeline import refresh
from footprint.report import FORMATS, PERIOD_HELP, Period, ReportError, Scope, default_period, export
from footprint.settings import Settings
from footprint.store import connection
from footprint_cli.common import add_db_option, parse_date, settings_from
from footprint_cli.main import CliError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="ESG summary report (PDF, XLSX or CSV) for a period and scope")
    p.add_argument("--period", help=f"the reporting period: {PERIOD_HELP}; default: the last quarter the data "
                   "covers from end to end")
    p.add_argument("--since", type=parse_date, help="first day of a custom period (YYYY-MM-DD, UTC)")
    p.add_argument("--until", type=parse_date, help="last day of a custom period (YYYY-MM-DD, UTC)")
    p.add_argument("--team", action="append", default=[], metavar="TEAM", help="only this team (repeatable)")
    p.add_argument("--model", action="append", default=[], metavar="MODEL", help="only this model (repeatable)")
    p.add_argument("--format", choices=sorted(FORMATS), help="pdf, xlsx or csv (default: from the file name)")
    p.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="file to write")
    p.add_argument("--organisation", help="name on the cover (default: $FOOTPRINT_ORGANISATION)")
    add_db_option(p)
    p.set_defaults(func=run)


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    suffix = args.output.suffix.lower().lstrip(".")
    if suffix in FORMATS:
        return suffix
    raise CliError(f"{args.output}: say which format to write with --format ({', '.join(FORMATS)})")


def _data_bounds(settings: Settings) -> tuple[date | None, date | None]:
    with connection(settings.db, read_only=True, wait_s=settings.lock_wait_s) as con:
        row = con.execute(
            "SELECT CAST(min(charge_period_start) AS DATE), CAST(max(charge_period_start) AS DATE) FROM v_footprint"
        ).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _period(args: argparse.Namespace, settings: Settings) -> Period:
    if args.period and (args.since or args.until):
        raise CliError("give either --period or --since/--until, not both")
    if args.period:
        try:
            return Period.parse(args.period)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    if not (args.since or args.until):
        first, last = _data_bounds(settings)
        if first is None or last is None:
            raise CliError(f"the store holds no data yet: say which period to report with --period ({PERIOD_HELP})")
        period = default_period("quarter", first, last)
        print(f"No period given: reporting {period.label}, the last quarter the data covers from end to end"
              if not period.is_partial(first, last) else
              f"No period given: reporting {period.label}, the latest quarter with data (none is complete)")
        return period
    since, until = args.since, args.until
    if since is None or until is None:
        first, last = _data_bounds(settings)
        since, until = since or first, until or last
        if since is None or until is None:
            raise CliError("the store holds no data yet: give both --since and --until")
    if until < since:
        raise CliError(f"--until {until} is before --since {since}")
    return Period.custom(since, until)


def _refresh_if_stale(settings: Settings) -> None:
    """The provenance sections read the derived tables: bring them up to date first if they are not."""
    with connection(settings.db, read_only=True, wait_s=settings.lock_wait_s) as con:
        current = aggregates.is_current(con)
    if not current:
        print("The derived tables were built from other data or definitions: refreshing them first.")
        with connection(settings.db, wait_s=settings.lock_wait_s) as con:
            refresh(con)


def _write(path: Path, data: bytes) -> None:
    """Write atomically: a reader never sees half a report, and a failed write leaves no file."""
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CliError(f"{path}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CliError(f"{path}: cannot write the report ({exc.strerror or exc})") from None


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    fmt = _format(args)
    if not settings.db.exists():
        raise CliError(f"{settings.db}: no such database (ingest a file or run `footprint demo` first)")
    period = _period(args, settings)
    scope = Scope(teams=tuple(args.team), models=tuple(args.model))
    _refresh_if_stale(settings)
    with connection(settings.db, read_only=True, wait_s=settings.lock_wait_s) as con:
        try:
            report, data = export(con, period, scope, fmt, organisation=args.organisation or settings.organisation,
                                  scope_label=settings.scope_label)
        except ReportError as exc:
            raise CliError(str(exc)) from None
    _write(args.output, data)
    print(f"Wrote {args.output} ({fmt.upper()}, {len(data):,} bytes): {report.organisation}, "
          f"{report.period.description}, {report.scope.label}.")
    if report.is_empty:
        print(f"Note: {report.empty_message}")
    elif report.coverage_note:
        print(f"Note: {report.coverage_note}")
    return 0
