"""Telemetry readers (nvidia-smi, DCGM exporter, CodeCarbon, inference request counts)."""
