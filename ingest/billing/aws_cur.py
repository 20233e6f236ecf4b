"""AWS Cost and Usage Report: the legacy CUR (slash headers, CSV or CSV.GZ) and its Athena/Parquet form.

The legacy CUR and the Parquet files AWS writes for Athena carry the same columns under two spellings
(`lineItem/UsageType`, `line_item_usage_type`); CUR 2.0 (`aws_cur2.py`) reuses the snake_case names and
adds map columns. One mapping therefore serves all three: `CurColumns` resolves a logical field to the
file's own column, and `CurReader.mapping` turns the line items into the canonical billing columns.

Money follows the invoice. AWS documents that the sum of lineItem/UnblendedCost over all line items is
the net cost after Savings Plans (covered usage at on-demand cost plus a SavingsPlanNegation that cancels
it), and negotiated discounts appear either as their own negative line items or, when the report carries
lineItem/NetUnblendedCost, inside that net amount. Billed cost is therefore NetUnblendedCost where the
column exists (UnblendedCost where it is blank) and UnblendedCost otherwise: the rule the FinOps
Foundation's CUR-to-FOCUS converter uses for BilledCost. Effective cost is amortised per line item type
(see footprint/sql/ingest/aws_cur_macros.sql). Every row is kept; only Usage, DiscountedUsage and
SavingsPlanCoveredUsage rows carry usage, so nothing is counted as consumption twice.
"""

from __future__ import annotations

import json
from decimal import Decimal

from footprint.sqlfiles import sql
from ingest.billing.base import (
    BillingReader,
    lit,
    money,
    number,
    optional_ts,
    q,
    raw_column_names,
    raw_csv_relation,
    required_ts,
)
from ingest.errors import IngestError
from ingest.registry import LoadContext, register

# Logical field -> (legacy CSV header, Athena / CUR 2.0 snake_case column).
FIELDS: dict[str, tuple[str, str]] = {
    "line_item_id": ("identity/LineItemId", "identity_line_item_id"),
    "payer_account_id": ("bill/PayerAccountId", "bill_payer_account_id"),
    "payer_account_name": ("bill/PayerAccountName", "bill_payer_account_name"),
    "billing_period_start": ("bill/BillingPeriodStartDate", "bill_billing_period_start_date"),
    "usage_account_id": ("lineItem/UsageAccountId", "line_item_usage_account_id"),
    "usage_account_name": ("lineItem/UsageAccountName", "line_item_usage_account_name"),
    "line_item_type": ("lineItem/LineItemType", "line_item_line_item_type"),
    "usage_start": ("lineItem/UsageStartDate", "line_item_usage_start_date"),
    "usage_end": ("lineItem/UsageEndDate", "line_item_usage_end_date"),
    "product_code": ("lineItem/ProductCode", "line_item_product_code"),
    "usage_type": ("lineItem/UsageType", "line_item_usage_type"),
    "availability_zone": ("lineItem/AvailabilityZone", "line_item_availability_zone"),
    "resource_id": ("lineItem/ResourceId", "line_item_resource_id"),
    "usage_amount": ("lineItem/UsageAmount", "line_item_usage_amount"),
    "currency": ("lineItem/CurrencyCode", "line_item_currency_code"),
    "unblended_cost": ("lineItem/UnblendedCost", "line_item_unblended_cost"),
    "net_unblended_cost": ("lineItem/NetUnblendedCost", "line_item_net_unblended_cost"),
    "description": ("lineItem/LineItemDescription", "line_item_line_item_description"),
    "product_name": ("product/ProductName", "product_product_name"),
    "instance_type": ("product/instanceType", "product_instance_type"),
    "region_code": ("product/regionCode", "product_region_code"),
    "region": ("product/region", "product_region"),
    "location": ("product/location", "product_location"),
    "vcpu": ("product/vcpu", "product_vcpu"),
    "memory": ("product/memory", "product_memory"),
    "gpu": ("product/gpu", "product_gpu"),
    "capacity_status": ("product/capacitystatus", "product_capacitystatus"),
    "sku": ("product/sku", "product_sku"),
    "pricing_unit": ("pricing/unit", "pricing_unit"),
    "pricing_term": ("pricing/term", "pricing_term"),
    "public_on_demand_cost": ("pricing/publicOnDemandCost", "pricing_public_on_demand_cost"),
    "reservation_arn": ("reservation/ReservationARN", "reservation_reservation_a_r_n"),
    "ri_effective_cost": ("reservation/EffectiveCost", "reservation_effective_cost"),
    "ri_net_effective_cost": ("reservation/NetEffectiveCost", "reservation_net_effective_cost"),
    "ri_unused_upfront": (
        "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod",
        "reservation_unused_amortized_upfront_fee_for_billing_period",
    ),
    "ri_net_unused_upfront": (
        "reservation/NetUnusedAmortizedUpfrontFeeForBillingPeriod",
        "reservation_net_unused_amortized_upfront_fee_for_billing_period",
    ),
    "ri_unused_recurring": ("reservation/UnusedRecurringFee", "reservation_unused_recurring_fee"),
    "ri_net_unused_recurring": ("reservation/NetUnusedRecurringFee", "reservation_net_unused_recurring_fee"),
    "sp_arn": ("savingsPlan/SavingsPlanARN", "savings_plan_savings_plan_a_r_n"),
    "sp_effective_cost": ("savingsPlan/SavingsPlanEffectiveCost", "savings_plan_savings_plan_effective_cost"),
    "sp_net_effective_cost": (
        "savingsPlan/NetSavingsPlanEffectiveCost",
        "savings_plan_net_savings_plan_effective_cost",
    ),
    "sp_total_commitment": ("savingsPlan/TotalCommitmentToDate", "savings_plan_total_commitment_to_date"),
    "sp_used_commitment": ("savingsPlan/UsedCommitment", "savings_plan_used_commitment"),
}
# The money columns billed and effective cost are read from (see mapping and fp_aws_effective_cost).
_COST_SOURCES = (
    "net_unblended_cost",
    "unblended_cost",
    "sp_net_effective_cost",
    "sp_effective_cost",
    "sp_total_commitment",
    "sp_used_commitment",
    "ri_net_effective_cost",
    "ri_effective_cost",
    "ri_net_unused_upfront",
    "ri_unused_upfront",
    "ri_net_unused_recurring",
    "ri_unused_recurring",
)
# Without these a file cannot be read as a CUR: the charge period, what kind of charge, what it costs, in
# which currency.
MANDATORY = ("line_item_type", "usage_start", "usage_end", "unblended_cost", "currency")
# Columns only CUR 2.0 has: snake_case alone is also the legacy CUR's Athena/Parquet spelling.
CUR2_ONLY = ("product", "resource_tags", "cost_category", "discount", "bill_payer_account_name",
             "line_item_usage_account_name")
# Columns that identify the snake_case spelling even when a mandatory one is missing.
_SNAKE_SIGNATURE = {FIELDS[f][1] for f in (*MANDATORY, "line_item_id", "payer_account_id", "usage_type")}


class CurColumns:
    """The file's column for each logical field (names compared case-insensitively)."""

    def __init__(self, header: list[str], snake: bool):
        self.header = header
        self.snake = snake
        self._by_lower: dict[str, str] = {}
        for name in header:
            self._by_lower.setdefault(name.strip().lower(), name)

    def spelled(self, field: str) -> str:
        """The column name for a field in this spelling (for messages, whether present or not)."""
        return self._by_lower.get(FIELDS[field][self.snake].lower(), FIELDS[field][self.snake])

    def has(self, field: str) -> bool:
        return FIELDS[field][self.snake].lower() in self._by_lower

    def ref(self, field: str) -> str:
        """SQL reference to the raw text of a field, or NULL when the file lacks it."""
        return q(self.spelled(field)) if self.has(field) else "NULL"

    def missing(self) -> list[str]:
        return [FIELDS[f][self.snake] for f in MANDATORY if not self.has(f)]


def is_slash_cur(header: list[str]) -> bool:
    prefixes = ("lineitem/", "identity/", "bill/")
    return sum(1 for c in header if c.strip().lower().startswith(prefixes)) >= 2


def is_snake_cur(header: list[str]) -> bool:
    return len({c.strip().lower() for c in header} & _SNAKE_SIGNATURE) >= 2


def has_cur2_columns(header: list[str]) -> bool:
    """Whether the header has a column only CUR 2.0 has (its maps or its account-name columns)."""
    return bool({c.strip().lower() for c in header} & set(CUR2_ONLY))


def json_pairs(text: list[tuple[str, str]], nested: list[tuple[str, str]] | None = None) -> str:
    """SQL for a JSON object of the non-NULL values, NULL when all are NULL. `text` expressions give text
    (encoded by DuckDB as JSON strings), `nested` ones give JSON text kept as is. Keys come from code or
    the file header and are JSON-encoded here."""
    parts = [f"{lit(json.dumps(key) + ':')} || to_json({expr})" for key, expr in text]
    parts += [f"{lit(json.dumps(key) + ':')} || {expr}" for key, expr in nested or []]
    if not parts:
        return "NULL"
    return f"nullif('{{' || concat_ws(',', {', '.join(parts)}) || '}}', '{{}}')"


class CurReader(BillingReader):
    """Legacy CUR in either spelling. Subclasses change where product attributes and tags come from."""

    snake = False
    variant = "legacy CUR, slash headers"
    parallel_csv_load = True  # every macro the mapping needs is made in setup()

    def __init__(self, format_id: str, label: str):
        super().__init__(format_id=format_id, label=label)

    # --- detection -------------------------------------------------------------------------------
    def is_mine(self, header: list[str]) -> bool:
        return is_slash_cur(header)

    def recognise(self, source, header: list[str]) -> int:  # type: ignore[no-untyped-def]
        if not self.is_mine(header):
            return 0
        return 70 if not CurColumns(header, self.snake).missing() else 0

    def near_miss(self, header: list[str]) -> str | None:
        """Message for a header that is this CUR spelling but lacks mandatory columns."""
        if not self.is_mine(header):
            return None
        missing = CurColumns(header, self.snake).missing()
        if missing:
            return f"looks like an AWS Cost and Usage Report ({self.variant}) but lacks the mandatory column(s) {', '.join(missing)}"
        return None

    # --- reading ---------------------------------------------------------------------------------
    def raw_relation(self, ctx: LoadContext) -> str:
        if ctx.source.container == "parquet":
            return parquet_text_relation(ctx)
        return raw_csv_relation(ctx)

    def columns(self, ctx: LoadContext) -> CurColumns:
        cols = CurColumns(ctx.header, self.snake)
        message = self.near_miss(ctx.header) if self.is_mine(ctx.header) else None
        if message or cols.missing():
            raise IngestError(
                ctx.source.name,
                message or f"is not an AWS Cost and Usage Report ({self.variant}): it lacks the mandatory "
                f"column(s) {', '.join(cols.missing())}",
            )
        return cols

    def detail(self, ctx: LoadContext) -> str | None:
        cols = CurColumns(ctx.header, self.snake)
        billed = (
            f"billed cost = {cols.spelled('net_unblended_cost')} ({cols.spelled('unblended_cost')} where blank)"
            if cols.has("net_unblended_cost")
            else f"billed cost = {cols.spelled('unblended_cost')}"
        )
        return f"{self.variant}; {billed}"

    def product_attr(self, cols: CurColumns, field: str, *, trimmed: bool = True) -> str:
        """Text of a product attribute (vcpu, memory, gpu, region, product name, capacity status); blank
        as NULL unless `trimmed` is off (for callers that parse the text themselves)."""
        return f"fp_blank({cols.ref(field)})" if trimmed else cols.ref(field)

    def attr_column(self, cols: CurColumns, field: str) -> str:
        """The column a product attribute is read from (for messages)."""
        return cols.spelled(field)

    def quantity_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """lineItem/UsageAmount; vCPUs, memory and GPUs are the product attributes (the instance catalog's
        counts, which fill blank ones, are all far below the per-hour bound)."""
        cols = CurColumns(ctx.header, self.snake)
        if field == "quantity":
            return cols.spelled("usage_amount")
        attribute = {"vcpu_count": "vcpu", "memory_gb": "memory", "accelerator_count": "gpu"}[field]
        return self.attr_column(cols, attribute)

    def cost_column(self, ctx: LoadContext, field: str, source_row: int) -> str | None:
        """The column the mapping took the cost from on this row: billed cost is NetUnblendedCost where
        the row has one, else UnblendedCost; list cost is publicOnDemandCost; effective cost is the
        column fp_aws_effective_cost reads for the row's line item type (the net one where present and
        filled), and of two summed columns the one larger in magnitude."""
        cols = CurColumns(ctx.header, self.snake)
        if field == "list_cost":
            return cols.spelled("public_on_demand_cost")
        fields = [f for f in _COST_SOURCES if cols.has(f)]
        amounts = self.raw_amounts(ctx, source_row, [cols.spelled(f) for f in fields])
        value = {f: amounts[cols.spelled(f)] for f in fields}

        def filled(*candidates: str) -> str:
            # The first candidate the row fills (the mapping's coalesce), else the last one.
            return next((f for f in candidates if value.get(f) is not None), candidates[-1])

        def larger(a: str, b: str) -> str:
            return max((a, b), key=lambda f: abs(value.get(f) or Decimal(0)))

        billed = filled("net_unblended_cost", "unblended_cost")
        if field == "billed_cost":
            return cols.spelled(billed)
        found = ctx.con.execute(
            f"WITH src AS ({self.raw_relation(ctx)}) SELECT trim({cols.ref('line_item_type')}) "
            "FROM src raw WHERE source_row = ?",
            [source_row],
        ).fetchone()
        line_item_type = found[0] if found else None
        source = {
            "SavingsPlanCoveredUsage": filled("sp_net_effective_cost", "sp_effective_cost"),
            "SavingsPlanRecurringFee": larger("sp_total_commitment", "sp_used_commitment"),
            "DiscountedUsage": filled("ri_net_effective_cost", "ri_effective_cost"),
            "RIFee": larger(
                filled("ri_net_unused_upfront", "ri_unused_upfront"),
                filled("ri_net_unused_recurring", "ri_unused_recurring"),
            ),
        }.get(str(line_item_type), billed)
        return cols.spelled(source)

    def tag_columns(self, header: list[str]) -> list[tuple[str, str]]:
        """(tag key as AWS spells it, raw column) for legacy resourceTags/<key> columns; keys that differ
        only in case are separate columns (see raw_column_names)."""
        prefix = "resourcetags/"
        return [
            (c[len(prefix) :], raw)
            for c, raw in zip(header, raw_column_names(header), strict=True)
            if c.lower().startswith(prefix)
        ]

    def tags(self, ctx: LoadContext, cols: CurColumns) -> str:
        return json_pairs([(key, f"fp_blank({q(col)})") for key, col in self.tag_columns(ctx.header)])

    def extra_details(self, ctx: LoadContext, cols: CurColumns) -> list[tuple[str, str]]:
        """(key, SQL giving JSON text) pairs added to x_details."""
        return []

    def prepare(self, ctx: LoadContext, cols: CurColumns) -> str:
        """Extra `, expr AS _name` items computed once per row before the mapping reads them."""
        return ""

    def setup(self, ctx: LoadContext) -> None:
        ctx.con.execute(sql("ingest/aws_cur_macros"))

    def mapping(self, ctx: LoadContext) -> str:
        cols = self.columns(ctx)
        c = cols.ref

        def amount(field: str, *, required: bool = False) -> str:
            return money(c(field), cols.spelled(field), required=required) if cols.has(field) else "NULL"

        def amount_net(net: str, plain: str) -> str:
            # The net (after negotiated discounts) amount where the report carries it, else the plain one.
            if cols.has(net):
                return f"coalesce({amount(net)}, {amount(plain)})"
            return amount(plain)

        billed = amount("unblended_cost", required=True)
        if cols.has("net_unblended_cost"):
            billed = f"coalesce({amount('net_unblended_cost')}, {billed})"
        lt_col = lit(cols.spelled("line_item_type"))
        currency_col = lit(cols.spelled("currency"))
        attr = self.product_attr
        return f"""
SELECT
    source_row,
    'aws' AS provider,
    fp_blank({c('payer_account_id')}) AS billing_account_id,
    fp_blank({c('payer_account_name')}) AS billing_account_name,
    fp_blank({c('usage_account_id')}) AS sub_account_id,
    fp_blank({c('usage_account_name')}) AS sub_account_name,
    {optional_ts(c('billing_period_start'), cols.spelled('billing_period_start'))} AS billing_period_start,
    {required_ts(c('usage_start'), cols.spelled('usage_start'))} AS charge_period_start,
    {required_ts(c('usage_end'), cols.spelled('usage_end'))} AS charge_period_end,
    coalesce(fp_aws_charge_category(_lt), fp_fail(source_row, {lt_col},
             'unknown line item type ' || coalesce(_lt, '(blank)'))) AS charge_category,
    NULL AS charge_class,
    fp_blank({c('description')}) AS charge_description,
    _lt AS line_item_type,
    fp_aws_pricing_category(_lt, _ut, fp_blank({c('pricing_term')})) AS pricing_category,
    CASE WHEN _lt LIKE 'SavingsPlan%' THEN fp_blank({c('sp_arn')})
         WHEN _lt IN ('DiscountedUsage', 'RIFee', 'Fee') THEN fp_blank({c('reservation_arn')}) END
        AS commitment_discount_id,
    CASE WHEN _lt LIKE 'SavingsPlan%' AND fp_blank({c('sp_arn')}) IS NOT NULL THEN 'Savings Plan'
         WHEN _lt IN ('DiscountedUsage', 'RIFee', 'Fee') AND fp_blank({c('reservation_arn')}) IS NOT NULL
         THEN 'Reserved Instance' END AS commitment_discount_type,
    CASE WHEN _lt IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Used' END AS commitment_discount_status,
    coalesce({attr(cols, 'product_name')}, fp_blank({c('product_code')})) AS service_name,
    fp_aws_service_category(fp_blank({c('product_code')})) AS service_category,
    fp_blank({c('sku')}) AS sku_id,
    _ut AS usage_type,
    fp_blank({c('resource_id')}) AS resource_id,
    NULL AS resource_name,
    lower(coalesce(fp_blank({c('region_code')}), {attr(cols, 'region')})) AS region_id,
    fp_blank({c('location')}) AS region_name,
    fp_blank({c('availability_zone')}) AS availability_zone,
    CASE WHEN _carries THEN {number(c('usage_amount'), cols.spelled('usage_amount'))} END AS consumed_quantity,
    CASE WHEN _carries THEN fp_blank({c('pricing_unit')}) END AS consumed_unit,
    _cost AS billed_cost,
    fp_aws_effective_cost(_lt, _cost,
        {amount_net('ri_net_effective_cost', 'ri_effective_cost')},
        {amount_net('ri_net_unused_upfront', 'ri_unused_upfront')},
        {amount_net('ri_net_unused_recurring', 'ri_unused_recurring')},
        {amount_net('sp_net_effective_cost', 'sp_effective_cost')},
        {amount('sp_total_commitment')}, {amount('sp_used_commitment')},
        fp_blank({c('reservation_arn')})) AS effective_cost,
    {amount('public_on_demand_cost')} AS list_cost,
    upper(coalesce(fp_blank({c('currency')}), fp_fail(source_row, {currency_col}, 'missing currency')))
        AS billing_currency,
    _carries AS carries_usage,
    {self.tags(ctx, cols)} AS tags,
    _instance AS instance_type,
    CASE WHEN _instance IS NOT NULL THEN fp_num({attr(cols, 'vcpu', trimmed=False)}) END AS vcpu_count,
    CASE WHEN _instance IS NOT NULL THEN fp_aws_memory({attr(cols, 'memory', trimmed=False)}) END AS memory_gb,
    NULL AS accelerator_model,
    CASE WHEN _instance IS NOT NULL THEN fp_num({attr(cols, 'gpu', trimmed=False)}) END AS accelerator_count,
    fp_aws_workload_hint(_ut, fp_blank({c('product_code')})) AS workload_hint,
    {self.details(ctx, cols)} AS x_details
FROM (
    SELECT *,
        fp_aws_instance_type(_ut, _ut_instance, fp_blank({c('instance_type')})) AS _instance,
        fp_aws_carries_usage(_lt, _ut, {attr(cols, 'capacity_status')}) AS _carries
    FROM (SELECT *, trim({c('line_item_type')}) AS _lt, fp_blank({c('usage_type')}) AS _ut,
                 fp_aws_instance(fp_blank({c('usage_type')})) AS _ut_instance,
                 {billed} AS _cost{self.prepare(ctx, cols)}
          FROM raw) raw
) raw
"""

    def details(self, ctx: LoadContext, cols: CurColumns) -> str:
        # What a row that carries no usage said it amounted to (FOCUS leaves its quantity empty).
        pairs = [("usage_amount", f"CASE WHEN NOT _carries THEN fp_blank({cols.ref('usage_amount')}) END")]
        return json_pairs(pairs, self.extra_details(ctx, cols))


class CurAthenaReader(CurReader):
    """The legacy CUR as AWS writes it for Athena (Parquet) or as exported from such a table: snake_case,
    no map columns, one resource_tags_<key> column per activated tag."""

    snake = True
    variant = "legacy CUR, Athena/Parquet snake_case"

    def is_mine(self, header: list[str]) -> bool:
        return is_snake_cur(header) and not has_cur2_columns(header)

    def tag_columns(self, header: list[str]) -> list[tuple[str, str]]:
        # Athena lower-cases tag keys and turns ':' and other punctuation into '_'; the user:/aws: prefix
        # is restored, the rest is kept as Athena spelled it.
        out = []
        for col in header:
            low = col.lower()
            if not low.startswith("resource_tags_"):
                continue
            key = col[len("resource_tags_") :]
            for prefix in ("user", "aws"):
                if key.lower().startswith(prefix + "_"):
                    key = prefix + ":" + key[len(prefix) + 1 :]
                    break
            out.append((key, col))
        return out


def parquet_text_relation(ctx: LoadContext) -> str:
    """The Parquet file as text columns plus source_row: scalars cast to VARCHAR, MAP/STRUCT/LIST columns as
    JSON text, so CSV and Parquet exports go through the same validated mapping."""
    path = ctx.source.path.as_posix().replace("'", "''")
    described = ctx.con.execute(f"DESCRIBE SELECT * FROM read_parquet('{path}')").fetchall()
    parts = []
    for row in described:
        name, dtype = str(row[0]), str(row[1])
        ref = '"' + name.replace('"', '""') + '"'
        if dtype.startswith(("MAP", "STRUCT")) or dtype.endswith("]"):
            parts.append(f"CAST(to_json({ref}) AS VARCHAR) AS {ref}")
        elif dtype == "VARCHAR":
            parts.append(ref)
        else:
            parts.append(f"CAST({ref} AS VARCHAR) AS {ref}")
    return (
        f"SELECT file_row_number + 1 AS source_row, {', '.join(parts)} "
        f"FROM read_parquet('{path}', file_row_number = true)"
    )


register(CurReader("aws-cur", "AWS CUR (legacy)"))
register(CurAthenaReader("aws-cur-athena", "AWS CUR (legacy, Athena/Parquet)"))
