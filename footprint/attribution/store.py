"""Which rules are in force, and loading or resetting them.

A user's rules file is stored in the database (attribution_rule_sets), so every front end and every
refresh uses the same rules without a path setting; the shipped default applies whenever no user file is
active. Loading validates the whole file first, then stores it and recomputes everything derived from
attribution. If that recomputation fails, the previous rules are put back, so a bad load leaves the
store as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from footprint.attribution.loader import default_rules, default_rules_text, parse_rules
from footprint.attribution.rules import DEFAULT_RULES_FILE, RuleSet


@dataclass(frozen=True)
class ActiveRules:
    """The rules in force and where they came from."""

    source: str  # default | user
    rule_set_id: int | None
    file_name: str
    file_sha256: str
    rules_version: str
    text: str
    rules: RuleSet
    loaded_at: datetime | None = None

    @property
    def effective_sha256(self) -> str:
        """Hash of the rules as applied: a user file that extends the shipped defaults is completed from
        them, so a release that changes only the defaults changes this hash too (file_sha256 does not)."""
        return _sha256(self.rules.model_dump_json())


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def default_active() -> ActiveRules:
    text = default_rules_text()
    rules = default_rules()
    return ActiveRules("default", None, DEFAULT_RULES_FILE, _sha256(text), rules.rules_version, text, rules)


def active_rules(con: duckdb.DuckDBPyConnection) -> ActiveRules:
    """The user's active rules file if one is loaded, else the shipped default."""
    row = con.execute(
        "SELECT rule_set_id, file_name, file_sha256, rules_version, rules_toml, loaded_at "
        "FROM attribution_rule_sets WHERE retired_at IS NULL ORDER BY rule_set_id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return default_active()
    rules = parse_rules(row[4], row[1])
    return ActiveRules("user", int(row[0]), row[1], row[2], row[3], row[4], rules, row[5])


def _activate(con: duckdb.DuckDBPyConnection, rule_set_id: int | None) -> None:
    """Make `rule_set_id` the only active set (None: none, i.e. the shipped default)."""
    con.execute("UPDATE attribution_rule_sets SET retired_at = ? WHERE retired_at IS NULL", [_now()])
    if rule_set_id is not None:
        con.execute("UPDATE attribution_rule_sets SET retired_at = NULL WHERE rule_set_id = ?", [rule_set_id])


def _refresh_all(con: duckdb.DuckDBPyConnection) -> None:
    from footprint.pipeline import refresh  # the pipeline imports this package's refresh step

    refresh(con)


def load_rules(con: duckdb.DuckDBPyConnection, data: str | bytes, name: str) -> ActiveRules:
    """Validate a user rules file, make it the active rules and recompute derived tables.

    Raises RulesError (file, line, key) before touching the store when the file is not valid.
    """
    rules = parse_rules(data, name)
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
    previous = active_rules(con)
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute("SELECT coalesce(max(rule_set_id), 0) + 1 FROM attribution_rule_sets").fetchone()
        new_id = int(row[0]) if row else 1
        con.execute(
            "INSERT INTO attribution_rule_sets VALUES (?, ?, ?, ?, ?, ?, NULL)",
            [new_id, name, _sha256(text), rules.rules_version, text, _now()],
        )
        _activate(con, new_id)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    try:
        _refresh_all(con)
    except BaseException:
        con.execute("DELETE FROM attribution_rule_sets WHERE rule_set_id = ?", [new_id])
        _activate(con, previous.rule_set_id)
        raise
    return active_rules(con)


def reset_rules(con: duckdb.DuckDBPyConnection) -> ActiveRules:
    """Return to the shipped default rules (user files stay recorded, retired) and recompute."""
    previous = active_rules(con)
    _activate(con, None)
    try:
        _refresh_all(con)
    except BaseException:
        _activate(con, previous.rule_set_id)
        raise
    return active_rules(con)


def record_state(con: duckdb.DuckDBPyConnection, active: ActiveRules, rows: int) -> None:
    con.execute("DELETE FROM attribution_state")
    con.execute(
        "INSERT INTO attribution_state VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            active.source,
            active.rule_set_id,
            active.file_name,
            active.file_sha256,
            active.rules_version,
            _now(),
            rows,
        ],
    )
