"""The DuckDB store: opening the database, versioned migrations and write coordination.

DuckDB lets one process write a database file at a time, and a writing process excludes readers in
other processes. Every front end therefore opens short-lived connections through `connection()`, which waits
(up to `wait_s`) for another process to release the file instead of failing at once, and says clearly
who holds it when the wait runs out.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from footprint.sqlfiles import all_sql_files, sql


class StoreBusyError(RuntimeError):
    """Another process holds the database file for longer than we were willing to wait."""


_LOCK_PATTERNS = ("Could not set lock", "Conflicting lock", "database is locked", "being used by another")


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc)
    return any(p in text for p in _LOCK_PATTERNS)


def _configure(con: duckdb.DuckDBPyConnection, target: str, memory_limit: str | None) -> None:
    con.execute("SET TimeZone = 'UTC'")
    if target != ":memory:":
        # File databases spill to '<db>.tmp' beyond this limit, so a refresh over millions of rows
        # stays within a laptop's memory instead of taking most of it.
        if memory_limit is None:
            from footprint.settings import get_settings

            memory_limit = get_settings().memory_limit
        con.execute("SET memory_limit = ?", [memory_limit])


def migrations() -> list[tuple[int, str]]:
    """(version, sql name) of every migration, in order."""
    out = []
    for name in all_sql_files():
        m = re.fullmatch(r"migrations/(\d{3})_[a-z0-9_]+\.sql", name)
        if m:
            out.append((int(m.group(1)), name))
    return sorted(out)


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply pending migrations, each in its own transaction. Returns the versions applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(sql(name))
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                [version, name, datetime.now(UTC).replace(tzinfo=None)],
            )
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied


def open_db(
    path: Path | str, *, read_only: bool = False, wait_s: float = 30.0, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting while another process holds its lock; migrate when writable.

    ':memory:' gives a private in-memory database (tests, the quick calculator). `memory_limit` defaults
    to the FOOTPRINT_MEMORY_LIMIT setting (1GB).
    """
    target = str(path)
    if target != ":memory:":
        p = Path(target)
        if read_only and not p.exists():
            raise FileNotFoundError(f"{p}: no such database (ingest a file or run `footprint demo` first)")
        p.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_s
    delay = 0.05
    while True:
        try:
            con = duckdb.connect(target, read_only=read_only)
            break
        except duckdb.Error as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise StoreBusyError(
                    f"{target}: the database is in use by another process (dashboard or ingest) and "
                    f"was not released within {wait_s:g} s; try again when it has finished"
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    _configure(con, target, memory_limit)
    if not read_only:
        migrate(con)
        from footprint.reference import ensure_reference

        ensure_reference(con)
    return con


@contextmanager
def connection(
    path: Path | str, *, read_only: bool = False, wait_s: float = 30.0, memory_limit: str | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Short-lived connection that is always closed, so other processes can take their turn."""
    con = open_db(path, read_only=read_only, wait_s=wait_s, memory_limit=memory_limit)
    try:
        yield con
    finally:
        con.close()


def data_version(path: Path | str) -> tuple[int, int]:
    """Cheap token that changes whenever the database file changes (for caches keyed on content)."""
    p = Path(path)
    stamps = []
    for candidate in (p, Path(str(p) + ".wal")):
        try:
            st = os.stat(candidate)
            stamps.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            stamps.append((0, 0))
    return (stamps[0][0] ^ stamps[1][0], stamps[0][1] + stamps[1][1])
