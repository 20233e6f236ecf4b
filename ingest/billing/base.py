"""What every billing reader shares: the raw relation over the file, validated casts, derivations, insert.

A reader only declares how its columns map onto the canonical billing columns (a SELECT over `raw`).
This module wraps that SELECT with the derivations every format needs (unit normalisation, instance
catalog lookup, accelerator SKU patterns) and inserts the rows in one statement, inside the caller's
transaction. Validation happens in the same pass: a value that cannot be read raises an error naming the
row and the column (see `fp_fail`), which rolls the whole file back. Once the rows are in, the normalised
quantities their energy is computed from, and their costs, are held against plausibility bounds (bounds.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import duckdb

from ingest.billing.bounds import check_bounds
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
# How raw_csv_relation numbers the data records. DuckDB evaluates this window function on one thread, so
# a load that needs it runs on one thread from the CSV scan to the insert; see BillingReader.load.
NUMBERED_ROWS = "row_number() OVER () AS source_row"
_UNNUMBERED_ROWS = "CAST(0 AS BIGINT) AS source_row"


def q(name: str) -> str:
    """Quoted reference to a raw column (names come from the file header, never from user values)."""
    return 'raw."' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    """SQL string literal for a constant chosen in code (column names in messages, format ids)."""
    return "'" + text.replace("'", "''") + "'"


def _parsed_or_fail(parsed: str, expr: str, column: str, what: str, blank: str) -> str:
    """`parsed` where it is not NULL, else `blank` for blank text, else a failure naming row and column.

    The parse is written once and evaluated once per row (COALESCE only evaluates its second argument for
    the rows the first left NULL), which matters on files of millions of rows.
    """
    return (
        f"coalesce({parsed}, CASE WHEN fp_blank({expr}) IS NULL THEN {blank} "
        f"ELSE fp_fail(source_row, {lit(column)}, 'cannot read ' || {expr} || ' as {what}') END)"
    )


def _ts(expr: str) -> str:
    """fp_ts, with a fast path for UTC text ending in 'Z' (CUR, FOCUS), which needs no zone arithmetic:
    cast as TIMESTAMP it gives the same instant fp_ts gives on the store's UTC connections."""
    return f"CASE WHEN suffix({expr}, 'Z') THEN TRY_CAST(trim({expr}) AS TIMESTAMP) ELSE fp_ts({expr}) END"


def required_ts(expr: str, column: str) -> str:
    """Parsed UTC timestamp; a missing or unreadable value fails the file with row and column."""
    missing = f"fp_fail(source_row, {lit(column)}, 'missing date/time')"
    return _parsed_or_fail(_ts(expr), expr, column, "a date/time", missing)


def required_ts_fmt(expr: str, column: str, formats: list[str]) -> str:
    """Like required_ts, for formats that need explicit strptime patterns (e.g. MM/DD/YYYY)."""
    fmts = "[" + ", ".join(lit(f) for f in formats) + "]"
    parsed = f"coalesce(try_strptime(trim({expr}), {fmts}), fp_ts({expr}))"
    missing = f"fp_fail(source_row, {lit(column)}, 'missing date/time')"
    return _parsed_or_fail(parsed, expr, column, "a date/time", missing)


def optional_ts(expr: str, column: str) -> str:
    """Timestamp that may be blank, but must be readable when present."""
    return _parsed_or_fail(_ts(expr), expr, column, "a date/time", "NULL")


def money(expr: str, column: str, *, required: bool = False) -> str:
    """DECIMAL(38,18) amount; unreadable text fails the file, blank is NULL (or 0 error if required)."""
    blank = (
        f"fp_fail(source_row, {lit(column)}, 'missing amount')" if required else "NULL"
    )
    return _parsed_or_fail(f"fp_money({expr})", expr, column, "a number", blank)


def number(expr: str, column: str) -> str:
    """DOUBLE; unreadable text fails the file, blank is NULL."""
    return _parsed_or_fail(f"fp_num({expr})", expr, column, "a number", "NULL")


def raw_csv_relation(ctx: LoadContext, *, extra_options: str = "") -> str:
    """SELECT over the CSV with a 1-based data row number; every column read as text."""
    path = ctx.source.path.as_posix().replace("'", "''")
    delim = ctx.source.delimiter.replace("'", "''")
    return (
        f"SELECT {NUMBERED_ROWS}, * FROM read_csv("
        f"'{path}', header = true, all_varchar = true, skip = {int(ctx.header_skip)}, "
        f"delim = '{delim}', quote = '\"', escape = '\"', nullstr = {_NULL_STRINGS}, "
        f"null_padding = true, strict_mode = false, auto_detect = false, "
        f"columns = {{{_columns_struct(ctx.header)}}}{extra_options})"
    )


def raw_column_names(header: list[str]) -> list[str]:
    """The names the raw relation gives the header's columns, in order.

    DuckDB column names are case-insensitive, but exports are not: a legacy CUR has one column per tag
    key and AWS tag keys are case-sensitive (resourceTags/user:Team and resourceTags/user:team). A
    later column whose name repeats an earlier one, ignoring case, is called '<name> #2', '#3', ...
    """
    seen: dict[str, int] = {}
    out = []
    for name in header:
        folded = name.lower()
        if folded in seen:
            seen[folded] += 1
            out.append(f"{name} #{seen[folded]}")
        else:
            seen[folded] = 1
            out.append(name)
    return out


def _columns_struct(header: list[str]) -> str:
    return ", ".join(lit(name) + ": 'VARCHAR'" for name in raw_column_names(header))


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
    # Readers whose every connection-level prerequisite is made in setup() may load CSV files in
    # parallel (see load); they must not create anything in the transaction before calling load().
    parallel_csv_load = False

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

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """The file's column a value of data row `source_row` that failed a plausibility bound came from, for
        the message (bounds.py). `field` is 'quantity' (consumed_quantity) or 'vcpu_count', 'memory_gb',
        'accelerator_count'; None where the file does not state the value (instance catalog, unit table)."""
        return None

    def cost_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """The file's column the cost `field` ('billed_cost', 'effective_cost' or 'list_cost') of data row
        `source_row` came from, where it failed a plausibility bound (bounds.py); None where the reader
        cannot tell."""
        return None

    def raw_amounts(self, ctx: LoadContext, source_row: int, columns: list[str]) -> dict[str, Decimal | None]:
        """The amounts (fp_money, NULL when blank) the file's `columns` hold in data row `source_row`: for
        cost_column, where the reader's cost is one of several columns. Columns come from the header."""
        if not columns:
            return {}
        picks = ", ".join(f"fp_money(CAST({q(c)} AS VARCHAR))" for c in columns)
        found = ctx.con.execute(
            f"WITH src AS ({self.raw_relation(ctx)}) SELECT {picks} FROM src raw WHERE source_row = ?",
            [source_row],
        ).fetchone()
        return dict(zip(columns, found or [None] * len(columns), strict=True))

    def setup(self, ctx: LoadContext) -> None:
        """Create what the mapping needs on the connection (temporary macros), inside the load's
        transaction; called again when a parallel load starts the transaction over."""

    def load(self, ctx: LoadContext) -> LoadCounts:
        """Insert the mapped rows; the caller's transaction is fresh (nothing written in it yet).

        A CSV numbered by raw_csv_relation is read on one thread (the row-number window), and with it
        the whole mapping and insert. Readers that opt in (parallel_csv_load) load such files in two
        steps instead: the rows go in unnumbered, in file order (DuckDB's order-preserving batch insert,
        checked on the plan; any other plan takes the one-thread path), then their position gives
        source_row and the reference lookups are applied (number_and_derive). The stored rows are the
        same. A value that fails validation in the first step cannot name its row, so the transaction is
        started over and the file loaded the one-thread way, whose error names it.
        """
        self.setup(ctx)
        src = self.raw_relation(ctx)
        rule = self.skip_rule(ctx)
        mapping = self.mapping(ctx)
        params = [ctx.batch_id, self.format_id]
        loaded: int | None = None
        if self.parallel_csv_load and rule is None and NUMBERED_ROWS in src:
            loaded = self._load_in_file_order(ctx, src.replace(NUMBERED_ROWS, _UNNUMBERED_ROWS, 1), mapping)
        if loaded is None:
            keep = f"SELECT * FROM src raw WHERE ({rule}) IS NULL" if rule else "SELECT * FROM src"
            mapped = f"WITH src AS ({src}), raw AS ({keep}) {mapping}"
            with streaming_join_plan(ctx.con):
                inserted = ctx.con.execute(insert_sql(mapped), params).fetchone()
            loaded = int(inserted[0]) if inserted else 0
        check_bounds(self, ctx)
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

    def _load_in_file_order(self, ctx: LoadContext, unnumbered: str, mapping: str) -> int | None:
        """Rows inserted in parallel and numbered by position; None when the plan would not keep the
        file's order or a value failed validation (then the transaction has been started over)."""
        statement = insert_unnumbered_sql(f"WITH src AS ({unnumbered}), raw AS (SELECT * FROM src) {mapping}")
        params = [ctx.batch_id, self.format_id]
        plan = "\n".join(str(r[1]) for r in ctx.con.execute("EXPLAIN " + statement, params).fetchall())
        if "Batch Insert" not in plan:
            return None
        try:
            inserted = ctx.con.execute(statement, params).fetchone()
        except duckdb.Error as exc:
            if _UNLOCATED_FAILURE not in str(exc):
                raise
            ctx.con.execute("ROLLBACK")
            ctx.con.execute("BEGIN TRANSACTION")
            self.setup(ctx)
            return None
        loaded = int(inserted[0]) if inserted else 0
        number_and_derive(ctx.con, ctx.batch_id, loaded)
        return loaded


@contextmanager
def streaming_join_plan(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Keep the reference tables on the build side of the insert's lookup joins.

    DuckDB cannot estimate how many rows a CSV scan yields (it guesses a few dozen), so its build/probe
    optimizer would build the hash table from the file's rows and probe it with the small reference table:
    every row of the file held in memory at once (2.4 GB for a 2-million-row CUR). Written as LEFT JOINs
    with the reference table on the right, the plan streams the file through instead. Only that one
    optimizer is switched off, only for the insert, and the previous setting is restored.
    """
    previous = str(con.execute("SELECT current_setting('disabled_optimizers')").fetchone()[0] or "")
    names = [n.strip() for n in previous.split(",") if n.strip()]
    restore = "SET disabled_optimizers = " + lit(",".join(names)) if names else "RESET disabled_optimizers"
    if "build_side_probe_side" not in names:
        con.execute("SET disabled_optimizers = " + lit(",".join([*names, "build_side_probe_side"])))
    try:
        yield
    except duckdb.Error:
        try:
            con.execute(restore)
        except duckdb.Error:
            # The failed statement aborted the load's transaction, in which DuckDB accepts no SET: end it
            # here (nothing of it survives either way), restore, and leave a fresh one for the loader's
            # own ROLLBACK, so the original error is the one reported.
            con.execute("ROLLBACK")
            con.execute(restore)
            con.execute("BEGIN TRANSACTION")
        raise
    con.execute(restore)


# fp_fail's message for a row that has no number yet.
_UNLOCATED_FAILURE = "FPERR|row=0|"


def insert_unnumbered_sql(mapped: str) -> str:
    """INSERT of a reader's mapped rows without the lookups (joins would give up the file's order):
    row numbers and reference-table values are filled in by number_and_derive. Parameters as insert_sql."""
    return f"""
INSERT INTO billing_line_items BY NAME
SELECT
    CAST(0 AS BIGINT) AS row_id,
    $1 AS batch_id,
    $2 AS source_format,
    m.* EXCLUDE (vcpu_count, memory_gb, accelerator_count),
    CASE WHEN m.consumed_unit IS NULL THEN NULL ELSE 'other' END AS usage_unit,
    m.consumed_quantity AS usage_quantity,
    CAST(NULL AS DOUBLE) AS usage_hours,
    CAST(m.vcpu_count AS DOUBLE) AS vcpu_count,
    CAST(m.memory_gb AS DOUBLE) AS memory_gb,
    CAST(m.accelerator_count AS DOUBLE) AS accelerator_count
FROM ({mapped}) m
"""


_NUMBER_SQL = """
UPDATE billing_line_items
SET source_row = rowid - $2 + 1, row_id = (CAST($1 AS BIGINT) << 32) + (rowid - $2 + 1)
WHERE batch_id = $1
"""
# The same derivations as insert_sql, in the same precedence: the reader's own value, then the instance
# catalog, then the unit (vCPU-hours).
_CATALOG_SQL = """
UPDATE billing_line_items AS b
SET vcpu_count = CAST(coalesce(b.vcpu_count, it.vcpu_count) AS DOUBLE),
    memory_gb = CAST(coalesce(b.memory_gb, it.memory_gb) AS DOUBLE),
    accelerator_model = CASE WHEN b.accelerator_count = 0 THEN b.accelerator_model
                             ELSE coalesce(b.accelerator_model, it.accelerator_model) END,
    accelerator_count = CAST(coalesce(b.accelerator_count, it.accelerator_count) AS DOUBLE)
FROM ref_instance_types AS it
WHERE b.batch_id = $1 AND it.provider = b.provider AND it.instance_key = fp_instance_key(b.instance_type)
"""
_UNITS_SQL = """
UPDATE billing_line_items AS b
SET usage_unit = coalesce(u.usage_unit, b.usage_unit),
    usage_quantity = coalesce(b.consumed_quantity * u.multiplier, b.consumed_quantity),
    usage_hours = CASE WHEN u.usage_unit = 'hour' THEN b.consumed_quantity * u.multiplier END,
    vcpu_count = CAST(coalesce(b.vcpu_count, u.vcpu_per_unit) AS DOUBLE)
FROM ref_units AS u
WHERE b.batch_id = $1 AND u.raw_unit = lower(trim(b.consumed_unit))
"""


def number_and_derive(con: duckdb.DuckDBPyConnection, batch_id: int, loaded: int) -> None:
    """Give the rows of a batch inserted in file order their source_row and row_id, then the unit and
    instance-catalog values insert_sql derives."""
    first, last, count = con.execute(
        "SELECT min(rowid), max(rowid), count(*) FROM billing_line_items WHERE batch_id = ?", [batch_id]
    ).fetchone()
    if count != loaded or (count and last - first + 1 != count):
        raise RuntimeError(f"batch {batch_id}: inserted rows are not contiguous; cannot number them")
    if not count:
        return
    con.execute(_NUMBER_SQL, [batch_id, first])
    con.execute(_CATALOG_SQL, [batch_id])
    con.execute(_UNITS_SQL, [batch_id])


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
    -- A reader that states 0 devices (GCP core/RAM rows of a GPU machine type) keeps no model either.
    CASE WHEN n.accelerator_count = 0 THEN n.accelerator_model
         ELSE coalesce(n.accelerator_model, it.accelerator_model) END AS accelerator_model,
    CAST(coalesce(n.accelerator_count, it.accelerator_count) AS DOUBLE) AS accelerator_count
FROM unit_norm n
LEFT JOIN ref_instance_types it
       ON it.provider = n.provider AND it.instance_key = fp_instance_key(n.instance_type)
"""
