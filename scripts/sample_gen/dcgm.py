"""DCGM exporter metrics of the assistant-7b serving fleet (Azure NC96ads A100 v4, 4 x A100 80GB PCIe each),
in the two shapes they reach a user: a Prometheus query_range result and appended exporter scrapes.

The energy counter integrates the power each GPU reports, so energy read from the counter and energy
integrated from power agree, as they do on a real exporter.
"""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

from .common import Ids

DCGM_DAY_START = datetime(2026, 10, 14, 12, 0)  # query_range window: 12:00-18:00 UTC, 2-minute step
DCGM_SCRAPE_START = datetime(2026, 9, 15, 14, 0)  # appended scrapes: 14:00-14:05 UTC, every 30 s
DCGM_HOSTS = ["nc-a100-serve-00", "nc-a100-serve-01"]
EPOCH = datetime(1970, 1, 1)
METRICS = {  # DCGM field -> (HELP text, TYPE) as the exporter writes them
    "DCGM_FI_DEV_POWER_USAGE": ("Power draw (in W).", "gauge"),
    "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": ("Total energy consumption since boot (in mJ).", "counter"),
    "DCGM_FI_DEV_GPU_UTIL": ("GPU utilization (in %).", "gauge"),
}


class _Gpu:
    """One A100 with an energy counter that integrates the power it reports."""

    def __init__(self, rng: random.Random, ids: Ids, host: str, index: int):
        self.rng, self.host, self.index = rng, host, index
        self.uuid = f"GPU-{ids.guid()}"
        self.bus = f"0000{index + 1:04X}:00:00.0"
        self.counter_mj = rng.randint(2_400_000_000_000, 3_100_000_000_000)  # mJ since the driver loaded

    def step(self, seconds: float, busy: float) -> tuple[float, float]:
        """Advance by seconds at the given traffic share; returns (power W, utilisation %) reported now."""
        util = max(0.0, min(100.0, 100 * busy + self.rng.uniform(-8, 8)))
        power = 62 + 2.1 * util + self.rng.uniform(-6, 6)
        self.counter_mj += int(power * seconds * 1000)
        self.rng.randint(-400, 400)  # memory used: drawn to keep the random sequence, not exported
        return round(power, 3), util

    def values(self, power_w: float, util: float, power_format: str) -> dict[str, str]:
        """The three metric values as the sample text, keyed by DCGM field."""
        return {
            "DCGM_FI_DEV_POWER_USAGE": format(power_w, power_format),
            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION": str(self.counter_mj),
            "DCGM_FI_DEV_GPU_UTIL": str(int(util)),
        }


def _busy(t: datetime) -> float:
    """Traffic share over the US working day (UTC), 0-1."""
    hour = t.hour + t.minute / 60
    return 0.35 + 0.45 * max(0.0, 1 - abs(hour - 16.5) / 6)


def dcgm_query_range(rng: random.Random, ids: Ids) -> str:
    """Prometheus /api/v1/query_range result ('matrix') for the fleet's DCGM power, energy and utilisation,
    as `curl 'prometheus:9090/api/v1/query_range?query={__name__=~"DCGM_FI_DEV_(POWER_USAGE|TOTAL_ENERGY_
    CONSUMPTION|GPU_UTIL)",namespace="assistants"}&start=...&end=...&step=120'` returns it."""
    gpus = [_Gpu(rng, ids, host, i) for host in DCGM_HOSTS for i in range(4)]
    series: dict[tuple[str, int], list[list[object]]] = {}
    for step in range(181):
        t = DCGM_DAY_START + timedelta(seconds=120 * step)
        ts = int((t - EPOCH).total_seconds())
        for n, g in enumerate(gpus):
            power, util = g.step(120 if step else 0, _busy(t))
            for metric, value in g.values(power, util, ".3f").items():
                series.setdefault((metric, n), []).append([ts, value])
    result = []
    for n, g in enumerate(gpus):
        pod = f"assistant-7b-vllm-7c9d5f8b6-{g.host[-2:]}{g.index}x"
        for metric in METRICS:
            labels = {
                "__name__": metric,
                "DCGM_FI_DRIVER_VERSION": "550.90.07",
                "UUID": g.uuid,
                "container": "vllm",
                "device": f"nvidia{g.index}",
                "gpu": str(g.index),
                "hostname": g.host,
                "instance": f"10.240.0.{12 + DCGM_HOSTS.index(g.host)}:9400",
                "job": "dcgm-exporter",
                "model": "assistant-7b",
                "modelName": "NVIDIA A100 80GB PCIe",
                "namespace": "assistants",
                "pci_bus_id": g.bus,
                "pod": pod,
                "team": "assistants",
            }
            result.append({"metric": labels, "values": series[(metric, n)]})
    return (
        json.dumps(
            {"status": "success", "data": {"resultType": "matrix", "result": result}}, separators=(",", ":")
        )
        + "\n"
    )


def dcgm_scrapes(rng: random.Random, ids: Ids) -> str:
    """Eleven `curl -s nc-a100-serve-02:9400/metrics` scrapes appended to one file, each sample with its
    millisecond time stamp (as the scrape job wrote them), from an exporter still using `Hostname`."""
    host = "nc-a100-serve-02"
    gpus = [_Gpu(rng, ids, host, i) for i in range(4)]
    lines: list[str] = []
    for step in range(11):
        t = DCGM_SCRAPE_START + timedelta(seconds=30 * step)
        ms = int((t - EPOCH).total_seconds() * 1000) + rng.randint(0, 40)
        samples = [(g, g.step(30 if step else 0, _busy(t))) for g in gpus]
        values = [g.values(power, util, ".6f") for g, (power, util) in samples]
        for metric, (help_text, kind) in METRICS.items():
            lines += [f"# HELP {metric} {help_text}", f"# TYPE {metric} {kind}"]
            for (g, _), value in zip(samples, values, strict=True):
                lines.append(
                    f'{metric}{{gpu="{g.index}",UUID="{g.uuid}",pci_bus_id="{g.bus}",device="nvidia{g.index}",'
                    f'modelName="NVIDIA A100 80GB PCIe",Hostname="{host}",DCGM_FI_DRIVER_VERSION="550.90.07"}} '
                    f"{value[metric]} {ms}"
                )
    return "\n".join(lines) + "\n"
