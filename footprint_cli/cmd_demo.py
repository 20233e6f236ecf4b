"""`footprint demo`: build the demo database from the files shipped in sample_data/.

The dashboard opens on this database when nothing else is configured, so a newcomer sees a whole
organisation (teams, models, three clouds, telemetry) after one command. Every file is loaded exactly as a
user would load it (`ingest.ingest_file`, one batch per file, duplicates recognised by content), with the
per-file flags a user would pass on the command line (`--host`, `--team`, ...) read from the
`manifest.toml` beside the files; then the derived tables are refreshed once.

Files from other organisations (sample_data/real/) are left out unless asked for: they are years older
than the demo and would stretch every time axis; `--with-real` adds them.
"""

from __future__ import annotations

import argparse
import time
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from footprint.pipeline import refresh
from footprint.settings import SAMPLE_DATA_DIR
from footprint.store import connection
from footprint_cli.common import add_db_option, settings_from
from footprint_cli.main import CliError
from ingest import IngestResult, ingest_file

MANIFEST = "manifest.toml"
# Files beside the data that are not data: documentation, licences, manifests.
NOT_DATA_SUFFIXES = {".md", ".toml"}
OPTION_KEYS = {"currency", "team", "model", "workload", "job", "host", "provider", "region", "timezone"}


@dataclass
class DemoResult:
    db: Path
    results: list[IngestResult] = field(default_factory=list)
    refresh_s: float | None = None

    @property
    def errors(self) -> int:
        return sum(r.status == "error" for r in self.results)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("demo", help="build the demo database from the sample files in sample_data/")
    p.add_argument("--force", action="store_true", help="delete the database first and build it from scratch")
    p.add_argument(
        "--with-real", action="store_true", help="also load the real public sample files in sample_data/real/"
    )
    add_db_option(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    result = build_demo(
        Path(settings.db), force=args.force, with_real=args.with_real, wait_s=settings.lock_wait_s
    )
    return 1 if result.errors else 0


def is_data_file(path: Path) -> bool:
    """Whether a file under sample_data/ is something to load (not documentation, licence or manifest)."""
    if path.name.startswith(".") or path.suffix.lower() in NOT_DATA_SUFFIXES:
        return False
    return not any(part.upper().startswith("LICENSE") for part in path.parts)


def demo_files(root: Path = SAMPLE_DATA_DIR, *, with_real: bool = False) -> list[tuple[Path, dict[str, Any]]]:
    """(file, ingest options) for every data file the demo loads, in a stable order."""
    folders = [root / "generated"] + ([root / "real"] if with_real else [])
    out: list[tuple[Path, dict[str, Any]]] = []
    for folder in folders:
        if not folder.is_dir():
            raise CliError(f"{folder}: missing (run scripts/generate_sample_data.py to recreate generated data)")
        options = read_manifest(folder)
        files = sorted(p for p in folder.rglob("*") if p.is_file() and is_data_file(p.relative_to(folder)))
        for path in files:
            out.append((path, options.get(path.relative_to(folder).as_posix(), {})))
        unknown = set(options) - {p.relative_to(folder).as_posix() for p in files}
        if unknown:
            raise CliError(f"{folder / MANIFEST}: names files that do not exist: {', '.join(sorted(unknown))}")
    return out


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Per-file ingest options from folder/manifest.toml ([files."relative/path"] tables)."""
    path = folder / MANIFEST
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CliError(f"{path}: not valid TOML ({exc})") from exc
    files = data.get("files", {})
    for name, opts in files.items():
        bad = set(opts) - OPTION_KEYS
        if bad:
            raise CliError(f"{path}: [files.\"{name}\"] has unknown option(s) {', '.join(sorted(bad))}")
    return {name: {k: str(v) for k, v in opts.items()} for name, opts in files.items()}


def build_demo(
    db: Path,
    *,
    force: bool = False,
    with_real: bool = False,
    root: Path = SAMPLE_DATA_DIR,
    wait_s: float = 30.0,
    echo: Callable[[str], None] = lambda line: print(line, flush=True),
) -> DemoResult:
    """Load every sample file into db (one batch each), refresh once, and report progress through echo."""
    files = demo_files(root, with_real=with_real)
    if force:
        for stale in (db, Path(str(db) + ".wal")):
            if stale.exists():
                stale.unlink()
        echo(f"removed {db}")
    echo(f"building the demo database {db} from {len(files)} files in {root}")
    result = DemoResult(db=db)
    width = len(str(len(files)))
    with connection(db, wait_s=wait_s) as con:
        for i, (path, options) in enumerate(files, start=1):
            rel = path.relative_to(root).as_posix()
            res = ingest_file(con, path, name=rel, options=options)
            res.file_name = rel
            result.results.append(res)
            echo(f"[{i:>{width}}/{len(files)}] {res.line()}")
        if result.count("loaded"):
            started = time.monotonic()
            refresh(con, progress=lambda step, frac: echo(f"  refreshing: {step} ({frac:.0%})"))
            result.refresh_s = time.monotonic() - started
    echo(
        f"demo database ready: {db} ({result.count('loaded')} loaded, {result.count('duplicate')} already "
        f"loaded, {result.errors} failed"
        + (f"; derived tables refreshed in {result.refresh_s:.1f} s)" if result.refresh_s is not None else ")")
    )
    return result
