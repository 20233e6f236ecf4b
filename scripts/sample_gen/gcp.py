"""The GCP bill of the demo organisation as rows of the Cloud Billing export to BigQuery.

April-June are written as the standard export (`gcp_billing_export_v1_...`) queried to CSV: nested fields
flattened with dots, repeated fields as JSON. July-October are the detailed export
(`gcp_billing_export_resource_v1_...`) as JSON lines, which adds resource names and prices. Both come from
the same nested record, as BigQuery holds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from .common import D, Ids, csv_text, money, month_days, num
from .world import GCP_BILLING_ACCOUNT, GCP_PROJECTS, Resource

GCP_SERVICE = {
    "gce": ("6F81-5844-456A", "Compute Engine"),
    "vertex_pred": ("C7E2-9256-1C43", "Vertex AI"),
    "vertex_train": ("C7E2-9256-1C43", "Vertex AI"),
    "tpu": ("E000-3F24-B8AA", "Cloud TPU"),
    "gcs": ("95FF-2EF5-5EA1", "Cloud Storage"),
    "bq": ("24E6-581D-38E5", "BigQuery"),
}
GCP_LOCATION = {
    "europe-west4": ("Netherlands", "NL", "europe-west4-b"),
    "us-central1": ("Americas", "US", "us-central1-a"),
    "us-east5": ("Americas", "US", "us-east5-a"),
    "US": ("Americas", "US", ""),
}
GCP_MACHINE = {  # machine type -> (family, vCPU, memory GiB, GPU SKU words, GPUs, core, ram, gpu hourly rate)
    "a3-highgpu-8g": ("A3", 208, 1872, "Nvidia H100 80GB GPU", 8, D("0.0340"), D("0.0046"), D("9.00")),
    "a4-highgpu-8g": ("A4", 224, 3968, "Nvidia B200 GPU", 8, D("0.0345"), D("0.0046"), D("11.25")),
    "n2-standard-16": ("N2", 16, 64, "", 0, D("0.031611"), D("0.004237"), D(0)),
    "g2-standard-8": ("G2", 8, 32, "Nvidia L4 GPU", 1, D("0.0285"), D("0.0033"), D("0.644")),
    "a2-highgpu-1g": ("A2", 12, 85, "Nvidia Tesla A100 GPU", 1, D("0.0358"), D("0.0048"), D("3.37")),
}
SKU_PREFIX = {
    "gce": "",
    "vertex_pred": "Vertex AI: Online/Batch Prediction ",
    "vertex_train": "Vertex AI: Custom Training ",
}
GIB = 1 << 30


@dataclass
class GcpItem:
    day: date
    res: Resource
    sku: str
    amount: Decimal  # usage.amount in usage.unit
    unit: str
    pricing_amount: Decimal  # usage.amount_in_pricing_units
    pricing_unit: str
    cost: Decimal
    list_cost: Decimal
    credits: list[dict[str, object]] = field(default_factory=list)
    system_labels: list[dict[str, str]] = field(default_factory=list)


def _credit(name: str, kind: str, amount: Decimal) -> list[dict[str, object]]:
    return [{"name": name, "amount": float(amount), "full_name": name, "id": "", "type": kind}]


def _machine_items(day: date, r: Resource, qty: Decimal, where: str) -> list[GcpItem]:
    """A VM or Vertex AI node bills its cores, its memory and its GPUs as separate SKUs."""
    fam, vcpu, mem, gpu_words, gpus, core_rate, ram_rate, gpu_rate = GCP_MACHINE[r.sku]
    prefix = SKU_PREFIX[r.kind]
    sys_labels = [
        {"key": "compute.googleapis.com/machine_spec", "value": r.sku},
        {"key": "compute.googleapis.com/cores", "value": str(vcpu)},
        {"key": "compute.googleapis.com/memory", "value": str(mem * 1024)},
    ]
    parts = [
        (f"{prefix}{fam} Instance Core running in {where}", qty * vcpu, core_rate, "hour"),
        (f"{prefix}{fam} Instance Ram running in {where}", qty * mem, ram_rate, "gibibyte hour"),
    ]
    if gpus:
        parts.append((f"{prefix}{gpu_words} running in {where}", qty * gpus, gpu_rate, "hour"))
    items = []
    for sku, pricing_amount, rate, punit in parts:
        cost = money(pricing_amount * rate)
        if punit == "hour":
            amount, unit = pricing_amount * 3600, "seconds"
        else:
            amount, unit = pricing_amount * GIB * 3600, "byte-seconds"
        credits = []
        if fam == "N2" and day.day > 7:
            credits = _credit("Sustained Usage Discount", "SUSTAINED_USAGE_DISCOUNT", -money(cost * D("0.2")))
        items.append(
            GcpItem(day, r, sku, amount, unit, pricing_amount, punit, cost, cost, credits, sys_labels)
        )
    return items


def gcp_items(world: list[Resource], year: int, month: int) -> list[GcpItem]:
    items: list[GcpItem] = []
    for day in month_days(year, month):
        for r in world:
            if r.provider != "gcp":
                continue
            qty = r.schedule(day)
            if qty <= 0:
                continue
            where = GCP_LOCATION[r.region][0]
            if r.kind in SKU_PREFIX:
                items += _machine_items(day, r, qty, where)
            elif r.kind == "tpu":
                cost = money(qty * r.rate)
                items.append(
                    GcpItem(
                        day,
                        r,
                        f"TPU v5p chip running in {where}",
                        qty * 3600,
                        "seconds",
                        qty,
                        "hour",
                        cost,
                        cost,
                    )
                )
            elif r.kind == "gcs":
                gib_month = (qty * 24 / D(730)).quantize(D("0.000001"))
                cost = money(gib_month * D("0.020"))
                items.append(
                    GcpItem(
                        day,
                        r,
                        r.sku,
                        qty * GIB * 86400,
                        "byte-seconds",
                        gib_month,
                        "gibibyte month",
                        cost,
                        cost,
                    )
                )
            elif r.kind == "bq":
                cost = money(qty * r.rate)
                credits = _credit("Free tier", "FREE_TIER", -min(cost, D("6.25"))) if day.day == 1 else []
                items.append(
                    GcpItem(
                        day,
                        r,
                        "Analysis (US)",
                        qty * (1 << 40),
                        "bytes",
                        qty,
                        "tebibyte",
                        cost,
                        cost,
                        credits,
                    )
                )
    return items


def _bq_ts(d: date | datetime) -> str:
    return (d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)).strftime(
        "%Y-%m-%d %H:%M:%S UTC"
    )


def gcp_record(it: GcpItem, ids: Ids, detailed: bool) -> dict[str, object]:
    """One row of the BigQuery billing export table, nested as BigQuery holds it."""
    r = it.res
    proj_id, proj_number = GCP_PROJECTS[r.account]
    _, country, zone = GCP_LOCATION[r.region]
    svc_id, svc = GCP_SERVICE[r.kind]
    sku_id = ids.once("gcp_sku", (it.sku,), lambda: ids.chars("0123456789ABCDEF", 12))
    rec: dict[str, object] = {
        "billing_account_id": GCP_BILLING_ACCOUNT,
        "service": {"id": svc_id, "description": svc},
        "sku": {"id": f"{sku_id[:4]}-{sku_id[4:8]}-{sku_id[8:]}", "description": it.sku},
        "usage_start_time": _bq_ts(it.day),
        "usage_end_time": _bq_ts(it.day + timedelta(days=1)),
        "project": {
            "id": proj_id,
            "number": proj_number,
            "name": proj_id,
            "labels": [],
            "ancestry_numbers": f"/731058462917/{proj_number}/",
        },
        "labels": [{"key": k, "value": v} for k, v in r.tags.items()],
        "system_labels": it.system_labels,
        "location": {
            "location": r.region,
            "country": country,
            "region": r.region if r.region != "US" else None,
            "zone": zone or None,
        },
    }
    if detailed:
        service_host = "compute" if r.kind == "gce" else "aiplatform"
        rec["resource"] = {
            "name": r.rid.rsplit("/", 1)[-1] if r.rid else None,
            "global_name": f"//{service_host}.googleapis.com/{r.rid}" if r.rid else None,
        }
    rec.update(
        {
            "export_time": _bq_ts(
                datetime(it.day.year, it.day.month, it.day.day) + timedelta(days=1, hours=6, minutes=12)
            ),
            "cost": float(it.cost),
            "currency": "USD",
            "currency_conversion_rate": 1.0,
            "usage": {
                "amount": float(it.amount),
                "unit": it.unit,
                "amount_in_pricing_units": float(it.pricing_amount),
                "pricing_unit": it.pricing_unit,
            },
            "credits": it.credits,
            "invoice": {"month": f"{it.day.year}{it.day.month:02d}"},
            "cost_type": "regular",
            "adjustment_info": {"id": None, "description": None, "mode": None, "type": None},
            "tags": [],
            "transaction_type": "GOOGLE",
            "seller_name": "Google",
            "cost_at_list": float(it.list_cost),
        }
    )
    if detailed:
        rate = (it.cost / it.pricing_amount) if it.pricing_amount else D(0)
        rec["price"] = {
            "effective_price": float(rate.quantize(D("0.000001"))),
            "tier_start_amount": 0.0,
            "unit": it.pricing_unit,
            "pricing_unit_quantity": 1.0,
        }
    return rec


def _flatten(obj: dict[str, object], prefix: str = "") -> dict[str, str]:
    """BigQuery result flattened with dots for CSV; repeated fields become JSON arrays."""
    out: dict[str, str] = {}
    for k, v in obj.items():
        key = prefix + k
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        elif isinstance(v, list):
            out[key] = json.dumps(v, separators=(",", ":"))
        elif v is None:
            out[key] = ""
        elif isinstance(v, float):
            out[key] = num(D(repr(v)))
        else:
            out[key] = str(v)
    return out


def gcp_standard_csv(items: list[GcpItem], ids: Ids) -> str:
    rows = [_flatten(gcp_record(it, ids, detailed=False)) for it in items]
    return csv_text(list(rows[0].keys()), rows)


def gcp_detailed_jsonl(items: list[GcpItem], ids: Ids) -> str:
    return "".join(
        json.dumps(gcp_record(it, ids, detailed=True), separators=(",", ":")) + "\n" for it in items
    )
