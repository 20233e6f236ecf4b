"""What the GCP billing readers share: the BigQuery export's field paths, raw relations that expose them as
text whatever the container, and the one canonical mapping every GCP format feeds.

GCP exports come as CSV (nested fields flattened with dots, repeated fields as JSON text), as JSON of the
BigQuery table (nested records and repeated key/value arrays as they really are) and as Parquet (structs
and lists). The raw relations below turn all of them into the same text columns named by the dotted
field path (`sku.description`, `usage.amount`, `labels`), so one typed SELECT per format and one
canonical SQL file (footprint/sql/ingest/gcp_canonical.sql) serve them all.

A reader's typed SELECT (over `raw`) yields these columns, which the canonical SQL reads:
source_row, billing_account_id, billing_account_name, project_id, project_name, service_name, sku_id,
sku, start_ts, end_ts, billing_period_start, cost_type ('regular' | 'tax' | 'adjustment' |
'rounding_error'), line_item_type, credit_type, cost (before credits), credits_total, list_cost,
currency, quantity, unit, region_id, region_name, zone, resource_id, resource_name, label_entries,
project_label_entries, system_label_entries (STRUCT(key, value)[]), credits_json, instance_type_hint,
bills_per_component, is_correction, x_details.

Every validated value must reach a column the canonical SQL reads: DuckDB drops unused columns, and with
them the check.
"""

from __future__ import annotations

from functools import cache

import duckdb

from footprint.sqlfiles import sql
from ingest.billing.base import BillingReader, lit, q, raw_csv_relation
from ingest.errors import IngestError
from ingest.registry import LoadContext
from ingest.source import SourceFile

# Top-level fields of the BigQuery billing export (standard table, plus what the detailed table adds:
# resource, price) with the type they are read as. Repeated records stay JSON; every value is text, so
# money keeps its digits and validation names the field.
BQ_FIELDS: dict[str, str] = {
    "billing_account_id": "VARCHAR",
    "service": "STRUCT(id VARCHAR, description VARCHAR)",
    "sku": "STRUCT(id VARCHAR, description VARCHAR)",
    "usage_start_time": "VARCHAR",
    "usage_end_time": "VARCHAR",
    "project": "STRUCT(id VARCHAR, number VARCHAR, name VARCHAR, labels JSON, ancestry_numbers VARCHAR)",
    "labels": "JSON",
    "system_labels": "JSON",
    "location": "STRUCT(location VARCHAR, country VARCHAR, region VARCHAR, zone VARCHAR)",
    "tags": "JSON",
    "transaction_type": "VARCHAR",
    "seller_name": "VARCHAR",
    "export_time": "VARCHAR",
    "cost": "VARCHAR",
    "currency": "VARCHAR",
    "currency_conversion_rate": "VARCHAR",
    "usage": "STRUCT(amount VARCHAR, unit VARCHAR, amount_in_pricing_units VARCHAR, pricing_unit VARCHAR)",
    "credits": "JSON",
    "invoice": "STRUCT(month VARCHAR, publisher_type VARCHAR)",
    "cost_type": "VARCHAR",
    "adjustment_info": "STRUCT(id VARCHAR, description VARCHAR, mode VARCHAR, type VARCHAR)",
    "cost_at_list": "VARCHAR",
    "price": "STRUCT(effective_price VARCHAR, tier_start_amount VARCHAR, unit VARCHAR, pricing_unit_quantity VARCHAR)",
    "resource": "STRUCT(name VARCHAR, global_name VARCHAR)",
}


def _struct_fields(type_text: str) -> list[str]:
    inner = type_text[len("STRUCT(") : -1]
    return [part.strip().split(" ", 1)[0] for part in inner.split(",")]


def field_paths(fields: dict[str, str]) -> list[str]:
    """Dotted leaf paths of a field spec: `service.description`, `labels`, ..."""
    out: list[str] = []
    for name, type_text in fields.items():
        if type_text.startswith("STRUCT("):
            out.extend(f"{name}.{child}" for child in _struct_fields(type_text))
        else:
            out.append(name)
    return out


BQ_PATHS = field_paths(BQ_FIELDS)


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _path_literal(ctx: LoadContext) -> str:
    return "'" + ctx.source.path.as_posix().replace("'", "''") + "'"


def json_relation(ctx: LoadContext, fields: dict[str, str]) -> str:
    """JSON array or JSON lines read with an explicit schema; every field path as a text column.

    source_row is the 1-based record number.
    """
    fmt = "array" if ctx.source.container == "json" else "newline_delimited"
    compression = "gzip" if ctx.source.compression == "gzip" else "none"
    columns = ", ".join(f"{lit(name)}: {lit(type_text)}" for name, type_text in fields.items())
    select = []
    for path in field_paths(fields):
        top, _, child = path.partition(".")
        expr = f"j.{ident(top)}.{ident(child)}" if child else f"j.{ident(top)}"
        select.append(f"CAST({expr} AS VARCHAR) AS {ident(path)}")
    return (
        f"SELECT row_number() OVER () AS source_row, {', '.join(select)} FROM read_json({_path_literal(ctx)}, "
        f"format = '{fmt}', records = true, auto_detect = false, compression = '{compression}', "
        f"columns = {{{columns}}}) j"
    )


def _text(expr: str, type_id: str) -> str:
    if type_id in ("struct", "list", "map", "array", "union"):
        return f"CAST(to_json({expr}) AS VARCHAR)"
    return f"CAST({expr} AS VARCHAR)"


@cache
def _parquet_exprs(path: str) -> dict[str, str]:
    """Dotted path -> text expression over `p` for a Parquet file (nested BigQuery structs or flat)."""
    rel = duckdb.connect().sql("SELECT * FROM read_parquet(?)", params=[path])
    out: dict[str, str] = {}
    for name, dtype in zip(rel.columns, rel.types, strict=True):
        if dtype.id == "struct":
            for child, ctype in dtype.children:
                out[f"{name}.{child}"] = _text(f"p.{ident(name)}.{ident(child)}", ctype.id)
        out.setdefault(name, _text(f"p.{ident(name)}", dtype.id))
    return out


def flat_columns(source: SourceFile, header: list[str]) -> list[str]:
    """Header as dotted field paths: Parquet structs are expanded; CSV and JSON keys already are."""
    if source.container == "parquet":
        try:
            return list(_parquet_exprs(str(source.path)))
        except duckdb.Error:
            return list(header)
    return [c.strip() for c in header]


def projected_relation(ctx: LoadContext, paths: list[str]) -> str:
    """SELECT source_row plus one text column per path (NULL where the file lacks it) for CSV or Parquet."""
    if ctx.source.container == "parquet":
        exprs = _parquet_exprs(str(ctx.source.path))
        base = (
            "SELECT file_row_number + 1 AS source_row, * EXCLUDE (file_row_number) "
            f"FROM read_parquet({_path_literal(ctx)}, file_row_number = true)"
        )
        select = [f"{exprs.get(path, 'CAST(NULL AS VARCHAR)')} AS {ident(path)}" for path in paths]
        return f"SELECT p.source_row, {', '.join(select)} FROM ({base}) p"
    actual = {}
    for name in ctx.header:
        actual.setdefault(name.strip(), name)
    select = [
        f"{q(actual[path]) if path in actual else 'CAST(NULL AS VARCHAR)'} AS {ident(path)}" for path in paths
    ]
    return f"SELECT raw.source_row, {', '.join(select)} FROM ({raw_csv_relation(ctx)}) raw"


def require_columns(ctx: LoadContext, have: list[str], mandatory: tuple[str, ...], what: str) -> None:
    missing = [m for m in mandatory if m not in set(have)]
    if missing:
        raise IngestError(ctx.source.name, f"{what} lacks the mandatory column(s) {', '.join(missing)}")


def json_list(expr: str, column: str) -> str:
    """Validated JSON array text for a repeated field kept as JSON (credits, tags); blank is NULL."""
    return (
        f"CASE WHEN fp_blank({expr}) IS NULL THEN NULL "
        f"WHEN json_valid({expr}) AND left(ltrim({expr}), 1) = '[' THEN CAST({expr} AS JSON) "
        f"ELSE fp_fail(source_row, {lit(column)}, {lit(column + ' is not a JSON array: ')} || left({expr}, 60)) END"
    )


def label_entries(expr: str) -> str:
    """Labels text as STRUCT(key, value)[], or NULL where it cannot be read (checked by checked_labels)."""
    return f"TRY(gcp_kv_entries({expr}))"


def checked_labels(entries: str, text: str, column: str) -> str:
    """The entries from label_entries, failing the row when non-blank text gave none or repeats a key."""
    problem = (
        f"{column} is not a JSON array of {{key, value}} records with distinct keys, nor a JSON object: "
    )
    return (
        f"CASE WHEN fp_blank({text}) IS NULL THEN NULL "
        f"WHEN {entries} IS NOT NULL AND gcp_kv_ok({entries}) THEN {entries} "
        f"ELSE fp_fail(source_row, {lit(column)}, {lit(problem)} || left({text}, 60)) END"
    )


NO_LABELS = 'CAST(NULL AS STRUCT("key" VARCHAR, "value" VARCHAR)[])'


def credits_total(expr: str, column: str) -> str:
    """Sum of a validated credits array (0 when none); an unreadable amount fails the row."""
    return (
        f"CASE WHEN {expr} IS NULL THEN CAST(0 AS DECIMAL(38, 18)) "
        f"WHEN gcp_credit_problem({expr}) IS NOT NULL THEN fp_fail(source_row, {lit(column)}, gcp_credit_problem({expr})) "
        f"ELSE gcp_credit_sum({expr}) END"
    )


def canonical_sql(typed: str) -> str:
    """The canonical mapping over a reader's typed SELECT."""
    text = sql("ingest/gcp_canonical")
    marker = "FROM gcp_typed t"
    if text.count(marker) != 1:
        raise RuntimeError("gcp_canonical.sql must read `FROM gcp_typed t` exactly once")
    return text.replace(marker, f"FROM ({typed}) t")


def create_device_macro(con: duckdb.DuckDBPyConnection) -> None:
    """gcp_device_model(sku): the accelerator a GPU/TPU SKU text names, from ref_accelerator_sku_patterns.

    The shipped patterns become one CASE of constant regular expressions, tried longest first (the most
    specific pattern wins: 'A100 80GB' before 'A100'). Constant patterns compile once per query, and the
    file's rows stream past them; a lookup join would hold every row for a per-row regex match.
    """
    rows = con.execute(
        "SELECT pattern, accelerator_model FROM ref_accelerator_sku_patterns WHERE provider = 'gcp' "
        "ORDER BY length(pattern) DESC, pattern"
    ).fetchall()
    whens = " ".join(f"WHEN regexp_matches(s, {lit(str(p))}) THEN {lit(str(m))}" for p, m in rows)
    body = f"CASE {whens} END" if rows else "CAST(NULL AS VARCHAR)"
    con.execute(f"CREATE OR REPLACE TEMP MACRO gcp_device_model(s) AS {body}")


def create_unit_kind_macro(con: duckdb.DuckDBPyConnection) -> None:
    """gcp_unit_kind(unit): the canonical usage unit (hour, gb_hour, ...) a billed unit converts to.

    Built from ref_units as constants, like gcp_device_model, so the mapping needs no join and the rows
    can go in in file order (see BillingReader.load).
    """
    rows = con.execute("SELECT raw_unit, usage_unit FROM ref_units ORDER BY raw_unit").fetchall()
    whens = " ".join(f"WHEN {lit(str(raw))} THEN {lit(str(kind))}" for raw, kind in rows)
    body = f"CASE lower(trim(u)) {whens} END" if rows else "CAST(NULL AS VARCHAR)"
    con.execute(f"CREATE OR REPLACE TEMP MACRO gcp_unit_kind(u) AS {body}")


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Create the temporary macros the GCP mapping calls, on the loading connection."""
    con.execute(sql("ingest/gcp_macros"))
    create_device_macro(con)
    create_unit_kind_macro(con)


class GcpReader(BillingReader):
    """Base of the GCP readers: a typed SELECT per format, the shared canonical mapping and helpers."""

    parallel_csv_load = True  # every macro the mapping needs is made in setup()

    def typed(self, ctx: LoadContext) -> str:
        raise NotImplementedError

    def mapping(self, ctx: LoadContext) -> str:
        return canonical_sql(self.typed(ctx))

    def setup(self, ctx: LoadContext) -> None:
        prepare(ctx.con)

    def source_cost_column(self, ctx: LoadContext) -> str:
        """The file's cost column (before credits)."""
        return "cost"

    def source_list_cost_column(self, ctx: LoadContext) -> str | None:
        """The file's list cost column, None where the format has none."""
        return None

    def cost_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """Billed and effective cost are cost plus credits (canonical SQL): the cost column, or `credits`
        where the credits are the larger part of the row's amount (x_details keeps the cost before them)."""
        if field == "list_cost":
            return self.source_list_cost_column(ctx)
        found = ctx.con.execute(
            "SELECT billed_cost, TRY_CAST(x_details->>'cost_before_credits' AS DECIMAL(38, 18)) "
            "FROM billing_line_items WHERE batch_id = ? AND source_row = ? LIMIT 1",
            [ctx.batch_id, source_row],
        ).fetchone()
        if found and found[1] is not None and abs(found[0] - found[1]) > abs(found[1]):
            return "credits"
        return self.source_cost_column(ctx)
