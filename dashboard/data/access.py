"""Connections to the database: one gate for this process's readers and its one writer.

Every connection goes through `footprint.store`, which waits while another process (the CLI ingesting a
file) holds the database. Reads use the file read-only, so several processes can read at once; uploads
open it read-write. Inside one process DuckDB refuses to open a file read-only and read-write at the
same time, so `_Access` makes the one writer wait for this process's readers, closes their connection,
and keeps new readers out until it has finished. Every thread reads through a cursor of its own.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import streamlit as st

from footprint import aggregates, store
from footprint.pipeline import refresh
from footprint.settings import get_settings

IDLE_CLOSE_S = 2.0


class _Access:
    """Readers share one read-only connection (each thread its own cursor on it); one writer excludes them.

    Opening a DuckDB file costs tens of milliseconds, more than a page's queries on the aggregates, so
    readers reuse the open connection while the dashboard is busy and close it after IDLE_CLOSE_S of
    quiet. A writer (an upload) waits for the readers in this process to finish, is preferred over new
    readers, and closes the shared read-only connection before opening the file read-write.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False
        self._waiting_writers = 0
        self._con: duckdb.DuckDBPyConnection | None = None
        self._con_key: tuple[str, tuple[int, int]] | None = None
        self._timer: threading.Timer | None = None

    @contextmanager
    def read(self, path: Path, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._cond:
            ok = self._cond.wait_for(lambda: not self._writer and not self._waiting_writers, wait_s)
            if not ok:
                raise store.StoreBusyError("the database is being updated by an upload; try again shortly")
            key = (str(path), store.data_version(path))
            if self._con_key != key and not self._cond.wait_for(lambda: self._readers == 0, wait_s):
                raise store.StoreBusyError("the database changed while pages were reading it; try again")
            if self._con is None or self._con_key != key:  # another file, or one written since
                self._close()
                self._con = store.open_db(path, read_only=True, wait_s=wait_s)
                self._con_key = key
            cursor = self._con.cursor()
            self._readers += 1
        try:
            cursor.execute("SET TimeZone = 'UTC'")  # as footprint.store configures every connection
            yield cursor
        finally:
            cursor.close()
            with self._cond:
                self._readers -= 1
                if self._readers == 0:
                    self._schedule_close()
                self._cond.notify_all()

    @contextmanager
    def write(self, path: Path, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._cond:
            self._waiting_writers += 1
            try:
                ok = self._cond.wait_for(lambda: not self._writer and self._readers == 0, wait_s)
            finally:
                self._waiting_writers -= 1
            if not ok:
                self._cond.notify_all()
                raise store.StoreBusyError("the database is busy in this dashboard; try again shortly")
            self._writer = True
            self._close()  # DuckDB refuses read-write beside read-only on one file in one process
        try:
            with store.connection(path, read_only=False, wait_s=wait_s) as con:
                yield con
        finally:
            with self._cond:
                self._writer = False
                self._cond.notify_all()

    def _schedule_close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = threading.Timer(IDLE_CLOSE_S, self._close_if_idle)
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self) -> None:
        with self._cond:
            if self._readers == 0:
                self._close()

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con, self._con_key = None, None

    def shutdown(self) -> None:
        """Close before the interpreter exits, not from a timer thread it is tearing down."""
        with self._cond:
            if self._timer is not None:
                self._timer.cancel()
            self._close()


_ACCESS = _Access()
atexit.register(_ACCESS.shutdown)


def db_path() -> Path:
    """The database the dashboard shows ($FOOTPRINT_DB, as `footprint serve --db` sets it)."""
    return get_settings().db


def _wait_s() -> float:
    return get_settings().lock_wait_s


@contextmanager
def reading() -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only cursor of this thread's own on the shared read-only connection."""
    with _ACCESS.read(db_path(), _wait_s()) as con:
        yield con


@contextmanager
def writing() -> Iterator[duckdb.DuckDBPyConnection]:
    """The process's only read-write connection, while no reader in this process has the file open."""
    with _ACCESS.write(db_path(), _wait_s()) as con:
        yield con


_REFRESH_FAILED: dict[tuple[str, tuple[int, int]], str] = {}
# What the first page view after new data or a new version waits on, said while it waits.
_REBUILDING = {
    "data": "New data was loaded outside the dashboard: refreshing the estimates and the tables the pages "
    "read (once; pages are instant afterwards)...",
    "definitions": "This version defines the page tables differently: rebuilding them from the stored "
    "estimates (once; nothing is re-estimated)...",
}


def ensure_database() -> str | None:
    """Create or migrate the database and rebuild the aggregates if they are missing or stale.

    Checked once per database version; only a database that needs it is opened read-write. When the
    refresh fails, returns its message (once per version, not retried on every page view): the pages
    then show the derived tables as they were before.
    """
    path = db_path()
    key = (str(path), store.data_version(path)) if path.exists() else None
    if key is not None and (key in _REFRESH_FAILED or _ready(*key)):
        return _REFRESH_FAILED.get(key)
    with writing() as con:
        stale = aggregates.staleness(con)
        if stale:
            try:
                with st.spinner(_REBUILDING[stale]):
                    _rebuild(con, stale)
            except duckdb.Error as exc:
                message = (
                    f"the derived tables could not be refreshed ({exc}); the pages show them as they were"
                )
                _REFRESH_FAILED[(str(path), store.data_version(path))] = message
                return message
    st.cache_data.clear()
    return None


def _rebuild(con: duckdb.DuckDBPyConnection, stale: str) -> None:
    """The whole refresh after new data; only the aggregates when just their definitions changed."""
    if stale == "data":
        refresh(con)
        return
    con.execute("BEGIN TRANSACTION")
    try:
        aggregates.refresh(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@st.cache_data(show_spinner=False, max_entries=16)
def _ready(path: str, version: tuple[int, int]) -> bool:
    """Every migration applied (read-only connections do not migrate) and the aggregates current."""
    with reading() as con:
        applied = {row[0] for row in con.execute("SELECT version FROM schema_migrations").fetchall()}
        return all(v in applied for v, _ in store.migrations()) and aggregates.is_current(con)
