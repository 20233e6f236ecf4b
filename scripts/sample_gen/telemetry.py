"""Measured GPU energy beside the bills: nvidia-smi on the billed p5 smoke-test instance and CodeCarbon on
the on-prem DGX in Frankfurt, in the files those tools write.

The power figures follow the real H100 / A100 idle and load readings in ../shared/sample_telemetry, so the
measured energy lands where a real run would; the nvidia-smi log has a gap while its logger restarted.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .common import D, Ids, csv_text, num
from .world import SMOKE_START

NVSMI_HEADER = [
    "timestamp",
    "name",
    "pci.bus_id",
    "uuid",
    "index",
    "power.draw [W]",
    "utilization.gpu [%]",
    "memory.used [MiB]",
    "temperature.gpu",
]
P5_BUS_IDS = [
    "00000000:53:00.0",
    "00000000:64:00.0",
    "00000000:75:00.0",
    "00000000:86:00.0",
    "00000000:97:00.0",
    "00000000:A8:00.0",
    "00000000:B9:00.0",
    "00000000:CA:00.0",
]
NVSMI_GAP = (datetime(2026, 9, 2, 10, 31), datetime(2026, 9, 2, 10, 37))  # the logger was restarted


def _h100_reading(rng: random.Random, minute: int) -> tuple[float, float, float]:
    """(power W, utilisation %, memory MiB) of one H100 in minute of the smoke run."""
    if minute < 3:  # loading data and compiling: partial load
        return 95 + 60 * minute + rng.uniform(-8, 8), 20 + 25 * minute, 9000 + 20000 * minute
    if minute >= 178:  # job finished, GPUs idle until the instance stops
        return 72 + rng.uniform(-2, 2), 0, 4
    if minute % 30 == 29:  # checkpoint write: GPUs wait on storage
        return 240 + rng.uniform(-20, 20), 12, 71880
    return 640 + rng.uniform(-35, 40), rng.choice((97, 98, 99, 100, 100)), 71880 + rng.randint(-200, 200)


def nvidia_smi_log(rng: random.Random, ids: Ids) -> str:
    """`nvidia-smi --query-gpu=timestamp,name,pci.bus_id,uuid,index,power.draw,utilization.gpu,memory.used,
    temperature.gpu --format=csv -l 60` on the 8 x H100 smoke-test node, 09:00-12:00 UTC (host clock UTC)."""
    uuids = [f"GPU-{ids.guid()}" for _ in range(8)]
    lines = [", ".join(NVSMI_HEADER)]
    t = SMOKE_START + timedelta(milliseconds=412)
    end = SMOKE_START + timedelta(hours=3)
    minute = 0
    while t < end:
        if not (NVSMI_GAP[0] <= t < NVSMI_GAP[1]):
            stamp = t.strftime("%Y/%m/%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"
            for g in range(8):
                power, util, mem = _h100_reading(rng, minute)
                temp = int(34 + power / 16 + rng.uniform(-1, 1))
                lines.append(
                    ", ".join(
                        [
                            stamp,
                            "NVIDIA H100 80GB HBM3",
                            P5_BUS_IDS[g],
                            uuids[g],
                            str(g),
                            f"{power:.2f} W",
                            f"{int(util)} %",
                            f"{int(mem)} MiB",
                            str(temp),
                        ]
                    )
                )
        minute += 1
        t += timedelta(seconds=60, milliseconds=rng.randint(1, 9))
    return "\n".join(lines) + "\n"


CODECARBON_HEADER = """timestamp project_name run_id experiment_id duration emissions emissions_rate cpu_power gpu_power
ram_power cpu_energy gpu_energy ram_energy energy_consumed country_name country_iso_code region cloud_provider cloud_region os
python_version codecarbon_version cpu_count cpu_model gpu_count gpu_model longitude latitude ram_total_size tracking_mode
on_cloud pue""".split()
ONPREM_FINE_TUNES = [  # (start in Europe/Berlin local time, hours) of each run: June and August fine-tunes
    (datetime(2026, 6, 8, 8, 5), 11.5),
    (datetime(2026, 6, 8, 20, 10), 11.8),
    (datetime(2026, 6, 9, 8, 30), 9.2),
    (datetime(2026, 8, 17, 7, 55), 12.0),
    (datetime(2026, 8, 17, 20, 20), 11.6),
    (datetime(2026, 8, 18, 8, 40), 10.4),
]
CODECARBON_KG_PER_KWH = D(
    "0.3804"
)  # what CodeCarbon's own data gives for Germany, used for its emissions column
PICO = D("1e-12")  # CodeCarbon writes energy and emissions to twelve decimal places here


def codecarbon_csv(rng: random.Random, ids: Ids) -> str:
    """CodeCarbon 2.8.x emissions.csv from `EmissionsTracker(project_name="assistant-7b")` on the
    on-prem DGX A100 in Frankfurt (8 x A100-SXM4-80GB), one row per run; timestamps are host local time."""
    experiment = ids.guid()
    rows = []
    for start, hours in ONPREM_FINE_TUNES:
        duration_s = D(str(round(hours * 3600 + rng.uniform(-90, 90), 3)))
        cpu_w, gpu_w, ram_w = (
            D(str(round(rng.uniform(280, 320), 3))),
            D(str(round(rng.uniform(2480, 2760), 3))),
            D("377.9"),
        )
        cpu_kwh, gpu_kwh, ram_kwh = (p * duration_s / D(3_600_000) for p in (cpu_w, gpu_w, ram_w))
        total_kwh = cpu_kwh + gpu_kwh + ram_kwh
        co2e_kg = total_kwh * CODECARBON_KG_PER_KWH
        end = start + timedelta(seconds=float(duration_s))
        rows.append(
            [
                end.strftime("%Y-%m-%dT%H:%M:%S"),
                "assistant-7b",
                ids.guid(),
                experiment,
                num(duration_s),
                num(co2e_kg.quantize(PICO)),
                num((co2e_kg / duration_s).quantize(D("1e-15"))),
                num(cpu_w),
                num(gpu_w),
                num(ram_w),
                num(cpu_kwh.quantize(PICO)),
                num(gpu_kwh.quantize(PICO)),
                num(ram_kwh.quantize(PICO)),
                num(total_kwh.quantize(PICO)),
                "Germany",
                "DEU",
                "hesse",
                "",
                "",
                "Linux-5.15.0-119-generic-x86_64-with-glibc2.35",
                "3.11.9",
                "2.8.3",
                "256",
                "AMD EPYC 7742 64-Core Processor",
                "8",
                "8 x NVIDIA A100-SXM4-80GB",
                "8.6821",
                "50.1109",
                "1007.7",
                "machine",
                "N",
                "1.0",
            ]
        )
    return csv_text(CODECARBON_HEADER, rows)
