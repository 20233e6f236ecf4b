"""How the figures were made (PUE, grid factors, market-based method, instruments, estimation method),
and what to fix: usage no coefficient covers, spend no rule attributed.
"""

from __future__ import annotations

from typing import Any

import duckdb
import pandas as pd

from footprint.aggregates.select import grouped, grouped_sql, money, sums, table_for
from footprint.queries import Filters
from footprint.sqlfiles import sql


def _provenance(
    con: duckdb.DuckDBPyConnection, f: Filters, keys: list[str], values: list[str], **kw: Any
) -> pd.DataFrame:
    table, col = table_for("provenance", f)
    return grouped(con, table, f, keys, values, date_column=col, **kw)


def pue_used(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each PUE applied, with its source and year, and the energy it applied to."""
    keys = ["provider", "coalesce(region_id, 'unknown') AS region", "pue", "pue_source", "pue_year"]
    return _provenance(
        con,
        filters,
        keys,
        sums("energy_kwh", "facility_energy_kwh"),
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(energy_kwh) > 0",
    )


def location_factors(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Each location-based factor used per region: zone, value, source, year, fallback, and what it covered."""
    keys = [
        "provider",
        "coalesce(region_id, 'unknown') AS region",
        "grid_zone",
        "location_factor_zone",
        "location_factor_g_per_kwh",
        "location_factor_source",
        "location_factor_basis",
        "location_factor_year",
        "location_factor_fallback",
        "location_hourly",
    ]
    values = [
        *sums("facility_energy_kwh", "location_kgco2e"),
        "1000 * sum(location_kgco2e) / nullif(sum(facility_energy_kwh), 0) AS effective_g_per_kwh",
    ]
    return _provenance(
        con,
        filters,
        keys,
        values,
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(facility_energy_kwh) > 0",
    )


def market_methods(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """How the market-based figure was made (instruments, residual mix, location fallback), by region."""
    keys = ["provider", "coalesce(region_id, 'unknown') AS region", "market_method", "market_factor_source"]
    values = [
        *sums("facility_energy_kwh", "instrument_covered_kwh", "market_kgco2e"),
        "1000 * sum(market_kgco2e) / nullif(sum(facility_energy_kwh), 0) AS effective_g_per_kwh",
    ]
    return _provenance(
        con,
        filters,
        keys,
        values,
        order="facility_energy_kwh DESC NULLS LAST",
        having="sum(facility_energy_kwh) > 0",
    )


def instruments_applied(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Contractual instruments that covered energy in the filtered scope, with the energy they covered."""
    table, col = table_for("provenance", filters)
    query, params = grouped_sql(
        table,
        filters,
        ["instrument_ids"],
        sums("instrument_covered_kwh", "facility_energy_kwh"),
        having="instrument_ids IS NOT NULL AND sum(instrument_covered_kwh) > 0",
        date_column=col,
    )
    return con.execute(sql("aggregates/instruments_applied").format(inner=query), params).df()


def scope_split(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Location- and market-based emissions per reporting scope (`scope`: scope2 | scope3_cat1), largest
    first: the scope each line item was estimated under (own hardware is Scope 2; cloud-billed rows take
    the scope setting in force at the refresh), as the report splits it."""
    return _provenance(
        con,
        filters,
        ["scope_label AS scope"],
        # named like the summary's metrics (footprint/metrics.py), which the cards beside the split show
        ["sum(location_kgco2e) AS scope2_location_kgco2e", "sum(market_kgco2e) AS scope2_market_kgco2e"],
        order="scope2_location_kgco2e DESC NULLS LAST",
    )


def method_shares(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Rows (billing and telemetry), IT energy and usage cost per estimation method (measured, modelled,
    spend-based, none)."""
    values = [
        *sums("footprint_rows", "energy_kwh", "measured_energy_kwh", "spend_based_energy_kwh"),
        money("usage_cost"),
        money("estimated_usage_cost"),
    ]
    return _provenance(con, filters, ["method", "billing_currency"], values)


def unmodelled_usage(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 200) -> pd.DataFrame:
    """Usage no coefficient covers (unknown SKUs), largest cost first, with why and the spend-based energy."""
    keys = [
        "provider",
        "coalesce(service_name, 'unknown') AS service",
        "coalesce(usage_type, 'unknown') AS usage_type",
        "usage_unit",
        "method",
        "not_modelled_reason",
        "billing_currency",
    ]
    values = [*sums("line_items", "spend_based_energy_kwh"), money("usage_cost")]
    query, params = grouped_sql(
        "agg_unmodelled_day", filters, keys, values, order="usage_cost DESC NULLS LAST, 1"
    )
    return con.execute(f"{query} LIMIT ?", [*params, int(limit)]).df()


def unattributed_spend(con: duckdb.DuckDBPyConnection, filters: Filters) -> pd.DataFrame:
    """Cost and energy that no rule gave a team or a model, by provider and service."""
    keys = [
        "provider",
        "coalesce(service_name, 'unknown') AS service",
        "CASE WHEN team = 'unattributed' AND model = 'unattributed' THEN 'team and model' "
        "WHEN team = 'unattributed' THEN 'team' ELSE 'model' END AS missing",
        "billing_currency",
    ]
    table, col = table_for("footprint", filters)
    return grouped(
        con,
        table,
        filters,
        keys,
        [*sums("energy_kwh"), money()],
        date_column=col,
        order="billed_cost DESC NULLS LAST, 1",
        also="team = 'unattributed' OR model = 'unattributed'",
    )
