"""AWS line items spelled as CUR 2.0 (Data Exports) and as the legacy Cost and Usage Report.

Both dialects carry the same fields; CUR 2.0 names them in snake case and nests product attributes and
tags in JSON maps, the legacy report names them family/CamelCase and gives every product attribute and
tag its own column. The fields are built once, under their CUR 2.0 names, and renamed for the legacy file.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

from .aws import AWS_FAMILY, AWS_HW, AWS_REGION, AWS_ZONE, SP_ARN, SP_RATE, AwsItem
from .common import Ids, csv_text, iso, money, next_month, num
from .world import AWS_ACCOUNTS, AWS_PAYER

CUR2_COLUMNS = """bill_bill_type bill_billing_entity bill_billing_period_end_date bill_billing_period_start_date bill_invoice_id
bill_invoicing_entity bill_payer_account_id bill_payer_account_name capacity_reservation_capacity_reservation_arn
capacity_reservation_capacity_reservation_status capacity_reservation_capacity_reservation_type cost_category discount
discount_bundled_discount discount_total_discount identity_line_item_id identity_time_interval line_item_availability_zone
line_item_blended_cost line_item_blended_rate line_item_currency_code line_item_legal_entity line_item_line_item_description
line_item_line_item_type line_item_net_unblended_cost line_item_net_unblended_rate line_item_normalization_factor
line_item_normalized_usage_amount line_item_operation line_item_product_code line_item_resource_id line_item_tax_type
line_item_unblended_cost line_item_unblended_rate line_item_usage_account_id line_item_usage_account_name line_item_usage_amount
line_item_usage_end_date line_item_usage_start_date line_item_usage_type pricing_currency pricing_lease_contract_length
pricing_offering_class pricing_public_on_demand_cost pricing_public_on_demand_rate pricing_purchase_option pricing_rate_code
pricing_rate_id pricing_term pricing_unit product product_comment product_fee_code product_fee_description product_from_location
product_from_location_type product_from_region_code product_instance_family product_instance_type product_instanceSKU
product_location product_location_type product_operation product_pricing_unit product_product_family product_region_code
product_servicecode product_sku product_to_location product_to_location_type product_to_region_code product_usagetype
reservation_amortized_upfront_cost_for_usage reservation_amortized_upfront_fee_for_billing_period reservation_availability_zone
reservation_effective_cost reservation_end_time reservation_modification_status reservation_net_amortized_upfront_cost_for_usage
reservation_net_amortized_upfront_fee_for_billing_period reservation_net_effective_cost reservation_net_recurring_fee_for_usage
reservation_net_unused_amortized_upfront_fee_for_billing_period reservation_net_unused_recurring_fee reservation_net_upfront_value
reservation_normalized_units_per_reservation reservation_number_of_reservations reservation_recurring_fee_for_usage
reservation_reservation_a_r_n reservation_start_time reservation_subscription_id reservation_total_reserved_normalized_units
reservation_total_reserved_units reservation_units_per_reservation reservation_unused_amortized_upfront_fee_for_billing_period
reservation_unused_normalized_unit_quantity reservation_unused_quantity reservation_unused_recurring_fee reservation_upfront_value
resource_tags savings_plan_amortized_upfront_commitment_for_billing_period savings_plan_end_time
savings_plan_instance_type_family savings_plan_net_amortized_upfront_commitment_for_billing_period
savings_plan_net_recurring_commitment_for_billing_period savings_plan_net_savings_plan_effective_cost
savings_plan_offering_type savings_plan_payment_option savings_plan_purchase_term savings_plan_recurring_commitment_for_billing_period
savings_plan_region savings_plan_savings_plan_a_r_n savings_plan_savings_plan_effective_cost savings_plan_savings_plan_rate
savings_plan_start_time savings_plan_total_commitment_to_date savings_plan_used_commitment split_line_item_actual_usage
split_line_item_net_split_cost split_line_item_net_unused_cost split_line_item_parent_resource_id
split_line_item_public_on_demand_split_cost split_line_item_public_on_demand_unused_cost split_line_item_reserved_usage
split_line_item_split_cost split_line_item_split_usage split_line_item_split_usage_ratio split_line_item_unused_cost""".split()

LEGACY_COLUMNS = """identity/LineItemId identity/TimeInterval bill/InvoiceId bill/InvoicingEntity bill/BillingEntity bill/BillType
bill/PayerAccountId bill/BillingPeriodStartDate bill/BillingPeriodEndDate lineItem/UsageAccountId lineItem/LineItemType
lineItem/UsageStartDate lineItem/UsageEndDate lineItem/ProductCode lineItem/UsageType lineItem/Operation
lineItem/AvailabilityZone lineItem/ResourceId lineItem/UsageAmount lineItem/NormalizationFactor
lineItem/NormalizedUsageAmount lineItem/CurrencyCode lineItem/UnblendedRate lineItem/UnblendedCost lineItem/BlendedRate
lineItem/BlendedCost lineItem/LineItemDescription lineItem/TaxType lineItem/LegalEntity product/ProductName
product/gpu product/gpuMemory product/instanceFamily product/instanceType product/location product/locationType
product/memory product/operatingSystem product/operation product/physicalProcessor product/productFamily product/region
product/regionCode product/servicecode product/sku product/storageClass product/usagetype product/vcpu product/volumeApiName
pricing/RateCode pricing/RateId pricing/currency pricing/publicOnDemandCost pricing/publicOnDemandRate pricing/term
pricing/unit reservation/EffectiveCost savingsPlan/SavingsPlanARN savingsPlan/SavingsPlanRate
savingsPlan/SavingsPlanEffectiveCost resourceTags/user:Team resourceTags/user:ml-model resourceTags/user:model
resourceTags/user:workload""".split()

PRICED = ("Usage", "SavingsPlanCoveredUsage")  # line types that carry an on-demand price
SP_LINES = ("SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee")


def _snake(legacy_column: str) -> str:
    """The CUR 2.0 name of a legacy column: each part snake-cased at every capital and joined with '_'
    (lineItem/UsageAccountId -> line_item_usage_account_id, savingsPlan/SavingsPlanARN -> ..._a_r_n)."""
    return "_".join(re.sub(r"(?<!^)(?=[A-Z])", "_", part).lower() for part in legacy_column.split("/"))


LEGACY_FROM_CUR2 = {col: _snake(col) for col in LEGACY_COLUMNS}


def _sku_code(ids: Ids, it: AwsItem) -> str:
    return ids.once(
        "aws_sku", (it.usage_type, it.operation), lambda: ids.chars("ABCDEFGHJKLMNPQRSTUVWXYZ23456789", 16)
    )


def _cur_common(it: AwsItem, ids: Ids) -> dict[str, str]:
    """Fields both dialects share, keyed by the CUR 2.0 name; the legacy writer renames them."""
    r = it.res
    acct = AWS_ACCOUNTS[
        r.account if r else ("search" if it.line_type == "SavingsPlanRecurringFee" else "platform")
    ]
    end = it.end or (it.day + timedelta(days=1))
    year, month = it.day.year, it.day.month
    region = r.region if r else "us-east-1"
    rate = num(it.rate) if it.rate else ""
    priced = it.line_type in PRICED
    row = {
        "identity_line_item_id": ids.cur_line_id(),
        "identity_time_interval": f"{iso(it.day)}/{iso(end)}",
        "bill_invoice_id": f"EUINUS26-{year}{month:02d}",
        "bill_invoicing_entity": "Amazon Web Services, Inc.",
        "bill_billing_entity": "AWS",
        "bill_bill_type": "Anniversary",
        "bill_payer_account_id": AWS_PAYER[0],
        "bill_payer_account_name": AWS_PAYER[1],
        "bill_billing_period_start_date": iso(date(year, month, 1)),
        "bill_billing_period_end_date": iso(next_month(year, month)),
        "line_item_usage_account_id": acct[0],
        "line_item_usage_account_name": acct[1],
        "line_item_line_item_type": it.line_type,
        "line_item_usage_start_date": iso(it.day),
        "line_item_usage_end_date": iso(end),
        "line_item_product_code": it.product_code,
        "line_item_usage_type": it.usage_type,
        "line_item_operation": it.operation,
        "line_item_availability_zone": AWS_ZONE[region] if r and r.kind == "ec2" else "",
        "line_item_resource_id": r.rid if r else "",
        "line_item_usage_amount": num(it.amount),
        "line_item_currency_code": "USD",
        "line_item_unblended_rate": rate,
        "line_item_unblended_cost": num(it.cost),
        "line_item_blended_rate": rate,
        "line_item_blended_cost": num(it.cost),
        "line_item_net_unblended_rate": rate,
        "line_item_net_unblended_cost": num(it.cost),
        "line_item_line_item_description": it.description,
        "line_item_tax_type": "Sales Tax" if it.line_type == "Tax" else "",
        "line_item_legal_entity": "Amazon Web Services, Inc.",
        "line_item_normalization_factor": "",
        "line_item_normalized_usage_amount": "",
        "pricing_currency": "USD",
        "pricing_unit": it.unit,
        "pricing_term": "OnDemand" if priced else "",
        "pricing_public_on_demand_rate": num(it.rate) if priced else "",
        "pricing_public_on_demand_cost": num(money(it.amount * it.rate)) if priced else "",
        "product_product_family": it.family,
        "product_servicecode": it.product_code,
        "product_region_code": region if r else "",
        "product_location": AWS_REGION[region][2] if r else "",
        "product_location_type": "AWS Region" if r else "",
        "product_usagetype": it.usage_type,
        "product_operation": it.operation,
        "product_instance_type": r.sku
        if r and r.kind in ("ec2", "sm_train", "sm_host", "sm_notebook")
        else "",
        "product_instance_family": AWS_FAMILY.get(r.sku.split(".")[0], "") if r and r.kind == "ec2" else "",
        "product_sku": _sku_code(ids, it) if r else "",
    }
    if it.line_type in SP_LINES:
        row["savings_plan_savings_plan_a_r_n"] = SP_ARN
        row["savings_plan_savings_plan_rate"] = (
            num(SP_RATE) if it.line_type != "SavingsPlanRecurringFee" else ""
        )
        if it.sp_effective is not None:
            row["savings_plan_savings_plan_effective_cost"] = num(it.sp_effective)
            row["savings_plan_net_savings_plan_effective_cost"] = num(it.sp_effective)
        if it.line_type == "SavingsPlanRecurringFee":
            for key in (
                "recurring_commitment_for_billing_period",
                "total_commitment_to_date",
                "used_commitment",
            ):
                row[f"savings_plan_{key}"] = num(it.cost)
        row.update(
            {
                "savings_plan_offering_type": "EC2InstanceSavingsPlans",
                "savings_plan_payment_option": "No Upfront",
                "savings_plan_purchase_term": "1yr",
                "savings_plan_region": "US East (N. Virginia)",
                "savings_plan_instance_type_family": "g5",
                "savings_plan_start_time": "2026-06-01T00:00:00.000Z",
                "savings_plan_end_time": "2027-05-31T23:59:59.000Z",
            }
        )
    return row


def _hardware(it: AwsItem) -> tuple[str, str, str, str, str] | None:
    """(vcpu, memory, gpu, gpu memory, processor) of an EC2 instance line; None for everything else."""
    return AWS_HW.get(it.res.sku) if it.res and it.res.kind == "ec2" else None


def _cur2_tag_key(key: str) -> str:
    return "user_" + re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, separators=(",", ":"))


def cur2_csv(items: list[AwsItem], ids: Ids) -> str:
    """CUR 2.0: every column of the fixed schema; product attributes, tags and cost categories as JSON maps."""
    rows = []
    for it in items:
        row = _cur_common(it, ids)
        product = {"product_name": it.service}
        if it.res is not None:
            product["region"] = row["product_region_code"]
            hw = _hardware(it)
            if hw:
                vcpu, mem, gpu, gmem, cpu = hw
                product.update(
                    {
                        "vcpu": vcpu,
                        "memory": mem,
                        "physical_processor": cpu,
                        "operating_system": "Linux",
                        "tenancy": "Shared",
                        "current_generation": "Yes",
                    }
                )
                if gpu:
                    product.update({"gpu": gpu, "gpu_memory": gmem})
        row["product"] = _json(product)
        tags = {_cur2_tag_key(k): v for k, v in (it.res.tags.items() if it.res else []) if k != "job"}
        row["resource_tags"] = _json(dict(sorted(tags.items()))) if tags else ""
        row["cost_category"] = _json({"business_unit": "ml-platform"}) if it.res else ""
        rows.append(row)
    return csv_text(CUR2_COLUMNS, rows)


def legacy_cur_csv(items: list[AwsItem], ids: Ids) -> str:
    """Legacy CUR: dates with milliseconds, product attributes and tags as their own slash columns."""
    rows = []
    for it in items:
        row = _cur_common(it, ids)
        legacy = {col: row[name] for col, name in LEGACY_FROM_CUR2.items() if name in row}
        legacy["product/ProductName"] = it.service
        for k in (
            "bill/BillingPeriodStartDate",
            "bill/BillingPeriodEndDate",
            "lineItem/UsageStartDate",
            "lineItem/UsageEndDate",
        ):
            legacy[k] = legacy[k].replace("Z", ".000Z")
        if it.res is not None:
            legacy["product/region"] = it.res.region
        hw = _hardware(it)
        if hw:
            vcpu, mem, gpu, gmem, cpu = hw
            legacy.update(
                {
                    "product/vcpu": vcpu,
                    "product/memory": mem,
                    "product/gpu": gpu,
                    "product/gpuMemory": gmem,
                    "product/physicalProcessor": cpu,
                    "product/operatingSystem": "Linux",
                }
            )
        if it.res is not None and it.res.kind == "ebs":
            legacy["product/volumeApiName"] = "gp3"
        if it.res is not None and it.res.kind == "s3":
            legacy["product/storageClass"] = "General Purpose"
        for k, v in it.res.tags.items() if it.res else []:
            col = f"resourceTags/user:{k}"
            if col in LEGACY_COLUMNS:
                legacy[col] = v
        if it.line_type == "Usage":
            legacy["pricing/RateCode"] = f"{legacy.get('product/sku', '')}.JRTCKXETXF.6YS6EN2CT7"
        rows.append(legacy)
    return csv_text(LEGACY_COLUMNS, rows)
