"""PUE overrides: a site's or a provider region's own PUE, per year or for every year.

Columns: provider (aws, gcp, azure, oracle, onprem, other), pue, source, optional region_id and year. A
region's row takes precedence over a provider-wide one; a year's row over an undated one.
"""

from __future__ import annotations

from ingest.reference.base import ReferenceReader
from ingest.registry import register

READER = register(
    ReferenceReader(
        format_id="reference-pue",
        label="PUE overrides",
        table="input_pue",
        required=("provider", "pue", "source"),
        optional=("region_id", "year"),
    )
)
