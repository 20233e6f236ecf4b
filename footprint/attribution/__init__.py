"""Attribution: who (team), what (model, project) and which kind of work (workload) each billing row is.

The first step of the refresh pipeline. It reads the rules in force (a user's rules file or the shipped
default, see `store`), turns them into one SQL statement (`compile`) and fills `line_item_attribution`
with exactly one row per billing line item. Rows no rule explains are written as team and model
'unattributed', workload 'unknown': an explicit bucket every view shows, never a dropped row.
"""

from __future__ import annotations

import duckdb

from footprint.attribution.compile import CompiledRules, compile_rules
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
    "reset_rules",
]


def refresh(con: duckdb.DuckDBPyConnection, rules: RuleSet | None = None) -> int:
    """Recompute line_item_attribution for every billing row; returns the number of rows written.

    `rules` overrides the rules in force (used to preview a file before loading it).
    """
    active = active_rules(con)
    compiled = compile_rules(rules or active.rules)
    con.execute("DELETE FROM line_item_attribution")
    con.execute(compiled.sql, compiled.params)
    counted = con.execute("SELECT count(*) FROM line_item_attribution").fetchone()
    rows = int(counted[0]) if counted else 0
    if rules is None:
        record_state(con, active, rows)
    return rows
