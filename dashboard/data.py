"""The only place the dashboard touches the database: connections, cached queries, uploads.

Every connection goes through `footprint.store`, which waits while another process (the CLI ingesting a
file) holds the database. Reads use the file read-only, so several processes can read at once; the
Upload page opens it read-write. Inside one process DuckDB refuses to open a file read-only and
read-write at the same time, so `_Access` makes the one writer wait for this process's readers, closes
their connection, and keeps new readers out until it has finished. Every thread (Streamlit runs one per
session) reads through a cursor of its own.

Query results are cached keyed on the database path, `footprint.store.data_version` (changes whenever
the file does, whoever wrote it) and the filters, so an ingest from any process invalidates them. The
queries themselves are `footprint.aggregates` and `footprint.ledger` functions over small
pre-aggregated tables: nothing here computes an estimate.
"""

from __future__ import annotations

import atexit
import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import duckdb
import streamlit as st

from footprint import aggregates, ledger, store
from footprint.attribution import RulesError, load_rules, parse_rules
from footprint.pipeline import refresh
from footprint.queries import Filters
from footprint.report import Period, ReportError, Scope, export, file_name
from footprint.settings import get_settings
from ingest import IngestError, IngestResult, ingest_file
from ingest import preview as ingest_preview
from ingest.registry import readers

# A read-only connection idle this long is closed, so that another process (the CLI) can take its turn.
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
RULES_FORMAT = "attribution-rules"


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


# ---------------------------------------------------------------------------------------------- queries


def filters_key(f: Filters) -> str:
    return json.dumps(f.as_dict(), sort_keys=True)


def filters_from_key(key: str) -> Filters:
    d = json.loads(key)
    for name in ("since", "until"):
        if d.get(name):
            d[name] = date.fromisoformat(d[name])
    return Filters(**d)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached(name: str, path: str, version: tuple[int, int], fkey: str | None, kwargs: str) -> Any:
    module, _, function = name.rpartition(".")
    fn: Callable[..., Any] = getattr(ledger if module == "ledger" else aggregates, function)
    args: list[Any] = []
    if fkey is not None:
        f = filters_from_key(fkey)
        args.append(ledger.LedgerFilters.from_filters(f) if module == "ledger" else f)
    with reading() as con:
        return fn(con, *args, **json.loads(kwargs))


def query(name: str, filters: Filters | None = None, **kwargs: Any) -> Any:
    """Result of `footprint.aggregates.<name>(con, filters, **kwargs)` ('ledger.<name>': footprint.ledger),
    cached until the data changes."""
    path = db_path()
    return _cached(
        name,
        str(path),
        store.data_version(path),
        None if filters is None else filters_key(filters),
        json.dumps(kwargs, sort_keys=True, default=str),
    )


def ledger_query(name: str, filters: Filters, **kwargs: Any) -> Any:
    """Result of `footprint.ledger.<name>` for the filters the ledger has (dates, team, model), cached."""
    scope = Filters(
        since=filters.since, until=filters.until, team=list(filters.team), model=list(filters.model)
    )
    return query(f"ledger.{name}", scope, **kwargs)


def ledger_ignores(filters: Filters) -> list[str]:
    """Sidebar filters the per-model ledger has no dimension for (it spans every provider and region)."""
    return [name for name in ("provider", "workload", "region") if getattr(filters, name)]


def report(period: Period, scope: Scope, fmt: str) -> dict[str, Any]:
    """The ESG report for a period and scope rendered as fmt (footprint.report), or its one-line error."""
    settings = get_settings()
    out: dict[str, Any] = {"period": period, "scope": scope}
    try:
        with reading() as con:
            built, blob = export(
                con, period, scope, fmt, organisation=settings.organisation, scope_label=settings.scope_label
            )
    except ReportError as exc:
        return {**out, "error": str(exc)}
    return {**out, "bytes": blob, "file_name": file_name(built, fmt), "empty": built.is_empty}


def options() -> dict[str, Any]:
    """Values each filter can take and the charge-period bounds, for the sidebar."""
    return query("filter_options")


def has_data() -> bool:
    """Whether anything at all has been loaded (as opposed to filters that match nothing)."""
    return options()["first_day"] is not None


# ---------------------------------------------------------------------------------------------- uploads


def formats() -> dict[str, str]:
    """Every format a file can be read as: id -> label (for overriding detection)."""
    return {r.format_id: f"{r.label} ({r.kind})" for r in sorted(readers(), key=lambda r: (r.kind, r.label))}


def is_rules_file(name: str) -> bool:
    """Attribution rules come as TOML (footprint/data/attribution_rules.toml is the shipped default)."""
    return name.lower().endswith(".toml")


def preview(upload: BinaryIO, name: str, format_id: str | None = None) -> dict[str, Any]:
    """Detected format, header and first lines of an uploaded file, or {'error': message}; no database."""
    upload.seek(0)
    if is_rules_file(name):
        raw = upload.read()
        try:
            rules = parse_rules(raw, name)
        except RulesError as exc:
            return {"error": str(exc)}
        return {
            "file_name": name,
            "format_id": RULES_FORMAT,
            "kind": "attribution rules",
            "size_bytes": len(raw),
            "format_label": f"Attribution rules, version {rules.rules_version}",
            "columns": [],
            "sample_lines": raw.decode("utf-8-sig", errors="replace").splitlines()[:8],
        }
    try:
        return ingest_preview(upload, name=name, format_id=format_id)
    except IngestError as exc:
        return {"error": str(exc)}


def ingest_uploads(
    uploads: list[tuple[str, BinaryIO, str | None]],
    options: dict[str, Any] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[list[IngestResult], str | None]:
    """Load each upload (name, stream, format id or None to detect) as one atomic batch, then refresh once.

    Returns the per-file results and, when the refresh failed, its message (the files stay loaded;
    the derived tables keep their previous state until the next successful refresh).
    """
    results: list[IngestResult] = []
    refresh_error: str | None = None
    total = len(uploads) + 1
    rules = [u for u in uploads if is_rules_file(u[0])]
    with writing() as con:
        for i, (name, stream, format_id) in enumerate(u for u in uploads if not is_rules_file(u[0])):
            if progress:
                progress(f"Loading {name}", i / total)
            stream.seek(0)
            results.append(ingest_file(con, stream, name=name, format_id=format_id, options=options or {}))
        for name, stream, _ in rules:  # after the data, so the refresh they trigger covers it
            if progress:
                progress(f"Applying the attribution rules in {name} and refreshing", (total - 2) / total)
            stream.seek(0)
            results.append(_load_rules(con, name, stream.read()))
        rules_refreshed = any(r.status == "loaded" and r.kind == "attribution rules" for r in results)
        if not rules_refreshed and any(r.status == "loaded" for r in results):
            step_share = 1 / total

            def step(label: str, done: float) -> None:
                if progress:
                    progress(f"Refreshing estimates: {label}", (total - 1) / total + done * step_share)

            try:
                refresh(con, progress=step)
            except duckdb.Error as exc:
                refresh_error = f"the estimates could not be refreshed: {exc}"
    st.cache_data.clear()
    if progress:
        progress("Done", 1.0)
    return results, refresh_error


def _load_rules(con: duckdb.DuckDBPyConnection, name: str, raw: bytes) -> IngestResult:
    """Make an uploaded rules file the rules in force; the store keeps the previous rules on any error."""
    result = IngestResult(
        name, "loaded", format_id=RULES_FORMAT, format_label="Attribution rules", kind="attribution rules"
    )
    try:
        active = load_rules(con, raw, name)
    except (RulesError, duckdb.Error) as exc:
        result.status, result.error = "error", str(exc) if isinstance(exc, RulesError) else f"{name}: {exc}"
        return result
    result.format_label = f"Attribution rules, version {active.rules_version}"
    return result
