"""What every billing reader shares: the raw relation over the file, validated casts, derivations, insert.

A reader only declares how its columns map onto the canonical billing columns (a SELECT over `raw`).
This module wraps that SELECT with the derivations every format needs (unit normalisation, instance
catalog lookup, accelerator SKU patterns) and inserts the rows in one statement, inside the caller's
transaction. Validation happens in the same pass: a value that cannot be read raises an error naming the
row and the column (see `fp_fail`), which rolls the whole file back.
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.registry import LoadContext, LoadCounts

# Canonical columns a reader's mapping must produce (besides source_row). Anything a format lacks is
# NULL; derivations fill what they can.
CANONICAL_COLUMNS = [
    "provider",
    "billing_account_id",
    "billing_account_name",
    "sub_account_id",
    "sub_account_name",
    "billing_period_start",
    "charge_period_start",
    "charge_period_end",
    "charge_category",
    "charge_class",
    "charge_description",
    "line_item_type",
    "pricing_category",
    "commitment_discount_id",
    "commitment_discount_type",
    "commitment_discount_status",
    "service_name",
    "service_category",
    "sku_id",
    "usage_type",
    "resource_id",
    "resource_name",
    "region_id",
    "region_name",
    "availability_zone",
    "consumed_quantity",
    "consumed_unit",
    "billed_cost",
    "effective_cost",
    "list_cost",
    "billing_currency",
    "carries_usage",
    "tags",
    "instance_type",
    "vcpu_count",
    "memory_gb",
    "accelerator_model",
    "accelerator_count",
    "workload_hint",
    "x_details",
]

_NULL_STRINGS = "['NULL', 'null', '']"


def q(name: str) -> str:
    """Quoted reference to a raw column (names come from the file header, never from user values)."""
    return 'raw."' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """SQL string literal for a constant chosen in code (column names in messages, format ids)."""
    return "'" + text.replace("'", "''") + "'"


def required_ts(expr: str, column: str) -> str:
    """Parsed UTC timestamp; a missing or unreadable value fails the file with row and column."""
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, 'missing date/time') "
        f"WHEN fp_ts({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, "
        f"'cannot read ' || {expr} || ' as a date/time') ELSE fp_ts({expr}) END"
    )


def required_ts_fmt(expr: str, column: str, formats: list[str]) -> str:
    """Like required_ts, for formats that need explicit strptime patterns (e.g. MM/DD/YYYY)."""
    fmts = "[" + ", ".join(lit(f) for f in formats) + "]"
    parsed = f"coalesce(try_strptime(trim({expr}), {fmts}), fp_ts({expr}))"
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, 'missing date/time') "
        f"WHEN {parsed} IS NULL THEN fp_fail(source_row, {lit(column)}, "
        f"'cannot read ' || {expr} || ' as a date/time') ELSE {parsed} END"
    )


def optional_ts(expr: str, column: str) -> str:
    """Timestamp that may be blank, but must be readable when present."""
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN NULL "
        f"WHEN fp_ts({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, "
        f"'cannot read ' || {expr} || ' as a date/time') ELSE fp_ts({expr}) END"
    )


def money(expr: str, column: str, *, required: bool = False) -> str:
    """DECIMAL(38,18) amount; unreadable text fails the file, blank is NULL (or 0 error if required)."""
    blank = (
        f"fp_fail(source_row, {lit(column)}, 'missing amount')" if required else "NULL"
    )
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN {blank} "
        f"WHEN fp_money({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, "
        f"'cannot read ' || {expr} || ' as a number') ELSE fp_money({expr}) END"
    )


def number(expr: str, column: str) -> str:
    """DOUBLE; unreadable text fails the file, blank is NULL."""
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN NULL "
        f"WHEN fp_num({expr}) IS NULL THEN fp_fail(source_row, {lit(column)}, "
        f"'cannot read ' || {expr} || ' as a number') ELSE fp_num({expr}) END"
    )


def raw_csv_relation(ctx: LoadContext, *, extra_options: str = "") -> str:
    """SELECT over the CSV with a 1-based data row number; every column read as text."""
    path = ctx.source.path.as_posix().replace("'", "''")
    delim = ctx.source.delimiter.replace("'", "''")
    return (
        "SELECT row_number() OVER () AS source_row, * FROM read_csv("
        f"'{path}', header = true, all_varchar = true, skip = {int(ctx.header_skip)}, "
        f"delim = '{delim}', quote = '\"', escape = '\"', nullstr = {_NULL_STRINGS}, "
        f"null_padding = true, strict_mode = false, auto_detect = false, "
        f"columns = {{{_columns_struct(ctx.header)}}}{extra_options})"
    )


def _columns_struct(header: list[str]) -> str:
    seen: dict[str, int] = {}
    parts = []
    for name in header:
        key = name
        if key in seen:  # duplicate header names get a suffix, as DuckDB would
            seen[key] += 1
            key = f"{name}_{seen[name]}"
        else:
            seen[key] = 0
        parts.append(lit(key) + ": 'VARCHAR'")
    return ", ".join(parts)


def raw_parquet_relation(ctx: LoadContext) -> str:
    path = ctx.source.path.as_posix().replace("'", "''")
    return (
        "SELECT file_row_number + 1 AS source_row, * EXCLUDE (file_row_number) "
        f"FROM read_parquet('{path}', file_row_number = true)"
    )


@dataclass
class BillingReader:
    """Base for billing formats: subclasses set the ids and implement recognise() and mapping()."""

    format_id: str = ""
    label: str = ""
    kind: str = "billing"

    def recognise(self, source, header: list[str]) -> int:  # type: ignore[no-untyped-def]
        raise NotImplementedError

    def raw_relation(self, ctx: LoadContext) -> str:
        if ctx.source.container == "parquet":
            return raw_parquet_relation(ctx)
        return raw_csv_relation(ctx)

    def mapping(self, ctx: LoadContext) -> str:
        """SELECT source_row, <CANONICAL_COLUMNS> FROM raw.

        `raw` holds the file's rows (all text, plus source_row) that survived skip_rule().
        """
        raise NotImplementedError

    def skip_rule(self, ctx: LoadContext) -> str | None:
        """SQL expression over a raw row giving the reason to skip it (NULL keeps it), or None."""
        return None

    def detail(self, ctx: LoadContext) -> str | None:
        """Variant notes recorded on the batch."""
        return None

    def load(self, ctx: LoadContext) -> LoadCounts:
        src = self.raw_relation(ctx)
        rule = self.skip_rule(ctx)
        keep = f"SELECT * FROM src WHERE ({rule}) IS NULL" if rule else "SELECT * FROM src"
        mapped = f"WITH src AS ({src}), raw AS ({keep}) {self.mapping(ctx)}"
        inserted = ctx.con.execute(insert_sql(mapped), [ctx.batch_id, self.format_id]).fetchone()
        loaded = int(inserted[0]) if inserted else 0
        skipped: dict[str, int] = {}
        if rule:
            rows = ctx.con.execute(
                f"WITH src AS ({src}) SELECT reason, count(*) FROM "
                f"(SELECT ({rule}) AS reason FROM src raw) WHERE reason IS NOT NULL GROUP BY reason"
            ).fetchall()
            skipped = {str(k): int(v) for k, v in rows}
        return LoadCounts(
            rows_read=loaded + sum(skipped.values()),
            rows_loaded=loaded,
            skipped=skipped,
            detail=self.detail(ctx),
        )


def insert_sql(mapped: str) -> str:
    """INSERT for a reader's mapped SELECT, with the shared derivations. Parameters: batch_id, format id."""
    return f"""
INSERT INTO billing_line_items BY NAME
WITH mapped AS ({mapped}),
unit_norm AS (
    SELECT m.*,
           u.usage_unit AS _usage_unit,
           m.consumed_quantity * u.multiplier AS _usage_quantity,
           u.vcpu_per_unit AS _unit_vcpu
    FROM mapped m
    LEFT JOIN ref_units u ON u.raw_unit = lower(trim(m.consumed_unit))
)
SELECT
    (CAST($1 AS BIGINT) << 32) + n.source_row AS row_id,
    $1 AS batch_id,
    n.source_row,
    $2 AS source_format,
    n.* EXCLUDE (source_row, _usage_unit, _usage_quantity, _unit_vcpu,
                 vcpu_count, memory_gb, accelerator_model, accelerator_count),
    coalesce(n._usage_unit, CASE WHEN n.consumed_unit IS NULL THEN NULL ELSE 'other' END) AS usage_unit,
    coalesce(n._usage_quantity, n.consumed_quantity) AS usage_quantity,
    CASE WHEN n._usage_unit = 'hour' THEN n._usage_quantity END AS usage_hours,
    CAST(coalesce(n.vcpu_count, it.vcpu_count, n._unit_vcpu) AS DOUBLE) AS vcpu_count,
    CAST(coalesce(n.memory_gb, it.memory_gb) AS DOUBLE) AS memory_gb,
    coalesce(n.accelerator_model, it.accelerator_model) AS accelerator_model,
    CAST(coalesce(n.accelerator_count, it.accelerator_count) AS DOUBLE) AS accelerator_count
FROM unit_norm n
LEFT JOIN ref_instance_types it
       ON it.provider = n.provider AND it.instance_key = fp_instance_key(n.instance_type)
"""
