"""The report's provenance and data-quality sections as tables: instruments, market-based methods, PUE,
grid factors, coefficients, estimation methods, unknown SKUs and unattributed spend (see tables.py for
how a table is defined).
"""

from __future__ import annotations

from typing import Any

from footprint.report.model import Report
from footprint.report.tables import SHARE, Column, Table, kilo
from footprint.report.text import NOTES, SECTIONS

# The PDF lists the largest rows of long provenance tables; the XLSX and the CSV list every row.
PDF_ROWS = 25


def instruments(report: Report) -> Table:
    cols = [Column("instrument_id", "Instrument", "text"), Column("instrument_type", "Type", "text"),
            Column("zone", "Zone", "text"), Column("provider", "Provider", "text", pdf=False),
            Column("region_id", "Region", "text"), Column("period_start", "From", "date"),
            Column("period_end", "To (inclusive)", "date"),
            Column("contracted_mwh", "Contracted volume (MWh)", unit="MWh"),
            Column("contracted_share", "Contracted share (%)", "share", unit=SHARE, pdf=False),
            Column("factor_g_per_kwh", "Factor (g CO2e/kWh)", unit="g CO2e/kWh"),
            Column("certification", "Certification", "text"),
            Column("line_items", "Rows covered", "count", unit="rows", pdf=False, decimals=0),
            Column("covered_mwh", "Covered in this report (MWh)", unit="MWh"),
            Column("eligible_facility_energy_mwh", "Facility energy of the rows covered (MWh)", unit="MWh",
                   pdf=False)]
    rows = [[i.instrument_id, i.instrument_type, i.zone, i.provider, i.region_id, i.period_start, i.period_end,
             i.covered_mwh, i.covered_share, i.factor_g_per_kwh, i.certification, float(i.line_items),
             kilo(i.covered_kwh), kilo(i.eligible_facility_energy_kwh)] for i in report.instruments]
    return Table("instruments", SECTIONS["instruments"], cols, rows, NOTES["instruments"],
                 empty="No contractual instrument covered energy in this period and scope.")


def market_methods(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("region", "Region", "text"),
            Column("market_method", "Method", "text"), Column("market_factor_source", "How", "text"),
            Column("facility_energy_mwh", "Facility energy (MWh)", unit="MWh"),
            Column("instrument_covered_mwh", "Covered by instruments (MWh)", unit="MWh"),
            Column("market_tco2e", "Market-based (t CO2e)", unit="t CO2e"),
            Column("effective_g_per_kwh", "Effective factor (g CO2e/kWh)", unit="g CO2e/kWh")]
    rows = [[m.provider, m.region, m.market_method, m.market_factor_source, kilo(m.facility_energy_kwh),
             kilo(m.instrument_covered_kwh), kilo(m.market_kgco2e), m.effective_g_per_kwh]
            for m in report.market_methods]
    return Table("market_methods", SECTIONS["market_methods"], cols, rows, NOTES["market_methods"])


def pue(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("region", "Region", "text"),
            Column("pue", "PUE", unit="ratio", decimals=2), Column("pue_source", "Source", "text"),
            Column("pue_year", "Year", "text"),
            Column("energy_mwh", "IT energy (MWh)", unit="MWh"),
            Column("facility_energy_mwh", "Facility energy (MWh)", unit="MWh")]
    rows = [[p.provider, p.region, p.pue, p.pue_source, None if p.pue_year is None else str(p.pue_year),
             kilo(p.energy_kwh), kilo(p.facility_energy_kwh)] for p in report.pue_sources]
    return Table("pue", SECTIONS["pue"], cols, rows)


def factors(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("region", "Region", "text"),
            Column("grid_zone", "Grid zone", "text", pdf=False),
            Column("location_factor_zone", "Zone of the factor", "text", pdf=False),
            Column("location_factor_g_per_kwh", "Factor (g CO2e/kWh)", unit="g CO2e/kWh"),
            Column("location_factor_source", "Source", "text"), Column("location_factor_basis", "Basis", "text"),
            Column("location_factor_year", "Year", "text"), Column("location_factor_fallback", "Fallback", "text"),
            Column("location_hourly", "Hourly", "text", pdf=False),
            Column("facility_energy_mwh", "Facility energy (MWh)", unit="MWh"),
            Column("location_tco2e", "Location-based (t CO2e)", unit="t CO2e", pdf=False),
            Column("effective_g_per_kwh", "Effective factor (g CO2e/kWh)", unit="g CO2e/kWh", pdf=False)]
    rows = [[f.provider, f.region, f.grid_zone, f.location_factor_zone, f.location_factor_g_per_kwh,
             f.location_factor_source, f.location_factor_basis,
             None if f.location_factor_year is None else str(f.location_factor_year),
             f.location_factor_fallback, "yes" if f.location_hourly else "no", kilo(f.facility_energy_kwh),
             kilo(f.location_kgco2e), f.effective_g_per_kwh] for f in report.location_factors]
    return Table("factors", SECTIONS["factors"], cols, rows)


def coefficients(report: Report) -> Table:
    cols = [Column("coefficient_id", "Coefficient", "text"), Column("value", "Value", "text"),
            Column("source_id", "Source ids", "text"), Column("sources", "Sources (citation, address, licence)",
                                                             "text", pdf=False),
            Column("line_items", "Rows using it", "count", unit="rows", decimals=0),
            Column("energy_mwh", "IT energy of those rows (MWh)", unit="MWh", pdf=False)]
    rows = [[c.coefficient_id, c.value, c.source_id, c.sources, float(c.line_items), kilo(c.energy_kwh)]
            for c in report.coefficients]
    return Table("coefficients", SECTIONS["coefficients"], cols, rows,
                 "Every coefficient the estimate of these rows used; the full citations are in the XLSX and in "
                 "footprint/data/sources.csv.", pdf_limit=PDF_ROWS * 2)


def data_quality(report: Report) -> Table:
    q, h = report.data_quality, report.headline
    cols = [Column("figure", "Figure", "text"), Column("unit", "Unit", "unit"),
            Column("value", "Value", unit="row")]
    rows: list[list[Any]] = [
        ["Measured share of IT energy (telemetry)", SHARE, q.measured_share_of_energy],
        ["Modelled share of IT energy (coefficients)", SHARE, q.modelled_share_of_energy],
        ["Usage cost with an energy estimate (coverage)", SHARE, h.coverage],
    ]
    rows += [[f"Spend-based share of usage cost ({c})", SHARE, v]
             for c, v in q.spend_based_share_of_usage_cost.items()]
    rows.append(["Spend-based IT energy (separate method, not in the totals)", "MWh", kilo(h.spend_based_energy_kwh)])
    rows += [[f"Share of billed cost without a team or a model ({c})", SHARE, v]
             for c, v in q.unattributed_share_of_cost.items()]
    rows.append(["Share of IT energy without a team or a model", SHARE, q.unattributed_share_of_energy])
    rows.append(["Usage groups without an energy estimate (unknown SKUs)", "groups", float(q.unknown_sku_groups)])
    rows.append(["Usage rows without an energy estimate", "rows", float(h.unmodelled_line_items)])
    return Table("data_quality", SECTIONS["data_quality"], cols, rows, NOTES["data_quality"])


def methods(report: Report) -> Table:
    cols = [Column("method", "Method", "text"), Column("billing_currency", "Currency", "text"),
            Column("footprint_rows", "Rows (billing and telemetry)", "count", unit="rows", decimals=0),
            Column("energy_mwh", "IT energy (MWh)", unit="MWh"),
            Column("measured_energy_mwh", "Measured IT energy (MWh)", unit="MWh"),
            Column("spend_based_energy_mwh", "Spend-based IT energy (MWh)", unit="MWh"),
            Column("usage_cost", "Usage cost (in the currency)", unit="@billing_currency", decimals=2)]
    rows = [[m.method, m.billing_currency, float(m.footprint_rows), kilo(m.energy_kwh), kilo(m.measured_energy_kwh),
             kilo(m.spend_based_energy_kwh), m.usage_cost] for m in report.methods]
    return Table("methods", SECTIONS["methods"], cols, rows)


def unknown_skus(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("service", "Service", "text"),
            Column("usage_type", "Usage type (SKU)", "text"), Column("usage_unit", "Unit", "text"),
            Column("not_modelled_reason", "Why no estimate", "text"),
            Column("billing_currency", "Currency", "text"),
            Column("line_items", "Rows", "count", unit="rows", decimals=0),
            Column("usage_cost", "Usage cost (in the currency)", unit="@billing_currency", decimals=2),
            Column("spend_based_energy_kwh", "Spend-based IT energy (kWh)", unit="kWh")]
    rows = [[u.provider, u.service, u.usage_type, u.usage_unit, u.not_modelled_reason, u.billing_currency,
             float(u.line_items), u.usage_cost, u.spend_based_energy_kwh] for u in report.unknown_skus]
    return Table("unknown_skus", SECTIONS["unknown_skus"], cols, rows, NOTES["unknown_skus"],
                 empty="Every usage row in this period and scope has an energy estimate.", pdf_limit=PDF_ROWS)


def unattributed(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("service", "Service", "text"),
            Column("missing", "Missing", "text"), Column("billing_currency", "Currency", "text"),
            Column("energy_mwh", "IT energy (MWh)", unit="MWh"),
            Column("billed_cost", "Billed cost (in the currency)", unit="@billing_currency", decimals=2)]
    rows = [[u.provider, u.service, u.missing, u.billing_currency, kilo(u.energy_kwh), u.billed_cost]
            for u in report.unattributed]
    return Table("unattributed", SECTIONS["unattributed"], cols, rows, NOTES["unattributed"],
                 empty="Every row in this period and scope has a team and a model.", pdf_limit=PDF_ROWS)
