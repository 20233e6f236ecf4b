"""`footprint` command line: one subcommand per module in this package.

Errors in what the user handed over print one line and exit non-zero, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from footprint.store import StoreBusyError

COMMANDS = ["ingest", "summary", "batches", "demo", "serve", "estimate", "models", "rules", "report"]


class CliError(Exception):
    """A problem to report in one line (exit status 2 unless stated)."""

    def __init__(self, message: str, status: int = 2):
        super().__init__(message)
        self.status = status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="footprint",
        description="Energy and Scope 2 emissions of AI workloads from cloud bills and GPU telemetry.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"footprint_cli.cmd_{name}")
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.status
    except StoreBusyError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except FileNotFoundError as exc:
        # open_db(read_only=True) names the missing database; other missing paths carry their name.
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
