"""The words of a report: the methodology statement (boundary, method, factor bases, GWP basis) and the
titles and notes of its sections, written once so the PDF, the XLSX and the CSV say the same thing.
"""

from __future__ import annotations

from typing import Any

from footprint import METHODOLOGY_VERSION
from footprint.estimation.options import scope_statement
from footprint.report.period import Period, Scope

SECTIONS: dict[str, str] = {
    "cover": "Report",
    "headline": "Headline figures",
    "energy": "Energy by provider and region (ESRS E1-5)",
    "emissions": "Emissions by both Scope 2 methods (ESRS E1-6)",
    "scope_labels": "Reporting scope of the electricity",
    "models": "Training and inference per model",
    "trend": "Trend against the previous period",
    "monthly": "Month by month",
    "instruments": "Contractual instruments applied",
    "market_methods": "How the market-based figure was made",
    "sources": "Factor and PUE sources",
    "pue": "PUE and its sources",
    "factors": "Location-based factors and their sources",
    "coefficients": "Coefficients and their sources",
    "data_quality": "Data quality",
    "methods": "Estimation methods",
    "unknown_skus": "Usage without an energy estimate (unknown SKUs)",
    "unattributed": "Spend without a team or a model",
    "methodology": "Methodology statement",
    "line_items": "Line items behind the figures",
}

NOTES: dict[str, str] = {
    "headline": (
        "IT energy excludes data-centre overhead; facility energy = IT energy x PUE. Emissions are facility "
        "energy x grid factor (location-based) and x contractual or residual factor (market-based). Ranges "
        "(low to high) come from the coefficient and utilisation ranges. Cost is billed cost per billing "
        "currency, never added across currencies."
    ),
    "energy": (
        "Energy consumption of the compute in scope, per provider and region. The energy mix by fuel "
        "(ESRS E1-5 fossil / nuclear / renewable) is not known from bills; the energy covered by "
        "contractual instruments is shown instead (see Contractual instruments applied)."
    ),
    "emissions": (
        "Both GHG Protocol Scope 2 methods side by side (dual reporting), per provider and region. Location-"
        "based: average grid factor of the region's zone; market-based: contractual instruments, then the "
        "residual mix, then the location-based factor as a disclosed last resort."
    ),
    "models": (
        "From the per-model ledger: each footprint row is spread over the UTC days it covers. Energy per "
        "1,000 inferences uses only days with both request counts and inference energy. SCI per ISO/IEC "
        "21031: location-based, facility energy, R = 1,000 requests, embodied emissions M = 0."
    ),
    "trend": "The same figures for the previous period of the same kind, and the change.",
    "instruments": (
        "Energy attribute certificates, PPAs, green tariffs and supplier-specific rates loaded as reference "
        "files, with the facility energy of this report each one covered (its share of the rows it covered)."
    ),
    "market_methods": (
        "location_fallback: no instrument or residual mix for the zone, so the location-based factor stands in "
        "(GHG Protocol Scope 2 Guidance: disclosed, may double count renewable attributes claimed by others)."
    ),
    "data_quality": (
        "Measured: energy from GPU telemetry. Modelled: usage x coefficients. Spend-based: usage no coefficient "
        "covers, estimated from cost separately and never part of the figures above. Unattributed: cost no tag "
        "or rule gave a team or a model."
    ),
    "unknown_skus": "Map these to coefficients or instance types to bring them into the estimate.",
    "unattributed": "Add tags or attribution rules to give these rows a team and a model.",
}

LIMITATIONS = [
    "Utilisation of billed resources is assumed where no telemetry measures it; the range is wide on purpose.",
    "Embodied emissions (Scope 3 category 2, SCI 'M') are not included in this methodology version.",
    "Lifecycle grid factors include upstream emissions that the GHG Protocol reports in Scope 3 category 3; "
    "each factor's basis is stated.",
    "Usage no coefficient covers is counted and estimated from spend separately, never added to the totals.",
]


def _source_id(source: str | None) -> str:
    return (source or "unknown").split()[0]


def factor_bases(location_factors: list[Any]) -> list[str]:
    """'direct: egrid (73.1 % of facility energy)' for each basis and source the figures used."""
    total = sum(f.facility_energy_kwh or 0.0 for f in location_factors)
    by_key: dict[tuple[str, str], float] = {}
    for f in location_factors:
        key = (f.location_factor_basis or "unknown", _source_id(f.location_factor_source))
        by_key[key] = by_key.get(key, 0.0) + (f.facility_energy_kwh or 0.0)
    out = []
    for (basis, source), kwh in sorted(by_key.items(), key=lambda kv: (-kv[1], kv[0])):
        share = f" ({100 * kwh / total:.1f} % of facility energy)" if total else ""
        out.append(f"{basis}: {source}{share}")
    return out


def methodology_statement(scope_label: str, location_factors: list[Any], period: Period, scope: Scope) -> dict[str, Any]:
    """Boundary, method, factor bases and GWP basis for a report (the Methodology model's fields)."""
    statement = scope_statement(scope_label)
    boundary = (
        f"{statement['text']}. {statement['note']} Organisational boundary: the cloud billing accounts and "
        f"hosts whose bills and telemetry were loaded into this store; scope of this report: {scope.label}. "
        f"Period: {period.description}; a row belongs to the period by the UTC start of its charge period."
    )
    method = [
        "IT energy per line item = resource-hours x power at the assumed utilisation (vCPUs, memory, "
        "accelerators, storage, network), or the measured energy where GPU telemetry covers the resource.",
        "Facility energy = IT energy x PUE of the provider (and region where published) for the usage year.",
        "Location-based emissions = facility energy x annual grid factor of the region's zone (or hourly "
        "factors where supplied).",
        "Market-based emissions = facility energy x factor of the contractual instruments, then the residual "
        "mix, then the location-based factor as a disclosed last resort (GHG Protocol Scope 2 Guidance, "
        "table 6.3).",
    ]
    bases = factor_bases(location_factors)
    sources = sorted({_source_id(f.location_factor_source) for f in location_factors})
    gwp = (
        "Grid factors are applied in CO2e as their sources publish them"
        + (f" ({', '.join(sources)})" if sources else "")
        + ". The shipped factor tables do not state which IPCC GWP set (AR5 or AR6) their CO2e uses; this "
        "report neither converts between GWP sets nor asserts one. Each factor's basis (direct, operational "
        "or lifecycle) is listed with its source and year."
    )
    return {
        "boundary": boundary,
        "method": method,
        "factor_bases": bases,
        "gwp": gwp,
        "limitations": LIMITATIONS,
        "document": f"docs/methodology.md, methodology version {METHODOLOGY_VERSION}",
    }
