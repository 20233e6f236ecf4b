"""Azure charges spelled as Cost Management cost details: the EA enrollment's (PascalCase, UTF-8 BOM) for
April-June and the MCA billing account's (camelCase, exported compressed) for July-September."""

from __future__ import annotations

from datetime import date

from .azure import (
    AZ_RI,
    MCA_BILLING_PROFILE,
    MCA_INVOICE_SECTION,
    AzItem,
    az_common,
    az_tags,
    mca_invoice_id,
    us_date,
)
from .common import Ids, csv_text, money, month_days, num
from .world import AZURE_ENROLLMENT, AZURE_MCA

EA_COLUMNS = """BillingAccountId BillingAccountName BillingPeriodStartDate BillingPeriodEndDate BillingProfileId BillingProfileName
AccountOwnerId AccountName SubscriptionId SubscriptionName Date Product PartNumber MeterId ServiceFamily MeterCategory
MeterSubCategory MeterRegion MeterName Quantity EffectivePrice Cost UnitPrice BillingCurrency ResourceLocation AvailabilityZone
ConsumedService ResourceId ResourceName ServiceInfo1 ServiceInfo2 AdditionalInfo Tags InvoiceSectionId InvoiceSection CostCenter
UnitOfMeasure ResourceGroup ReservationId ReservationName ProductOrderId ProductOrderName OfferId IsAzureCreditEligible Term
PublisherName PlanName ChargeType Frequency PublisherType PayGPrice PricingModel CostAllocationRuleName benefitId
benefitName""".split()

MCA_COLUMNS = """invoiceId previousInvoiceId billingAccountId billingAccountName billingProfileId billingProfileName
invoiceSectionId invoiceSectionName resellerName resellerMpnId costCenter billingPeriodEndDate billingPeriodStartDate
servicePeriodEndDate servicePeriodStartDate date serviceFamily productOrderId productOrderName consumedService meterId meterName
meterCategory meterSubCategory meterRegion ProductId ProductName SubscriptionId subscriptionName publisherType publisherId
publisherName resourceGroupName ResourceId resourceLocation location effectivePrice quantity unitOfMeasure chargeType
billingCurrency pricingCurrency costInBillingCurrency costInPricingCurrency costInUsd paygCostInBillingCurrency paygCostInUsd
exchangeRatePricingToBilling exchangeRateDate isAzureCreditEligible serviceInfo1 serviceInfo2 additionalInfo tags PayGPrice
frequency term reservationId reservationName pricingModel unitPrice costAllocationRuleName benefitId benefitName
provider""".split()


def ea_csv(items: list[AzItem], ids: Ids, year: int, month: int) -> str:
    first, last = us_date(date(year, month, 1)), us_date(month_days(year, month)[-1])
    rows = []
    for it in items:
        c = az_common(it, ids)
        rows.append(
            {
                "BillingAccountId": AZURE_ENROLLMENT[0],
                "BillingAccountName": AZURE_ENROLLMENT[1],
                "BillingPeriodStartDate": first,
                "BillingPeriodEndDate": last,
                "BillingProfileId": AZURE_ENROLLMENT[0],
                "BillingProfileName": AZURE_ENROLLMENT[1],
                "AccountOwnerId": "ml-platform@juniperlabs.example",
                "AccountName": "ML Platform",
                "SubscriptionId": c["sub_id"],
                "SubscriptionName": c["sub_name"],
                "Date": c["date"],
                "Product": c["product"],
                "PartNumber": c["part_number"],
                "MeterId": c["meter_id"],
                "ServiceFamily": c["family"],
                "MeterCategory": c["category"],
                "MeterSubCategory": c["subcategory"],
                "MeterRegion": c["meter_region"],
                "MeterName": c["meter"],
                "Quantity": c["qty"],
                "EffectivePrice": c["effective_price"],
                "Cost": c["cost"],
                "UnitPrice": c["unit_price"],
                "BillingCurrency": "USD",
                "ResourceLocation": c["location"],
                "ConsumedService": c["service"],
                "ResourceId": c["resource_id"],
                "ResourceName": c["resource_name"],
                "AdditionalInfo": c["additional"],
                "Tags": az_tags(it.res, braces=False),
                "InvoiceSectionId": "ML-PLATFORM",
                "InvoiceSection": "ML Platform",
                "CostCenter": "CC-4410",
                "UnitOfMeasure": c["unit"],
                "ResourceGroup": c["group"],
                "ReservationId": c["reservation_id"],
                "ReservationName": c["reservation_name"],
                "ProductOrderId": c["reservation_id"],
                "ProductOrderName": c["order_name"],
                "OfferId": "MS-AZR-0017P",
                "IsAzureCreditEligible": "True",
                "Term": c["term"],
                "PublisherName": "Microsoft",
                "ChargeType": c["charge_type"],
                "Frequency": c["frequency"],
                "PublisherType": "Azure",
                "PayGPrice": c["payg"],
                "PricingModel": c["pricing_model"],
            }
        )
    return csv_text(EA_COLUMNS, rows, bom=True)


def mca_csv(items: list[AzItem], ids: Ids, year: int, month: int) -> str:
    first, last = us_date(date(year, month, 1)), us_date(month_days(year, month)[-1])
    rows = []
    for it in items:
        c = az_common(it, ids)
        payg_cost = num(money(it.qty * it.unit_price))
        rows.append(
            {
                "invoiceId": mca_invoice_id(year, month),
                "billingAccountId": AZURE_MCA[0],
                "billingAccountName": AZURE_MCA[1],
                "billingProfileId": MCA_BILLING_PROFILE,
                "billingProfileName": "Juniper Labs",
                "invoiceSectionId": MCA_INVOICE_SECTION,
                "invoiceSectionName": "ML Platform",
                "costCenter": "CC-4410",
                "billingPeriodEndDate": last,
                "billingPeriodStartDate": first,
                "servicePeriodEndDate": last,
                "servicePeriodStartDate": first,
                "date": c["date"],
                "serviceFamily": c["family"],
                "productOrderId": c["reservation_id"] or "5f1e7a2b-0c3d-4e8f-9a6b-1c2d3e4f5a6b",
                "productOrderName": c["order_name"] or "Azure plan",
                "consumedService": c["service"],
                "meterId": c["meter_id"],
                "meterName": c["meter"],
                "meterCategory": c["category"],
                "meterSubCategory": c["subcategory"],
                "meterRegion": c["meter_region"],
                "ProductId": c["product_id"],
                "ProductName": c["product"],
                "SubscriptionId": c["sub_id"],
                "subscriptionName": c["sub_name"],
                "publisherType": "Microsoft",
                "publisherName": "Microsoft",
                "resourceGroupName": c["group"],
                "ResourceId": c["resource_id"],
                "resourceLocation": c["location"].lower(),
                "location": c["meter_region"],
                "effectivePrice": c["effective_price"],
                "quantity": c["qty"],
                "unitOfMeasure": c["unit"],
                "chargeType": c["charge_type"],
                "billingCurrency": "USD",
                "pricingCurrency": "USD",
                "costInBillingCurrency": c["cost"],
                "costInPricingCurrency": c["cost"],
                "costInUsd": c["cost"],
                "paygCostInBillingCurrency": payg_cost,
                "paygCostInUsd": payg_cost,
                "exchangeRatePricingToBilling": "1",
                "exchangeRateDate": first,
                "isAzureCreditEligible": "True",
                "additionalInfo": c["additional"],
                "tags": az_tags(it.res, braces=True),
                "PayGPrice": c["payg"],
                "frequency": c["frequency"],
                "term": c["term"],
                "reservationId": c["reservation_id"],
                "reservationName": c["reservation_name"],
                "pricingModel": c["pricing_model"],
                "unitPrice": c["unit_price"],
                "benefitId": AZ_RI[0] if c["reservation_id"] else "",
                "benefitName": c["reservation_name"],
                "provider": "Azure",
            }
        )
    return csv_text(MCA_COLUMNS, rows)
