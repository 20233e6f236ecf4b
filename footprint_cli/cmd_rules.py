"""`footprint rules show|load FILE|reset`: the attribution rules in force, loading a user file, defaults."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from footprint.attribution import RulesError, active_rules, load_rules, parse_rules, reset_rules
from footprint.store import connection
from footprint_cli.common import add_db_option, settings_from
from footprint_cli.main import CliError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("rules", help="attribution rules: show the rules in force, load a rules file, reset")
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print the rules in force (TOML) and where they came from")
    show.add_argument("--json", action="store_true", help="print the validated rules as JSON")
    load = actions.add_parser("load", help="validate a rules file, make it the rules in force and recompute")
    load.add_argument("file", type=Path, metavar="FILE", help="TOML rules file (see docs/attribution.md)")
    load.add_argument("--check", action="store_true", help="only validate the file; change nothing")
    actions.add_parser("reset", help="go back to the shipped default rules and recompute")
    for action in (show, load, actions.choices["reset"]):
        add_db_option(action)
    p.set_defaults(func=run)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CliError(f"{path}: cannot read the rules file ({exc.strerror})") from None


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.action == "load" and args.check:
        try:
            rules = parse_rules(_read(args.file), str(args.file))
        except RulesError as exc:
            raise CliError(str(exc)) from None
        print(
            f"{args.file}: valid rules (version {rules.rules_version}, {len(rules.resource_rules)} resource "
            f"rules, {len(rules.usage_rules)} usage rules); nothing changed"
        )
        return 0
    read_only = args.action == "show"
    if read_only and not Path(settings.db).exists():
        raise CliError(f"{settings.db}: no such database (ingest a file or run `footprint demo` first)")
    with connection(settings.db, read_only=read_only, wait_s=settings.lock_wait_s) as con:
        if args.action == "show":
            active = active_rules(con)
            if args.json:
                print(
                    json.dumps(
                        {
                            "source": active.source,
                            "file_name": active.file_name,
                            "file_sha256": active.file_sha256,
                            "rules_version": active.rules_version,
                            "rules": active.rules.model_dump(mode="json"),
                        },
                        indent=2,
                    )
                )
            else:
                origin = (
                    "shipped default"
                    if active.source == "default"
                    else f"loaded {active.loaded_at:%Y-%m-%d %H:%M} UTC"
                )
                print(
                    f"# rules in force: {active.file_name} ({origin}, version {active.rules_version}, "
                    f"sha256 {active.file_sha256[:12]})"
                )
                print(active.text, end="" if active.text.endswith("\n") else "\n")
            return 0
        if args.action == "load":
            try:
                active = load_rules(con, _read(args.file), str(args.file))
            except RulesError as exc:
                raise CliError(str(exc)) from None
        else:
            active = reset_rules(con)
        counts = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE team = 'unattributed' AND model = 'unattributed') "
            "FROM line_item_attribution"
        ).fetchone()
    rows, unattributed = (int(counts[0]), int(counts[1])) if counts else (0, 0)
    print(
        f"rules in force: {active.file_name} (version {active.rules_version}); {rows:,} billing rows "
        f"attributed, {unattributed:,} with neither team nor model (the 'unattributed' bucket)"
    )
    return 0
