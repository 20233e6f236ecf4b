"""Residual-mix emission factors per grid zone and year (AIB European Residual Mixes, Green-e, ...).

No open residual-mix file can be shipped, so the user supplies it. Columns: zone (eGRID subregion or ISO
country code), year, factor_g_per_kwh, source.
"""

from __future__ import annotations

from ingest.reference.base import ReferenceReader
from ingest.registry import register

READER = register(
    ReferenceReader(
        format_id="reference-residual-mix",
        label="residual-mix factors",
        table="input_residual_mix",
        required=("zone", "year", "factor_g_per_kwh", "source"),
    )
)
