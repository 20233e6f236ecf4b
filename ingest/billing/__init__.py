"""Billing export readers. Importing this package registers every reader."""

from __future__ import annotations

from ingest.billing import aws_cur, aws_cur2  # noqa: F401
from ingest.billing import azure  # noqa: F401
from ingest.billing import focus  # noqa: F401
from ingest.billing import gcp  # noqa: F401
