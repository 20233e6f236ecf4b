"""GCP's retired billing "file export" in JSON: daily files of line items (`lineItemId`, `startTime` and
`endTime` with a Pacific offset, `measurements[]`, `cost{amount, currency}`, `projectNumber`).

Google stopped the file export in favour of BigQuery, but archives of it are still the only record of
older spending. Method choices:
  * Times carry their own offset (-08:00) and are converted to UTC.
  * The quantity is the measurement whose measurementId equals the lineItemId, or the only measurement;
    every measurement is kept in x_details.
  * The service is named from the lineItemId path (`.../services/compute-engine/...` is Compute Engine)
    and the SKU is its last segment; a VM image item (`VmimageN1Standard_4`) names its machine type, and
    since the file export billed whole VMs the instance catalog may fill vCPUs and accelerators.
  * Credits, where a file has them, are netted into billed cost as for the BigQuery export.
The file export carried usage only (no taxes or invoice adjustments), so every row is Usage.
"""

from __future__ import annotations

from ingest.billing.base import money, number, required_ts
from ingest.billing.gcp_common import (
    NO_LABELS,
    GcpReader,
    checked_labels,
    credits_total,
    json_list,
    json_relation,
    label_entries,
)
from ingest.registry import LoadContext, register
from ingest.source import SourceFile

FIELDS: dict[str, str] = {
    "accountId": "VARCHAR",
    "lineItemId": "VARCHAR",
    "description": "VARCHAR",
    "startTime": "VARCHAR",
    "endTime": "VARCHAR",
    "projectNumber": "VARCHAR",
    "projectId": "VARCHAR",
    "projectName": "VARCHAR",
    "projectLabels": "JSON",
    "measurements": "JSON",
    "credits": "JSON",
    "cost": "STRUCT(amount VARCHAR, currency VARCHAR)",
}
MANDATORY = ("lineItemId", "startTime", "endTime", "cost.amount", "cost.currency")
SIGNATURE = {"lineItemId", "startTime", "endTime", "measurements", "cost", "projectNumber"}
_SERVICES = {
    "compute-engine": "Compute Engine",
    "cloud-storage": "Cloud Storage",
    "big-query": "BigQuery",
    "cloud-sql": "Cloud SQL",
    "app-engine": "App Engine",
}


def _c(path: str) -> str:
    return 'raw."' + path + '"'


class GcpLegacyJsonReader(GcpReader):
    def __init__(self) -> None:
        super().__init__(format_id="gcp-legacy-json", label="GCP billing file export (legacy JSON)")

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container not in ("json", "jsonl"):
            return 0
        return 70 if set(MANDATORY) <= set(header) else 0

    def near_miss(self, header: list[str]) -> str | None:
        cols = set(header)
        if len(SIGNATURE & cols) < 2 or "lineItemId" not in cols:
            return None
        missing = [m for m in MANDATORY if m not in cols]
        if missing:
            return (
                f"looks like a GCP billing file export but lacks the mandatory field(s) {', '.join(missing)}"
            )
        return None

    def raw_relation(self, ctx: LoadContext) -> str:
        return json_relation(ctx, FIELDS)

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        return "measurements" if field == "quantity" else None

    def source_cost_column(self, ctx: LoadContext) -> str:
        return "cost.amount"

    def detail(self, ctx: LoadContext) -> str | None:
        return "retired file export; times converted from their offset to UTC; credits netted"

    def typed(self, ctx: LoadContext) -> str:
        item = f"regexp_extract({_c('lineItemId')}, '[^/]+$')"
        slug = f"regexp_extract({_c('lineItemId')}, 'services/([^/]+)/', 1)"
        services = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _SERVICES.items())
        vm = r"'^Vmimage([A-Z][0-9])(Standard|Highmem|Highcpu)_([0-9]+).*$'"
        small = r"'^Vmimage([A-Z][0-9])(Micro|Small).*$'"
        inner = f"""
SELECT
    source_row,
    fp_blank({_c("accountId")}) AS billing_account_id,
    CAST(NULL AS VARCHAR) AS billing_account_name,
    coalesce(fp_blank({_c("projectId")}), fp_blank({_c("projectNumber")})) AS project_id,
    fp_blank({_c("projectName")}) AS project_name,
    CASE {slug} {services} ELSE nullif({slug}, '') END AS service_name,
    fp_blank({_c("lineItemId")}) AS sku_id,
    coalesce(fp_blank({_c("description")}), nullif({item}, ''),
             fp_fail(source_row, 'lineItemId', 'missing line item id')) AS sku,
    {required_ts(_c("startTime"), "startTime")} AS start_ts,
    {required_ts(_c("endTime"), "endTime")} AS end_ts,
    CAST(NULL AS TIMESTAMP) AS billing_period_start,
    'regular' AS cost_type,
    CAST(NULL AS VARCHAR) AS line_item_type,
    CAST(NULL AS VARCHAR) AS credit_type,
    {money(_c("cost.amount"), "cost.amount", required=True)} AS cost,
    CAST(NULL AS DECIMAL(38, 18)) AS list_cost,
    coalesce(upper(fp_blank({_c("cost.currency")})), fp_fail(source_row, 'cost.currency', 'missing currency')) AS currency,
    CAST(NULL AS VARCHAR) AS region_id,
    CAST(NULL AS VARCHAR) AS region_name,
    CAST(NULL AS VARCHAR) AS zone,
    CAST(NULL AS VARCHAR) AS resource_id,
    CAST(NULL AS VARCHAR) AS resource_name,
    {NO_LABELS} AS label_entries,
    {label_entries(_c("projectLabels"))} AS project_label_entries,
    {NO_LABELS} AS system_label_entries,
    {_c("projectLabels")} AS project_labels_text,
    {json_list(_c("credits"), "credits")} AS credits_json,
    {json_list(_c("measurements"), "measurements")} AS measurements_json,
    fp_blank({_c("lineItemId")}) AS line_item_id,
    false AS is_correction,
    CASE WHEN regexp_matches({item}, {vm}) THEN lower(regexp_replace({item}, {vm}, '\\1-\\2-\\3'))
         WHEN regexp_matches({item}, {small}) THEN lower(regexp_replace({item}, {small}, '\\1-\\2'))
    END AS instance_type_hint,
    fp_blank({_c("projectNumber")}) AS project_number
FROM raw"""
        # The measurement that measures this line item, or the only one there is.
        mid = f"""
SELECT t.* REPLACE (
        {checked_labels("t.project_label_entries", "t.project_labels_text", "projectLabels")} AS project_label_entries),
    CASE WHEN t.measurements_json IS NULL THEN NULL
         ELSE coalesce(
            list_filter(CAST(t.measurements_json AS JSON[]), lambda e: (e->>'measurementId') = t.line_item_id)[1],
            CASE WHEN json_array_length(t.measurements_json) = 1 THEN CAST(t.measurements_json AS JSON[])[1] END)
    END AS measurement
FROM ({inner}) t"""
        return f"""
SELECT
    m.* EXCLUDE (measurements_json, line_item_id, project_number, measurement, project_labels_text),
    {number("m.measurement->>'sum'", "measurements")} AS quantity,
    m.measurement->>'unit' AS unit,
    {credits_total("m.credits_json", "credits")} AS credits_total,
    false AS bills_per_component,
    json_merge_patch('{{}}', json_object(
        'line_item_id', m.line_item_id, 'project_number', m.project_number,
        'measurements', m.measurements_json, 'credits', m.credits_json,
        'cost_before_credits', CAST(m.cost AS VARCHAR),
        'quantity_source', CASE WHEN m.measurement IS NOT NULL THEN 'measurements.sum' END)) AS x_details
FROM ({mid}) m"""


register(GcpLegacyJsonReader())
