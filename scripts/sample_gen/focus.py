"""Azure charges spelled as Microsoft's FOCUS 1.0 cost export (October, once the export was switched).

One dataset carries both actual and amortised cost: BilledCost is what the invoice says, EffectiveCost
spreads the reservation purchase over the usage it covered. Microsoft's own columns carry the x_ prefix.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from .azure import (
    AZ_RI,
    AZ_RI_ORDER_NAME,
    AZ_RI_RATE,
    MCA_BILLING_PROFILE,
    MCA_INVOICE_SECTION,
    AzItem,
    az_common,
    az_tags,
    mca_invoice_id,
)
from .common import D, Ids, csv_text, iso, money, next_month, num
from .world import AZURE_MCA

MS_FOCUS_COLUMNS = """BilledCost BillingAccountId BillingAccountName BillingAccountType BillingCurrency BillingPeriodEnd
BillingPeriodStart ChargeCategory ChargeClass ChargeDescription ChargeFrequency ChargePeriodEnd ChargePeriodStart
CommitmentDiscountCategory CommitmentDiscountId CommitmentDiscountName CommitmentDiscountStatus CommitmentDiscountType
ConsumedQuantity ConsumedUnit ContractedCost ContractedUnitPrice EffectiveCost InvoiceIssuerName ListCost ListUnitPrice
PricingCategory PricingQuantity PricingUnit ProviderName PublisherName RegionId RegionName ResourceId ResourceName ResourceType
ServiceCategory ServiceName SkuId SkuPriceId SubAccountId SubAccountName SubAccountType Tags x_AccountId x_AccountName
x_AccountOwnerId x_BilledCostInUsd x_BilledUnitPrice x_BillingAccountId x_BillingAccountName x_BillingExchangeRate
x_BillingExchangeRateDate x_BillingProfileId x_BillingProfileName x_ContractedCostInUsd x_CostAllocationRuleName x_CostCenter
x_CustomerId x_CustomerName x_EffectiveCostInUsd x_EffectiveUnitPrice x_InvoiceId x_InvoiceIssuerId x_InvoiceSectionId
x_InvoiceSectionName x_ListCostInUsd x_PartnerCreditApplied x_PartnerCreditRate x_PricingBlockSize x_PricingCurrency
x_PricingSubcategory x_PricingUnitDescription x_PublisherCategory x_PublisherId x_ResellerId x_ResellerName
x_ResourceGroupName x_ResourceType x_ServicePeriodEnd x_ServicePeriodStart x_SkuDescription x_SkuDetails x_SkuIsCreditEligible
x_SkuMeterCategory x_SkuMeterId x_SkuMeterName x_SkuMeterSubcategory x_SkuOfferId x_SkuOrderId x_SkuOrderName x_SkuPartNumber
x_SkuRegion x_SkuServiceFamily x_SkuTerm x_SkuTier""".split()


def _service(it: AzItem) -> tuple[str, str, str, str]:
    """(ServiceCategory, ServiceName, Azure resource type, FOCUS ResourceType) of a charge; a reservation
    purchase, which has no resource, is typed as the virtual machines it covers."""
    if it.service == "Microsoft.MachineLearningServices":
        return (
            "AI and Machine Learning",
            "Azure Machine Learning",
            "Microsoft.MachineLearningServices/workspaces",
            "Machine learning workspace",
        )
    if it.category == "Storage":
        return "Storage", "Storage Accounts", "Microsoft.Storage/storageAccounts", "Storage account"
    return "Compute", "Virtual Machines", "Microsoft.Compute/virtualMachines", "Virtual machine"


def ms_focus_csv(items: list[AzItem], ids: Ids, year: int, month: int) -> str:
    """Microsoft's FOCUS 1.0 cost export (actual and amortised in one dataset: BilledCost and EffectiveCost)."""
    first, nxt = date(year, month, 1), next_month(year, month)
    rows = []
    for it in items:
        c = az_common(it, ids)
        r = it.res
        ri = it.pricing_model == "Reservation"
        purchase = it.charge_type == "Purchase"
        list_cost = num(money(it.qty * it.unit_price) if not purchase else it.cost)
        effective = num(D(0) if purchase else (money(it.qty * AZ_RI_RATE) if ri else it.cost))
        svc_cat, svc_name, rtype, resource_type = _service(it)
        unit = "GB/Month" if it.category == "Storage" else "Hours"
        sku_details = json.loads(c["additional"]) if c["additional"] else {}
        rows.append(
            {
                "BilledCost": c["cost"],
                "BillingAccountId": f"/providers/Microsoft.Billing/billingAccounts/{AZURE_MCA[0]}/billingProfiles/{MCA_BILLING_PROFILE}",
                "BillingAccountName": "Juniper Labs",
                "BillingAccountType": "Billing Profile",
                "BillingCurrency": "USD",
                "BillingPeriodEnd": iso(nxt),
                "BillingPeriodStart": iso(first),
                "ChargeCategory": "Purchase" if purchase else "Usage",
                "ChargeDescription": AZ_RI_ORDER_NAME if purchase else f"{c['meter']} - {c['meter_region']}",
                "ChargeFrequency": "Recurring" if purchase else "Usage-Based",
                "ChargePeriodEnd": iso(nxt if purchase else it.day + timedelta(days=1)),
                "ChargePeriodStart": iso(first if purchase else it.day),
                "CommitmentDiscountCategory": "Usage" if ri else "",
                "CommitmentDiscountId": AZ_RI[0] if ri else "",
                "CommitmentDiscountName": AZ_RI[1] if ri else "",
                "CommitmentDiscountStatus": "Used" if ri and not purchase else "",
                "CommitmentDiscountType": "Reservation" if ri else "",
                "ConsumedQuantity": "" if purchase else c["qty"],
                "ConsumedUnit": "" if purchase else unit,
                "ContractedCost": list_cost,
                "ContractedUnitPrice": c["unit_price"],
                "EffectiveCost": effective,
                "InvoiceIssuerName": "Microsoft",
                "ListCost": list_cost,
                "ListUnitPrice": c["unit_price"],
                "PricingCategory": "Committed" if ri else "Standard",
                "PricingQuantity": c["qty"],
                "PricingUnit": unit,
                "ProviderName": "Microsoft",
                "PublisherName": "Microsoft",
                "RegionId": r.region if r else "",
                "RegionName": c["meter_region"] if r else "",
                "ResourceId": c["resource_id"].lower() if r else "",
                "ResourceName": c["resource_name"] if r else "",
                "ResourceType": resource_type,
                "ServiceCategory": svc_cat,
                "ServiceName": svc_name,
                "SkuId": c["product_id"],
                "SkuPriceId": c["product_id"] + "/0001",
                "SubAccountId": f"/subscriptions/{c['sub_id']}",
                "SubAccountName": c["sub_name"],
                "SubAccountType": "Subscription",
                "Tags": az_tags(r, braces=True) or "{}",
                "x_BilledCostInUsd": c["cost"],
                "x_BilledUnitPrice": c["effective_price"],
                "x_BillingAccountId": AZURE_MCA[0],
                "x_BillingAccountName": AZURE_MCA[1],
                "x_BillingExchangeRate": "1",
                "x_BillingExchangeRateDate": iso(first),
                "x_BillingProfileId": MCA_BILLING_PROFILE,
                "x_BillingProfileName": "Juniper Labs",
                "x_ContractedCostInUsd": list_cost,
                "x_CostCenter": "CC-4410",
                "x_EffectiveCostInUsd": effective,
                "x_EffectiveUnitPrice": num(AZ_RI_RATE if ri and not purchase else it.unit_price),
                "x_InvoiceId": mca_invoice_id(year, month),
                "x_InvoiceSectionId": MCA_INVOICE_SECTION,
                "x_InvoiceSectionName": "ML Platform",
                "x_ListCostInUsd": list_cost,
                "x_PricingBlockSize": "1",
                "x_PricingCurrency": "USD",
                "x_PricingSubcategory": "Committed Usage" if ri else "Standard",
                "x_PricingUnitDescription": c["unit"],
                "x_PublisherCategory": "Cloud Provider",
                "x_ResourceGroupName": c["group"],
                "x_ResourceType": rtype.lower() if r else "",
                "x_ServicePeriodEnd": iso(nxt),
                "x_ServicePeriodStart": iso(first),
                "x_SkuDescription": c["product"],
                "x_SkuDetails": json.dumps(sku_details, separators=(",", ":")) if sku_details else "",
                "x_SkuIsCreditEligible": "true",
                "x_SkuMeterCategory": c["category"],
                "x_SkuMeterId": c["meter_id"],
                "x_SkuMeterName": c["meter"],
                "x_SkuMeterSubcategory": c["subcategory"],
                "x_SkuOfferId": "MS-AZR-0017G",
                "x_SkuOrderId": c["reservation_id"],
                "x_SkuOrderName": AZ_RI[1] if ri else "",
                "x_SkuPartNumber": c["part_number"],
                "x_SkuRegion": c["meter_region"],
                "x_SkuServiceFamily": c["family"],
                "x_SkuTerm": c["term"],
            }
        )
    return csv_text(MS_FOCUS_COLUMNS, rows)
