"""Billing export readers. Importing this package registers every reader."""

from __future__ import annotations

from ingest.billing import focus  # noqa: F401
