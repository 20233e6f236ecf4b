"""Which Azure cost details dialect a header is, and where each field sits in it.

Azure writes the same cost details under several header sets: the EA schema in PascalCase (`Cost` and
`BillingCurrency`, or `CostInBillingCurrency` and `BillingCurrencyCode`), the MCA/CSP schema in camelCase
(`costInBillingCurrency`, `billingCurrency`), the legacy pay-as-you-go usage file (`PreTaxCost`,
`UsageDateTime`, `SubscriptionGuid`), exports with localised headers that keep the English name in
parentheses (`Abonnement-GUID (SubscriptionGuid)`), and mixtures of these. Every column is therefore
keyed by its English name, case-folded, and each logical field lists the names it goes by.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.billing.base import q

# Logical field -> English column names (case-folded) in order of preference.
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("date", "usagedatetime", "usagedate"),
    "cost": ("costinbillingcurrency", "cost", "pretaxcost"),
    "currency": ("billingcurrency", "billingcurrencycode", "currency"),
    "list_cost": ("paygcostinbillingcurrency",),
    "subscription_id": ("subscriptionid", "subscriptionguid"),
    "subscription_name": ("subscriptionname",),
    "billing_account_id": ("billingaccountid",),
    "billing_account_name": ("billingaccountname",),
    "billing_profile_id": ("billingprofileid",),
    "billing_profile_name": ("billingprofilename",),
    "billing_period_start": ("billingperiodstartdate",),
    "charge_type": ("chargetype",),
    "pricing_model": ("pricingmodel",),
    "frequency": ("frequency",),
    "product": ("productname", "product"),
    "meter_id": ("meterid",),
    "meter_name": ("metername",),
    "meter_category": ("metercategory",),
    "meter_subcategory": ("metersubcategory",),
    "meter_region": ("meterregion",),
    "quantity": ("quantity", "usagequantity"),
    "unit": ("unitofmeasure",),
    "resource_id": ("resourceid", "instanceid", "instancename"),
    "resource_name": ("resourcename",),
    "resource_group": ("resourcegroup", "resourcegroupname"),
    "resource_type": ("resourcetype",),
    "resource_location": ("resourcelocation", "resourcelocationnormalized"),
    "location": ("location",),
    "availability_zone": ("availabilityzone",),
    "consumed_service": ("consumedservice",),
    "tags": ("tags",),
    "additional_info": ("additionalinfo",),
    "reservation_id": ("reservationid",),
    "reservation_name": ("reservationname",),
    "benefit_id": ("benefitid",),
    "benefit_name": ("benefitname",),
    "effective_price": ("effectiveprice",),
    "unit_price": ("unitprice", "resourcerate"),
    "payg_price": ("paygprice",),
}

# Columns only Azure cost details have; a header needs two of them (plus a date and a cost) to be read as one.
SIGNATURE = {
    "metercategory",
    "meterid",
    "metername",
    "meterregion",
    "subscriptionguid",
    "consumedservice",
    "additionalinfo",
    "unitofmeasure",
    "resourcelocation",
    "instanceid",
    "servicefamily",
    "pretaxcost",
    "costinbillingcurrency",
}

_ENGLISH = re.compile(r"\(([^()]+)\)\s*$")


def english_key(column: str) -> str:
    """'Abonnement-GUID (SubscriptionGuid)' -> 'subscriptionguid'; 'billingCurrency' -> 'billingcurrency'."""
    m = _ENGLISH.search(column)
    return (m.group(1) if m else column).strip().lower()


@dataclass
class AzureColumns:
    """The file's own column for each logical field, and what the header says about its dialect."""

    header: list[str]

    def __post_init__(self) -> None:
        self.by_key: dict[str, str] = {}
        for name in self.header:
            self.by_key.setdefault(english_key(name), name)

    def spelled(self, field: str) -> str | None:
        """The header's column for a field, or None."""
        for key in FIELDS[field]:
            if key in self.by_key:
                return self.by_key[key]
        return None

    def has(self, field: str) -> bool:
        return self.spelled(field) is not None

    def name(self, field: str) -> str:
        """Column name for messages: the file's own spelling, else the first English name."""
        return self.spelled(field) or FIELDS[field][0]

    def ref(self, field: str, *, qualified: bool = True) -> str:
        """SQL text value of the field (blank is NULL), or NULL when the header lacks it.

        Unqualified references serve skip rules, which the base reader evaluates over more than one alias.
        """
        col = self.spelled(field)
        if not col:
            return "NULL"
        ref = q(col) if qualified else '"' + col.replace('"', '""') + '"'
        return f"fp_blank(CAST({ref} AS VARCHAR))"

    def missing_core(self) -> list[str]:
        """Mandatory fields the header lacks, by their English names."""
        out = []
        if not self.has("date"):
            out.append("Date (or UsageDateTime)")
        if not self.has("cost"):
            out.append("Cost (or CostInBillingCurrency, PreTaxCost)")
        return out

    def signature_count(self) -> int:
        return len(SIGNATURE & set(self.by_key))

    def format_id(self) -> str | None:
        """azure-payg, azure-mca or azure-ea from the cost column's name; None when not Azure cost details."""
        if self.missing_core() or self.signature_count() < 2:
            return None
        cost = self.spelled("cost") or ""
        if english_key(cost) == "pretaxcost":
            return "azure-payg"
        english = _ENGLISH.search(cost)
        first = (english.group(1) if english else cost).strip()[:1]
        return "azure-mca" if first.islower() else "azure-ea"

    def dialect(self) -> str:
        """Human description of the header set, recorded on the batch."""
        fmt = self.format_id()
        cost = english_key(self.spelled("cost") or "")
        if fmt == "azure-payg":
            text = "legacy pay-as-you-go usage header (PreTaxCost, UsageDateTime)"
        elif fmt == "azure-mca":
            text = "MCA/CSP camelCase header (costInBillingCurrency)"
        elif cost == "cost":
            text = "EA PascalCase header (Cost, BillingCurrency)"
        else:
            text = "EA PascalCase header (CostInBillingCurrency, BillingCurrencyCode)"
        plain = [c for c in self.header if not _ENGLISH.search(c)]
        if len(plain) < len(self.header):
            text += ", localised column names read by their English names in parentheses"
        # SubscriptionId is PascalCase in camelCase MCA exports too, so it does not count.
        core = [self.spelled(f) for f in ("date", "cost", "currency", "meter_category")]
        firsts = {c[:1].islower() for c in core if c and not _ENGLISH.search(c)}
        if len(firsts) > 1:
            text += ", mixed camelCase and PascalCase names"
        return text
