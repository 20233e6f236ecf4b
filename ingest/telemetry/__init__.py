"""Telemetry readers (nvidia-smi, DCGM exporter, CodeCarbon, inference request counts)."""

from __future__ import annotations

from ingest.telemetry import capture, codecarbon, nvidia_smi, prometheus  # noqa: F401
