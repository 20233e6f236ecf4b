"""The demo organisation's own inputs beside bills and telemetry: inference request counts, the mapping of
GPU hosts to billed resources, and the reference inputs of the market-based method (contractual instruments
and residual-mix factors), in the project's CSV layouts (see ingest/telemetry/ and ingest/reference/).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from .common import csv_text, days, iso
from .world import FIRST_DAY, LAST_DAY, SMOKE_INSTANCE, SMOKE_START, arm

REQUESTS_HEADER = ["period_start", "period_end", "model", "team", "requests", "input_tokens", "output_tokens"]
SERVING = [  # model, team, first day, requests/day at start, at the end of October, tokens in/out per request
    ("ranker-v3", "search", date(2026, 4, 20), 30_000_000, 55_000_000, None),
    ("assistant-7b", "assistants", date(2026, 4, 15), 400_000, 1_600_000, (850, 320)),
    ("visionnet-l", "vision", date(2026, 4, 15), 6_000_000, 14_000_000, None),
]


def requests_csv(rng: random.Random) -> str:
    """Daily request counts from the serving gateways' logs (UTC days), plus atlas-30b's evaluation traffic."""
    rows = []
    for day in days(FIRST_DAY, LAST_DAY):
        start, end = iso(day), iso(day + timedelta(days=1))
        for model, team, first, at_start, at_end, tokens in SERVING:
            if day < first:
                continue
            share = (day - first).days / (LAST_DAY - first).days
            weekend = 0.85 if day.weekday() >= 5 else 1.0
            n = int((at_start + (at_end - at_start) * share) * weekend * rng.uniform(0.97, 1.03))
            tin, tout = "", ""
            if tokens is not None:
                tin = str(int(n * tokens[0] * rng.uniform(0.95, 1.05)))
                tout = str(int(n * tokens[1] * rng.uniform(0.95, 1.05)))
            rows.append([start, end, model, team, str(n), tin, tout])
        if date(2026, 10, 1) <= day and day.weekday() < 5:
            n = rng.randint(2000, 5000)
            rows.append([start, end, "atlas-30b", "research", str(n), str(n * 1200), str(n * 600)])
    return csv_text(REQUESTS_HEADER, rows)


MAPPING_HEADER = ["host", "gpu", "start", "end", "team", "model", "workload", "job", "resource_id"]


def telemetry_mapping_csv() -> str:
    """Which billed resource each GPU host runs as, and what it worked for (kept by the platform team)."""
    rows = [
        [
            host,
            "",
            "2026-04-15T00:00:00Z",
            "",
            "assistants",
            "assistant-7b",
            "inference",
            "assistant-7b-serving",
            arm("assistants-prod", "rg-assistant-serving", "virtualMachines", host),
        ]
        for host in ("nc-a100-serve-00", "nc-a100-serve-01", "nc-a100-serve-02")
    ]
    rows.append(
        [
            SMOKE_INSTANCE,
            "",
            iso(SMOKE_START),
            iso(SMOKE_START + timedelta(hours=3)),
            "research",
            "atlas-30b",
            "training",
            "atlas-30b-smoke",
            SMOKE_INSTANCE,
        ]
    )
    rows.append(
        ["fra-dgx-01", "", "", "", "assistants", "assistant-7b", "training", "assistant-7b-finetune", ""]
    )
    return csv_text(MAPPING_HEADER, rows)


INSTRUMENTS_HEADER = [
    "instrument_id",
    "instrument_type",
    "zone",
    "provider",
    "region_id",
    "period_start",
    "period_end",
    "covered_mwh",
    "covered_share",
    "factor_g_per_kwh",
    "certification",
    "note",
]


def instruments_csv() -> str:
    """Guarantees of Origin for the EU training regions and unbundled RECs for us-east-1, bought for 2026."""
    rows = [
        [
            "GO-SE-2026-004187",
            "go",
            "SE",
            "azure",
            "swedencentral",
            "2026-04-01",
            "2026-12-31",
            "8",
            "",
            "0",
            "EECS Guarantee of Origin, hydro, issued and cancelled in the Swedish registry (Cesar)",
            "bought for the assistants training subscription in Sweden Central",
        ],
        [
            "GO-NL-2026-017730",
            "go",
            "NL",
            "gcp",
            "europe-west4",
            "2026-04-01",
            "2026-06-30",
            "3",
            "",
            "0",
            "EECS Guarantee of Origin, offshore wind, issued and cancelled by VertiCer",
            "bought for visionnet-l training in europe-west4",
        ],
        [
            "REC-US-2026-GE-55812",
            "rec",
            "SRVC",
            "aws",
            "us-east-1",
            "2026-01-01",
            "2026-12-31",
            "20",
            "",
            "0",
            "Green-e Energy certified RECs, wind, PJM vintage 2026, retired on behalf of Juniper Labs",
            "unbundled RECs for the AWS us-east-1 GPU fleet",
        ],
    ]
    return csv_text(INSTRUMENTS_HEADER, rows)


def residual_mix_csv() -> str:
    """ILLUSTRATIVE residual-mix factors: AIB publishes the real ones under terms that do not allow shipping them."""
    source = "ILLUSTRATIVE demo value, not AIB data: replace with the AIB European Residual Mix for the reporting year"
    rows = [
        [zone, "2026", value, source]
        for zone, value in (("SE", "38"), ("NL", "498"), ("IE", "412"), ("DE", "701"))
    ]
    return csv_text(["zone", "year", "factor_g_per_kwh", "source"], rows)
