"""Contractual instruments for the market-based method: certificates, PPAs, green tariffs, supplier rates.

Columns: instrument_id, instrument_type (eac / rec / go / i-rec / rego, ppa / vppa, green_tariff,
supplier_specific), zone (eGRID subregion or ISO country code) and/or provider + region_id, period_start,
period_end (inclusive dates), covered_mwh or covered_share (exactly one per row), factor_g_per_kwh (0 for
renewable generation), optional certification and note.
"""

from __future__ import annotations

from ingest.reference.base import ReferenceReader
from ingest.registry import register

READER = register(
    ReferenceReader(
        format_id="reference-instruments",
        label="contractual instruments (market-based Scope 2)",
        table="input_instruments",
        required=("instrument_id", "instrument_type", "period_start", "period_end", "factor_g_per_kwh"),
        optional=("zone", "provider", "region_id", "covered_mwh", "covered_share", "certification", "note"),
        one_of=(("covered_mwh", "covered_share"), ("zone", "region_id")),
    )
)
