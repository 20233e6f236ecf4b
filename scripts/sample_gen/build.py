"""Puts the demo organisation's files together: which export each month is billed in, where every file
goes under sample_data/generated/, the manifest of ingest options, and the one seeded run that writes them.

The random generator is shared by everything, so the order files are made in here is part of the output:
change it and every identifier after the change moves.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

from .aws import aws_items
from .azure import azure_items
from .azure_cost_details import ea_csv, mca_csv
from .common import Ids, write
from .cur import cur2_csv, legacy_cur_csv
from .dcgm import dcgm_query_range, dcgm_scrapes
from .focus import ms_focus_csv
from .gcp import gcp_detailed_jsonl, gcp_items, gcp_standard_csv
from .inputs import instruments_csv, requests_csv, residual_mix_csv, telemetry_mapping_csv
from .organisation import build_world
from .telemetry import codecarbon_csv, nvidia_smi_log
from .world import GCP_BILLING_ACCOUNT, MONTHS, SEED, SMOKE_INSTANCE, Resource

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "sample_data" / "generated"

NVSMI_FILE = "telemetry/nvidia-smi/atlas-30b-smoke_p5.48xlarge_2026-09-02.csv"
CODECARBON_FILE = "telemetry/codecarbon/fra-dgx-01/emissions.csv"
DCGM_RANGE_FILE = "telemetry/dcgm/assistant-7b-serving_query_range_2026-10-14.json"
DCGM_SCRAPES_FILE = "telemetry/dcgm/nc-a100-serve-02_dcgm-exporter_scrapes_2026-09-15.txt"

INGEST_OPTIONS = {  # what a user would pass as flags to `footprint ingest` for files that do not say it themselves
    NVSMI_FILE: {
        "host": SMOKE_INSTANCE,
        "provider": "aws",
        "region": "us-east-1",
        "team": "research",
        "model": "atlas-30b",
        "workload": "training",
        "job": "atlas-30b-smoke",
    },
    DCGM_RANGE_FILE: {"provider": "azure", "region": "eastus", "workload": "inference"},
    DCGM_SCRAPES_FILE: {
        "provider": "azure",
        "region": "eastus",
        "team": "assistants",
        "model": "assistant-7b",
        "workload": "inference",
    },
    CODECARBON_FILE: {
        "host": "fra-dgx-01",
        "provider": "onprem",
        "region": "onprem-fra-1",
        "team": "assistants",
        "model": "assistant-7b",
        "workload": "training",
        "job": "assistant-7b-finetune",
    },
}


def manifest_toml() -> str:
    lines = [
        "# Ingest options `footprint demo` passes for files that do not carry them (written by",
        "# scripts/generate_sample_data.py; the same as `footprint ingest --host ... --team ...`).",
        "",
    ]
    for rel, opts in INGEST_OPTIONS.items():
        lines.append(f'[files."{rel}"]')
        lines.extend(f'{k} = "{v}"' for k, v in opts.items())
        lines.append("")
    return "\n".join(lines)


def _bills(world: list[Resource], ids: Ids) -> Iterator[tuple[str, str]]:
    """Each provider's bill, month by month, in the export the organisation used that month."""
    gcp_account = GCP_BILLING_ACCOUNT.replace("-", "_")
    for year, month in MONTHS:
        ym = f"{year}{month:02d}"
        aws = aws_items(world, year, month)
        if month == 4:
            yield f"aws/legacy-cur/juniper-labs-cur-{ym}.csv.gz", legacy_cur_csv(aws, ids)
        else:
            yield (
                f"aws/cur2/BILLING_PERIOD={year}-{month:02d}/juniper-labs-cur2-{ym}-00001.csv.gz",
                cur2_csv(aws, ids),
            )

        azure = azure_items(world, year, month)
        if month <= 6:
            yield f"azure/ea/juniper-labs-ea-actualcost-{ym}.csv", ea_csv(azure, ids, year, month)
        elif month <= 9:
            yield f"azure/mca/juniper-labs-mca-actualcost-{ym}.csv.gz", mca_csv(azure, ids, year, month)
        else:
            yield f"azure/focus/juniper-labs-focus-1.0-{ym}.csv.gz", ms_focus_csv(azure, ids, year, month)

        gcp = gcp_items(world, year, month)
        if month <= 6:
            yield f"gcp/standard/gcp_billing_export_v1_{gcp_account}_{ym}.csv", gcp_standard_csv(gcp, ids)
        else:
            yield (
                f"gcp/detailed/gcp_billing_export_resource_v1_{gcp_account}_{ym}.jsonl.gz",
                gcp_detailed_jsonl(gcp, ids),
            )


def generate(out: Path) -> list[str]:
    """Write every generated file under out (emptied first); returns the relative paths written."""
    rng = random.Random(SEED)
    ids = Ids(rng)
    world = build_world(ids)
    files = list(_bills(world, ids))
    files += [
        (NVSMI_FILE, nvidia_smi_log(rng, ids)),
        (CODECARBON_FILE, codecarbon_csv(rng, ids)),
        (DCGM_RANGE_FILE, dcgm_query_range(rng, ids)),
        (DCGM_SCRAPES_FILE, dcgm_scrapes(rng, ids)),
        ("telemetry/requests/inference_requests_2026-04_2026-10.csv", requests_csv(rng)),
        ("telemetry/mapping/gpu_hosts.csv", telemetry_mapping_csv()),
        ("reference/instruments/guarantees_of_origin_2026.csv", instruments_csv()),
        ("reference/residual_mix/ILLUSTRATIVE_residual_mix_2026.csv", residual_mix_csv()),
        ("manifest.toml", manifest_toml()),
    ]
    if out.exists():
        shutil.rmtree(out)
    for rel, text in files:
        write(out, rel, text)
    return [rel for rel, _ in files]
