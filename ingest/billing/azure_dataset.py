"""Telling Azure's actual and amortized cost datasets apart, and refusing to load both for one period.

Cost Management exports the same charges twice: the actual dataset (what the invoice charges: commitment
purchases as their own rows, usage covered by a reservation or savings plan at cost 0) and the amortized
dataset (no purchases; the commitment cost spread over the usage it covered, plus UnusedReservation and
UnusedSavingsPlan rows for what went unused). Both carry the same usage quantities, so loading both would
count consumption, and hence energy, twice. The header does not say which dataset a file is; its commitment
rows do, by the test Microsoft's ConvertTo-FinOpsSchema applies:
- actual: a commitment purchase or refund row, or commitment usage that is all at cost 0;
- amortized: an unused commitment row, or commitment usage priced above 0;
- both at once: the file mixes the datasets and is refused;
- neither: a file without commitment rows reads the same in both datasets ("undetermined"), so it
  conflicts with neither.
The result is recorded on the batch (format_detail starts with `dataset=actual|amortized|undetermined`),
and a batch whose billing account and period an earlier batch of the other dataset already covers is
refused, inside the loading transaction, so the store stays as it was.
"""

from __future__ import annotations

from footprint.sqlfiles import sql
from ingest.billing.azure_columns import AzureColumns
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts

OTHER = {"actual": "amortized", "amortized": "actual"}


def classify(facts: dict[str, int]) -> tuple[str, str]:
    """(dataset, reason) from the batch facts; raises ValueError naming rows when the file mixes both."""
    actual = facts["purchases"] > 0
    amortized = facts["unused"] > 0 or facts["priced_usage"] > 0
    if actual and amortized:
        other_row = facts["first_priced_usage"] or facts["first_unused"]
        raise ValueError(
            f"mixes Azure's actual and amortized cost datasets: row {facts['first_purchase']} is a commitment "
            f"purchase, which only the actual dataset has, and row {other_row} is commitment usage carrying "
            "amortised cost, which only the amortized dataset has; export the two datasets as separate "
            "files and load one of them"
        )
    if actual:
        return "actual", f"{facts['purchases']} commitment purchase or refund row(s)"
    if amortized:
        parts = []
        if facts["priced_usage"]:
            parts.append(f"{facts['priced_usage']} commitment usage row(s) carrying amortised cost")
        if facts["unused"]:
            parts.append(f"{facts['unused']} unused commitment row(s)")
        return "amortized", ", ".join(parts)
    if facts["zero_usage"]:
        return "actual", f"{facts['zero_usage']} commitment usage row(s) at cost 0"
    return "undetermined", "no commitment rows, so the actual and amortized datasets read the same"


def finish_batch(ctx: LoadContext, counts: LoadCounts, cols: AzureColumns) -> LoadCounts:
    """Record the dataset and dialect on the batch, add warnings, refuse mixing with the other dataset."""
    cur = ctx.con.execute(sql("ingest/azure_batch_facts"), [ctx.batch_id])
    names = [d[0] for d in cur.description]
    row = cur.fetchone()
    facts = dict(zip(names, row, strict=True)) if row else {}
    try:
        dataset, reason = classify(facts)
    except ValueError as exc:
        raise IngestError(ctx.source.name, str(exc)) from None
    counts.detail = f"dataset={dataset} ({reason}); {cols.dialect()}"
    if not cols.has("charge_type"):
        counts.detail += "; no ChargeType column, every row read as usage"
    if facts["unknown_unit_rows"]:
        counts.warnings.append(
            f"{facts['unknown_unit_rows']} usage row(s) have a unit of measure missing from Microsoft's "
            f"pricing-unit table ({', '.join(facts['unknown_units'])}); their quantity is kept as billed"
        )
    if facts["unknown_location_rows"]:
        counts.warnings.append(
            f"{facts['unknown_location_rows']} row(s) have a location missing from Microsoft's region table "
            f"({', '.join(facts['unknown_locations'])}); their region is left blank"
        )
    if dataset in OTHER:
        refuse_other_dataset(ctx, dataset)
    return counts


def refuse_other_dataset(ctx: LoadContext, dataset: str) -> None:
    """Raise when an earlier batch of the other dataset covers one of this batch's account-periods."""
    other = OTHER[dataset]
    hit = ctx.con.execute(
        sql("ingest/azure_dataset_conflict"), [ctx.batch_id, f"dataset={other}%"]
    ).fetchone()
    if not hit:
        return
    batch_id, file_name, account, period = hit
    raise IngestError(
        ctx.source.name,
        f"this is Azure's {dataset} cost dataset, but billing account {account} for {period:%Y-%m} is already "
        f"loaded from the {other} cost dataset (batch {batch_id}, {file_name}); both describe the same usage, "
        f"so loading both would count it twice. Keep one dataset per billing period: leave batch {batch_id} "
        f"as it is, or remove it with `footprint batches --remove {batch_id}` and load this file again",
    )
