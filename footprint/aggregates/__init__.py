"""Pre-aggregated tables the dashboard reads, and the queries over them.

A bill of ten million line items cannot be re-summed on every page view. The last refresh step sums
`v_footprint` per UTC day and per combination of the filterable dimensions (provider, region, service,
team, model, workload, accelerator, currency): a few hundred rows a day. Filters are whole days, so
filtering and grouping these tables gives exactly what `footprint.queries.summary()` gives on the line
items; the metric columns of agg_footprint_day are the additive metrics of `footprint.metrics.METRICS`,
so a number is still defined in one place. Further tables keep how each figure was made (method, PUE,
factors), what could not be modelled, measured telemetry and its reconciliation with the model.
Nothing here estimates anything: it only re-adds what the estimation produced.
"""

from __future__ import annotations

from footprint.aggregates.build import (
    TABLES,
    additive_metrics,
    is_current,
    metrics_signature,
    refresh,
    refresh_incremental,
    staleness,
)
from footprint.aggregates.provenance import (
    instruments_applied,
    location_factors,
    market_methods,
    method_shares,
    pue_used,
    scope_split,
    unattributed_spend,
    unmodelled_usage,
)
from footprint.aggregates.select import AGG_DIMENSIONS, DATE_COLUMN, GRAINS
from footprint.aggregates.telemetry import (
    codecarbon_runs,
    measured_sources,
    reconciliation,
    telemetry_devices,
    telemetry_power,
)
from footprint.aggregates.totals import (
    batches,
    costs,
    filter_options,
    kpis,
    month_on_month,
    top_resources,
    totals,
)

__all__ = [
    "AGG_DIMENSIONS",
    "DATE_COLUMN",
    "GRAINS",
    "TABLES",
    "additive_metrics",
    "batches",
    "costs",
    "filter_options",
    "instruments_applied",
    "is_current",
    "kpis",
    "location_factors",
    "market_methods",
    "method_shares",
    "scope_split",
    "metrics_signature",
    "month_on_month",
    "pue_used",
    "reconciliation",
    "codecarbon_runs",
    "measured_sources",
    "refresh",
    "refresh_incremental",
    "staleness",
    "telemetry_devices",
    "telemetry_power",
    "top_resources",
    "totals",
    "unattributed_spend",
    "unmodelled_usage",
]
