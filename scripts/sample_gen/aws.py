"""The AWS bill of the demo organisation as line items, before either CUR dialect spells them.

Legacy CUR (April) and CUR 2.0 (May to October) describe the same charges, so the charges are worked out
once here: usage per resource and day, the EC2 Instance Savings Plan (covered usage, its negation and the
recurring fee), monthly S3 tax and a SageMaker credit in July.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal

from .common import D, money, month_days, num
from .world import AWS_ACCOUNTS, AWS_PAYER, Resource

AWS_REGION = {  # region -> (EC2 usage-type prefix, usage-type prefix of other services, location)
    "us-east-1": ("", "USE1-", "US East (N. Virginia)"),
    "us-west-2": ("USW2-", "USW2-", "US West (Oregon)"),
    "eu-west-1": ("EU-", "EU-", "EU (Ireland)"),
}
AWS_ZONE = {"us-east-1": "us-east-1a", "us-west-2": "us-west-2b", "eu-west-1": "eu-west-1c"}
AWS_FAMILY = {
    "p4d": "GPU instance",
    "p5": "GPU instance",
    "p6-b200": "GPU instance",
    "g5": "GPU instance",
    "inf2": "Machine Learning ASIC Instances",
    "m6i": "General purpose",
    "c6i": "Compute optimized",
}
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


def _sagemaker(verb: str, what: str) -> tuple[str, ...]:
    """The AWS_USAGE entry of a SageMaker instance: training, hosting and notebooks differ only in name."""
    return (
        "AmazonSageMaker",
        f"{{pref}}{verb}:{{sku}}",
        "RunInstance",
        "Hrs",
        f"${{rate}} per {what} {{sku}} hour in {{location}}",
        "ML Instance",
        "Amazon SageMaker",
    )


# Resource kind -> product code, usage type, operation, pricing unit, description, product family, service.
# Usage type and description are templates: {ec2_pref}/{pref} from AWS_REGION, {sku}, {rate}, {location}.
AWS_USAGE = {
    "ec2": (
        "AmazonEC2",
        "{ec2_pref}BoxUsage:{sku}",
        "RunInstances",
        "Hrs",
        "${rate} per On Demand Linux {sku} Instance Hour",
        "Compute Instance",
        "Amazon Elastic Compute Cloud",
    ),
    "sm_train": _sagemaker("Train", "Training"),
    "sm_host": _sagemaker("Host", "Hosting"),
    "sm_notebook": _sagemaker("Notebk", "Notebook Instance"),
    "ebs": (
        "AmazonEC2",
        "{pref}EBS:VolumeUsage.gp3",
        "CreateVolume-Gp3",
        "GB-Mo",
        "${rate} per GB-month of General Purpose (gp3) provisioned storage - {location}",
        "Storage",
        "Amazon Elastic Compute Cloud",
    ),
    "s3": (
        "AmazonS3",
        "{pref}TimedStorage-ByteHrs",
        "StandardStorage",
        "GB-Mo",
        "${rate} per GB - first 50 TB / month of storage used",
        "Storage",
        "Amazon Simple Storage Service",
    ),
    "xfer": (
        "AWSDataTransfer",
        "{pref}DataTransfer-Out-Bytes",
        "",
        "GB",
        "${rate} per GB - first 10 TB / month data transfer out beyond the global free tier",
        "Data Transfer",
        "AWS Data Transfer",
    ),
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


def _usage(day: date, r: Resource, qty: Decimal) -> AwsItem:
    code, usage_type, operation, unit, description, family, service = AWS_USAGE[r.kind]
    ec2_pref, pref, location = AWS_REGION[r.region]
    fields = {"ec2_pref": ec2_pref, "pref": pref, "sku": r.sku, "rate": num(r.rate), "location": location}
    return AwsItem(
        day=day,
        res=r,
        line_type="Usage",
        product_code=code,
        usage_type=usage_type.format(**fields),
        operation=operation,
        amount=qty,
        unit=unit,
        cost=money(qty * r.rate),
        rate=r.rate,
        description=description.format(**fields),
        family=family,
        service=service,
    )


def _plan_fee(day: date) -> AwsItem:
    """The Savings Plan's recurring fee for one day (one row per day at daily granularity)."""
    return AwsItem(
        day=day,
        res=None,
        line_type="SavingsPlanRecurringFee",
        product_code="ComputeSavingsPlans",
        usage_type="ComputeSP:1yrNoUpfront",
        operation="",
        amount=D(24),
        unit="Hrs",
        cost=money(SP_RATE * SP_COVERED * 24),
        rate=SP_RATE * SP_COVERED,
        description="1 year No Upfront EC2 Instance Savings Plan",
        family="",
        service="Savings Plans for AWS Compute usage",
    )


def _monthly(
    year: int, month: int, line_type: str, code: str, cost: Decimal, description: str, service: str
) -> AwsItem:
    """A charge for the whole month without usage (tax, credit)."""
    end = month_days(year, month)[-1] + timedelta(days=1)
    return AwsItem(
        day=date(year, month, 1),
        res=None,
        line_type=line_type,
        product_code=code,
        usage_type="",
        operation="",
        amount=D(1) if line_type == "Tax" else D(0),
        unit="",
        cost=cost,
        rate=D(0),
        description=description,
        family="",
        service=service,
        end=end,
    )


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
            usage = _usage(day, r, qty)
            plan_covers = (
                r.kind == "ec2" and r.sku == "g5.2xlarge" and r.account == "search" and day >= SP_START
            )
            if plan_covers and covered_today < SP_COVERED:
                covered_today += 1
                covered = f"{num(SP_RATE)} per hour for {r.sku} Linux, EC2 Instance Savings Plan"
                negation = f"SavingsPlanNegation used by AccountId : {AWS_ACCOUNTS['search'][0]} and UsageSku : 7Q3H5TZ8CQ6XGAFC"
                items.append(
                    replace(
                        usage,
                        line_type="SavingsPlanCoveredUsage",
                        sp_effective=money(qty * SP_RATE),
                        description=covered,
                    )
                )
                items.append(
                    replace(usage, line_type="SavingsPlanNegation", cost=-usage.cost, description=negation)
                )
            else:
                items.append(usage)
        if day >= SP_START:
            items.append(_plan_fee(day))
    s3_total = sum((i.cost for i in items if i.product_code == "AmazonS3"), D(0))
    s3 = "Amazon Simple Storage Service"
    items.append(
        _monthly(
            year, month, "Tax", "AmazonS3", money(s3_total * D("0.053")), "Tax for product code AmazonS3", s3
        )
    )
    if month == 7:
        credit = "AWS Credits - SageMaker promotional credit"
        items.append(
            _monthly(year, month, "Credit", "AmazonSageMaker", D("-500"), credit, "Amazon SageMaker")
        )
    return items
