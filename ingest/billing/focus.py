"""FOCUS 1.0, 1.1, 1.2 and Microsoft's 1.0-preview export, from CSV, CSV.GZ or Parquet.

FOCUS is already the canonical shape, so mapping is mostly renaming. What FOCUS lacks for energy is
derived: the instance type (AWS x_UsageType or the charge description, Microsoft x_SkuDetails.ServiceType
or SkuMeter), and the workload hint from SageMaker usage types. The 1.0-preview header variant renamed
ConsumedQuantity/ConsumedUnit (UsageQuantity/UsageUnit), RegionId (Region) and ChargeClass
(ChargeSubcategory), which also carried the commitment status.
"""

from __future__ import annotations

from ingest.billing.base import BillingReader, lit, money, number, optional_ts, q, required_ts
from ingest.errors import IngestError
from ingest.registry import LoadContext, register

_V10 = {"ConsumedQuantity", "ConsumedUnit", "RegionId", "ChargeClass"}
_V11 = {"SkuMeter", "ServiceSubcategory", "CapacityReservationId", "CommitmentDiscountQuantity", "SkuPriceDetails"}
_V12 = {"InvoiceId", "BillingAccountType", "SubAccountType", "PricingCurrency"}
_PREVIEW = {"UsageQuantity", "UsageUnit", "ChargeSubcategory"}
# FOCUS-mandatory columns without which a file cannot be read as FOCUS at all. The spec's own example
# files omit BillingCurrency and ProviderName, so those are taken from --currency / left as 'other'.
_CORE = {"BilledCost", "ChargePeriodStart", "ChargePeriodEnd", "ChargeCategory"}
# The FOCUS column of each canonical cost (for messages).
_COST_COLUMNS = {"billed_cost": "BilledCost", "effective_cost": "EffectiveCost", "list_cost": "ListCost"}


def focus_version(header: list[str]) -> str | None:
    cols = {c.strip() for c in header}
    lower = {c.lower() for c in cols}
    if not {c.lower() for c in _CORE} <= lower:
        return None
    if {c.lower() for c in _PREVIEW} & lower and not ({"consumedquantity"} & lower):
        return "1.0-preview"
    if {c.lower() for c in _V12} & lower:
        return "1.2"
    if {c.lower() for c in _V11} & lower:
        return "1.1"
    return "1.0"


class FocusReader(BillingReader):
    def __init__(self, version: str):
        super().__init__(format_id=f"focus-{version}", label=f"FOCUS {version}")
        self.version = version

    def recognise(self, source, header: list[str]) -> int:  # type: ignore[no-untyped-def]
        return 60 if focus_version(header) == self.version else 0

    def near_miss(self, header: list[str]) -> str | None:
        """Message for a header that is FOCUS-like but lacks mandatory columns."""
        if self.version != "1.0":
            return None
        lower = {c.strip().lower() for c in header}
        signature = {"chargeperiodstart", "billedcost", "chargecategory", "billingaccountid", "effectivecost"}
        if len(signature & lower) >= 2:
            missing = sorted(c for c in _CORE if c.lower() not in lower)
            if missing:
                return f"looks like a FOCUS export but lacks the mandatory column(s) {', '.join(missing)}"
        return None

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """ConsumedQuantity (UsageQuantity in the preview), or PricingQuantity where the row left it blank
        (see mapping); vCPUs, memory and accelerators come from the instance catalog."""
        if field != "quantity":
            return None
        cols = {c.lower(): c for c in ctx.header}
        pricing = cols.get("pricingquantity", "PricingQuantity")
        consumed = cols.get("consumedquantity", cols.get("usagequantity"))
        if consumed is None:
            return pricing
        blank = ctx.con.execute(
            f"WITH src AS ({self.raw_relation(ctx)}) "
            f"SELECT fp_blank(CAST({q(consumed)} AS VARCHAR)) IS NULL FROM src raw WHERE source_row = ?",
            [source_row],
        ).fetchone()
        return pricing if blank and blank[0] else consumed

    def cost_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """BilledCost, EffectiveCost or ListCost, as the header spells it."""
        name = _COST_COLUMNS[field]
        return {c.lower(): c for c in ctx.header}.get(name.lower(), name)

    def mapping(self, ctx: LoadContext) -> str:
        cols = {c.lower(): c for c in ctx.header}

        def c(*names: str) -> str:
            for n in names:
                if n.lower() in cols:
                    return q(cols[n.lower()])
            return "NULL"

        def named(*names: str) -> str:
            for n in names:
                if n.lower() in cols:
                    return cols[n.lower()]
            return names[0]

        usage_type = f"coalesce(fp_blank({c('x_UsageType')}), fp_blank({c('SkuMeter')}), fp_blank({c('x_SkuMeterName')}))"
        sku_details = c("x_SkuDetails")
        category = c("ChargeCategory", "ChargeType")
        status = (
            f"coalesce(fp_blank({c('CommitmentDiscountStatus')}), CASE lower({c('ChargeSubcategory')}) "
            "WHEN 'used commitment' THEN 'Used' WHEN 'unused commitment' THEN 'Unused' END)"
        )
        charge_class = c("ChargeClass") if "chargeclass" in cols else (
            f"CASE WHEN lower({c('ChargeSubcategory')}) = 'correction' THEN 'Correction' END"
        )
        provider = f"fp_provider({c('ProviderName', 'PublisherName', 'InvoiceIssuerName')})"
        quantity_col = named("ConsumedQuantity", "UsageQuantity")
        quantity = (
            f"coalesce({number(c('ConsumedQuantity', 'UsageQuantity'), quantity_col)}, "
            f"CASE WHEN lower({category}) = 'usage' AND coalesce(lower({status}), '') <> 'unused' "
            f"THEN {number(c('PricingQuantity'), 'PricingQuantity')} END)"
        )
        unit = (
            f"coalesce(fp_blank({c('ConsumedUnit', 'UsageUnit')}), "
            f"CASE WHEN lower({category}) = 'usage' AND coalesce(lower({status}), '') <> 'unused' "
            f"AND fp_blank({c('ConsumedQuantity', 'UsageQuantity')}) IS NULL "
            f"THEN fp_blank({c('PricingUnit')}) END)"
        )
        azure_size = (
            f"coalesce(json_extract_string(CASE WHEN json_valid({sku_details}) THEN {sku_details} END, '$.ServiceType'), "
            f"CASE WHEN {c('ServiceName')} ILIKE '%virtual machine%' OR {c('ServiceCategory')} IN ('Compute', 'AI and Machine Learning') "
            f"THEN fp_azure_size_from_meter({c('SkuMeter', 'x_SkuMeterName')}) END)"
            if sku_details != "NULL" or "skumeter" in cols or "x_skumetername" in cols
            else "NULL"
        )
        instance_type = (
            f"CASE WHEN {provider} = 'azure' THEN {azure_size} "
            f"ELSE coalesce(fp_aws_instance({usage_type}), "
            f"CASE WHEN lower({category}) = 'usage' THEN fp_desc_instance({c('ChargeDescription')}) END) END"
        )
        if "billingcurrency" in cols:
            currency = (
                f"coalesce(fp_blank({c('BillingCurrency')}), "
                f"fp_fail(source_row, {lit(named('BillingCurrency'))}, 'missing currency'))"
            )
        elif ctx.options.get("currency"):
            currency = lit(str(ctx.options["currency"]).upper())
        else:
            raise IngestError(
                ctx.source.name,
                "has no BillingCurrency column; pass the invoice currency with --currency (e.g. USD)",
            )
        tags = c("Tags")
        tags_expr = (
            f"CASE WHEN fp_blank({tags}) IS NULL THEN NULL WHEN json_valid({tags}) THEN CAST({tags} AS JSON) "
            f"ELSE fp_fail(source_row, {lit(named('Tags'))}, 'Tags is not a JSON object: ' || left({tags}, 60)) END"
        )
        return f"""
SELECT
    source_row,
    {provider} AS provider,
    fp_blank({c('BillingAccountId')}) AS billing_account_id,
    fp_blank({c('BillingAccountName')}) AS billing_account_name,
    fp_blank({c('SubAccountId')}) AS sub_account_id,
    fp_blank({c('SubAccountName')}) AS sub_account_name,
    {optional_ts(c('BillingPeriodStart'), named('BillingPeriodStart'))} AS billing_period_start,
    {required_ts(c('ChargePeriodStart'), named('ChargePeriodStart'))} AS charge_period_start,
    {required_ts(c('ChargePeriodEnd'), named('ChargePeriodEnd'))} AS charge_period_end,
    CASE lower(trim({category}))
        WHEN 'usage' THEN 'Usage' WHEN 'purchase' THEN 'Purchase' WHEN 'tax' THEN 'Tax'
        WHEN 'credit' THEN 'Credit' WHEN 'adjustment' THEN 'Adjustment'
        ELSE fp_fail(source_row, {lit(named('ChargeCategory', 'ChargeType'))},
                     'unknown charge category ' || coalesce({category}, '(blank)')) END AS charge_category,
    fp_blank({charge_class}) AS charge_class,
    fp_blank({c('ChargeDescription')}) AS charge_description,
    fp_blank({c('x_ChargeType', 'ChargeSubcategory')}) AS line_item_type,
    fp_blank({c('PricingCategory')}) AS pricing_category,
    fp_blank({c('CommitmentDiscountId')}) AS commitment_discount_id,
    fp_blank({c('CommitmentDiscountType')}) AS commitment_discount_type,
    {status} AS commitment_discount_status,
    fp_blank({c('ServiceName')}) AS service_name,
    fp_blank({c('ServiceCategory')}) AS service_category,
    fp_blank({c('SkuId')}) AS sku_id,
    {usage_type} AS usage_type,
    fp_blank({c('ResourceId')}) AS resource_id,
    fp_blank({c('ResourceName')}) AS resource_name,
    lower(fp_blank({c('RegionId', 'Region')})) AS region_id,
    fp_blank({c('RegionName', 'Region')}) AS region_name,
    fp_blank({c('AvailabilityZone')}) AS availability_zone,
    {quantity} AS consumed_quantity,
    {unit} AS consumed_unit,
    {money(c('BilledCost'), named('BilledCost'), required=True)} AS billed_cost,
    {money(c('EffectiveCost'), named('EffectiveCost'))} AS effective_cost,
    {money(c('ListCost'), named('ListCost'))} AS list_cost,
    {currency} AS billing_currency,
    (lower(trim({category})) = 'usage'
        AND coalesce(lower({status}), '') <> 'unused'
        AND coalesce(lower({charge_class}), '') <> 'correction') AS carries_usage,
    {tags_expr} AS tags,
    {instance_type} AS instance_type,
    NULL AS vcpu_count,
    NULL AS memory_gb,
    NULL AS accelerator_model,
    NULL AS accelerator_count,
    fp_aws_workload({usage_type}) AS workload_hint,
    NULL AS x_details
FROM raw
"""


for _v in ("1.0-preview", "1.0", "1.1", "1.2"):
    register(FocusReader(_v))
