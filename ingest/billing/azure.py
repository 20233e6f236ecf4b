"""Azure cost details (Cost Management exports and downloads): EA, MCA/CSP and legacy pay-as-you-go.

One mapping serves every header dialect (`azure_columns.py` resolves each field to the file's column);
three format ids say which schema a file uses: azure-ea, azure-mca, azure-payg.

Money follows Microsoft's own FOCUS conversion (FinOps toolkit `ConvertTo-FinOpsSchema` and the
"Convert Cost Management data to FOCUS" guide). A row is a commitment row when it belongs to a
reservation or savings plan (consumed service Microsoft.Capacity / Microsoft.BillingBenefits, pricing
model Reservation or SavingsPlan, or a reservation / benefit id). Then, for the cost in billing currency:
- billed_cost is 0 on commitment usage priced above 0 (Usage, UnusedReservation, UnusedSavingsPlan rows
  that carry an amortised share of a commitment: the invoice charges the purchase, not the share), and
  the row's cost otherwise;
- effective_cost is 0 on commitment purchases and refunds (their cost reaches usage through
  amortisation), and the row's cost otherwise.
In the actual cost dataset commitment usage already costs 0, so billed cost equals the file's cost
column row by row and sums to the invoice; its effective cost lacks the commitments' amortised cost,
which only the amortized dataset has. In the amortized dataset billed cost is the non-commitment part of
the invoice and effective cost the full amortised cost. The two datasets describe the same usage, so
`azure_dataset.py` tells them apart and refuses to load both for one billing account and period.

Quantities: Azure prices in blocks (`10K`, `100 Hours`, `1/Month`) and its Quantity counts blocks (the
files show Cost = Quantity x EffectivePrice with prices quoted per block). Consumed quantity is Quantity
times Microsoft's pricing block size, in Microsoft's distinct unit (`Hours`, `GB/Month`, `Units`); a unit
the table lacks keeps the quantity as billed and is reported as a warning. Only Usage rows carry usage:
purchases, refunds, tax, rounding and unused commitment hours never do. Files without ChargeType (legacy
usage, reduced exports) hold usage only. Dates are MM/DD/YYYY, M/D/YYYY or ISO; day-first is never
guessed. The region is the ARM name from Microsoft's region table, looked up from ResourceLocation, then
location, then MeterRegion. The VM size comes from AdditionalInfo.ServiceType, else the meter name.
"""

from __future__ import annotations

from footprint.sqlfiles import sql
from ingest.billing.azure_columns import AzureColumns
from ingest.billing.azure_dataset import finish_batch
from ingest.billing.base import BillingReader, lit, money, number, raw_csv_relation, required_ts_fmt
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts, register

DATE_FORMATS = ["%m/%d/%Y", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %I:%M:%S %p"]


def optional_ts_fmt(expr: str, column: str, formats: list[str]) -> str:
    """Like required_ts_fmt for a column that may be blank."""
    return f"CASE WHEN {expr} IS NULL THEN NULL ELSE {required_ts_fmt(expr, column, formats)} END"


def json_object_expr(expr: str, column: str, label: str) -> str:
    """Parsed JSON object from text with or without outer braces; anything else fails with row and column."""
    wrapped = f"fp_azure_json_text({expr})"
    return (
        f"CASE WHEN {wrapped} IS NULL THEN NULL WHEN fp_azure_is_object({wrapped}) THEN CAST({wrapped} AS JSON) "
        f"ELSE fp_fail(source_row, {lit(column)}, {lit(label + ' is not a JSON object: ')} || left({expr}, 60)) END"
    )


class AzureReader(BillingReader):
    def __init__(self, format_id: str, label: str):
        super().__init__(format_id=format_id, label=label)

    def recognise(self, source, header: list[str]) -> int:  # type: ignore[no-untyped-def]
        return 55 if AzureColumns(header).format_id() == self.format_id else 0

    def near_miss(self, header: list[str]) -> str | None:
        """Message for a header that is Azure cost details but lacks a mandatory column."""
        if self.format_id != "azure-ea":
            return None
        cols = AzureColumns(header)
        if cols.signature_count() >= 3 and cols.missing_core():
            return "looks like an Azure cost details export but lacks the mandatory column(s) " + ", ".join(
                cols.missing_core()
            )
        return None

    def skip_rule(self, ctx: LoadContext) -> str | None:
        cols = AzureColumns(ctx.header)

        def c(field: str) -> str:
            return cols.ref(field, qualified=False)

        return (
            f"CASE WHEN {c('cost')} IS NULL AND {c('quantity')} IS NULL AND {c('subscription_id')} IS NULL "
            f"AND {c('meter_category')} IS NULL AND {c('meter_name')} IS NULL AND {c('resource_id')} IS NULL "
            "THEN 'empty line item (no cost, quantity, subscription, meter or resource)' END"
        )

    def raw_relation(self, ctx: LoadContext) -> str:
        # Tags and AdditionalInfo hold quoted JSON full of doubled quotes, on which DuckDB's parallel
        # reader in the lenient mode of the shared relation stops ("does not support a full read on this
        # file") once a file spans several buffers. Strict mode reads such files in parallel, streaming;
        # a malformed line then fails the file with its line number. Should the shared relation change its
        # options, the single-threaded reader is the fallback.
        if ctx.source.container == "parquet":
            return super().raw_relation(ctx)
        relation = raw_csv_relation(ctx)
        if "strict_mode = false" in relation:
            return relation.replace("strict_mode = false", "strict_mode = true")
        return raw_csv_relation(ctx, extra_options=", parallel = false")

    def setup(self, ctx: LoadContext) -> None:
        ctx.con.execute(sql("ingest/azure_macros"))

    def load(self, ctx: LoadContext) -> LoadCounts:
        counts = super().load(ctx)
        return finish_batch(ctx, counts, AzureColumns(ctx.header))

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """Quantity (times the unit's pricing block); the vCPU count is AdditionalInfo's VCPUs."""
        cols = AzureColumns(ctx.header)
        return {"quantity": cols.name("quantity"), "vcpu_count": cols.name("additional_info")}.get(field)

    def cost_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """Billed and effective cost are the dialect's cost column (Cost, CostInBillingCurrency,
        costInBillingCurrency or PreTaxCost); list cost is PayGCostInBillingCurrency."""
        return AzureColumns(ctx.header).name("list_cost" if field == "list_cost" else "cost")

    def currency(self, ctx: LoadContext, cols: AzureColumns) -> str:
        if cols.has("currency"):
            return f"coalesce(upper(_currency), fp_fail(source_row, {lit(cols.name('currency'))}, 'missing currency'))"
        if ctx.options.get("currency"):
            return lit(str(ctx.options["currency"]).upper())
        raise IngestError(
            ctx.source.name,
            "has no currency column (BillingCurrency, BillingCurrencyCode, billingCurrency or Currency); "
            "pass the invoice currency with --currency (e.g. USD)",
        )

    def mapping(self, ctx: LoadContext) -> str:
        cols = AzureColumns(ctx.header)
        c, name = cols.ref, cols.name
        mca = self.format_id == "azure-mca"
        account_id = (
            f"coalesce({c('billing_profile_id')}, {c('billing_account_id')})"
            if mca
            else c("billing_account_id")
        )
        account_name = (
            f"coalesce({c('billing_profile_name')}, {c('billing_account_name')})"
            if mca
            else c("billing_account_name")
        )
        charge_type = c("charge_type")
        category = (
            f"coalesce(fp_azure_charge_category(_charge_type), fp_fail(source_row, {lit(name('charge_type'))}, "
            "'unknown charge type ' || coalesce(_charge_type, '(blank)')))"
            if cols.has("charge_type")
            else "'Usage'"
        )
        list_cost = money(c("list_cost"), name("list_cost")) if cols.has("list_cost") else "NULL"
        # Level a: the file's text, validated and typed. Level b: lookups and the commitment flags.
        level_a = f"""
SELECT
    source_row,
    {required_ts_fmt(c("date"), name("date"), DATE_FORMATS)} AS _start,
    {optional_ts_fmt(c("billing_period_start"), name("billing_period_start"), DATE_FORMATS)} AS _period,
    {money(c("cost"), name("cost"), required=True)} AS _cost,
    {list_cost} AS _list_cost,
    {number(c("quantity"), name("quantity"))} AS _quantity,
    {c("currency")} AS _currency,
    {account_id} AS _account_id,
    {account_name} AS _account_name,
    {c("subscription_id")} AS _sub_id,
    {c("subscription_name")} AS _sub_name,
    {charge_type} AS _charge_type,
    coalesce(lower({charge_type}), 'usage') = 'usage' AS _is_usage,
    {c("pricing_model")} AS _pricing_model,
    {c("frequency")} AS _frequency,
    {c("product")} AS _product,
    {c("meter_id")} AS _meter_id,
    {c("meter_name")} AS _meter_name,
    {c("meter_category")} AS _meter_category,
    {c("meter_subcategory")} AS _meter_subcategory,
    {c("meter_region")} AS _meter_region,
    {c("unit")} AS _unit,
    {c("resource_id")} AS _resource_id,
    {c("resource_name")} AS _resource_name,
    {c("resource_group")} AS _resource_group,
    coalesce(lower({c("resource_type")}), fp_azure_resource_type({c("resource_id")})) AS _resource_type,
    {c("resource_location")} AS _resource_location,
    {c("location")} AS _location,
    {c("availability_zone")} AS _zone,
    {c("consumed_service")} AS _consumed_service,
    {json_object_expr(c("tags"), name("tags"), "Tags")} AS _tags,
    {json_object_expr(c("additional_info"), name("additional_info"), "AdditionalInfo")} AS _info,
    {c("reservation_id")} AS _reservation_id,
    {c("reservation_name")} AS _reservation_name,
    {c("benefit_id")} AS _benefit_id,
    {c("benefit_name")} AS _benefit_name,
    {number(c("effective_price"), name("effective_price"))} AS _effective_price,
    {number(c("unit_price"), name("unit_price"))} AS _unit_price,
    {number(c("payg_price"), name("payg_price"))} AS _payg_price
FROM raw"""
        level_b = f"""
SELECT a.*,
    pu.pricing_block_size AS _block,
    pu.distinct_unit AS _distinct_unit,
    coalesce(r1.region_id, r2.region_id, r3.region_id) AS _region_id,
    coalesce(r1.region_name, r2.region_name, r3.region_name) AS _region_name,
    coalesce(sp.service_name, st.service_name, ss.service_name, a._meter_category, a._consumed_service) AS _service,
    coalesce(sp.service_category, st.service_category, ss.service_category, 'Other') AS _service_category,
    fp_azure_is_commitment(a._consumed_service, a._pricing_model, a._reservation_id, a._benefit_id) AS _commitment,
    CASE WHEN _commitment AND lower(a._charge_type) IN ('purchase', 'refund') THEN 'purchase'
         WHEN _commitment AND coalesce(lower(a._charge_type), 'usage')
              IN ('usage', 'unusedreservation', 'unusedsavingsplan') THEN 'usage' END AS _commitment_charge,
    fp_azure_vm_size(a._info->>'ServiceType') AS _info_size
FROM ({level_a}) a
LEFT JOIN ref_azure_pricing_units pu ON pu.unit_of_measure = lower(a._unit)
LEFT JOIN ref_azure_regions r1 ON r1.original_value = lower(a._resource_location)
LEFT JOIN ref_azure_regions r2 ON r2.original_value = lower(a._location)
LEFT JOIN ref_azure_regions r3 ON r3.original_value = lower(a._meter_region)
LEFT JOIN ref_azure_services sp ON sp.consumed_service = lower(a._consumed_service) AND sp.resource_type = a._resource_type
LEFT JOIN fp_azure_services_by_type st ON st.resource_type = a._resource_type
LEFT JOIN fp_azure_services_by_service ss ON ss.consumed_service = lower(a._consumed_service)"""
        instance = (
            "CASE WHEN NOT _is_usage THEN NULL "
            "WHEN lower(_meter_category) = 'virtual machines' THEN coalesce(_info_size, fp_azure_size_from_meter(_meter_name)) "
            "WHEN _meter_category IS NULL THEN _info_size END"
        )
        return f"""
SELECT
    source_row,
    'azure' AS provider,
    _account_id AS billing_account_id,
    _account_name AS billing_account_name,
    _sub_id AS sub_account_id,
    _sub_name AS sub_account_name,
    _period AS billing_period_start,
    _start AS charge_period_start,
    _start + INTERVAL 1 DAY AS charge_period_end,
    {category} AS charge_category,
    CASE WHEN lower(_charge_type) = 'refund' THEN 'Correction' END AS charge_class,
    _product AS charge_description,
    _charge_type AS line_item_type,
    fp_azure_pricing_category(_pricing_model) AS pricing_category,
    coalesce(_benefit_id, _reservation_id) AS commitment_discount_id,
    fp_azure_commitment_type(_benefit_id, _pricing_model, _reservation_id) AS commitment_discount_type,
    CASE WHEN lower(_charge_type) IN ('unusedreservation', 'unusedsavingsplan') THEN 'Unused'
         WHEN _is_usage AND lower(_pricing_model) IN ('reservation', 'savingsplan', 'savings plan') THEN 'Used'
         END AS commitment_discount_status,
    _service AS service_name,
    _service_category AS service_category,
    _meter_id AS sku_id,
    _meter_name AS usage_type,
    _resource_id AS resource_id,
    coalesce(_resource_name, nullif(regexp_extract(_resource_id, '([^/]+)/*$', 1), '')) AS resource_name,
    _region_id AS region_id,
    _region_name AS region_name,
    _zone AS availability_zone,
    CASE WHEN _is_usage THEN _quantity * coalesce(_block, 1) END AS consumed_quantity,
    CASE WHEN _is_usage THEN coalesce(_distinct_unit, _unit) END AS consumed_unit,
    CASE WHEN _commitment_charge = 'usage' AND _cost > 0 THEN CAST(0 AS DECIMAL(38, 18)) ELSE _cost END AS billed_cost,
    CASE WHEN _commitment_charge = 'purchase' THEN CAST(0 AS DECIMAL(38, 18)) ELSE _cost END AS effective_cost,
    _list_cost AS list_cost,
    {self.currency(ctx, cols)} AS billing_currency,
    _is_usage AS carries_usage,
    _tags AS tags,
    {instance} AS instance_type,
    CASE WHEN ({instance}) IS NOT NULL THEN nullif(TRY_CAST(_info->>'VCPUs' AS DOUBLE), 0) END AS vcpu_count,
    NULL AS memory_gb,
    NULL AS accelerator_model,
    NULL AS accelerator_count,
    CASE WHEN regexp_matches(_resource_type, '^microsoft\\.machinelearningservices/workspaces/(onlineendpoints|batchendpoints)')
         THEN 'inference' END AS workload_hint,
    json_object(
        'ChargeType', _charge_type, 'PricingModel', _pricing_model, 'Frequency', _frequency,
        'Cost', _cost, 'CommitmentCharge', _commitment_charge,
        'Quantity', _quantity, 'UnitOfMeasure', _unit, 'PricingBlockSize', _block,
        'EffectivePrice', _effective_price, 'UnitPrice', _unit_price, 'PayGPrice', _payg_price,
        'MeterCategory', _meter_category, 'MeterSubCategory', _meter_subcategory, 'MeterRegion', _meter_region,
        'ResourceLocation', _resource_location, 'Location', _location, 'ResourceGroup', _resource_group,
        'ResourceType', _resource_type, 'ConsumedService', _consumed_service,
        'ReservationName', _reservation_name, 'BenefitName', _benefit_name, 'AdditionalInfo', _info
    ) AS x_details
FROM ({level_b}) b
"""


register(AzureReader("azure-ea", "Azure cost details (EA)"))
register(AzureReader("azure-mca", "Azure cost details (MCA/CSP)"))
register(AzureReader("azure-payg", "Azure usage details (legacy pay-as-you-go)"))
