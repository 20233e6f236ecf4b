"""GCP billing: the BigQuery billing export (standard `gcp_billing_export_v1_<acct>` and detailed
`gcp_billing_export_resource_v1_<acct>`), as CSV, CSV.GZ, JSON lines, JSON or Parquet.

GCP has no native file export any more; people hand over the BigQuery table, downloaded as CSV (nested
fields flattened with dots, `labels`, `system_labels`, `project.labels` and `credits` as JSON text, since
BigQuery flattens repeated fields only that way), as JSON of the table, or as Parquet. The Console cost
table (gcp_console.py) and the retired file export (gcp_legacy.py) have their own readers.

Method choices, each visible in the stored row:
  * Credits are netted. GCP's `cost` excludes credits (sustained use, committed use, promotions, free
    tier ...), and the invoice charges cost + sum(credits). Each export row therefore stays one canonical
    row (source_row is the record number) whose billed and effective cost are cost + sum(credits.amount);
    the credit list, the cost before credits and the credit total are kept in x_details. A GCP total thus
    equals the invoice, and no credit is counted as a row of its own.
  * cost_type: regular -> Usage (Purchase for commitment fees), tax -> Tax, adjustment -> Credit when it
    lowers the bill, Adjustment otherwise (charge class Correction for usage or price corrections),
    rounding_error -> Adjustment. The raw value stays in line_item_type.
  * Quantity is usage.amount_in_pricing_units in usage.pricing_unit (hours, GiB-months); where the
    pricing unit is missing, usage.amount in usage.unit (seconds, byte-seconds, bytes, requests). Which one
    was used is recorded in x_details.quantity_source.
  * Region is location.region, else location.location. Project labels and resource labels become one
    flat tags object (a resource label wins over a project label with the same key).
  * The machine type comes from system_labels `compute.googleapis.com/machine_spec`; GPUs come only from
    GPU SKUs (see footprint/sql/ingest/gcp_canonical.sql), so nothing is counted twice.
"""

from __future__ import annotations

from ingest.billing.base import money, number, required_ts
from ingest.billing.gcp_common import (
    BQ_FIELDS,
    BQ_PATHS,
    GcpReader,
    checked_labels,
    credits_total,
    flat_columns,
    json_list,
    json_relation,
    label_entries,
    projected_relation,
    require_columns,
)
from ingest.registry import LoadContext, register
from ingest.source import SourceFile

MANDATORY = (
    "usage_start_time",
    "usage_end_time",
    "cost",
    "currency",
    "cost_type",
    "service.description",
    "sku.description",
)
SIGNATURE = {
    "billing_account_id",
    "service.description",
    "sku.description",
    "usage_start_time",
    "usage_end_time",
    "cost_type",
    "invoice.month",
    "usage.amount",
    "usage.pricing_unit",
    "project.id",
    "credits",
    "cost",
}
DETAILED = {"resource.name", "resource.global_name"}


def _c(path: str) -> str:
    return 'raw."' + path.replace('"', '""') + '"'


class GcpBigQueryReader(GcpReader):
    def __init__(self, detailed: bool):
        kind = "detailed" if detailed else "standard"
        super().__init__(
            format_id="gcp-bq-resource" if detailed else "gcp-bq",
            label=f"GCP BigQuery billing export ({kind})",
        )
        self.detailed = detailed

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        cols = set(flat_columns(source, header))
        if not set(MANDATORY) <= cols:
            return 0
        return 70 if bool(cols & DETAILED) == self.detailed else 0

    def near_miss(self, header: list[str]) -> str | None:
        if self.detailed:
            return None
        cols = {c.strip() for c in header}
        if len(SIGNATURE & cols) < 2:
            return None
        # A nested Parquet header names only the top-level record (`sku`), not its fields.
        missing = [m for m in MANDATORY if m not in cols and m.split(".")[0] not in cols]
        if missing:
            return f"looks like a GCP BigQuery billing export but lacks the mandatory column(s) {', '.join(missing)}"
        return None

    def raw_relation(self, ctx: LoadContext) -> str:
        require_columns(ctx, flat_columns(ctx.source, ctx.header), MANDATORY, "this GCP BigQuery export")
        if ctx.source.container in ("json", "jsonl"):
            return json_relation(ctx, BQ_FIELDS)
        return projected_relation(ctx, BQ_PATHS)

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """usage.amount_in_pricing_units or usage.amount, as the row's x_details.quantity_source records."""
        if field != "quantity":
            return None
        found = ctx.con.execute(
            "SELECT x_details->>'quantity_source' FROM billing_line_items WHERE batch_id = ? AND source_row = ?",
            [ctx.batch_id, source_row],
        ).fetchone()
        return str(found[0]) if found and found[0] else "usage.amount"

    def source_list_cost_column(self, ctx: LoadContext) -> str | None:
        return "cost_at_list"

    def detail(self, ctx: LoadContext) -> str | None:
        container = {"jsonl": "JSON lines", "json": "JSON", "parquet": "Parquet", "csv": "CSV"}.get(
            ctx.source.container, ctx.source.container
        )
        gz = ", gzip" if ctx.source.compression == "gzip" else ""
        return f"{container}{gz}; credits netted into billed and effective cost"

    def typed(self, ctx: LoadContext) -> str:
        pricing = f"fp_blank({_c('usage.pricing_unit')}) IS NOT NULL AND fp_blank({_c('usage.amount_in_pricing_units')}) IS NOT NULL"
        month = f"trim({_c('invoice.month')})"
        adj_mode = f"upper(coalesce({_c('adjustment_info.mode')}, '') || ' ' || coalesce({_c('adjustment_info.type')}, ''))"
        adjustment = f"""CASE WHEN lower(trim({_c("cost_type")})) = 'adjustment' THEN json_object(
            'id', {_c("adjustment_info.id")}, 'description', {_c("adjustment_info.description")},
            'mode', {_c("adjustment_info.mode")}, 'type', {_c("adjustment_info.type")}) END"""
        price = f"""CASE WHEN fp_blank({_c("price.effective_price")}) IS NOT NULL THEN json_object(
            'effective_price', {_c("price.effective_price")}, 'tier_start_amount', {_c("price.tier_start_amount")},
            'unit', {_c("price.unit")}, 'pricing_unit_quantity', {_c("price.pricing_unit_quantity")}) END"""
        inner = f"""
SELECT
    source_row,
    fp_blank({_c("billing_account_id")}) AS billing_account_id,
    CAST(NULL AS VARCHAR) AS billing_account_name,
    fp_blank({_c("project.id")}) AS project_id,
    fp_blank({_c("project.name")}) AS project_name,
    fp_blank({_c("service.description")}) AS service_name,
    fp_blank({_c("sku.id")}) AS sku_id,
    coalesce(fp_blank({_c("sku.description")}), fp_fail(source_row, 'sku.description', 'missing SKU description')) AS sku,
    {required_ts(_c("usage_start_time"), "usage_start_time")} AS start_ts,
    {required_ts(_c("usage_end_time"), "usage_end_time")} AS end_ts,
    CASE WHEN fp_blank({month}) IS NULL THEN NULL
         WHEN regexp_full_match({month}, '[0-9]{{4}}(0[1-9]|1[0-2])')
             THEN make_timestamp(CAST(left({month}, 4) AS BIGINT), CAST(right({month}, 2) AS BIGINT), 1, 0, 0, 0)
         ELSE fp_fail(source_row, 'invoice.month', 'cannot read ' || {month} || ' as an invoice month (YYYYMM)')
    END AS billing_period_start,
    CASE lower(trim({_c("cost_type")}))
        WHEN 'regular' THEN 'regular' WHEN 'tax' THEN 'tax' WHEN 'adjustment' THEN 'adjustment'
        WHEN 'rounding_error' THEN 'rounding_error'
        ELSE fp_fail(source_row, 'cost_type', 'unknown cost type ' || coalesce({_c("cost_type")}, '(blank)'))
    END AS cost_type,
    fp_blank({_c("cost_type")}) AS line_item_type,
    CAST(NULL AS VARCHAR) AS credit_type,
    {money(_c("cost"), "cost", required=True)} AS cost,
    {money(_c("cost_at_list"), "cost_at_list")} AS list_cost,
    coalesce(upper(fp_blank({_c("currency")})), fp_fail(source_row, 'currency', 'missing currency')) AS currency,
    {number(_c("usage.amount"), "usage.amount")} AS usage_amount,
    fp_blank({_c("usage.unit")}) AS usage_unit,
    {number(_c("usage.amount_in_pricing_units"), "usage.amount_in_pricing_units")} AS pricing_amount,
    fp_blank({_c("usage.pricing_unit")}) AS pricing_unit,
    CASE WHEN {pricing} THEN 'usage.amount_in_pricing_units'
         WHEN fp_blank({_c("usage.amount")}) IS NOT NULL THEN 'usage.amount' END AS quantity_source,
    lower(coalesce(fp_blank({_c("location.region")}), fp_blank({_c("location.location")}))) AS region_id,
    coalesce(fp_blank({_c("location.region")}), fp_blank({_c("location.location")})) AS region_name,
    fp_blank({_c("location.zone")}) AS zone,
    fp_blank({_c("resource.global_name")}) AS resource_id,
    fp_blank({_c("resource.name")}) AS resource_name,
    {label_entries(_c("labels"))} AS label_entries,
    {label_entries(_c("project.labels"))} AS project_label_entries,
    {label_entries(_c("system_labels"))} AS system_label_entries,
    {_c("labels")} AS x_labels_text,
    {_c("project.labels")} AS x_project_labels_text,
    {_c("system_labels")} AS x_system_labels_text,
    {json_list(_c("tags"), "tags")} AS tags_json,
    {json_list(_c("credits"), "credits")} AS credits_json,
    ({adj_mode} LIKE '%CORRECTION%' OR {adj_mode} LIKE '%NEGATION%') AS is_correction,
    {_c("service.id")} AS x_service_id,
    {_c("project.number")} AS x_project_number,
    {_c("location.location")} AS x_location,
    {_c("invoice.month")} AS x_invoice_month,
    {_c("export_time")} AS x_export_time,
    {_c("currency_conversion_rate")} AS x_currency_conversion_rate,
    {adjustment} AS x_adjustment_info,
    {price} AS x_price
FROM raw"""
        mid = f"""
SELECT
    t.* REPLACE (
        {checked_labels("t.label_entries", "t.x_labels_text", "labels")} AS label_entries,
        {checked_labels("t.project_label_entries", "t.x_project_labels_text", "project.labels")} AS project_label_entries,
        {checked_labels("t.system_label_entries", "t.x_system_labels_text", "system_labels")} AS system_label_entries),
    CASE WHEN t.quantity_source = 'usage.amount_in_pricing_units' THEN t.pricing_amount ELSE t.usage_amount END AS quantity,
    CASE WHEN t.quantity_source = 'usage.amount_in_pricing_units' THEN t.pricing_unit ELSE t.usage_unit END AS unit,
    {credits_total("t.credits_json", "credits")} AS credits_total
FROM ({inner}) t"""
        return f"""
SELECT
    m.* EXCLUDE (usage_amount, usage_unit, pricing_amount, pricing_unit, quantity_source, tags_json,
                 x_service_id, x_project_number, x_location, x_invoice_month, x_export_time,
                 x_currency_conversion_rate, x_adjustment_info, x_price, x_labels_text, x_project_labels_text,
                 x_system_labels_text),
    CAST(NULL AS VARCHAR) AS instance_type_hint,
    true AS bills_per_component,
    json_object(
        'cost_before_credits', CAST(m.cost AS VARCHAR), 'credits_total', CAST(m.credits_total AS VARCHAR),
        'credits', m.credits_json, 'quantity_source', m.quantity_source,
        'usage', json_object('amount', m.usage_amount, 'unit', m.usage_unit,
                             'amount_in_pricing_units', m.pricing_amount, 'pricing_unit', m.pricing_unit),
        'project_labels', to_json(m.project_label_entries), 'system_labels', to_json(m.system_label_entries),
        'resource_manager_tags', m.tags_json, 'service_id', m.x_service_id, 'project_number', m.x_project_number,
        'location', m.x_location, 'invoice_month', m.x_invoice_month, 'export_time', m.x_export_time,
        'currency_conversion_rate', m.x_currency_conversion_rate, 'adjustment_info', m.x_adjustment_info,
        'price', m.x_price) AS x_details
FROM ({mid}) m"""


register(GcpBigQueryReader(detailed=False))
register(GcpBigQueryReader(detailed=True))

# The other GCP formats register on import.
from ingest.billing import gcp_console, gcp_legacy  # noqa: E402, F401
