"""Turns a validated rule set into the one INSERT that attributes billing rows, inside DuckDB.

The rules are data, so the SQL is generated: one boolean per rule, one value column per source and
dimension, and a precedence pick. It runs over the distinct combinations of the fields attribution reads
(`keys_sql`), so the cost grows with the variety of a bill, not with its length. What the user wrote (tag keys, patterns, names) only ever travels as
named parameters; the billing columns a rule may test are identifiers taken from code
(`RESOURCE_FIELDS`, `USAGE_FIELDS`). Patterns travel as parameters too: DuckDB folds a parameter into a
constant, so each regular expression is compiled once, not per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from footprint.attribution.rules import (
    RESOURCE_FIELDS,
    USAGE_FIELDS,
    WORKLOAD_LABELS,
    RuleSet,
    _Rule,
    capture_groups,
)
from footprint.sqlfiles import sql

NAME_DIMENSIONS = ("team", "model", "project")
_SOURCE_PREFIX = {
    "tags": "g.tags",
    "resource_rules": "t.resource_rules",
    "usage_rules": "t.usage_rules",
    "ingest_hint": "t.ingest_hint",
}
_RULE_PREFIX = {"resource_rules": "resource", "usage_rules": "usage"}
_NORMALISERS = {
    "asis": "nullif(trim({}), '')",
    "lower": "nullif(lower(trim({})), '')",
    "slug": "fp_attr_slug({})",
}


# Every billing column attribution reads: the combination key of keys.sql.
KEY_FIELDS = ("provider", "tags", *RESOURCE_FIELDS, *USAGE_FIELDS, "workload_hint")


def keys_sql(scope: str = "TRUE") -> str:
    """The statement filling _attr_keys for the billing rows (alias b) that `scope` selects (SQL from code)."""
    fields = ", ".join(f"b.{f}" for f in KEY_FIELDS)
    return sql("attribution/keys").replace("@@fields@@", fields).replace("@@scope@@", scope)


@dataclass
class CompiledRules:
    sql: str
    params: dict[str, Any] = field(default_factory=dict)


class _Params:
    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def text(self, value: str | None) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f"CAST(${name} AS VARCHAR)"

    def texts(self, values: list[str]) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = list(values)
        return f"CAST(${name} AS VARCHAR[])"


def _relation(columns: list[str], rows: list[list[str]]) -> str:
    """SELECT over VALUES with named, typed columns; an empty, typed relation when there are no rows."""
    if not rows:
        return "SELECT " + ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in columns) + " WHERE false"
    values = ", ".join("(" + ", ".join(r) + ")" for r in rows)
    return f"SELECT * FROM (VALUES {values}) AS v({', '.join(columns)})"


def _rule_sql(rule: _Rule, p: _Params) -> tuple[str, dict[str, str]]:
    """(condition, {dimension: value expression}) for one rule."""
    conds = []
    if rule.providers:
        conds.append("provider IN (" + ", ".join(p.text(v) for v in rule.providers) + ")")
    captures: dict[str, str] = {}
    for column, pattern in rule.patterns():
        assert column in RESOURCE_FIELDS + USAGE_FIELDS  # identifiers only from code
        full = pattern if rule.case_sensitive else "(?i)" + pattern
        param = p.text(full)
        conds.append(f"coalesce(regexp_matches({column}, {param}), false)")
        for dim, group in capture_groups(full).items():
            captures.setdefault(dim, f"regexp_extract({column}, {param}, {int(group)})")
    values = dict(captures)
    for dim in NAME_DIMENSIONS:
        constant = getattr(rule, dim)
        if constant is not None:
            values[dim] = p.text(constant)
    return " AND ".join(conds), values


@dataclass
class _Tier:
    """Columns of the CTEs that evaluate one rule list: hits -> captures -> values -> tier."""

    hits: list[str] = field(default_factory=list)  # h_<i>: rule i matched
    captures: list[str] = field(default_factory=list)  # c_<i>_<dim>: its raw value when it matched
    values: list[str] = field(default_factory=list)  # v_<i>_<dim>: that value, blank or 'not set' removed
    tier: list[str] = field(default_factory=list)  # <kind>_<dim>, <kind>_<dim>_rule, <kind>_workload...


def _tier_sql(kind: str, rules: list[_Rule], p: _Params) -> _Tier:
    out = _Tier()
    prefix = _RULE_PREFIX[kind]
    by_dim: dict[str, list[tuple[str, str]]] = {d: [] for d in NAME_DIMENSIONS}
    workload: list[tuple[str, str, str, str]] = []
    for i, rule in enumerate(rules):
        hit = f"h_{i}"
        cond, values = _rule_sql(rule, p)
        out.hits.append(f"({cond}) AS {hit}")
        rule_id = p.text(f"{prefix}:{rule.id}")
        for dim, expr in values.items():
            out.captures.append(f"CASE WHEN {hit} THEN {expr} END AS c_{i}_{dim}")
            out.values.append(
                f"CASE WHEN list_contains(ig.value_matches, fp_attr_match(c_{i}_{dim})) THEN NULL "
                f"ELSE nullif(trim(c_{i}_{dim}), '') END AS v_{i}_{dim}"
            )
            by_dim[dim].append((f"v_{i}_{dim}", rule_id))
        if rule.workload:
            cls, detail = WORKLOAD_LABELS[rule.workload]
            workload.append((hit, p.text(cls), p.text(detail) if detail else "NULL", rule_id))
    for dim in NAME_DIMENSIONS:
        cands = by_dim[dim]
        if cands:
            out.tier.append(f"coalesce({', '.join(c for c, _ in cands)}) AS {kind}_{dim}")
            whens = " ".join(f"WHEN {c} IS NOT NULL THEN {rid}" for c, rid in cands)
            out.tier.append(f"CASE {whens} END AS {kind}_{dim}_rule")
        else:
            out.tier.append(f"CAST(NULL AS VARCHAR) AS {kind}_{dim}")
            out.tier.append(f"CAST(NULL AS VARCHAR) AS {kind}_{dim}_rule")
    for suffix, pos in (("", 1), ("_detail", 2), ("_rule", 3)):
        if workload:
            whens = " ".join(f"WHEN {w[0]} THEN {w[pos]}" for w in workload)
            out.tier.append(f"CAST(CASE {whens} END AS VARCHAR) AS {kind}_workload{suffix}")
        else:
            out.tier.append(f"CAST(NULL AS VARCHAR) AS {kind}_workload{suffix}")
    out.hits = out.hits or ["TRUE AS h_none"]
    out.captures = out.captures or ["NULL AS c_none"]
    out.values = out.values or ["NULL AS v_none"]
    return out


def _picked_sql(rules: RuleSet) -> list[str]:
    out = []
    for dim in NAME_DIMENSIONS:
        sources = [_SOURCE_PREFIX[s] for s in rules.precedence.for_dimension(dim)]
        out.append(f"coalesce({', '.join(f'{s}_{dim}' for s in sources)}) AS {dim}")
        whens = " ".join(f"WHEN {s}_{dim} IS NOT NULL THEN {s}_{dim}_rule" for s in sources)
        out.append(f"CASE {whens} END AS {dim}_rule")
    sources = [_SOURCE_PREFIX[s] for s in rules.precedence.for_dimension("workload")]
    decided = f"coalesce({', '.join(f'{s}_workload' for s in sources)})"
    out.append(f"{decided} AS workload")
    # Detail from the deciding source, else from the next source that agrees on the workload class.
    details = ", ".join(f"CASE WHEN {s}_workload = {decided} THEN {s}_workload_detail END" for s in sources)
    out.append(f"coalesce({details}) AS workload_detail")
    whens = " ".join(f"WHEN {s}_workload IS NOT NULL THEN {s}_workload_rule" for s in sources)
    out.append(f"CASE {whens} END AS workload_rule")
    return out


def _final_sql(rules: RuleSet) -> str:
    cols = []
    for dim in ("team", "model"):
        norm = _NORMALISERS[getattr(rules.normalise, dim)]
        cols.append(
            f"coalesce({norm.format(f'al_{dim}.canonical')}, {norm.format(f'p.{dim}')}, 'unattributed') AS {dim}"
        )
    cols.append("coalesce(p.workload, 'unknown') AS workload")
    cols.append("CASE WHEN p.workload IS NOT NULL THEN p.workload_detail END AS workload_detail")
    norm = _NORMALISERS[rules.normalise.project]
    cols.append(f"coalesce({norm.format('al_project.canonical')}, {norm.format('p.project')}) AS project")
    return ",\n    ".join(cols)


def compile_rules(rules: RuleSet) -> CompiledRules:
    """The attribution INSERT for `rules`, with its parameters."""
    p = _Params()
    ignored = f"list_transform({p.texts(rules.matching.ignore_values)}, lambda x: fp_attr_match(x))"
    key_fn = "fp_attr_key" if rules.matching.key_matching == "normalised" else ""

    key_rows = []
    for provider in ("aws", "gcp", "azure", "oracle", "other", "any"):
        keys = rules.tag_keys.get(provider)  # type: ignore[call-overload,unused-ignore]
        if keys is None:
            continue
        # Provider-specific keys rank before the keys for any provider.
        base = 0 if provider != "any" else 10_000
        for dim in ("team", "model", "workload", "project"):
            for rank, key in enumerate(getattr(keys, dim)):
                prov = "'*'" if provider == "any" else p.text(provider)
                key_rows.append([f"'{dim}'", prov, p.text(key), str(base + rank)])
    # Normalising functions apply to the column, once, not inside every VALUES row (cheaper to plan);
    # DISTINCT because spellings that normalise alike ('fine_tuning', 'finetuning') must not multiply rows.
    tag_keys = (
        f"SELECT dimension, provider, {key_fn}(tag_key) AS key_match, key_rank FROM ("
        + _relation(["dimension", "provider", "tag_key", "key_rank"], key_rows)
        + ")"
    )

    wl_rows = []
    for label, values in rules.workload_values.items():
        cls, detail = WORKLOAD_LABELS[label]
        for value in values:
            wl_rows.append([p.text(value), p.text(cls), p.text(detail)])
    workload_values = (
        "SELECT DISTINCT fp_attr_match(value) AS value_match, workload, workload_detail FROM ("
        + _relation(["value", "workload", "workload_detail"], wl_rows)
        + ")"
    )

    alias_rows = []
    for dim, table in rules.aliases.items():
        for canonical, variants in table.items():
            for variant in variants:
                alias_rows.append([f"'{dim}'", p.text(variant), p.text(canonical)])
    aliases = (
        "SELECT DISTINCT dimension, fp_attr_match(variant) AS variant_match, canonical FROM ("
        + _relation(["dimension", "variant", "canonical"], alias_rows)
        + ")"
    )

    slots: dict[str, str] = {"ignored": ignored}
    for kind, fields, name in (
        ("resource_rules", RESOURCE_FIELDS, "resource"),
        ("usage_rules", USAGE_FIELDS, "usage"),
    ):
        tier = _tier_sql(kind, getattr(rules, kind), p)
        slots[f"{name}_fields"] = ", ".join(fields)
        for part in ("hits", "captures", "values", "tier"):
            slots[f"{name}_{part}"] = ",\n        ".join(getattr(tier, part))
        slots[f"{name}_join"] = " AND ".join(f"{name[0]}.{f} IS NOT DISTINCT FROM b.{f}" for f in fields)
    text = sql("attribution/refresh")
    for slot, value in {
        "tag_keys": tag_keys,
        "workload_values": workload_values,
        "aliases": aliases,
        "key_fn": key_fn,
        "tag_value_kept": "NOT list_contains(ig.value_matches, fp_attr_match(v.tag_value))",
        **slots,
        "picked": ",\n        ".join(_picked_sql(rules)),
        "final": _final_sql(rules),
    }.items():
        text = text.replace(f"@@{slot}@@", value)
    return CompiledRules(text, p.values)
