"""GCP Console "Cost table" report downloaded as CSV: the file people get from Billing > Cost table when
they have no BigQuery export.

The download may start with preamble lines (invoice number, invoice date, account) before the header;
ingest/source.py offers the first 12 lines as candidate headers and this reader recognises the real one.
Its columns are the report's: Billing account name/ID, Project name/ID, Service and SKU description/ID,
Credit type, Cost type, Usage start/end date, Usage amount/unit, Unrounded Cost (<currency>), Cost
(<currency>), and a closing Total row.

Method choices, recorded on the batch (format_detail) and in x_details:
  * Credits are their own rows here (Credit type filled, negative cost); they become Credit rows and
    carry no usage. Every other row keeps its own amount, so the file's total is the invoice's.
  * The unrounded cost is used where the report has it, else the rounded one; thousands separators
    (1,234.56) are dropped.
  * The currency is named only by the cost column's symbol: '$' is read as USD, '€' as EUR, '£' as GBP,
    '¥' as JPY, a three-letter code as itself; --currency overrides, and an unknown symbol needs it.
  * Dates are whole days without a zone: the charge period runs from the start date's midnight to the
    midnight after the end date (the end date is inclusive), both taken as UTC.
  * The Total row is a summary, not a charge: it is skipped and counted under its own reason.
"""

from __future__ import annotations

import re

from ingest.billing.base import lit, money, number, q, required_ts
from ingest.billing.gcp_common import NO_LABELS, GcpReader
from ingest.errors import IngestError
from ingest.registry import LoadContext, register
from ingest.source import SourceFile

MANDATORY = ("Cost type", "Usage start date", "Usage end date", "SKU description")
SIGNATURE = {
    "billing account id",
    "project id",
    "service description",
    "sku description",
    "cost type",
    "usage start date",
    "usage end date",
    "usage amount",
    "usage unit",
    "credit type",
}
_COST = re.compile(r"^(unrounded\s+)?cost\s*\((.+)\)$", re.IGNORECASE)
_SYMBOLS = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "CA$": "CAD",
    "A$": "AUD",
}
SKIP_SUMMARY = "summary row (Cost type = Total)"


def cost_column(header: list[str]) -> tuple[str, str] | None:
    """(cost column, currency text in its brackets): the unrounded cost when present."""
    found = [(h, m) for h in header if (m := _COST.match(h.strip()))]
    if not found:
        return None
    found.sort(key=lambda hm: hm[1].group(1) is None)
    return found[0][0], found[0][1].group(2).strip()


class GcpConsoleReader(GcpReader):
    def __init__(self) -> None:
        super().__init__(format_id="gcp-console", label="GCP Console cost table")

    def _cols(self, header: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for h in header:
            out.setdefault(h.strip().lower(), h)
        return out

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        return self._cols(ctx.header).get("usage amount", "Usage amount") if field == "quantity" else None

    def source_cost_column(self, ctx: LoadContext) -> str:
        """The unrounded cost column where the report has one (see typed); credits are rows of their own."""
        found = cost_column(ctx.header)
        return found[0] if found else "Cost"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        cols = self._cols(header)
        if all(m.lower() in cols for m in MANDATORY) and cost_column(header):
            return 65
        return 0

    def near_miss(self, header: list[str]) -> str | None:
        cols = self._cols(header)
        if len(SIGNATURE & set(cols)) < 3:
            return None
        missing = [m for m in MANDATORY if m.lower() not in cols]
        if not cost_column(header):
            missing.append("Cost (<currency>)")
        if missing:
            return (
                f"looks like a GCP Console cost table but lacks the mandatory column(s) {', '.join(missing)}"
            )
        return None

    def _currency(self, ctx: LoadContext) -> tuple[str, str]:
        found = cost_column(ctx.header)
        if found is None:
            raise IngestError(
                ctx.source.name, "this GCP Console cost table lacks a 'Cost (<currency>)' column"
            )
        column, symbol = found
        if ctx.options.get("currency"):
            return column, str(ctx.options["currency"]).upper()
        if symbol in _SYMBOLS:
            return column, _SYMBOLS[symbol]
        if re.fullmatch(r"[A-Za-z]{3}", symbol):
            return column, symbol.upper()
        raise IngestError(
            ctx.source.name,
            f"the cost column {column!r} does not say which currency {symbol!r} is; pass it with --currency",
            column=column,
        )

    def skip_rule(self, ctx: LoadContext) -> str | None:
        # Evaluated over the raw rows without a table alias.
        cost_type = '"' + self._cols(ctx.header)["cost type"].replace('"', '""') + '"'
        return f"CASE WHEN lower(trim({cost_type})) IN ('total', 'subtotal') THEN {lit(SKIP_SUMMARY)} END"

    def detail(self, ctx: LoadContext) -> str | None:
        column, currency = self._currency(ctx)
        how = "from --currency" if ctx.options.get("currency") else "from the header symbol"
        return (
            f"cost from {column!r}; currency {currency} {how}; end dates inclusive, periods in UTC days; "
            f"credits as their own rows"
        )

    def typed(self, ctx: LoadContext) -> str:
        cols = self._cols(ctx.header)
        missing = [m for m in MANDATORY if m.lower() not in cols]
        if missing:
            raise IngestError(
                ctx.source.name,
                f"this GCP Console cost table lacks the mandatory column(s) {', '.join(missing)}",
            )
        cost_col, currency = self._currency(ctx)

        def c(name: str) -> str:
            return q(cols[name.lower()]) if name.lower() in cols else "CAST(NULL AS VARCHAR)"

        def named(name: str) -> str:
            return cols.get(name.lower(), name)

        end = c("Usage end date")
        rounded = next((h for h in ctx.header if _COST.match(h.strip()) and h != cost_col), None)
        return f"""
SELECT
    source_row,
    fp_blank({c("Billing account ID")}) AS billing_account_id,
    fp_blank({c("Billing account name")}) AS billing_account_name,
    fp_blank({c("Project ID")}) AS project_id,
    fp_blank({c("Project name")}) AS project_name,
    fp_blank({c("Service description")}) AS service_name,
    fp_blank({c("SKU ID")}) AS sku_id,
    fp_blank({c("SKU description")}) AS sku,
    {required_ts(c("Usage start date"), named("Usage start date"))} AS start_ts,
    ({required_ts(end, named("Usage end date"))}) + CASE WHEN regexp_full_match(trim({end}), '[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}')
        THEN INTERVAL 1 DAY ELSE INTERVAL 0 DAY END AS end_ts,
    CAST(NULL AS TIMESTAMP) AS billing_period_start,
    CASE lower(trim({c("Cost type")}))
        WHEN 'usage' THEN 'regular' WHEN 'regular' THEN 'regular' WHEN 'tax' THEN 'tax'
        WHEN 'adjustment' THEN 'adjustment' WHEN 'rounding error' THEN 'rounding_error'
        WHEN 'rounding_error' THEN 'rounding_error'
        ELSE fp_fail(source_row, {lit(named("Cost type"))}, 'unknown cost type ' || coalesce({c("Cost type")}, '(blank)'))
    END AS cost_type,
    fp_blank({c("Cost type")}) AS line_item_type,
    upper(fp_blank({c("Credit type")})) AS credit_type,
    {money(f"replace({q(cost_col)}, ',', '')", cost_col, required=True)} AS cost,
    CAST(0 AS DECIMAL(38, 18)) AS credits_total,
    CAST(NULL AS DECIMAL(38, 18)) AS list_cost,
    {lit(currency)} AS currency,
    {number(c("Usage amount"), named("Usage amount"))} AS quantity,
    fp_blank({c("Usage unit")}) AS unit,
    CAST(NULL AS VARCHAR) AS region_id,
    CAST(NULL AS VARCHAR) AS region_name,
    CAST(NULL AS VARCHAR) AS zone,
    CAST(NULL AS VARCHAR) AS resource_id,
    CAST(NULL AS VARCHAR) AS resource_name,
    {NO_LABELS} AS label_entries,
    {NO_LABELS} AS project_label_entries,
    {NO_LABELS} AS system_label_entries,
    CAST(NULL AS JSON) AS credits_json,
    false AS is_correction,
    CAST(NULL AS VARCHAR) AS instance_type_hint,
    true AS bills_per_component,
    json_merge_patch('{{}}', json_object(
        'cost_column', {lit(cost_col)},
        'rounded_cost', {q(rounded) if rounded else "CAST(NULL AS VARCHAR)"},
        'service_id', fp_blank({c("Service ID")}),
        'project_hierarchy', fp_blank({c("Project hierarchy")}),
        'consumption_model', fp_blank({c("Consumption model description")}),
        'credit_type', fp_blank({c("Credit type")}))) AS x_details
FROM raw"""


register(GcpConsoleReader())
