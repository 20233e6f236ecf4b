"""Generates the demo organisation's exports under sample_data/generated/, byte for byte the same every run.

Real public billing exports hold no GPU or ML rows, so the demo organisation ("Juniper Labs", invented) is
generated: four teams, four models with training runs, fine-tunes and months of serving (April to
October 2026) on AWS, Azure, GCP and an on-prem GPU server, written in each provider's own export schema
(AWS legacy CUR and CUR 2.0, Azure EA and MCA cost details, Microsoft's FOCUS 1.0 export, the GCP BigQuery
standard and detailed exports), plus GPU telemetry, request counts and reference inputs.

Everything comes from one seeded random generator and fixed dates; gzip members carry no timestamp or
file name. Run `python scripts/generate_sample_data.py [--out DIR]` (default sample_data/generated);
tests regenerate into a temporary folder and compare bytes.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import random
import re
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

SEED = 20260401
FIRST_DAY = date(2026, 4, 1)
LAST_DAY = date(2026, 10, 31)
MONTHS = [(2026, m) for m in range(4, 11)]
REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "sample_data" / "generated"

D = Decimal
CENT10 = D("0.0000000001")

# --------------------------------------------------------------------------------------------------
# The organisation
# --------------------------------------------------------------------------------------------------

AWS_PAYER = ("210987654321", "juniper-labs-management")
AWS_ACCOUNTS = {
    "search": ("310000000101", "search-prod"),
    "assistants": ("310000000102", "assistants-prod"),
    "research": ("310000000103", "research-training"),
    "platform": ("310000000104", "platform-shared"),
}
AZURE_ENROLLMENT = ("87654321", "Juniper Labs EA")
AZURE_MCA = ("5e1d7c3a-0f4b-4e2a-9c61-2b8d4a7e9f10:1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d_2019-05-31", "Juniper Labs")
AZURE_SUBS = {
    "assistants-train": "7c1f3e2a-4b5d-4c6e-8f90-1a2b3c4d5e6f",
    "assistants-prod": "9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
    "platform-shared": "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a",
}
GCP_BILLING_ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
GCP_PROJECTS = {
    "vision-train": ("vision-train-prod", "482913570614"),
    "vision-serving": ("vision-serving-prod", "482913570615"),
    "research-tpu": ("research-tpu-sweeps", "482913570616"),
    "platform-data": ("platform-data-lake", "482913570617"),
}


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
    schedule: Callable[[date], Decimal]
    tags: dict[str, str] = field(default_factory=dict)  # as the owner typed them on the resource
    name: str = ""


FULL_DAY_H = D(24)


def hours_between(start: date, end: date, per_day: Decimal = FULL_DAY_H) -> Callable[[date], Decimal]:
    return lambda d: per_day if start <= d <= end else D(0)


def first_hours(day: date, n: Decimal) -> Callable[[date], Decimal]:
    return lambda d: n if d == day else D(0)


def days(start: date, end: date) -> Iterable[date]:
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def month_days(year: int, month: int) -> list[date]:
    start = date(year, month, 1)
    end = (date(year + (month == 12), month % 12 + 1, 1)) - timedelta(days=1)
    return list(days(start, end))


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT10, rounding=ROUND_HALF_EVEN)


def num(x: Decimal | int | float) -> str:
    """A number as the exports write it: plain decimal, no exponent, trailing zeros trimmed ('24.0')."""
    text = format(D(str(x)).normalize(), "f")
    return text if "." in text else text + ".0"


class Ids:
    """Deterministic identifiers in each provider's shape."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def hex(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def ec2(self) -> str:
        return "i-0" + self.hex(16)

    def guid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def cur_line_id(self) -> str:
        return "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz234567") for _ in range(52))


def build_world(rng: random.Random) -> list[Resource]:
    """Every resource of the demo organisation, with its schedule. The story is told in README.md."""
    ids = Ids(rng)
    res: list[Resource] = []
    add = res.append

    # ---- search: ranker-v3 (trained on p4d in April, served on a g5 fleet, an inf2 canary from September)
    t_search = {"Team": "search", "ml-model": "ranker-v3"}
    for _ in range(4):
        add(Resource("aws", ids.ec2(), "search", "us-east-1", "ec2", "p4d.24xlarge", D("32.7726"),
                     hours_between(date(2026, 4, 6), date(2026, 4, 13)), {**t_search, "workload": "training"}))
    for month in range(5, 11):  # monthly retrain as a SageMaker training job, 16 h on the first Saturday
        first = date(2026, month, 1)
        sat = first + timedelta(days=(5 - first.weekday()) % 7)
        add(Resource("aws", f"arn:aws:sagemaker:us-east-1:{AWS_ACCOUNTS['search'][0]}:training-job/ranker-v3-retrain-2026-{month:02d}",
                     "search", "us-east-1", "sm_train", "ml.p4d.24xlarge", D("37.688"), first_hours(sat, D(16)),
                     {"team": "search", "model": "ranker-v3"}))
    fleet_g5 = {4: 8, 5: 10, 6: 12, 7: 12, 8: 14, 9: 13, 10: 13}  # g5.2xlarge instances serving per month
    fleet_inf2 = {9: 2, 10: 2}  # inf2.xlarge canary instances
    for k in range(14):
        add(Resource("aws", ids.ec2(), "search", "us-east-1", "ec2", "g5.2xlarge", D("1.212"),
                     _fleet_member(k, fleet_g5, date(2026, 4, 20)), {**t_search, "workload": "inference"}))
    for k in range(2):
        add(Resource("aws", ids.ec2(), "search", "us-east-1", "ec2", "inf2.xlarge", D("0.7582"),
                     _fleet_member(k, fleet_inf2, date(2026, 9, 8)), {"Team": "search", "ml-model": "ranker-v3", "workload": "inference"}))

    # ---- assistants: assistant-7b (trained on Azure ND H100 v5 in April, served on Azure NC A100 v4 and a
    # SageMaker endpoint; fine-tuned on-prem in June and August and on Azure ML in July)
    for k in range(4):
        add(Resource("azure", _arm("assistants-train", "rg-assistant-train", "virtualMachines", f"nd-h100-train-{k:02d}"),
                     "assistants-train", "swedencentral", "vm", "Standard_ND96isr_H100_v5", D("98.32"),
                     hours_between(date(2026, 4, 1), date(2026, 4, 12)),
                     {"team": "assistants", "model": "assistant-7b", "workload": "training"}, name=f"nd-h100-train-{k:02d}"))
    add(Resource("azure", _arm("assistants-train", "rg-assistant-train", "Microsoft.MachineLearningServices/workspaces", "aml-assistants/computes/ft-h100"),
                 "assistants-train", "swedencentral", "aml", "Standard_ND96isr_H100_v5", D("98.32"),
                 _span_hours(date(2026, 7, 14), 36), {"Team": "assistants", "ml-model": "assistant-7b", "workload": "fine-tuning"}, name="ft-h100"))
    fleet_nc = {4: 3, 5: 3, 6: 4, 7: 4, 8: 5, 9: 5, 10: 6}
    for k in range(6):
        add(Resource("azure", _arm("assistants-prod", "rg-assistant-serving", "virtualMachines", f"nc-a100-serve-{k:02d}"),
                     "assistants-prod", "eastus", "vm", "Standard_NC96ads_A100_v4", D("14.692"),
                     _fleet_member(k, fleet_nc, date(2026, 4, 15)),
                     {"team": "assistants", "ml-model": "assistant-7b", "workload": "inference"}, name=f"nc-a100-serve-{k:02d}"))
    add(Resource("aws", f"arn:aws:sagemaker:us-east-1:{AWS_ACCOUNTS['assistants'][0]}:endpoint/assistant-7b-eu-fallback",
                 "assistants", "us-east-1", "sm_host", "ml.g5.2xlarge", D("1.515"),
                 lambda d: D(48) if d >= date(2026, 5, 4) else D(0), {"team": "assistants", "model": "assistant-7b"}))
    add(Resource("azure", _arm("assistants-prod", "rg-assistant-serving", "virtualMachines", "nd-mi300x-eval-00"),
                 "assistants-prod", "eastus", "vm", "Standard_ND96isr_MI300X_v5", D("48.00"),
                 hours_between(date(2026, 9, 21), date(2026, 9, 25), D(10)),
                 {"team": "assistants", "model": "assistant-7b", "workload": "inference"}, name="nd-mi300x-eval-00"))

    # ---- vision: visionnet-l (trained on GCP A3 in April, served on Vertex AI G2/L4, fine-tuned in August)
    for k in range(4):
        add(Resource("gcp", f"projects/vision-train-prod/zones/europe-west4-b/instances/a3-train-{k}", "vision-train",
                     "europe-west4", "gce", "a3-highgpu-8g", D(0), hours_between(date(2026, 4, 3), date(2026, 4, 8)),
                     {"team": "vision", "ml-model": "visionnet-l", "workload": "training"}))
    nodes_g2 = {4: 10, 5: 10, 6: 12, 7: 12, 8: 14, 9: 14, 10: 16}
    add(Resource("gcp", "projects/vision-serving-prod/locations/us-central1/endpoints/7261948305", "vision-serving",
                 "us-central1", "vertex_pred", "g2-standard-8", D(0),
                 lambda d: D(24 * nodes_g2[d.month]) if d >= date(2026, 4, 15) else D(0),
                 {"team": "vision", "model": "visionnet-l"}))
    add(Resource("gcp", "projects/vision-serving-prod/locations/us-central1/customJobs/4410375526", "vision-serving",
                 "us-central1", "vertex_train", "a2-highgpu-1g", D(0), _span_hours(date(2026, 8, 10), 4 * 48),
                 {"team": "vision", "model": "visionnet-l", "workload": "fine-tuning"}))

    # ---- research: atlas-30b (new model, not launched: training on p5 and TPU v5p, a little evaluation)
    t_research = {"team": "research", "model": "atlas-30b", "workload": "training"}
    smoke = Resource("aws", SMOKE_INSTANCE, "research", "us-east-1", "ec2", "p5.48xlarge", D("55.04"),
                     first_hours(SMOKE_DAY, D(3)), {**t_research, "job": "atlas-30b-smoke"})
    add(smoke)
    for _ in range(2):
        add(Resource("aws", ids.ec2(), "research", "us-east-1", "ec2", "p5.48xlarge", D("55.04"),
                     hours_between(date(2026, 9, 7), date(2026, 10, 20)), dict(t_research)))
    add(Resource("gcp", "projects/research-tpu-sweeps/zones/us-east5-a/nodes/atlas-sweep-v5p-32", "research-tpu",
                 "us-east5", "tpu", "v5p", D("4.20"), lambda d: D(16 * 24) if date(2026, 10, 5) <= d <= date(2026, 10, 16) else D(0),
                 {"team": "research", "ml-model": "atlas-30b", "workload": "training"}))
    add(Resource("aws", f"arn:aws:sagemaker:us-east-1:{AWS_ACCOUNTS['research'][0]}:endpoint/atlas-30b-eval",
                 "research", "us-east-1", "sm_host", "ml.g5.12xlarge", D("7.09"),
                 lambda d: D(6) if date(2026, 10, 1) <= d <= date(2026, 10, 31) and d.weekday() < 5 else D(0),
                 {"team": "research", "model": "atlas-30b"}))
    add(Resource("gcp", "projects/research-tpu-sweeps/zones/us-central1-a/instances/b200-probe-0", "research-tpu",
                 "us-central1", "gce", "a4-highgpu-8g", D(0), lambda d: D(6) if d in (date(2026, 10, 27), date(2026, 10, 28)) else D(0),
                 {"team": "research", "workload": "training"}))
    add(Resource("aws", ids.ec2(), "research", "us-west-2", "ec2", "p6-b200.48xlarge", D("113.93"),
                 hours_between(date(2026, 10, 19), date(2026, 10, 23), D(8)), {"team": "research", "workload": "training"}))

    # ---- platform: shared CPU, notebooks, storage and network; part of it untagged (unattributed spend)
    for _ in range(3):
        add(Resource("aws", ids.ec2(), "platform", "us-east-1", "ec2", "m6i.2xlarge", D("0.384"),
                     hours_between(FIRST_DAY, LAST_DAY), {"Team": "platform", "workload": "data-processing"}))
    for _ in range(2):  # GPU dev boxes nobody tagged
        add(Resource("aws", ids.ec2(), "platform", "us-east-1", "ec2", "g5.xlarge", D("1.006"),
                     lambda d: D(10) if d.weekday() < 5 else D(0), {}))
    add(Resource("aws", ids.ec2(), "platform", "eu-west-1", "ec2", "c6i.4xlarge", D("0.76"), hours_between(FIRST_DAY, LAST_DAY), {}))
    add(Resource("aws", f"arn:aws:sagemaker:us-east-1:{AWS_ACCOUNTS['platform'][0]}:notebook-instance/shared-research",
                 "platform", "us-east-1", "sm_notebook", "ml.t3.xlarge", D("0.2"), lambda d: D(9) if d.weekday() < 5 else D(0),
                 {"Team": "platform"}))
    add(Resource("aws", "juniper-training-data", "platform", "us-east-1", "s3", "StandardStorage", D("0.023"),
                 lambda d: (D(180000) + D(900) * (d - FIRST_DAY).days) / D(30), {}))
    add(Resource("aws", "vol-0checkpoints00000001", "research", "us-east-1", "ebs", "gp3", D("0.08"),
                 lambda d: D(16000) / D(30) if d >= date(2026, 9, 7) else D(0), {"team": "research", "model": "atlas-30b"}))
    add(Resource("aws", "", "platform", "us-east-1", "xfer", "DataTransfer-Out-Bytes", D("0.09"),
                 lambda d: D(300) + D(4) * (d - FIRST_DAY).days, {}))
    add(Resource("azure", _arm("platform-shared", "rg-shared-data", "Microsoft.Storage/storageAccounts", "junipershareddata"),
                 "platform-shared", "westeurope", "blob", "Hot LRS Data Stored", D("0.0208"), lambda d: D(52000) / D(30), {},
                 name="junipershareddata"))
    add(Resource("azure", _arm("platform-shared", "rg-shared-compute", "virtualMachines", "ci-runner-01"),
                 "platform-shared", "westeurope", "vm", "Standard_D8s_v5", D("0.384"), hours_between(FIRST_DAY, LAST_DAY),
                 {"Team": "platform"}, name="ci-runner-01"))
    add(Resource("gcp", "", "platform-data", "US", "bq", "Analysis", D("6.25"), lambda d: D("1.8") if d.weekday() < 5 else D("0.2"), {}))
    add(Resource("gcp", "projects/platform-data-lake/buckets/juniper-lake", "platform-data", "europe-west4", "gcs",
                 "Standard Storage Netherlands", D("0.023"), lambda d: D(90000), {"team": "platform"}))
    add(Resource("gcp", "projects/platform-data-lake/zones/us-central1-a/instances/etl-worker-0", "platform-data",
                 "us-central1", "gce", "n2-standard-16", D(0), hours_between(FIRST_DAY, LAST_DAY), {"team": "platform", "workload": "data-processing"}))
    return res


def _arm(sub_key: str, group: str, rtype: str, name: str) -> str:
    provider = rtype if "/" in rtype else f"Microsoft.Compute/{rtype}"
    return f"/subscriptions/{AZURE_SUBS[sub_key]}/resourceGroups/{group}/providers/{provider}/{name}"


def _fleet_member(k: int, size_by_month: dict[int, int], start: date) -> Callable[[date], Decimal]:
    """Instance k of a fleet runs all day in months where the fleet has more than k instances."""
    return lambda d: D(24) if d >= start and size_by_month.get(d.month, 0) > k else D(0)


def _span_hours(start: date, total_h: int) -> Callable[[date], Decimal]:
    """A job of total_h hours starting at midnight on start, spread over consecutive days."""
    def f(d: date) -> Decimal:
        offset = (d - start).days
        left = total_h - 24 * offset
        return D(min(24, left)) if offset >= 0 and left > 0 else D(0)
    return f


SMOKE_INSTANCE = "i-0a7c4e19b35d28f60"
SMOKE_DAY = date(2026, 9, 2)
SMOKE_START = datetime(2026, 9, 2, 9, 0, 0)  # UTC; the instance ran 09:00-12:00


# --------------------------------------------------------------------------------------------------
# Writing files: CSV as providers write it, gzip without a timestamp, JSON lines
# --------------------------------------------------------------------------------------------------


def csv_text(header: list[str], rows: Iterable[dict[str, str]] | Iterable[list[str]], *, crlf: bool = False,
             bom: bool = False, quote_all: bool = False) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    return ("\ufeff" if bom else "") + buf.getvalue()


def write(out: Path, rel: str, text: str) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if rel.endswith(".gz"):
        with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
            gz.write(data)
    else:
        path.write_bytes(data)


# --------------------------------------------------------------------------------------------------
# AWS: legacy CUR (April) and CUR 2.0 (May to October)
# --------------------------------------------------------------------------------------------------

AWS_REGION = {
    "us-east-1": ("", "USE1-", "US East (N. Virginia)"),
    "us-west-2": ("USW2-", "USW2-", "US West (Oregon)"),
    "eu-west-1": ("EU-", "EU-", "EU (Ireland)"),
}
AWS_FAMILY = {"p4d": "GPU instance", "p5": "GPU instance", "p6-b200": "GPU instance", "g5": "GPU instance",
              "inf2": "Machine Learning ASIC Instances", "m6i": "General purpose", "c6i": "Compute optimized"}
AWS_HW = {  # vcpu, memory, gpu, gpu memory, processor (as the product attributes spell them)
    "p4d.24xlarge": ("96", "1152 GiB", "8", "320 GB", "Intel Xeon Platinum 8275L"),
    "p5.48xlarge": ("192", "2048 GiB", "8", "640 GB", "AMD EPYC 7R13 Processor"),
    "p6-b200.48xlarge": ("192", "2048 GiB", "8", "1440 GB", "Intel Xeon Platinum 8559C"),
    "g5.2xlarge": ("8", "32 GiB", "1", "24 GB", "AMD EPYC 7R32"),
    "g5.xlarge": ("4", "16 GiB", "1", "24 GB", "AMD EPYC 7R32"),
    "inf2.xlarge": ("4", "16 GiB", "", "", "AMD EPYC 7R13 Processor"),
    "m6i.2xlarge": ("8", "32 GiB", "", "", "Intel Xeon 8375C (Ice Lake)"),
    "c6i.4xlarge": ("16", "32 GiB", "", "", "Intel Xeon 8375C (Ice Lake)"),
}
SP_ARN = f"arn:aws:savingsplans::{AWS_PAYER[0]}:savingsplan/5c2a9b41-7e3d-4f08-9a61-d2b7c48e0f15"
SP_RATE = D("0.7878")  # EC2 Instance Savings Plan rate for g5.2xlarge, us-east-1, 1 year, no upfront
SP_COVERED = 4  # the first four ranker g5.2xlarge instances, from June
SP_START = date(2026, 6, 1)


@dataclass
class AwsItem:
    """One CUR line item before it is spelled in either CUR dialect."""

    day: date
    res: Resource | None
    line_type: str
    product_code: str
    usage_type: str
    operation: str
    amount: Decimal
    unit: str
    cost: Decimal
    rate: Decimal
    description: str
    family: str
    service: str
    sp_effective: Decimal | None = None
    end: date | None = None


def aws_items(world: list[Resource], year: int, month: int) -> list[AwsItem]:
    items: list[AwsItem] = []
    for day in month_days(year, month):
        covered_today = 0
        for r in world:
            if r.provider != "aws":
                continue
            qty = r.schedule(day)
            if qty <= 0:
                continue
            ec2_pref, pref, _ = AWS_REGION[r.region]
            cost = money(qty * r.rate)
            if r.kind == "ec2":
                ut = f"{ec2_pref}BoxUsage:{r.sku}"
                desc = f"${num(r.rate)} per On Demand Linux {r.sku} Instance Hour"
                is_sp = r.sku == "g5.2xlarge" and day >= SP_START and covered_today < SP_COVERED and r.account == "search"
                if is_sp:
                    covered_today += 1
                    sp_cost = money(qty * SP_RATE)
                    desc_sp = f"{num(SP_RATE)} per hour for {r.sku} Linux, EC2 Instance Savings Plan"
                    items.append(AwsItem(day, r, "SavingsPlanCoveredUsage", "AmazonEC2", ut, "RunInstances", qty, "Hrs",
                                         cost, r.rate, desc_sp, "Compute Instance", "Amazon Elastic Compute Cloud", sp_cost))
                    items.append(AwsItem(day, r, "SavingsPlanNegation", "AmazonEC2", ut, "RunInstances", qty, "Hrs",
                                         -cost, r.rate, f"SavingsPlanNegation used by AccountId : {AWS_ACCOUNTS['search'][0]} and UsageSku : 7Q3H5TZ8CQ6XGAFC",
                                         "Compute Instance", "Amazon Elastic Compute Cloud"))
                    continue
                items.append(AwsItem(day, r, "Usage", "AmazonEC2", ut, "RunInstances", qty, "Hrs", cost, r.rate, desc,
                                     "Compute Instance", "Amazon Elastic Compute Cloud"))
            elif r.kind in ("sm_train", "sm_host", "sm_notebook"):
                verb = {"sm_train": "Train", "sm_host": "Host", "sm_notebook": "Notebk"}[r.kind]
                op = {"sm_train": "RunInstance", "sm_host": "RunInstance", "sm_notebook": "RunInstance"}[r.kind]
                what = {"sm_train": "Training", "sm_host": "Hosting", "sm_notebook": "Notebook Instance"}[r.kind]
                items.append(AwsItem(day, r, "Usage", "AmazonSageMaker", f"{pref}{verb}:{r.sku}", op, qty, "Hrs", cost, r.rate,
                                     f"${num(r.rate)} per {what} {r.sku} hour in {AWS_REGION[r.region][2]}",
                                     "ML Instance", "Amazon SageMaker"))
            elif r.kind == "ebs":
                items.append(AwsItem(day, r, "Usage", "AmazonEC2", f"{pref}EBS:VolumeUsage.gp3", "CreateVolume-Gp3", qty, "GB-Mo",
                                     cost, r.rate, f"${num(r.rate)} per GB-month of General Purpose (gp3) provisioned storage - {AWS_REGION[r.region][2]}",
                                     "Storage", "Amazon Elastic Compute Cloud"))
            elif r.kind == "s3":
                items.append(AwsItem(day, r, "Usage", "AmazonS3", f"{pref}TimedStorage-ByteHrs", "StandardStorage", qty, "GB-Mo",
                                     cost, r.rate, f"${num(r.rate)} per GB - first 50 TB / month of storage used",
                                     "Storage", "Amazon Simple Storage Service"))
            elif r.kind == "xfer":
                items.append(AwsItem(day, r, "Usage", "AWSDataTransfer", f"{pref}DataTransfer-Out-Bytes", "", qty, "GB", cost, r.rate,
                                     f"${num(r.rate)} per GB - first 10 TB / month data transfer out beyond the global free tier",
                                     "Data Transfer", "AWS Data Transfer"))
        if day >= SP_START:  # the plan's fee, one row per day at daily granularity
            fee = money(SP_RATE * SP_COVERED * 24)
            items.append(AwsItem(day, None, "SavingsPlanRecurringFee", "ComputeSavingsPlans", "ComputeSP:1yrNoUpfront",
                                 "", D(24), "Hrs", fee, SP_RATE * SP_COVERED, "1 year No Upfront EC2 Instance Savings Plan",
                                 "", "Savings Plans for AWS Compute usage"))
    last = month_days(year, month)[-1]
    s3_total = sum((i.cost for i in items if i.product_code == "AmazonS3"), D(0))
    items.append(AwsItem(date(year, month, 1), None, "Tax", "AmazonS3", "", "", D(1), "", money(s3_total * D("0.053")),
                         D(0), "Tax for product code AmazonS3", "", "Amazon Simple Storage Service", end=last + timedelta(days=1)))
    if month == 7:
        items.append(AwsItem(date(year, month, 1), None, "Credit", "AmazonSageMaker", "", "", D(0), "", D("-500"), D(0),
                             "AWS Credits - SageMaker promotional credit", "", "Amazon SageMaker", end=last + timedelta(days=1)))
    return items


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

AWS_ZONE = {"us-east-1": "us-east-1a", "us-west-2": "us-west-2b", "eu-west-1": "eu-west-1c"}


def _iso(d: date | datetime) -> str:
    return (d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _cur_common(it: AwsItem, ids: Ids) -> dict[str, object]:
    """Fields both dialects share, keyed by the CUR 2.0 name; the legacy writer renames them."""
    r = it.res
    acct = AWS_ACCOUNTS[r.account if r else ("search" if it.line_type == "SavingsPlanRecurringFee" else "platform")]
    start = it.day
    end = it.end or (it.day + timedelta(days=1))
    year, month = it.day.year, it.day.month
    bp_end = date(year + (month == 12), month % 12 + 1, 1)
    region = r.region if r else "us-east-1"
    hw = AWS_HW.get(r.sku, None) if r and r.kind == "ec2" else None
    row: dict[str, object] = {
        "identity_line_item_id": ids.cur_line_id(),
        "identity_time_interval": f"{_iso(start)}/{_iso(end)}",
        "bill_invoice_id": f"EUINUS26-{year}{month:02d}",
        "bill_invoicing_entity": "Amazon Web Services, Inc.",
        "bill_billing_entity": "AWS",
        "bill_bill_type": "Anniversary",
        "bill_payer_account_id": AWS_PAYER[0],
        "bill_payer_account_name": AWS_PAYER[1],
        "bill_billing_period_start_date": _iso(date(year, month, 1)),
        "bill_billing_period_end_date": _iso(bp_end),
        "line_item_usage_account_id": acct[0],
        "line_item_usage_account_name": acct[1],
        "line_item_line_item_type": it.line_type,
        "line_item_usage_start_date": _iso(start),
        "line_item_usage_end_date": _iso(end),
        "line_item_product_code": it.product_code,
        "line_item_usage_type": it.usage_type,
        "line_item_operation": it.operation,
        "line_item_availability_zone": AWS_ZONE[region] if r and r.kind == "ec2" else "",
        "line_item_resource_id": r.rid if r else "",
        "line_item_usage_amount": num(it.amount),
        "line_item_currency_code": "USD",
        "line_item_unblended_rate": num(it.rate) if it.rate else "",
        "line_item_unblended_cost": num(it.cost),
        "line_item_blended_rate": num(it.rate) if it.rate else "",
        "line_item_blended_cost": num(it.cost),
        "line_item_net_unblended_rate": num(it.rate) if it.rate else "",
        "line_item_net_unblended_cost": num(it.cost),
        "line_item_line_item_description": it.description,
        "line_item_tax_type": "Sales Tax" if it.line_type == "Tax" else "",
        "line_item_legal_entity": "Amazon Web Services, Inc.",
        "line_item_normalization_factor": "",
        "line_item_normalized_usage_amount": "",
        "pricing_currency": "USD",
        "pricing_unit": it.unit,
        "pricing_term": "OnDemand" if it.line_type in ("Usage", "SavingsPlanCoveredUsage") else "",
        "pricing_public_on_demand_rate": num(it.rate) if it.line_type in ("Usage", "SavingsPlanCoveredUsage") else "",
        "pricing_public_on_demand_cost": num(money(it.amount * it.rate)) if it.line_type in ("Usage", "SavingsPlanCoveredUsage") else "",
        "product_product_family": it.family,
        "product_servicecode": it.product_code,
        "product_region_code": region if r else "",
        "product_location": AWS_REGION[region][2] if r else "",
        "product_location_type": "AWS Region" if r else "",
        "product_usagetype": it.usage_type,
        "product_operation": it.operation,
        "product_instance_type": r.sku if r and r.kind in ("ec2", "sm_train", "sm_host", "sm_notebook") else "",
        "product_instance_family": AWS_FAMILY.get(r.sku.split(".")[0], "") if r and r.kind == "ec2" else "",
        "product_sku": _sku_code(ids, it) if r else "",
        "product_name": it.service,
        "hw": hw,
    }
    if it.line_type in ("SavingsPlanCoveredUsage", "SavingsPlanNegation", "SavingsPlanRecurringFee"):
        row["savings_plan_savings_plan_a_r_n"] = SP_ARN
        row["savings_plan_savings_plan_rate"] = num(SP_RATE) if it.line_type != "SavingsPlanRecurringFee" else ""
        if it.sp_effective is not None:
            row["savings_plan_savings_plan_effective_cost"] = num(it.sp_effective)
            row["savings_plan_net_savings_plan_effective_cost"] = num(it.sp_effective)
        if it.line_type == "SavingsPlanRecurringFee":
            row["savings_plan_recurring_commitment_for_billing_period"] = num(it.cost)
            row["savings_plan_total_commitment_to_date"] = num(it.cost)
            row["savings_plan_used_commitment"] = num(it.cost)
        row["savings_plan_offering_type"] = "EC2InstanceSavingsPlans"
        row["savings_plan_payment_option"] = "No Upfront"
        row["savings_plan_purchase_term"] = "1yr"
        row["savings_plan_region"] = "US East (N. Virginia)"
        row["savings_plan_instance_type_family"] = "g5"
        row["savings_plan_start_time"] = "2026-06-01T00:00:00.000Z"
        row["savings_plan_end_time"] = "2027-05-31T23:59:59.000Z"
    return row


_SKU_CACHE: dict[tuple[str, str], str] = {}


def _sku_code(ids: Ids, it: AwsItem) -> str:
    key = (it.usage_type, it.operation)
    if key not in _SKU_CACHE:
        _SKU_CACHE[key] = "".join(ids.rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(16))
    return _SKU_CACHE[key]


def _cur2_tag_key(key: str) -> str:
    return "user_" + re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_")


def cur2_rows(items: list[AwsItem], ids: Ids) -> list[dict[str, str]]:
    out = []
    for it in items:
        row = _cur_common(it, ids)
        hw = row.pop("hw")
        product = {"product_name": str(row.pop("product_name"))}
        if it.res is not None:
            product["region"] = str(row["product_region_code"])
            if hw:
                vcpu, mem, gpu, gmem, cpu = hw  # type: ignore[misc]
                product.update({"vcpu": vcpu, "memory": mem, "physical_processor": cpu, "operating_system": "Linux",
                                "tenancy": "Shared", "current_generation": "Yes"})
                if gpu:
                    product.update({"gpu": gpu, "gpu_memory": gmem})
        row["product"] = json.dumps(product, separators=(",", ":"))
        tags = {_cur2_tag_key(k): v for k, v in (it.res.tags.items() if it.res else []) if k != "job"}
        row["resource_tags"] = json.dumps(dict(sorted(tags.items())), separators=(",", ":")) if tags else ""
        row["cost_category"] = json.dumps({"business_unit": "ml-platform"}, separators=(",", ":")) if it.res else ""
        row["discount"] = ""
        out.append({k: str(v) for k, v in row.items()})
    return out


_LEGACY_NAMES = {
    "identity_line_item_id": "identity/LineItemId", "identity_time_interval": "identity/TimeInterval",
    "bill_invoice_id": "bill/InvoiceId", "bill_invoicing_entity": "bill/InvoicingEntity", "bill_billing_entity": "bill/BillingEntity",
    "bill_bill_type": "bill/BillType", "bill_payer_account_id": "bill/PayerAccountId",
    "bill_billing_period_start_date": "bill/BillingPeriodStartDate", "bill_billing_period_end_date": "bill/BillingPeriodEndDate",
    "line_item_usage_account_id": "lineItem/UsageAccountId", "line_item_line_item_type": "lineItem/LineItemType",
    "line_item_usage_start_date": "lineItem/UsageStartDate", "line_item_usage_end_date": "lineItem/UsageEndDate",
    "line_item_product_code": "lineItem/ProductCode", "line_item_usage_type": "lineItem/UsageType",
    "line_item_operation": "lineItem/Operation", "line_item_availability_zone": "lineItem/AvailabilityZone",
    "line_item_resource_id": "lineItem/ResourceId", "line_item_usage_amount": "lineItem/UsageAmount",
    "line_item_currency_code": "lineItem/CurrencyCode", "line_item_unblended_rate": "lineItem/UnblendedRate",
    "line_item_unblended_cost": "lineItem/UnblendedCost", "line_item_blended_rate": "lineItem/BlendedRate",
    "line_item_blended_cost": "lineItem/BlendedCost", "line_item_line_item_description": "lineItem/LineItemDescription",
    "line_item_tax_type": "lineItem/TaxType", "line_item_legal_entity": "lineItem/LegalEntity",
    "product_name": "product/ProductName", "product_instance_family": "product/instanceFamily",
    "product_instance_type": "product/instanceType", "product_location": "product/location",
    "product_location_type": "product/locationType", "product_operation": "product/operation",
    "product_product_family": "product/productFamily", "product_region_code": "product/regionCode",
    "product_servicecode": "product/servicecode", "product_sku": "product/sku", "product_usagetype": "product/usagetype",
    "pricing_currency": "pricing/currency", "pricing_public_on_demand_cost": "pricing/publicOnDemandCost",
    "pricing_public_on_demand_rate": "pricing/publicOnDemandRate", "pricing_term": "pricing/term", "pricing_unit": "pricing/unit",
    "savings_plan_savings_plan_a_r_n": "savingsPlan/SavingsPlanARN", "savings_plan_savings_plan_rate": "savingsPlan/SavingsPlanRate",
    "savings_plan_savings_plan_effective_cost": "savingsPlan/SavingsPlanEffectiveCost",
}


def legacy_rows(items: list[AwsItem], ids: Ids) -> list[dict[str, str]]:
    """Legacy CUR: dates with milliseconds, product attributes and tags as their own slash columns."""
    out = []
    for it in items:
        row = _cur_common(it, ids)
        hw = row.pop("hw")
        legacy = {_LEGACY_NAMES[k]: str(v) for k, v in row.items() if k in _LEGACY_NAMES}
        for k in ("bill/BillingPeriodStartDate", "bill/BillingPeriodEndDate", "lineItem/UsageStartDate", "lineItem/UsageEndDate"):
            legacy[k] = legacy[k].replace("Z", ".000Z")
        if it.res is not None:
            legacy["product/region"] = it.res.region
        if hw:
            vcpu, mem, gpu, gmem, cpu = hw  # type: ignore[misc]
            legacy.update({"product/vcpu": vcpu, "product/memory": mem, "product/gpu": gpu, "product/gpuMemory": gmem,
                           "product/physicalProcessor": cpu, "product/operatingSystem": "Linux"})
        if it.res is not None and it.res.kind == "ebs":
            legacy["product/volumeApiName"] = "gp3"
        if it.res is not None and it.res.kind == "s3":
            legacy["product/storageClass"] = "General Purpose"
        for k, v in (it.res.tags.items() if it.res else []):
            col = f"resourceTags/user:{k}"
            if col in LEGACY_COLUMNS:
                legacy[col] = v
        if it.line_type in ("Usage",):
            legacy["pricing/RateCode"] = f"{legacy.get('product/sku', '')}.JRTCKXETXF.6YS6EN2CT7"
        out.append(legacy)
    return out


# --------------------------------------------------------------------------------------------------
# Azure: EA cost details (April-June), MCA cost details (July-September), FOCUS 1.0 export (October)
# --------------------------------------------------------------------------------------------------

AZ_REGION = {"swedencentral": ("SwedenCentral", "Sweden Central"), "eastus": ("EastUS", "US East"),
             "westeurope": ("WestEurope", "EU West")}
AZ_METER = {  # size -> (meter subcategory, meter name, vCPUs)
    "Standard_ND96isr_H100_v5": ("NDisr H100 v5 Series", "ND96isr H100 v5", 96),
    "Standard_NC96ads_A100_v4": ("NCads A100 v4 Series", "NC96ads A100 v4", 96),
    "Standard_ND96isr_MI300X_v5": ("NDisr MI300X v5 Series", "ND96isr MI300X v5", 96),
    "Standard_D8s_v5": ("Dsv5 Series", "D8s v5", 8),
}
AZ_RI = ("/providers/Microsoft.Capacity/reservationOrders/2f6b9c1e-83d4-4a7f-b5e2-0c9d8a7b6e51/reservations/"
         "6a1d4c8e-2b7f-4e93-a0c5-9f8e7d6c5b4a", "NC96ads_A100_v4_1yr_eastus")
AZ_RI_RATE = D("8.35")  # per hour, 1-year reservation for Standard_NC96ads_A100_v4
AZ_RI_VMS = 2  # the first two serving VMs are covered from June
AZ_RI_START = date(2026, 6, 1)


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
                items.append(AzItem(day, r, "Usage", "Reservation" if ri else "OnDemand", qty, "1 Hour",
                                    D(0) if ri else money(qty * r.rate), r.rate, "Virtual Machines", sub, meter, svc, r.sku))
            elif r.kind == "blob":
                items.append(AzItem(day, r, "Usage", "OnDemand", qty.quantize(D("0.0001")), "1 GB/Month",
                                    money(qty.quantize(D("0.0001")) * r.rate), r.rate, "Storage", "Tiered Block Blob",
                                    r.sku, "Microsoft.Storage"))
    if (year, month) >= (AZ_RI_START.year, AZ_RI_START.month):
        hours = D(24 * len(month_days(year, month)))
        items.append(AzItem(date(year, month, 1), None, "Purchase", "Reservation", D(1), "1 Hour",
                            money(AZ_RI_RATE * AZ_RI_VMS * hours), money(AZ_RI_RATE * AZ_RI_VMS * hours),
                            "Virtual Machines", "NCads A100 v4 Series", "NC96ads A100 v4", "Microsoft.Capacity", "Standard_NC96ads_A100_v4"))
    return items


def _az_tags(res: Resource | None, braces: bool) -> str:
    if not res or not res.tags:
        return ""
    body = ",".join(f'"{k}": "{v}"' for k, v in res.tags.items())
    return "{" + body + "}" if braces else body


def _az_additional(it: AzItem) -> str:
    if it.category != "Virtual Machines" or it.res is None:
        return ""
    vcpus = AZ_METER[it.size][2]
    return json.dumps({"UsageType": "ComputeHR", "ImageType": "Canonical", "ServiceType": it.size,
                       "VMName": it.res.name, "VCPUs": vcpus}, separators=(",", ":"))


_METER_IDS: dict[str, str] = {}


def _meter_id(ids: Ids, key: str) -> str:
    if key not in _METER_IDS:
        _METER_IDS[key] = ids.guid()
    return _METER_IDS[key]


def _az_common(it: AzItem, ids: Ids) -> dict[str, str]:
    r = it.res
    sub_key = r.account if r else "assistants-prod"
    region = r.region if r else "eastus"
    loc, meter_region = AZ_REGION[region]
    group = r.rid.split("/resourceGroups/")[1].split("/")[0] if r else ""
    ri = it.pricing_model == "Reservation"
    product = f"{it.category} {it.subcategory} - {it.meter} - {meter_region}" if it.category == "Virtual Machines" else \
        f"{it.subcategory} - {it.meter} - {meter_region}"
    return {
        "sub_id": AZURE_SUBS[sub_key], "sub_name": sub_key, "date": it.day.strftime("%m/%d/%Y"),
        "product": product, "meter_id": _meter_id(ids, it.meter + region), "family": "Storage" if it.category == "Storage" else "Compute",
        "category": it.category, "subcategory": it.subcategory, "meter_region": meter_region, "meter": it.meter,
        "qty": num(it.qty), "effective_price": num(D(0) if ri and it.charge_type == "Usage" else it.unit_price),
        "cost": num(it.cost), "unit_price": num(it.unit_price), "location": loc, "service": it.service,
        "resource_id": r.rid if r else AZ_RI[0], "resource_name": r.name if r else AZ_RI[1],
        "additional": _az_additional(it), "unit": it.unit, "group": group,
        "reservation_id": AZ_RI[0].rsplit("/", 1)[1] if ri else "", "reservation_name": AZ_RI[1] if ri else "",
        "charge_type": it.charge_type, "frequency": "Recurring" if it.charge_type == "Purchase" else "UsageBased",
        "payg": num(it.unit_price), "pricing_model": it.pricing_model, "term": "12" if ri else "",
    }


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


def ea_rows(items: list[AzItem], ids: Ids, year: int, month: int) -> list[dict[str, str]]:
    last = month_days(year, month)[-1]
    out = []
    for it in items:
        c = _az_common(it, ids)
        out.append({
            "BillingAccountId": AZURE_ENROLLMENT[0], "BillingAccountName": AZURE_ENROLLMENT[1],
            "BillingPeriodStartDate": date(year, month, 1).strftime("%m/%d/%Y"), "BillingPeriodEndDate": last.strftime("%m/%d/%Y"),
            "BillingProfileId": AZURE_ENROLLMENT[0], "BillingProfileName": AZURE_ENROLLMENT[1],
            "AccountOwnerId": "ml-platform@juniperlabs.example", "AccountName": "ML Platform",
            "SubscriptionId": c["sub_id"], "SubscriptionName": c["sub_name"], "Date": c["date"], "Product": c["product"],
            "PartNumber": "AAH-" + c["meter_id"][:5].upper(), "MeterId": c["meter_id"], "ServiceFamily": c["family"],
            "MeterCategory": c["category"], "MeterSubCategory": c["subcategory"], "MeterRegion": c["meter_region"],
            "MeterName": c["meter"], "Quantity": c["qty"], "EffectivePrice": c["effective_price"], "Cost": c["cost"],
            "UnitPrice": c["unit_price"], "BillingCurrency": "USD", "ResourceLocation": c["location"],
            "ConsumedService": c["service"], "ResourceId": c["resource_id"], "ResourceName": c["resource_name"],
            "AdditionalInfo": c["additional"], "Tags": _az_tags(it.res, braces=False), "InvoiceSectionId": "ML-PLATFORM",
            "InvoiceSection": "ML Platform", "CostCenter": "CC-4410", "UnitOfMeasure": c["unit"], "ResourceGroup": c["group"],
            "ReservationId": c["reservation_id"], "ReservationName": c["reservation_name"],
            "ProductOrderId": c["reservation_id"], "ProductOrderName": "Reserved VM Instance, Standard_NC96ads_A100_v4, US East, 1 Year" if c["reservation_id"] else "",
            "OfferId": "MS-AZR-0017P", "IsAzureCreditEligible": "True", "Term": c["term"], "PublisherName": "Microsoft",
            "ChargeType": c["charge_type"], "Frequency": c["frequency"], "PublisherType": "Azure", "PayGPrice": c["payg"],
            "PricingModel": c["pricing_model"],
        })
    return out


def mca_rows(items: list[AzItem], ids: Ids, year: int, month: int) -> list[dict[str, str]]:
    last = month_days(year, month)[-1]
    out = []
    for it in items:
        c = _az_common(it, ids)
        out.append({
            "invoiceId": f"G0{year % 100}{month:02d}4410", "billingAccountId": AZURE_MCA[0], "billingAccountName": AZURE_MCA[1],
            "billingProfileId": "JL7Q-4X2M-BG7-PGB", "billingProfileName": "Juniper Labs", "invoiceSectionId": "N4TY-D2QK-PJA-PGB",
            "invoiceSectionName": "ML Platform", "costCenter": "CC-4410",
            "billingPeriodEndDate": last.strftime("%m/%d/%Y"), "billingPeriodStartDate": date(year, month, 1).strftime("%m/%d/%Y"),
            "servicePeriodEndDate": last.strftime("%m/%d/%Y"), "servicePeriodStartDate": date(year, month, 1).strftime("%m/%d/%Y"),
            "date": c["date"], "serviceFamily": c["family"],
            "productOrderId": c["reservation_id"] or "5f1e7a2b-0c3d-4e8f-9a6b-1c2d3e4f5a6b",
            "productOrderName": "Reserved VM Instance, Standard_NC96ads_A100_v4, US East, 1 Year" if c["reservation_id"] else "Azure plan",
            "consumedService": c["service"], "meterId": c["meter_id"], "meterName": c["meter"], "meterCategory": c["category"],
            "meterSubCategory": c["subcategory"], "meterRegion": c["meter_region"], "ProductId": "DZH318Z0" + c["meter_id"][:4].upper(),
            "ProductName": c["product"], "SubscriptionId": c["sub_id"], "subscriptionName": c["sub_name"], "publisherType": "Microsoft",
            "publisherName": "Microsoft", "resourceGroupName": c["group"], "ResourceId": c["resource_id"],
            "resourceLocation": c["location"].lower(), "location": c["meter_region"], "effectivePrice": c["effective_price"],
            "quantity": c["qty"], "unitOfMeasure": c["unit"], "chargeType": c["charge_type"], "billingCurrency": "USD",
            "pricingCurrency": "USD", "costInBillingCurrency": c["cost"], "costInPricingCurrency": c["cost"], "costInUsd": c["cost"],
            "paygCostInBillingCurrency": num(money(it.qty * it.unit_price)), "paygCostInUsd": num(money(it.qty * it.unit_price)),
            "exchangeRatePricingToBilling": "1", "exchangeRateDate": date(year, month, 1).strftime("%m/%d/%Y"),
            "isAzureCreditEligible": "True", "additionalInfo": c["additional"], "tags": _az_tags(it.res, braces=True),
            "PayGPrice": c["payg"], "frequency": c["frequency"], "term": c["term"], "reservationId": c["reservation_id"],
            "reservationName": c["reservation_name"], "pricingModel": c["pricing_model"], "unitPrice": c["unit_price"],
            "benefitId": AZ_RI[0] if c["reservation_id"] else "", "benefitName": c["reservation_name"], "provider": "Azure",
        })
    return out


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


def ms_focus_rows(items: list[AzItem], ids: Ids, year: int, month: int) -> list[dict[str, str]]:
    """Microsoft's FOCUS 1.0 cost export (actual and amortised in one dataset: BilledCost and EffectiveCost)."""
    first = date(year, month, 1)
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    out = []
    for it in items:
        c = _az_common(it, ids)
        r = it.res
        ri = it.pricing_model == "Reservation"
        purchase = it.charge_type == "Purchase"
        list_cost = money(it.qty * it.unit_price) if not purchase else it.cost
        effective = D(0) if purchase else (money(it.qty * AZ_RI_RATE) if ri else it.cost)
        ml = it.service == "Microsoft.MachineLearningServices"
        svc_cat, svc_name = (("AI and Machine Learning", "Azure Machine Learning") if ml else
                             ("Storage", "Storage Accounts") if it.category == "Storage" else ("Compute", "Virtual Machines"))
        region = r.region if r else "eastus"
        unit = "GB/Month" if it.category == "Storage" else "Hours"
        rtype = ("Microsoft.Storage/storageAccounts" if it.category == "Storage" else
                 "Microsoft.MachineLearningServices/workspaces" if ml else "Microsoft.Compute/virtualMachines")
        sku_details = json.loads(c["additional"]) if c["additional"] else {}
        out.append({
            "BilledCost": c["cost"], "BillingAccountId": f"/providers/Microsoft.Billing/billingAccounts/{AZURE_MCA[0]}/billingProfiles/JL7Q-4X2M-BG7-PGB",
            "BillingAccountName": "Juniper Labs", "BillingAccountType": "Billing Profile", "BillingCurrency": "USD",
            "BillingPeriodEnd": _iso(nxt), "BillingPeriodStart": _iso(first),
            "ChargeCategory": "Purchase" if purchase else "Usage",
            "ChargeDescription": f"{c['meter']} - {c['meter_region']}" if not purchase else "Reserved VM Instance, Standard_NC96ads_A100_v4, US East, 1 Year",
            "ChargeFrequency": "Recurring" if purchase else "Usage-Based",
            "ChargePeriodEnd": _iso(nxt if purchase else it.day + timedelta(days=1)), "ChargePeriodStart": _iso(first if purchase else it.day),
            "CommitmentDiscountCategory": "Usage" if ri else "", "CommitmentDiscountId": AZ_RI[0] if ri else "",
            "CommitmentDiscountName": AZ_RI[1] if ri else "", "CommitmentDiscountStatus": "Used" if ri and not purchase else "",
            "CommitmentDiscountType": "Reservation" if ri else "",
            "ConsumedQuantity": "" if purchase else c["qty"], "ConsumedUnit": "" if purchase else unit,
            "ContractedCost": num(list_cost), "ContractedUnitPrice": c["unit_price"], "EffectiveCost": num(effective),
            "InvoiceIssuerName": "Microsoft", "ListCost": num(list_cost), "ListUnitPrice": c["unit_price"],
            "PricingCategory": "Committed" if ri else "Standard", "PricingQuantity": c["qty"], "PricingUnit": unit,
            "ProviderName": "Microsoft", "PublisherName": "Microsoft", "RegionId": region if r else "",
            "RegionName": c["meter_region"] if r else "", "ResourceId": c["resource_id"].lower() if r else "",
            "ResourceName": c["resource_name"] if r else "", "ResourceType": "Virtual machine" if rtype.endswith("virtualMachines") else
            "Storage account" if it.category == "Storage" else "Machine learning workspace" if r else "",
            "ServiceCategory": svc_cat, "ServiceName": svc_name, "SkuId": "DZH318Z0" + c["meter_id"][:4].upper(),
            "SkuPriceId": "DZH318Z0" + c["meter_id"][:4].upper() + "/0001", "SubAccountId": f"/subscriptions/{c['sub_id']}",
            "SubAccountName": c["sub_name"], "SubAccountType": "Subscription", "Tags": _az_tags(r, braces=True) or "{}",
            "x_BilledCostInUsd": c["cost"], "x_BilledUnitPrice": c["effective_price"],
            "x_BillingAccountId": AZURE_MCA[0], "x_BillingAccountName": AZURE_MCA[1], "x_BillingExchangeRate": "1",
            "x_BillingExchangeRateDate": _iso(first), "x_BillingProfileId": "JL7Q-4X2M-BG7-PGB", "x_BillingProfileName": "Juniper Labs",
            "x_ContractedCostInUsd": num(list_cost), "x_CostCenter": "CC-4410", "x_EffectiveCostInUsd": num(effective),
            "x_EffectiveUnitPrice": num(AZ_RI_RATE if ri and not purchase else it.unit_price), "x_InvoiceId": f"G0{year % 100}{month:02d}4410",
            "x_InvoiceSectionId": "N4TY-D2QK-PJA-PGB", "x_InvoiceSectionName": "ML Platform", "x_ListCostInUsd": num(list_cost),
            "x_PricingBlockSize": "1", "x_PricingCurrency": "USD", "x_PricingSubcategory": "Committed Usage" if ri else "Standard",
            "x_PricingUnitDescription": c["unit"], "x_PublisherCategory": "Cloud Provider", "x_ResourceGroupName": c["group"],
            "x_ResourceType": rtype.lower() if r else "", "x_ServicePeriodEnd": _iso(nxt), "x_ServicePeriodStart": _iso(first),
            "x_SkuDescription": c["product"], "x_SkuDetails": json.dumps(sku_details, separators=(",", ":")) if sku_details else "",
            "x_SkuIsCreditEligible": "true", "x_SkuMeterCategory": c["category"], "x_SkuMeterId": c["meter_id"],
            "x_SkuMeterName": c["meter"], "x_SkuMeterSubcategory": c["subcategory"], "x_SkuOfferId": "MS-AZR-0017G",
            "x_SkuOrderId": c["reservation_id"], "x_SkuOrderName": AZ_RI[1] if ri else "", "x_SkuPartNumber": "AAH-" + c["meter_id"][:5].upper(),
            "x_SkuRegion": c["meter_region"], "x_SkuServiceFamily": c["family"], "x_SkuTerm": c["term"],
        })
    return out


# --------------------------------------------------------------------------------------------------
# GCP: BigQuery standard export as CSV (April-June), detailed export as JSON lines (July-October)
# --------------------------------------------------------------------------------------------------

GCP_SERVICE = {"gce": ("6F81-5844-456A", "Compute Engine"), "vertex_pred": ("C7E2-9256-1C43", "Vertex AI"),
               "vertex_train": ("C7E2-9256-1C43", "Vertex AI"), "tpu": ("E000-3F24-B8AA", "Cloud TPU"),
               "gcs": ("95FF-2EF5-5EA1", "Cloud Storage"), "bq": ("24E6-581D-38E5", "BigQuery")}
GCP_LOCATION = {"europe-west4": ("Netherlands", "NL", "europe-west4-b"), "us-central1": ("Americas", "US", "us-central1-a"),
                "us-east5": ("Americas", "US", "us-east5-a"), "US": ("Americas", "US", "")}
GCP_MACHINE = {  # machine type -> (family, vCPU, memory GiB, GPU SKU words, GPUs, core, ram, gpu hourly rate)
    "a3-highgpu-8g": ("A3", 208, 1872, "Nvidia H100 80GB GPU", 8, D("0.0340"), D("0.0046"), D("9.00")),
    "a4-highgpu-8g": ("A4", 224, 3968, "Nvidia B200 GPU", 8, D("0.0345"), D("0.0046"), D("11.25")),
    "n2-standard-16": ("N2", 16, 64, "", 0, D("0.031611"), D("0.004237"), D(0)),
    "g2-standard-8": ("G2", 8, 32, "Nvidia L4 GPU", 1, D("0.0285"), D("0.0033"), D("0.644")),
    "a2-highgpu-1g": ("A2", 12, 85, "Nvidia Tesla A100 GPU", 1, D("0.0358"), D("0.0048"), D("3.37")),
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
            if r.kind in ("gce", "vertex_pred", "vertex_train"):
                fam, vcpu, mem, gpu_words, gpus, core_rate, ram_rate, gpu_rate = GCP_MACHINE[r.sku]
                prefix = {"gce": "", "vertex_pred": "Vertex AI: Online/Batch Prediction ",
                          "vertex_train": "Vertex AI: Custom Training "}[r.kind]
                sys_labels = [{"key": "compute.googleapis.com/machine_spec", "value": r.sku},
                              {"key": "compute.googleapis.com/cores", "value": str(vcpu)},
                              {"key": "compute.googleapis.com/memory", "value": str(mem * 1024)}]
                parts = [(f"{prefix}{fam} Instance Core running in {where}", qty * vcpu, core_rate, "hour"),
                         (f"{prefix}{fam} Instance Ram running in {where}", qty * mem, ram_rate, "gibibyte hour")]
                if gpus:
                    parts.append((f"{prefix}{gpu_words} running in {where}", qty * gpus, gpu_rate, "hour"))
                for sku, pricing_amount, rate, punit in parts:
                    cost = money(pricing_amount * rate)
                    if punit == "hour":
                        amount, unit = pricing_amount * 3600, "seconds"
                    else:
                        amount, unit = pricing_amount * GIB * 3600, "byte-seconds"
                    credits = []
                    if fam == "N2" and day.day > 7:
                        credits = [{"name": "Sustained Usage Discount", "amount": float(-money(cost * D("0.2"))),
                                    "full_name": "Sustained Usage Discount", "id": "", "type": "SUSTAINED_USAGE_DISCOUNT"}]
                    items.append(GcpItem(day, r, sku, amount, unit, pricing_amount, punit, cost, cost, credits, sys_labels))
            elif r.kind == "tpu":
                cost = money(qty * r.rate)
                items.append(GcpItem(day, r, f"TPU v5p chip running in {where}", qty * 3600, "seconds", qty, "hour", cost, cost))
            elif r.kind == "gcs":
                gib_month = (qty * 24 / D(730)).quantize(D("0.000001"))
                cost = money(gib_month * D("0.020"))
                items.append(GcpItem(day, r, r.sku, qty * GIB * 86400, "byte-seconds", gib_month, "gibibyte month", cost, cost))
            elif r.kind == "bq":
                cost = money(qty * r.rate)
                credits = []
                if day.day == 1:
                    credits = [{"name": "Free tier", "amount": float(-min(cost, D("6.25"))), "full_name": "Free tier",
                                "id": "", "type": "FREE_TIER"}]
                items.append(GcpItem(day, r, "Analysis (US)", qty * (1 << 40), "bytes", qty, "tebibyte", cost, cost, credits))
    return items


_GCP_SKU_IDS: dict[str, str] = {}


def _gcp_sku_id(ids: Ids, sku: str) -> str:
    if sku not in _GCP_SKU_IDS:
        h = "".join(ids.rng.choice("0123456789ABCDEF") for _ in range(12))
        _GCP_SKU_IDS[sku] = f"{h[:4]}-{h[4:8]}-{h[8:]}"
    return _GCP_SKU_IDS[sku]


def _bq_ts(d: date | datetime) -> str:
    return (d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)).strftime("%Y-%m-%d %H:%M:%S UTC")


def gcp_record(it: GcpItem, ids: Ids, detailed: bool) -> dict[str, object]:
    """One row of the BigQuery billing export table, nested as BigQuery holds it."""
    r = it.res
    proj_id, proj_number = GCP_PROJECTS[r.account]
    loc, country, zone = GCP_LOCATION[r.region]
    svc_id, svc = GCP_SERVICE[r.kind]
    labels = [{"key": k, "value": v} for k, v in r.tags.items()]
    rec: dict[str, object] = {
        "billing_account_id": GCP_BILLING_ACCOUNT,
        "service": {"id": svc_id, "description": svc},
        "sku": {"id": _gcp_sku_id(ids, it.sku), "description": it.sku},
        "usage_start_time": _bq_ts(it.day),
        "usage_end_time": _bq_ts(it.day + timedelta(days=1)),
        "project": {"id": proj_id, "number": proj_number, "name": proj_id, "labels": [],
                    "ancestry_numbers": f"/731058462917/{proj_number}/"},
        "labels": labels,
        "system_labels": it.system_labels,
        "location": {"location": r.region if r.region != "US" else "US", "country": country,
                     "region": r.region if r.region != "US" else None, "zone": zone or None},
    }
    if detailed:
        rec["resource"] = {"name": r.rid.rsplit("/", 1)[-1] if r.rid else None,
                           "global_name": f"//{'compute' if r.kind == 'gce' else 'aiplatform'}.googleapis.com/{r.rid}" if r.rid else None}
    rec.update({
        "export_time": _bq_ts(datetime(it.day.year, it.day.month, it.day.day) + timedelta(days=1, hours=6, minutes=12)),
        "cost": float(it.cost),
        "currency": "USD",
        "currency_conversion_rate": 1.0,
        "usage": {"amount": float(it.amount), "unit": it.unit, "amount_in_pricing_units": float(it.pricing_amount),
                  "pricing_unit": it.pricing_unit},
        "credits": it.credits,
        "invoice": {"month": f"{it.day.year}{it.day.month:02d}"},
        "cost_type": "regular",
        "adjustment_info": {"id": None, "description": None, "mode": None, "type": None},
        "tags": [],
        "transaction_type": "GOOGLE",
        "seller_name": "Google",
        "cost_at_list": float(it.list_cost),
    })
    if detailed:
        rate = (it.cost / it.pricing_amount) if it.pricing_amount else D(0)
        rec["price"] = {"effective_price": float(rate.quantize(D("0.000001"))), "tier_start_amount": 0.0,
                        "unit": it.pricing_unit, "pricing_unit_quantity": 1.0}
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
    return "".join(json.dumps(gcp_record(it, ids, detailed=True), separators=(",", ":")) + "\n" for it in items)


# --------------------------------------------------------------------------------------------------
# Telemetry: nvidia-smi on the billed p5 instance, CodeCarbon on the on-prem server
# --------------------------------------------------------------------------------------------------

NVSMI_HEADER = ["timestamp", "name", "pci.bus_id", "uuid", "index", "power.draw [W]", "utilization.gpu [%]",
                "memory.used [MiB]", "temperature.gpu"]
P5_BUS_IDS = ["00000000:53:00.0", "00000000:64:00.0", "00000000:75:00.0", "00000000:86:00.0",
              "00000000:97:00.0", "00000000:A8:00.0", "00000000:B9:00.0", "00000000:CA:00.0"]
NVSMI_GAP = (datetime(2026, 9, 2, 10, 31), datetime(2026, 9, 2, 10, 37))  # the logger was restarted


def nvidia_smi_log(rng: random.Random, ids: Ids) -> str:
    """`nvidia-smi --query-gpu=timestamp,name,pci.bus_id,uuid,index,power.draw,utilization.gpu,memory.used,
    temperature.gpu --format=csv -l 60` on the 8 x H100 smoke-test node, 09:00-12:00 UTC (host clock UTC)."""
    uuids = [f"GPU-{ids.guid()}" for _ in range(8)]
    lines = [", ".join(NVSMI_HEADER)]
    t = SMOKE_START + timedelta(milliseconds=412)
    end = SMOKE_START + timedelta(hours=3)
    minute = 0
    while t < end:
        if not (NVSMI_GAP[0] <= t < NVSMI_GAP[1]):
            phase = minute
            for g in range(8):
                if phase < 3:  # loading data and compiling: partial load
                    power, util, mem = 95 + 60 * phase + rng.uniform(-8, 8), 20 + 25 * phase, 9000 + 20000 * phase
                elif phase >= 178:  # job finished, GPUs idle until the instance stops
                    power, util, mem = 72 + rng.uniform(-2, 2), 0, 4
                elif phase % 30 == 29:  # checkpoint write: GPUs wait on storage
                    power, util, mem = 240 + rng.uniform(-20, 20), 12, 71880
                else:
                    power, util, mem = 640 + rng.uniform(-35, 40), rng.choice((97, 98, 99, 100, 100)), 71880 + rng.randint(-200, 200)
                temp = int(34 + power / 16 + rng.uniform(-1, 1))
                lines.append(", ".join([t.strftime("%Y/%m/%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}",
                                        "NVIDIA H100 80GB HBM3", P5_BUS_IDS[g], uuids[g], str(g), f"{power:.2f} W",
                                        f"{int(util)} %", f"{int(mem)} MiB", str(temp)]))
        minute += 1
        t += timedelta(seconds=60, milliseconds=rng.randint(1, 9))
    return "\n".join(lines) + "\n"


CODECARBON_HEADER = """timestamp project_name run_id experiment_id duration emissions emissions_rate cpu_power gpu_power
ram_power cpu_energy gpu_energy ram_energy energy_consumed country_name country_iso_code region cloud_provider cloud_region os
python_version codecarbon_version cpu_count cpu_model gpu_count gpu_model longitude latitude ram_total_size tracking_mode
on_cloud pue""".split()
ONPREM_FINE_TUNES = [  # (start in Europe/Berlin local time, hours) of each run: June and August fine-tunes
    (datetime(2026, 6, 8, 8, 5), 11.5), (datetime(2026, 6, 8, 20, 10), 11.8), (datetime(2026, 6, 9, 8, 30), 9.2),
    (datetime(2026, 8, 17, 7, 55), 12.0), (datetime(2026, 8, 17, 20, 20), 11.6), (datetime(2026, 8, 18, 8, 40), 10.4),
]
CODECARBON_KG_PER_KWH = D("0.3804")  # what CodeCarbon's own data gives for Germany, used for its emissions column


def codecarbon_csv(rng: random.Random, ids: Ids) -> str:
    """CodeCarbon 2.8.x emissions.csv from `EmissionsTracker(project_name="assistant-7b")` on the
    on-prem DGX A100 in Frankfurt (8 x A100-SXM4-80GB), one row per run; timestamps are host local time."""
    experiment = ids.guid()
    rows = []
    for start, hours in ONPREM_FINE_TUNES:
        duration = D(str(round(hours * 3600 + rng.uniform(-90, 90), 3)))
        cpu_w, gpu_w, ram_w = D(str(round(rng.uniform(280, 320), 3))), D(str(round(rng.uniform(2480, 2760), 3))), D("377.9")
        cpu_kwh, gpu_kwh, ram_kwh = (p * duration / D(3_600_000) for p in (cpu_w, gpu_w, ram_w))
        total = cpu_kwh + gpu_kwh + ram_kwh
        emissions = total * CODECARBON_KG_PER_KWH
        end = start + timedelta(seconds=float(duration))
        rows.append([end.strftime("%Y-%m-%dT%H:%M:%S"), "assistant-7b", ids.guid(), experiment, num(duration),
                     num(emissions.quantize(D("1e-12"))), num((emissions / duration).quantize(D("1e-15"))), num(cpu_w),
                     num(gpu_w), num(ram_w), num(cpu_kwh.quantize(D("1e-12"))), num(gpu_kwh.quantize(D("1e-12"))),
                     num(ram_kwh.quantize(D("1e-12"))), num(total.quantize(D("1e-12"))), "Germany", "DEU", "hesse", "", "",
                     "Linux-5.15.0-119-generic-x86_64-with-glibc2.35", "3.11.9", "2.8.3", "256",
                     "AMD EPYC 7742 64-Core Processor", "8", "8 x NVIDIA A100-SXM4-80GB", "8.6821", "50.1109", "1007.7",
                     "machine", "N", "1.0"])
    return csv_text(CODECARBON_HEADER, rows)


# --------------------------------------------------------------------------------------------------
# DCGM exporter metrics of the assistant-7b serving fleet (Azure NC96ads A100 v4, 4 x A100 80GB PCIe each)
# --------------------------------------------------------------------------------------------------

DCGM_DAY_START = datetime(2026, 10, 14, 12, 0)  # query_range window: 12:00-18:00 UTC, 2-minute step
DCGM_SCRAPE_START = datetime(2026, 9, 15, 14, 0)  # appended scrapes: 14:00-14:05 UTC, every 30 s
DCGM_HOSTS = ["nc-a100-serve-00", "nc-a100-serve-01"]


class _Gpu:
    """One A100 with an energy counter that integrates the power it reports."""

    def __init__(self, rng: random.Random, ids: Ids, host: str, index: int):
        self.rng, self.host, self.index = rng, host, index
        self.uuid = f"GPU-{ids.guid()}"
        self.bus = f"0000{index + 1:04X}:00:00.0"
        self.counter_mj = rng.randint(2_400_000_000_000, 3_100_000_000_000)  # mJ since the driver loaded

    def step(self, seconds: float, busy: float) -> tuple[float, float, int]:
        util = max(0.0, min(100.0, 100 * busy + self.rng.uniform(-8, 8)))
        power = 62 + 2.1 * util + self.rng.uniform(-6, 6)
        self.counter_mj += int(power * seconds * 1000)
        return round(power, 3), util, 61_000 + self.rng.randint(-400, 400)


def _busy(t: datetime) -> float:
    """Traffic share over the US working day (UTC), 0-1."""
    hour = t.hour + t.minute / 60
    return 0.35 + 0.45 * max(0.0, 1 - abs(hour - 16.5) / 6)


def dcgm_query_range(rng: random.Random, ids: Ids) -> str:
    """Prometheus /api/v1/query_range result ('matrix') for the fleet's DCGM power, energy and utilisation,
    as `curl 'prometheus:9090/api/v1/query_range?query={__name__=~"DCGM_FI_DEV_(POWER_USAGE|TOTAL_ENERGY_
    CONSUMPTION|GPU_UTIL)",namespace="assistants"}&start=...&end=...&step=120'` returns it."""
    gpus = [_Gpu(rng, ids, host, i) for host in DCGM_HOSTS for i in range(4)]
    series: dict[tuple[str, int], list[list[object]]] = {}
    for step in range(181):
        t = DCGM_DAY_START + timedelta(seconds=120 * step)
        ts = int((t - datetime(1970, 1, 1)).total_seconds())
        for g in gpus:
            power, util, _ = g.step(120 if step else 0, _busy(t))
            for metric, value in (("DCGM_FI_DEV_POWER_USAGE", f"{power:.3f}"),
                                  ("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", str(g.counter_mj)),
                                  ("DCGM_FI_DEV_GPU_UTIL", str(int(util)))):
                series.setdefault((metric, id(g)), []).append([ts, value])
    result = []
    for g in gpus:
        pod = f"assistant-7b-vllm-7c9d5f8b6-{g.host[-2:]}{g.index}x"
        for metric in ("DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "DCGM_FI_DEV_GPU_UTIL"):
            labels = {"__name__": metric, "DCGM_FI_DRIVER_VERSION": "550.90.07", "UUID": g.uuid, "container": "vllm",
                      "device": f"nvidia{g.index}", "gpu": str(g.index), "hostname": g.host,
                      "instance": f"10.240.0.{12 + DCGM_HOSTS.index(g.host)}:9400", "job": "dcgm-exporter",
                      "model": "assistant-7b", "modelName": "NVIDIA A100 80GB PCIe", "namespace": "assistants",
                      "pci_bus_id": g.bus, "pod": pod, "team": "assistants"}
            result.append({"metric": labels, "values": series[(metric, id(g))]})
    return json.dumps({"status": "success", "data": {"resultType": "matrix", "result": result}}, separators=(",", ":")) + "\n"


def dcgm_scrapes(rng: random.Random, ids: Ids) -> str:
    """Eleven `curl -s nc-a100-serve-02:9400/metrics` scrapes appended to one file, each sample with its
    millisecond time stamp (as the scrape job wrote them), from an exporter still using `Hostname`."""
    host = "nc-a100-serve-02"
    gpus = [_Gpu(rng, ids, host, i) for i in range(4)]
    help_type = {
        "DCGM_FI_DEV_POWER_USAGE": ("Power draw (in W).", "gauge"),
        "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": ("Total energy consumption since boot (in mJ).", "counter"),
        "DCGM_FI_DEV_GPU_UTIL": ("GPU utilization (in %).", "gauge"),
    }
    lines: list[str] = []
    for step in range(11):
        t = DCGM_SCRAPE_START + timedelta(seconds=30 * step)
        ms = int((t - datetime(1970, 1, 1)).total_seconds() * 1000) + rng.randint(0, 40)
        readings = [g.step(30 if step else 0, _busy(t)) for g in gpus]
        for metric, (help_text, kind) in help_type.items():
            lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} {kind}"]
            for g, (power, util, _) in zip(gpus, readings, strict=True):
                value = {"DCGM_FI_DEV_POWER_USAGE": f"{power:.6f}", "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": str(g.counter_mj),
                         "DCGM_FI_DEV_GPU_UTIL": str(int(util))}[metric]
                lines.append(f'{metric}{{gpu="{g.index}",UUID="{g.uuid}",pci_bus_id="{g.bus}",device="nvidia{g.index}",'
                             f'modelName="NVIDIA A100 80GB PCIe",Hostname="{host}",DCGM_FI_DRIVER_VERSION="550.90.07"}} '
                             f"{value} {ms}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------
# Serving: inference request counts per model and day; GPU host mapping to billed resources
# --------------------------------------------------------------------------------------------------

REQUESTS_HEADER = ["period_start", "period_end", "model", "team", "requests", "input_tokens", "output_tokens"]
SERVING = [  # model, team, first day, requests/day at start, at the end of October, tokens in/out per request
    ("ranker-v3", "search", date(2026, 4, 20), 30_000_000, 55_000_000, None),
    ("assistant-7b", "assistants", date(2026, 4, 15), 400_000, 1_600_000, (850, 320)),
    ("visionnet-l", "vision", date(2026, 4, 15), 6_000_000, 14_000_000, None),
]


def requests_csv(rng: random.Random) -> str:
    """Daily request counts from the serving gateways' logs (UTC days), plus atlas-30b's evaluation traffic."""
    rows = []
    for day in days(FIRST_DAY, LAST_DAY):
        start, end = _iso(day), _iso(day + timedelta(days=1))
        for model, team, first, at_start, at_end, tokens in SERVING:
            if day < first:
                continue
            share = (day - first).days / (LAST_DAY - first).days
            weekend = 0.85 if day.weekday() >= 5 else 1.0
            n = int((at_start + (at_end - at_start) * share) * weekend * rng.uniform(0.97, 1.03))
            tin, tout = (("", "") if tokens is None else
                         (str(int(n * tokens[0] * rng.uniform(0.95, 1.05))), str(int(n * tokens[1] * rng.uniform(0.95, 1.05)))))
            rows.append([start, end, model, team, str(n), tin, tout])
        if date(2026, 10, 1) <= day and day.weekday() < 5:
            n = rng.randint(2000, 5000)
            rows.append([start, end, "atlas-30b", "research", str(n), str(n * 1200), str(n * 600)])
    return csv_text(REQUESTS_HEADER, rows)


MAPPING_HEADER = ["host", "gpu", "start", "end", "team", "model", "workload", "job", "resource_id"]


def telemetry_mapping_csv() -> str:
    """Which billed resource each GPU host runs as, and what it worked for (kept by the platform team)."""
    rows = [[host, "", "2026-04-15T00:00:00Z", "", "assistants", "assistant-7b", "inference", "assistant-7b-serving",
             _arm("assistants-prod", "rg-assistant-serving", "virtualMachines", host)]
            for host in ("nc-a100-serve-00", "nc-a100-serve-01", "nc-a100-serve-02")]
    rows.append([SMOKE_INSTANCE, "", _iso(SMOKE_START), _iso(SMOKE_START + timedelta(hours=3)), "research", "atlas-30b",
                 "training", "atlas-30b-smoke", SMOKE_INSTANCE])
    rows.append(["fra-dgx-01", "", "", "", "assistants", "assistant-7b", "training", "assistant-7b-finetune", ""])
    return csv_text(MAPPING_HEADER, rows)


# --------------------------------------------------------------------------------------------------
# Reference inputs for the market-based method
# --------------------------------------------------------------------------------------------------

INSTRUMENTS_HEADER = ["instrument_id", "instrument_type", "zone", "provider", "region_id", "period_start", "period_end",
                      "covered_mwh", "covered_share", "factor_g_per_kwh", "certification", "note"]


def instruments_csv() -> str:
    """Guarantees of Origin for the EU training regions and unbundled RECs for us-east-1, bought for 2026."""
    rows = [
        ["GO-SE-2026-004187", "go", "SE", "azure", "swedencentral", "2026-04-01", "2026-12-31", "8", "", "0",
         "EECS Guarantee of Origin, hydro, issued and cancelled in the Swedish registry (Cesar)",
         "bought for the assistants training subscription in Sweden Central"],
        ["GO-NL-2026-017730", "go", "NL", "gcp", "europe-west4", "2026-04-01", "2026-06-30", "3", "", "0",
         "EECS Guarantee of Origin, offshore wind, issued and cancelled by VertiCer",
         "bought for visionnet-l training in europe-west4"],
        ["REC-US-2026-GE-55812", "rec", "SRVC", "aws", "us-east-1", "2026-01-01", "2026-12-31", "20", "", "0",
         "Green-e Energy certified RECs, wind, PJM vintage 2026, retired on behalf of Juniper Labs",
         "unbundled RECs for the AWS us-east-1 GPU fleet"],
    ]
    return csv_text(INSTRUMENTS_HEADER, rows)


def residual_mix_csv() -> str:
    """ILLUSTRATIVE residual-mix factors: AIB publishes the real ones under terms that do not allow shipping them."""
    source = "ILLUSTRATIVE demo value, not AIB data: replace with the AIB European Residual Mix for the reporting year"
    rows = [[zone, "2026", value, source] for zone, value in (("SE", "38"), ("NL", "498"), ("IE", "412"), ("DE", "701"))]
    return csv_text(["zone", "year", "factor_g_per_kwh", "source"], rows)


# --------------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------------


INGEST_OPTIONS = {  # what a user would pass as flags to `footprint ingest` for files that do not say it themselves
    "telemetry/nvidia-smi/atlas-30b-smoke_p5.48xlarge_2026-09-02.csv": {
        "host": SMOKE_INSTANCE, "provider": "aws", "region": "us-east-1", "team": "research", "model": "atlas-30b",
        "workload": "training", "job": "atlas-30b-smoke"},
    "telemetry/dcgm/assistant-7b-serving_query_range_2026-10-14.json": {
        "provider": "azure", "region": "eastus", "workload": "inference"},
    "telemetry/dcgm/nc-a100-serve-02_dcgm-exporter_scrapes_2026-09-15.txt": {
        "provider": "azure", "region": "eastus", "team": "assistants", "model": "assistant-7b", "workload": "inference"},
    "telemetry/codecarbon/fra-dgx-01/emissions.csv": {
        "host": "fra-dgx-01", "provider": "onprem", "region": "onprem-fra-1", "team": "assistants",
        "model": "assistant-7b", "workload": "training", "job": "assistant-7b-finetune"},
}


def manifest_toml() -> str:
    lines = ["# Ingest options `footprint demo` passes for files that do not carry them (written by",
             "# scripts/generate_sample_data.py; the same as `footprint ingest --host ... --team ...`).", ""]
    for rel, opts in INGEST_OPTIONS.items():
        lines.append(f'[files."{rel}"]')
        lines.extend(f'{k} = "{v}"' for k, v in opts.items())
        lines.append("")
    return "\n".join(lines)


def generate(out: Path) -> list[str]:
    """Write every generated file under out (emptied first); returns the relative paths written."""
    rng = random.Random(SEED)
    ids = Ids(rng)
    _SKU_CACHE.clear()
    _METER_IDS.clear()
    _GCP_SKU_IDS.clear()
    world = build_world(rng)
    if out.exists():
        shutil.rmtree(out)
    files: list[tuple[str, str]] = []

    for year, month in MONTHS:
        items = aws_items(world, year, month)
        if month == 4:
            files.append((f"aws/legacy-cur/juniper-labs-cur-{year}{month:02d}.csv.gz",
                          csv_text(LEGACY_COLUMNS, legacy_rows(items, ids))))
        else:
            files.append((f"aws/cur2/BILLING_PERIOD={year}-{month:02d}/juniper-labs-cur2-{year}{month:02d}-00001.csv.gz",
                          csv_text(CUR2_COLUMNS, cur2_rows(items, ids))))

        az = azure_items(world, year, month)
        if month <= 6:
            files.append((f"azure/ea/juniper-labs-ea-actualcost-{year}{month:02d}.csv",
                          csv_text(EA_COLUMNS, ea_rows(az, ids, year, month), bom=True)))
        elif month <= 9:
            files.append((f"azure/mca/juniper-labs-mca-actualcost-{year}{month:02d}.csv.gz",
                          csv_text(MCA_COLUMNS, mca_rows(az, ids, year, month))))
        else:
            files.append((f"azure/focus/juniper-labs-focus-1.0-{year}{month:02d}.csv.gz",
                          csv_text(MS_FOCUS_COLUMNS, ms_focus_rows(az, ids, year, month))))

        gi = gcp_items(world, year, month)
        if month <= 6:
            files.append((f"gcp/standard/gcp_billing_export_v1_{GCP_BILLING_ACCOUNT.replace('-', '_')}_{year}{month:02d}.csv",
                          gcp_standard_csv(gi, ids)))
        else:
            files.append((f"gcp/detailed/gcp_billing_export_resource_v1_{GCP_BILLING_ACCOUNT.replace('-', '_')}_{year}{month:02d}.jsonl.gz",
                          gcp_detailed_jsonl(gi, ids)))

    files.append(("telemetry/nvidia-smi/atlas-30b-smoke_p5.48xlarge_2026-09-02.csv", nvidia_smi_log(rng, ids)))
    files.append(("telemetry/codecarbon/fra-dgx-01/emissions.csv", codecarbon_csv(rng, ids)))
    files.append(("telemetry/dcgm/assistant-7b-serving_query_range_2026-10-14.json", dcgm_query_range(rng, ids)))
    files.append(("telemetry/dcgm/nc-a100-serve-02_dcgm-exporter_scrapes_2026-09-15.txt", dcgm_scrapes(rng, ids)))

    files.append(("telemetry/requests/inference_requests_2026-04_2026-10.csv", requests_csv(rng)))
    files.append(("telemetry/mapping/gpu_hosts.csv", telemetry_mapping_csv()))
    files.append(("reference/instruments/guarantees_of_origin_2026.csv", instruments_csv()))
    files.append(("reference/residual_mix/ILLUSTRATIVE_residual_mix_2026.csv", residual_mix_csv()))
    files.append(("manifest.toml", manifest_toml()))

    for rel, text in files:
        write(out, rel, text)
    return [rel for rel, _ in files]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="folder to (re)write (default: sample_data/generated)")
    args = parser.parse_args(argv)
    written = generate(args.out)
    total = sum((args.out / rel).stat().st_size for rel in written)
    for rel in written:
        print(f"{(args.out / rel).stat().st_size:>10,}  {rel}")
    print(f"{total:>10,}  bytes in {len(written)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
