"""Attribution: who (team), what (model, project) and which kind of work (workload) each billing row is.

The first step of the refresh pipeline. It reads the rules in force (a user's rules file or the shipped
default, see `store`), turns them into one SQL statement (`compile`) and fills `line_item_attribution`
with exactly one row per billing line item of the live batches. Rows no rule explains are written as team
and model 'unattributed', workload 'unknown': an explicit bucket every view shows, never a dropped row.
The rules run once per distinct combination of the fields they read, and the pipeline's incremental
refresh attributes only the rows of batches added since the last refresh (`refresh_incremental`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import duckdb

from footprint.attribution.compile import CompiledRules, compile_rules, keys_sql
from footprint.attribution.loader import default_rules, parse_rules
from footprint.attribution.rules import WORKLOAD_CLASSES, WORKLOAD_LABELS, RulesError, RuleSet
from footprint.attribution.store import ActiveRules, active_rules, load_rules, record_state, reset_rules

__all__ = [
    "WORKLOAD_CLASSES",
    "WORKLOAD_LABELS",
    "ActiveRules",
    "CompiledRules",
    "RuleSet",
    "RulesError",
    "active_rules",
    "compile_rules",
    "default_rules",
    "load_rules",
    "parse_rules",
    "refresh",
    "refresh_incremental",
    "reset_rules",
]

if TYPE_CHECKING:
    from footprint.pipeline import Delta

_LIVE_ROWS = (
    "SELECT b.row_id FROM billing_line_items b "
    "JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL"
)


def _attribute(con: duckdb.DuckDBPyConnection, rules: RuleSet, scope: str) -> None:
    compiled = compile_rules(rules)
    con.execute(keys_sql(scope))
    try:
        con.execute(compiled.sql, compiled.params)
    finally:
        con.execute("DROP TABLE IF EXISTS _attr_keys")


def _count(con: duckdb.DuckDBPyConnection) -> int:
    counted = con.execute("SELECT count(*) FROM line_item_attribution").fetchone()
    return int(counted[0]) if counted else 0


def refresh(con: duckdb.DuckDBPyConnection, rules: RuleSet | None = None) -> int:
    """Recompute line_item_attribution for every billing row of the live batches; returns the rows written.

    `rules` overrides the rules in force (used to preview a file before loading it). Either way the table
    was rewritten outside the pipeline, so its record (refresh_state) is cleared and the next pipeline
    refresh is full; attribution_state says which rules the table now follows.
    """
    active = active_rules(con)
    con.execute("DELETE FROM line_item_attribution")
    _attribute(con, rules or active.rules, "TRUE")
    rows = _count(con)
    con.execute("DELETE FROM refresh_state")  # derived tables changed outside the pipeline's record
    if rules is None:
        record_state(con, active, rows)
    else:
        con.execute("DELETE FROM attribution_state")
    return rows


def refresh_incremental(con: duckdb.DuckDBPyConnection, delta: Delta) -> int:
    """Attribute the rows of the batches `delta` added and drop the rows of those it removed."""
    active = active_rules(con)
    if delta.removed:
        con.execute(f"DELETE FROM line_item_attribution WHERE row_id NOT IN ({_LIVE_ROWS})")
    if delta.added:
        con.execute(
            f"DELETE FROM line_item_attribution WHERE row_id IN ({_LIVE_ROWS} WHERE {delta.scope('b')})"
        )
        _attribute(con, active.rules, delta.scope("b"))
    rows = _count(con)
    record_state(con, active, rows)
    return rows
