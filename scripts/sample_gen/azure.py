"""The Azure bill of the demo organisation as charges, and the fields every Azure export spells the same.

The subscriptions are billed through an EA enrollment (April-June), then an MCA (July-September), then a
FOCUS 1.0 export (October). The charges (usage per VM and day, the NC A100 v4 reservation from June with
its monthly purchase) are worked out once here; azure_cost_details.py and focus.py spell them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .common import D, Ids, money, month_days, num
from .world import AZURE_SUBS, Resource

AZ_REGION = {
    "swedencentral": ("SwedenCentral", "Sweden Central"),
    "eastus": ("EastUS", "US East"),
    "westeurope": ("WestEurope", "EU West"),
}
AZ_METER = {  # size -> (meter subcategory, meter name, vCPUs)
    "Standard_ND96isr_H100_v5": ("NDisr H100 v5 Series", "ND96isr H100 v5", 96),
    "Standard_NC96ads_A100_v4": ("NCads A100 v4 Series", "NC96ads A100 v4", 96),
    "Standard_ND96isr_MI300X_v5": ("NDisr MI300X v5 Series", "ND96isr MI300X v5", 96),
    "Standard_D8s_v5": ("Dsv5 Series", "D8s v5", 8),
}
AZ_RI = (
    "/providers/Microsoft.Capacity/reservationOrders/2f6b9c1e-83d4-4a7f-b5e2-0c9d8a7b6e51/reservations/"
    "6a1d4c8e-2b7f-4e93-a0c5-9f8e7d6c5b4a",
    "NC96ads_A100_v4_1yr_eastus",
)
AZ_RI_ORDER_NAME = "Reserved VM Instance, Standard_NC96ads_A100_v4, US East, 1 Year"
AZ_RI_RATE = D("8.35")  # per hour, 1-year reservation for Standard_NC96ads_A100_v4
AZ_RI_VMS = 2  # the first two serving VMs are covered from June
AZ_RI_START = date(2026, 6, 1)
MCA_BILLING_PROFILE = "JL7Q-4X2M-BG7-PGB"
MCA_INVOICE_SECTION = "N4TY-D2QK-PJA-PGB"


@dataclass
class AzItem:
    day: date
    res: Resource | None
    charge_type: str  # Usage | Purchase
    pricing_model: str  # OnDemand | Reservation
    qty: Decimal
    unit: str
    cost: Decimal  # actual (billed) cost
    unit_price: Decimal
    category: str
    subcategory: str
    meter: str
    service: str  # Microsoft.Compute | Microsoft.MachineLearningServices | Microsoft.Storage
    size: str = ""


def azure_items(world: list[Resource], year: int, month: int) -> list[AzItem]:
    items: list[AzItem] = []
    for day in month_days(year, month):
        covered = 0
        for r in world:
            if r.provider != "azure":
                continue
            qty = r.schedule(day)
            if qty <= 0:
                continue
            if r.kind in ("vm", "aml"):
                sub, meter, _ = AZ_METER[r.sku]
                svc = "Microsoft.MachineLearningServices" if r.kind == "aml" else "Microsoft.Compute"
                ri = r.sku == "Standard_NC96ads_A100_v4" and day >= AZ_RI_START and covered < AZ_RI_VMS
                covered += ri
                items.append(
                    AzItem(
                        day,
                        r,
                        "Usage",
                        "Reservation" if ri else "OnDemand",
                        qty,
                        "1 Hour",
                        D(0) if ri else money(qty * r.rate),
                        r.rate,
                        "Virtual Machines",
                        sub,
                        meter,
                        svc,
                        r.sku,
                    )
                )
            elif r.kind == "blob":
                gb_month = qty.quantize(D("0.0001"))
                items.append(
                    AzItem(
                        day,
                        r,
                        "Usage",
                        "OnDemand",
                        gb_month,
                        "1 GB/Month",
                        money(gb_month * r.rate),
                        r.rate,
                        "Storage",
                        "Tiered Block Blob",
                        r.sku,
                        "Microsoft.Storage",
                    )
                )
    if (year, month) >= (AZ_RI_START.year, AZ_RI_START.month):
        purchase = money(AZ_RI_RATE * AZ_RI_VMS * D(24 * len(month_days(year, month))))
        items.append(
            AzItem(
                date(year, month, 1),
                None,
                "Purchase",
                "Reservation",
                D(1),
                "1 Hour",
                purchase,
                purchase,
                "Virtual Machines",
                "NCads A100 v4 Series",
                "NC96ads A100 v4",
                "Microsoft.Capacity",
                "Standard_NC96ads_A100_v4",
            )
        )
    return items


def us_date(d: date) -> str:
    """Cost details' MM/DD/YYYY."""
    return d.strftime("%m/%d/%Y")


def mca_invoice_id(year: int, month: int) -> str:
    return f"G0{year % 100}{month:02d}4410"


def az_tags(res: Resource | None, braces: bool) -> str:
    """Tags as JSON object members; EA cost details write them without the braces, MCA and FOCUS with."""
    if not res or not res.tags:
        return ""
    body = ",".join(f'"{k}": "{v}"' for k, v in res.tags.items())
    return "{" + body + "}" if braces else body


def _az_additional(it: AzItem) -> str:
    if it.category != "Virtual Machines" or it.res is None:
        return ""
    vcpus = AZ_METER[it.size][2]
    return json.dumps(
        {
            "UsageType": "ComputeHR",
            "ImageType": "Canonical",
            "ServiceType": it.size,
            "VMName": it.res.name,
            "VCPUs": vcpus,
        },
        separators=(",", ":"),
    )


def az_common(it: AzItem, ids: Ids) -> dict[str, str]:
    """The fields EA, MCA and FOCUS exports share, under neutral names each writer maps to its own columns."""
    r = it.res
    sub_key = r.account if r else "assistants-prod"
    region = r.region if r else "eastus"
    loc, meter_region = AZ_REGION[region]
    group = r.rid.split("/resourceGroups/")[1].split("/")[0] if r else ""
    ri = it.pricing_model == "Reservation"
    product = f"{it.subcategory} - {it.meter} - {meter_region}"
    if it.category == "Virtual Machines":
        product = f"{it.category} {product}"
    meter_id = ids.once("azure_meter", (it.meter + region,), ids.guid)
    reservation_id = AZ_RI[0].rsplit("/", 1)[1] if ri else ""
    return {
        "sub_id": AZURE_SUBS[sub_key],
        "sub_name": sub_key,
        "date": us_date(it.day),
        "product": product,
        "meter_id": meter_id,
        "family": "Storage" if it.category == "Storage" else "Compute",
        "part_number": "AAH-" + meter_id[:5].upper(),
        "product_id": "DZH318Z0" + meter_id[:4].upper(),
        "category": it.category,
        "subcategory": it.subcategory,
        "meter_region": meter_region,
        "meter": it.meter,
        "qty": num(it.qty),
        "effective_price": num(D(0) if ri and it.charge_type == "Usage" else it.unit_price),
        "cost": num(it.cost),
        "unit_price": num(it.unit_price),
        "location": loc,
        "service": it.service,
        "resource_id": r.rid if r else AZ_RI[0],
        "resource_name": r.name if r else AZ_RI[1],
        "additional": _az_additional(it),
        "unit": it.unit,
        "group": group,
        "reservation_id": reservation_id,
        "reservation_name": AZ_RI[1] if ri else "",
        "order_name": AZ_RI_ORDER_NAME if reservation_id else "",
        "charge_type": it.charge_type,
        "frequency": "Recurring" if it.charge_type == "Purchase" else "UsageBased",
        "payg": num(it.unit_price),
        "pricing_model": it.pricing_model,
        "term": "12" if ri else "",
    }
