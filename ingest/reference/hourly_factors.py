"""Hourly location-based grid factors per zone, used hour by hour where they cover a row's period.

Columns: zone (eGRID subregion or ISO country code), hour_start (UTC, on the hour; an offset is
converted), intensity_g_per_kwh, basis (direct, operational or lifecycle), source.
"""

from __future__ import annotations

from ingest.reference.base import ReferenceReader
from ingest.registry import register

READER = register(
    ReferenceReader(
        format_id="reference-hourly-factors",
        label="hourly grid factors",
        table="input_hourly_factors",
        required=("zone", "hour_start", "intensity_g_per_kwh", "basis", "source"),
    )
)
