"""Refresh of every derived table after data or reference inputs change.

Ingest writes canonical rows only; this module recomputes what is derived from them (attribution,
estimates, measured energy, per-model ledger, dashboard aggregates) in a fixed order, in one transaction,
so no page ever recomputes and no reader sees half-refreshed tables.

A refresh is full or incremental, and the pipeline chooses by itself. It records what the derived tables
were computed from (`refresh_state`: the context, and `refresh_batches`: the live batches). The rule:
the refresh is incremental when the context is unchanged and the only difference is billing or telemetry
batches added or removed; it is full otherwise (no record, any part of the context changed, a reference
input batch added or removed, or nothing changed at all). The context is the methodology version, the
applied migrations, the refresh code (its SQL and Python), the attribution rules in force, the shipped
reference tables and the estimation settings. docs/ARCHITECTURE.md states what each step then recomputes.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from footprint import METHODOLOGY_VERSION
from footprint.sqlfiles import all_sql_files, sql

# Modules with a `refresh(con)` function (and, for an incremental refresh, `refresh_incremental(con,
# delta)`), in dependency order.
STEPS: list[str] = [
    "footprint.attribution",  # first: team, model, workload of every billing row
    "footprint.telemetry",  # measured energy matched to bill rows, and what no bill covers
    "footprint.estimation",  # after footprint.attribution and footprint.telemetry: reads their tables
    "footprint.ledger",  # per-model ledger, from footprint_items and inference_requests
    "footprint.aggregates",  # last: the dashboard's pre-aggregated tables, from everything above
]
INCREMENTAL_KINDS = ("billing", "telemetry")  # batch kinds an incremental refresh can add or remove
_SQL_FOLDERS = ("attribution/", "estimation/", "ledger/", "aggregates/", "telemetry/refresh_")


@dataclass
class Delta:
    """What changed since the last refresh: batches added and removed (the pipeline keeps their ids in
    the temp tables _refresh_added and _refresh_removed) and, once the telemetry step ran, whether the
    measured energy no bill covers changed."""

    added: tuple[int, ...]
    removed: tuple[int, ...]
    kinds: dict[int, str]
    previous_batches: tuple[int, ...]
    telemetry_changed: bool = False

    @property
    def telemetry_batches_changed(self) -> bool:
        """Whether telemetry batches (device energy, CodeCarbon runs, request counts, host mappings) were
        added or removed."""
        return "telemetry" in self.kinds.values()

    def scope(self, alias: str) -> str:
        """SQL condition: a row of `alias` belongs to an added batch (identifiers from code only)."""
        return f"{alias}.batch_id IN (SELECT batch_id FROM _refresh_added)"


@dataclass
class Plan:
    mode: str  # full | incremental
    reason: str
    context: dict[str, str]
    batches: list[tuple[int, str, str]] = field(default_factory=list)  # live (batch_id, sha256, kind)
    delta: Delta | None = None

    @property
    def context_sha256(self) -> str:
        return hashlib.sha256(json.dumps(self.context, sort_keys=True).encode()).hexdigest()


def _code_signature() -> str:
    """Hash of the refresh code: the SQL the steps run and the Python source of the step modules."""
    digest = hashlib.sha256()
    for name in all_sql_files():
        if name.startswith(_SQL_FOLDERS):
            digest.update(name.encode() + b"\0" + sql(name).encode())
    for module_name in [__name__, *STEPS]:
        origin = getattr(importlib.import_module(module_name), "__file__", None)
        if origin is None:
            continue
        path = Path(origin)
        files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
        for file in files:
            digest.update(str(file.name).encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()


def context(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Everything besides the batches that the derived tables depend on, one signature per part."""
    from footprint.attribution import active_rules
    from footprint.estimation.options import EstimationOptions
    from footprint.settings import get_settings

    rules = active_rules(con)
    migrations = con.execute(
        "SELECT string_agg(CAST(version AS VARCHAR), ',' ORDER BY version) FROM schema_migrations"
    ).fetchone()
    reference = con.execute(
        "SELECT string_agg(table_name || '=' || sha256, ';' ORDER BY table_name) FROM ref_meta"
    ).fetchone()
    return {
        "methodology_version": METHODOLOGY_VERSION,
        "migrations": str(migrations[0] if migrations else ""),
        "code": _code_signature(),
        "rules": f"{rules.source}:{rules.rule_set_id}:{rules.effective_sha256}",
        "reference": hashlib.sha256(str(reference[0] if reference else "").encode()).hexdigest(),
        "settings": EstimationOptions.from_settings(get_settings()).as_json(),
    }


def plan(con: duckdb.DuckDBPyConnection, full: bool = False) -> Plan:
    """Which refresh the store needs now, and why (see the module docstring for the rule)."""
    ctx = context(con)
    batches = [
        (int(b), str(s), str(k))
        for b, s, k in con.execute(
            "SELECT batch_id, file_sha256, source_kind FROM ingest_batches WHERE superseded_by IS NULL "
            "ORDER BY batch_id"
        ).fetchall()
    ]
    out = Plan("full", "", ctx, batches)
    state = con.execute("SELECT context FROM refresh_state ORDER BY refreshed_at DESC LIMIT 1").fetchone()
    if full:
        out.reason = "a full refresh was asked for"
        return out
    if state is None:
        out.reason = "no record of an earlier refresh"
        return out
    changed = sorted(k for k, v in ctx.items() if json.loads(state[0]).get(k) != v)
    if changed:
        out.reason = "changed since the last refresh: " + ", ".join(changed)
        return out
    before = {
        (int(b), str(s)): str(k)
        for b, s, k in con.execute(
            "SELECT recorded_batch_id, file_sha256, source_kind FROM refresh_batches"
        ).fetchall()
    }
    now = {(b, s): k for b, s, k in batches}
    added = sorted(set(now) - set(before))
    removed = sorted(set(before) - set(now))
    kinds = {
        b: k for (b, _), k in [*((key, before[key]) for key in removed), *((key, now[key]) for key in added)]
    }
    if not added and not removed:
        out.reason = "no batch was added or removed"
        return out
    other = sorted({k for k in kinds.values() if k not in INCREMENTAL_KINDS})
    if other:
        out.reason = f"{', '.join(other)} batches were added or removed"
        return out
    out.mode = "incremental"
    out.reason = f"batches added {[b for b, _ in added]}, removed {[b for b, _ in removed]}"
    out.delta = Delta(
        tuple(b for b, _ in added), tuple(b for b, _ in removed), kinds, tuple(b for b, _ in before)
    )
    return out


def _start_incremental(con: duckdb.DuckDBPyConnection, delta: Delta) -> None:
    """The temp tables the incremental steps share. A removed batch's rows may already be gone (removing a
    batch deletes them), so the days it covered come from the period recorded for it and go to
    _refresh_spans as whole days, for the ledger and the aggregates to rewrite."""
    con.execute("CREATE OR REPLACE TEMP TABLE _refresh_added (batch_id INTEGER)")
    if delta.added:
        con.execute("INSERT INTO _refresh_added SELECT unnest(CAST(? AS INTEGER[]))", [list(delta.added)])
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _refresh_removed AS SELECT recorded_batch_id AS batch_id, first_start, "
        "last_end FROM refresh_batches WHERE list_contains(CAST(? AS INTEGER[]), recorded_batch_id)",
        [list(delta.removed)],
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _refresh_rows (row_id BIGINT)")
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _refresh_spans AS SELECT d AS charge_period_start, "
        "d + INTERVAL 1 DAY AS charge_period_end FROM (SELECT unnest(generate_series(date_trunc('day', "
        "first_start), last_end, INTERVAL 1 DAY)) AS d FROM _refresh_removed WHERE first_start IS NOT NULL)"
    )
    con.execute("CREATE OR REPLACE TEMP TABLE _refresh_spend_days (day DATE)")


def _telemetry(con: duckdb.DuckDBPyConnection, module: Any, delta: Delta) -> None:
    """The telemetry step recomputes its tables whole (it is cheap next to the others); what changed in
    them decides which billing rows and telemetry items the estimation rewrites."""
    measured_anything = con.execute(
        "SELECT EXISTS (SELECT 1 FROM telemetry_energy) OR EXISTS (SELECT 1 FROM codecarbon_runs) "
        "OR EXISTS (SELECT 1 FROM line_item_measured) OR EXISTS (SELECT 1 FROM telemetry_activity)"
    ).fetchone()
    if not (measured_anything and measured_anything[0]):
        return  # no telemetry before or now: both tables are and stay empty
    con.execute("CREATE OR REPLACE TEMP TABLE _refresh_measured AS SELECT * FROM line_item_measured")
    con.execute("CREATE OR REPLACE TEMP TABLE _refresh_activity AS SELECT * FROM telemetry_activity")
    module.refresh(con)
    con.execute(
        "INSERT INTO _refresh_rows SELECT DISTINCT row_id FROM ("
        "(SELECT * FROM _refresh_measured EXCEPT ALL SELECT * FROM line_item_measured) UNION ALL "
        "(SELECT * FROM line_item_measured EXCEPT ALL SELECT * FROM _refresh_measured))"
    )
    differs = con.execute(
        "SELECT EXISTS (SELECT * FROM _refresh_activity EXCEPT ALL SELECT * FROM telemetry_activity) "
        "OR EXISTS (SELECT * FROM telemetry_activity EXCEPT ALL SELECT * FROM _refresh_activity)"
    ).fetchone()
    delta.telemetry_changed = bool(differs and differs[0])
    con.execute("DROP TABLE _refresh_measured")
    con.execute("DROP TABLE _refresh_activity")


def _record(con: duckdb.DuckDBPyConnection, chosen: Plan, seconds: float) -> None:
    """Write refresh_state and refresh_batches: the context and the live batches, each with the period its
    footprint items cover."""
    delta = chosen.delta
    con.execute("DELETE FROM refresh_state")
    con.execute(
        "INSERT INTO refresh_state VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            chosen.mode,
            chosen.reason,
            chosen.context_sha256,
            json.dumps(chosen.context, sort_keys=True),
            list(delta.added) if delta else [],
            list(delta.removed) if delta else [],
            seconds,
        ],
    )
    con.execute(
        "CREATE OR REPLACE TEMP TABLE _refresh_periods AS SELECT batch_id, min(charge_period_start) AS first_start, "
        "max(greatest(charge_period_end, charge_period_start)) AS last_end FROM footprint_items GROUP BY batch_id"
    )
    con.execute("DELETE FROM refresh_batches")
    con.execute(
        "INSERT INTO refresh_batches SELECT b.batch_id, b.file_sha256, b.source_kind, p.first_start, p.last_end "
        "FROM ingest_batches b LEFT JOIN _refresh_periods p USING (batch_id) WHERE b.superseded_by IS NULL"
    )
    for table in (
        "_refresh_added",
        "_refresh_removed",
        "_refresh_rows",
        "_refresh_spans",
        "_refresh_spend_days",
        "_refresh_periods",
    ):
        con.execute(f"DROP TABLE IF EXISTS {table}")


def refresh(
    con: duckdb.DuckDBPyConnection,
    progress: Callable[[str, float], None] | None = None,
    *,
    full: bool = False,
) -> dict[str, float]:
    """Run every refresh step in one transaction, full or incremental (see `plan`); returns seconds per
    step. `full=True` recomputes everything whatever changed. `last_refresh(con)` says what was done."""
    timings: dict[str, float] = {}
    started_all = time.monotonic()
    con.execute("BEGIN TRANSACTION")
    try:
        chosen = plan(con, full)
        delta = chosen.delta
        if delta is not None:
            _start_incremental(con, delta)
        for i, name in enumerate(STEPS):
            if progress:
                progress(name, i / max(len(STEPS), 1))
            started = time.monotonic()
            module = importlib.import_module(name)
            if delta is None:
                module.refresh(con)
            elif name == "footprint.telemetry":
                _telemetry(con, module, delta)
            elif hasattr(module, "refresh_incremental"):
                module.refresh_incremental(con, delta)
            else:
                module.refresh(con)
            timings[name] = time.monotonic() - started
        _record(con, chosen, time.monotonic() - started_all)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    if progress:
        progress("done", 1.0)
    return timings


def last_refresh(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The last pipeline refresh: when, full or incremental and why, batches added and removed, seconds."""
    cur = con.execute(
        "SELECT refreshed_at, mode, reason, batches_added, batches_removed, duration_s FROM refresh_state "
        "ORDER BY refreshed_at DESC LIMIT 1"
    )
    row = cur.fetchone()
    return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None
