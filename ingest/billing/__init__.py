"""Billing export readers. Importing this package registers every reader."""

from __future__ import annotations

from ingest.billing import aws_cur, aws_cur2, azure, focus, gcp  # noqa: F401
