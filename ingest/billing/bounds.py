"""Plausibility bounds on the quantities a billing line item's energy is computed from, and on its costs.

A quantity that parses as a number can still be nonsense (1e25 hours, a cell shifted into the wrong
column, 'inf'). The refresh sums energy and emissions exactly as DECIMAL(38, 18), which holds magnitudes
below 1e20 (20 integer digits, see `fp_sum` in migration 011): one such row would make every later refresh
fail with a cast error that names no file or row, leaving the derived tables stale. Costs are stored and
summed as DECIMAL(38, 18) too: two line items of 9e19 each load, and their sum then fails every refresh
with a HUGEINT overflow. So the bounds are
checked at ingest, on the normalised values (after unit conversion: GCP's byte-seconds are legitimately
~1e21 as billed, but a few hundred million GB-hours), and a file that breaks one is refused like any other
bad input, naming file, row and column.

The bounds lie far beyond any real bill (1e12 hours is 114 million years of one machine) and keep every
derived figure far below 1e20: at most 1e12 vCPU-hours, device-hours or memory GB-hours per line item
gives at most about 1.3e12 kWh of IT energy (a 1.2 kW accelerator for 1e12 device-hours), so sums stay
exact for tens of millions of such rows. A cost (billed, effective or list) is refused above 1e15 in the
billing currency, a quadrillion: no real line item comes near, and sums of up to 1e5 such rows stay below
1e20. Text that is not a finite number ('inf', 'NaN') never reaches the store: the readers' `money` parse
refuses it, naming row and column.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from footprint.sqlfiles import sql
from ingest.errors import IngestError
from ingest.registry import LoadContext

if TYPE_CHECKING:
    from ingest.billing.base import BillingReader

# Largest plausible quantity of one line item, in its canonical unit: hours, GB-hours, GB-months or GB,
# and the vCPU-hours, accelerator device-hours and memory GB-hours it implies.
MAX_QUANTITY_PER_LINE_ITEM = 1e12
# Largest plausible vCPU count, memory (GB) or accelerator count per usage hour (the instance catalog's
# largest are 1,920 vCPUs, 36,864 GB and 16 accelerators).
MAX_PER_USAGE_HOUR = 1e6
# Largest plausible cost of one line item, in its billing currency (billed, effective or list cost). A
# Decimal, so the bound reaches DuckDB exactly (DOUBLE 1e15 cast to DECIMAL(38, 18) is 999999999999999.94).
MAX_COST_PER_LINE_ITEM = Decimal("1e15")

_UNIT_NAMES = {"hour": "hours", "gb_hour": "GB-hours", "gb_month": "GB-months", "gb": "GB"}
_COUNTS = {"vcpu_count": "vCPUs", "memory_gb": "GB of memory", "accelerator_count": "accelerators"}
_COSTS = {"billed_cost": "a billed cost", "effective_cost": "an effective cost", "list_cost": "a list cost"}
_PRODUCTS = {
    "vcpu_hours": ("vcpu_count", "vCPU-hours", "vCPUs"),
    "device_hours": ("accelerator_count", "accelerator device-hours", "accelerators"),
    "memory_gb_hours": ("memory_gb", "GB-hours of memory", "GB of memory"),
}


def _n(value: float) -> str:
    """A quantity for a message: six significant digits, exponents written 1e25 and 1e-5."""
    mantissa, exponent, digits = f"{value:.6g}".partition("e")
    return f"{mantissa}e{int(digits)}" if exponent else mantissa


def _problem(check: str, row: dict[str, Any]) -> tuple[str, str]:
    """(the field whose source column to name, the message) for a failed check."""
    limit = _n(MAX_QUANTITY_PER_LINE_ITEM)
    if check in _COSTS:
        currency = row["billing_currency"]
        return check, (
            f"{_COSTS[check]} of {_n(float(row[check]))} {currency} in one line item is not plausible "
            f"(a line item is refused above {_n(float(MAX_COST_PER_LINE_ITEM))} {currency})"
        )
    if check in _COUNTS:
        return check, (
            f"{_n(row[check])} {_COUNTS[check]} per usage hour is not plausible "
            f"(a line item is refused above {_n(MAX_PER_USAGE_HOUR)})"
        )
    if check == "quantity":
        unit = _UNIT_NAMES[row["usage_unit"]]
        text = f"{_n(row['usage_quantity'])} {unit}"
        if row["consumed_unit"] is not None and row["consumed_quantity"] != row["usage_quantity"]:
            text += f" ({_n(row['consumed_quantity'])} {row['consumed_unit']} as billed)"
        return (
            "quantity",
            f"{text} in one line item is not plausible (a line item is refused above {limit} {unit})",
        )
    count, what, per = _PRODUCTS[check]
    hours, n = row["usage_hours"], row[count]
    return "quantity", (
        f"{_n(hours * n)} {what} ({_n(hours)} hours x {_n(n)} {per}) in one line item is not plausible "
        f"(a line item is refused above {limit} {what})"
    )


def check_bounds(reader: BillingReader, ctx: LoadContext) -> None:
    """Refuse the file (IngestError naming row and column) when a loaded row breaks a bound on its
    quantities or costs."""
    cur = ctx.con.execute(
        sql("ingest/quantity_bounds"),
        {
            "batch_id": ctx.batch_id,
            "max_quantity": MAX_QUANTITY_PER_LINE_ITEM,
            "max_per_hour": MAX_PER_USAGE_HOUR,
            "max_cost": MAX_COST_PER_LINE_ITEM,
        },
    )
    found = cur.fetchone()
    if found is None:
        return
    row = dict(zip([d[0] for d in cur.description], found, strict=True))
    source_row = int(row["source_row"])
    field, problem = _problem(str(row["failed_check"]), row)
    # No column where the value is not the file's own (instance catalog, unit table).
    if field in _COSTS:
        column = reader.cost_column(ctx, field, source_row)
    else:
        column = reader.quantity_column(ctx, field, source_row)
    raise IngestError(ctx.source.name, problem, row=source_row, column=column)
