"""The demo organisation's frame: its calendar, accounts, subscriptions and projects, and what a billed
resource is (identity, price, daily usage schedule).

Every export module reads the same list of resources (built in organisation.py), so a GPU fleet that grows
in August grows in the AWS, Azure or GCP bill alike, and the story in sample_data/README.md holds in all of
them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .common import D

SEED = 20260401
FIRST_DAY = date(2026, 4, 1)
LAST_DAY = date(2026, 10, 31)
MONTHS = [(2026, m) for m in range(4, 11)]
FULL_DAY_H = D(24)

AWS_PAYER = ("210987654321", "juniper-labs-management")
AWS_ACCOUNTS = {  # team -> (account id, account name)
    "search": ("310000000101", "search-prod"),
    "assistants": ("310000000102", "assistants-prod"),
    "research": ("310000000103", "research-training"),
    "platform": ("310000000104", "platform-shared"),
}
AZURE_ENROLLMENT = ("87654321", "Juniper Labs EA")
AZURE_MCA = (
    "5e1d7c3a-0f4b-4e2a-9c61-2b8d4a7e9f10:1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d_2019-05-31",
    "Juniper Labs",
)
AZURE_SUBS = {
    "assistants-train": "7c1f3e2a-4b5d-4c6e-8f90-1a2b3c4d5e6f",
    "assistants-prod": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    "platform-shared": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
}
GCP_BILLING_ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
GCP_PROJECTS = {  # key -> (project id, project number)
    "vision-train": ("vision-train-prod", "482913570614"),
    "vision-serving": ("vision-serving-prod", "482913570615"),
    "research-tpu": ("research-tpu-sweeps", "482913570616"),
    "platform-data": ("platform-data-lake", "482913570617"),
}

# The atlas-30b smoke run: billed in CUR 2.0, measured by nvidia-smi, named in the telemetry mapping.
SMOKE_INSTANCE = "i-0a7c4e19b35d28f60"
SMOKE_DAY = date(2026, 9, 2)
SMOKE_START = datetime(2026, 9, 2, 9, 0, 0)  # UTC; the instance ran 09:00-12:00

Schedule = Callable[[date], Decimal]


@dataclass
class Resource:
    """One billed thing: its identity, price and a daily usage schedule (usage units per day)."""

    provider: str
    rid: str  # instance id, ARM id or GCP resource name
    account: str  # team key (AWS account), subscription key (Azure) or project key (GCP)
    region: str
    kind: str  # ec2 | sm_train | sm_host | sm_notebook | ebs | s3 | xfer | vm | aml | disk | blob | gce | vertex_train | vertex_pred | tpu | gcs | bq
    sku: str  # instance type, VM size, machine type or storage class
    rate: Decimal  # list price per usage unit (USD)
    schedule: Schedule
    tags: dict[str, str] = field(default_factory=dict)  # as the owner typed them on the resource
    name: str = ""


def every_day(amount: Decimal, start: date = FIRST_DAY, end: date = LAST_DAY) -> Schedule:
    """The same usage (hours, GB-months, ...) every day from start to end, both included; none outside."""
    return lambda d: amount if start <= d <= end else D(0)


def fleet_member(k: int, size_by_month: dict[int, int], start: date) -> Schedule:
    """Instance k of a fleet runs all day in months where the fleet has more than k instances."""
    return lambda d: FULL_DAY_H if d >= start and size_by_month.get(d.month, 0) > k else D(0)


def span_hours(start: date, total_h: int) -> Schedule:
    """A job of total_h hours starting at midnight on start, spread over consecutive days."""

    def f(d: date) -> Decimal:
        offset = (d - start).days
        left = total_h - 24 * offset
        return D(min(24, left)) if offset >= 0 and left > 0 else D(0)

    return f


def arm(sub_key: str, group: str, rtype: str, name: str) -> str:
    """An Azure resource id; a bare rtype is a Microsoft.Compute type."""
    provider = rtype if "/" in rtype else f"Microsoft.Compute/{rtype}"
    return f"/subscriptions/{AZURE_SUBS[sub_key]}/resourceGroups/{group}/providers/{provider}/{name}"
