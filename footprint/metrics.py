"""The metrics the query layer aggregates, each with its unit, in one list.

Every front end (CLI summary, dashboard, reports) reads metrics from here, so a number is defined once.
Each metric is an aggregate over the `v_footprint` view (one row per billing line item and per unbilled
telemetry activity).
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
    numerator: str | None = None  # ratio: the sum metric it divides ...
    denominator: str | None = None  # ... by this sum metric


METRICS: list[Metric] = [
    Metric("line_items", "count(*) FILTER (WHERE source = 'billing')", "rows", "Line items (rows)"),
    # Estimation (footprint_items; docs/methodology.md). IT energy excludes PUE; facility energy includes it.
    Metric("energy_kwh", "sum(energy_kwh)", "kWh", "IT energy (kWh)"),
    Metric("energy_kwh_low", "sum(energy_kwh_low)", "kWh", "IT energy, low (kWh)"),
    Metric("energy_kwh_high", "sum(energy_kwh_high)", "kWh", "IT energy, high (kWh)"),
    Metric("measured_energy_kwh", "sum(measured_energy_kwh)", "kWh", "Measured IT energy (kWh)"),
    Metric("facility_energy_kwh", "sum(facility_energy_kwh)", "kWh", "Facility energy (kWh)"),
    Metric("facility_energy_kwh_low", "sum(facility_energy_kwh_low)", "kWh", "Facility energy, low (kWh)"),
    Metric("facility_energy_kwh_high", "sum(facility_energy_kwh_high)", "kWh", "Facility energy, high (kWh)"),
    Metric("scope2_location_kgco2e", "sum(location_kgco2e)", "kgCO2e", "Location-based (kg CO2e)"),
    Metric("scope2_location_kgco2e_low", "sum(location_kgco2e_low)", "kgCO2e", "Location-based, low (kg CO2e)"),
    Metric(
        "scope2_location_kgco2e_high", "sum(location_kgco2e_high)", "kgCO2e", "Location-based, high (kg CO2e)"
    ),
    Metric("scope2_market_kgco2e", "sum(market_kgco2e)", "kgCO2e", "Market-based (kg CO2e)"),
    Metric("scope2_market_kgco2e_low", "sum(market_kgco2e_low)", "kgCO2e", "Market-based, low (kg CO2e)"),
    Metric("scope2_market_kgco2e_high", "sum(market_kgco2e_high)", "kgCO2e", "Market-based, high (kg CO2e)"),
    Metric(
        "spend_based_energy_kwh", "sum(spend_based_energy_kwh)", "kWh",
        "Spend-based IT energy of usage no model covers (kWh, separate method)",
    ),
    Metric(
        "unmodelled_line_items", "count(*) FILTER (WHERE method = 'spend_based')", "rows",
        "Usage rows without a modelled or measured estimate (rows)",
    ),
    # Coverage inputs: usage cost at face value in each row's billing currency (only ever divided).
    Metric("usage_cost", "sum(usage_cost)", "currency units", "Usage cost (billing currency units)"),
    Metric(
        "estimated_usage_cost", "sum(estimated_usage_cost)", "currency units",
        "Usage cost with an energy estimate (billing currency units)",
    ),
    Metric(
        "coverage", "sum(estimated_usage_cost) / nullif(sum(usage_cost), 0)", "ratio",
        "Share of usage cost with an energy estimate", kind="ratio",
        numerator="estimated_usage_cost", denominator="usage_cost",
    ),
    Metric(
        "measured_share", "sum(measured_energy_kwh) / nullif(sum(energy_kwh), 0)", "ratio",
        "Measured share of IT energy", kind="ratio",
        numerator="measured_energy_kwh", denominator="energy_kwh",
    ),
]


def metric(name: str) -> Metric:
    for m in METRICS:
        if m.name == name:
            return m
    raise KeyError(name)
