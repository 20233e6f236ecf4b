"""Telemetry readers (nvidia-smi, DCGM exporter, CodeCarbon, inference request counts)."""

from __future__ import annotations

from ingest.telemetry import (  # noqa: F401
    capture,
    codecarbon,
    inference_requests,
    mapping,
    nvidia_smi,
    prometheus,
)
