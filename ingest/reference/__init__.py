"""Readers for user-supplied reference inputs of the estimation (kind 'reference').

Contractual instruments, residual-mix factors, hourly grid factors per zone and PUE overrides arrive as
CSV files, recognised by their header and loaded like any other batch (deduplicated, atomic, removable).
Importing this package registers the readers; the columns each expects are in docs/methodology.md.
"""

from __future__ import annotations

from ingest.reference import hourly_factors, instruments, pue, residual_mix  # noqa: F401
