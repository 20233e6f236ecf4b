"""The metrics the query layer aggregates, each with its unit, in one list.

Every front end (CLI summary, dashboard, reports) reads metrics from here, so a number is defined once.
Each metric is an aggregate over the `v_footprint` view (one row per billing line item).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    name: str  # key in JSON output; carries the unit
    sql: str  # aggregate expression over v_footprint
    unit: str
    label: str  # for humans, with the unit
    kind: str = "sum"  # sum | ratio (ratios are recomputed from sums, never summed)


METRICS: list[Metric] = [
    Metric("line_items", "count(*)", "rows", "Line items (rows)"),
]


def metric(name: str) -> Metric:
    for m in METRICS:
        if m.name == name:
            return m
    raise KeyError(name)
