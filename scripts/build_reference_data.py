"""Rebuild the generated coefficient and factor tables in footprint/data from their upstream sources.

The estimation ships small CSV tables; several of them are derived mechanically from public data sets
whose licences allow redistribution (Apache-2.0 Cloud Carbon Footprint data, public-domain EPA eGRID,
CC BY 4.0 Ember via Our World in Data, Apache-2.0 Google region carbon data). This script is the
derivation, so every generated row can be reproduced and audited:

    python scripts/build_reference_data.py [--shared ../shared]

Generated: cpu_power.csv, power_curves.csv, grid_factors.csv, provider_renewable_claims.csv and the CPU
rows of instance_types.csv (the hand-maintained accelerator rows already there are kept as they are).
Hand-maintained tables (accelerator_power.csv, pue.csv, cloud_regions.csv, ...) are not touched.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "footprint" / "data"

# CPU family -> model list in ccf-coefficients/data (used for the SPECpower-derived memory baseline).
FAMILY_FILES = {
    "Sandy Bridge": "intel-sandybridge",
    "Ivy Bridge": "intel-ivybridge",
    "Haswell": "intel-haswell",
    "Broadwell": "intel-broadwell",
    "Skylake": "intel-skylake",
    "Cascade Lake": "intel-cascadelake",
    "Coffee Lake": "intel-coffeelake",
    "Ice Lake": "intel-icelake",
    "Sapphire Rapids": "intel-sapphirerapids",
    "Emerald Rapids": "intel-emeraldrapids",
    "Granite Rapids": "intel-graniterapids",
    "AMD EPYC 1st Gen": "amd-epyc-gen1",
    "AMD EPYC 2nd Gen": "amd-epyc-gen2",
    "AMD EPYC 3rd Gen": "amd-epyc-gen3",
    "AMD EPYC 4th Gen": "amd-epyc-gen4",
    "AMD EPYC 5th Gen": "amd-epyc-gen5",
}
# Our family name -> name in ccf-coefficients output/coefficients-aws-use.csv.
CCF_OUTPUT_NAME = {
    "AMD EPYC 1st Gen": "EPYC 1st Gen",
    "AMD EPYC 2nd Gen": "EPYC 2nd Gen",
    "AMD EPYC 3rd Gen": "EPYC 3rd Gen",
    "AMD EPYC 4th Gen": "EPYC 4th Gen",
    "AWS Graviton2": "Graviton2",
    "AWS Graviton3": "Graviton3",
    "AWS Graviton3E": "Graviton3E",
    "AWS Graviton4": "Graviton4",
}
# Families whose CCF 2026 coefficient is not used: EPYC 5th Gen's published 3.68 / 8.96 W per thread is
# five times the SPECpower systems of that family; the SPECpower-derived mean is shipped instead.
RECOMPUTED = {"AMD EPYC 5th Gen"}
# Graviton has no SPECpower results; CCF uses EPYC 2nd Gen as proxy, so does the memory baseline.
PROXY = {
    "AWS Graviton2": "AMD EPYC 2nd Gen",
    "AWS Graviton3": "AMD EPYC 2nd Gen",
    "AWS Graviton3E": "AMD EPYC 2nd Gen",
    "AWS Graviton4": "AMD EPYC 2nd Gen",
}
# Fallback when a row's microarchitecture is unknown: CCF's provider constants (MIN/MAX_WATTS_AVG for AWS
# and Azure, MIN/MAX_WATTS_MEDIAN for GCP).
FALLBACK = {"aws": (0.74, 3.5), "gcp": (0.68, 4.11), "azure": (0.74, 3.54)}

# AWS 2026 instance list: platform CPU name -> microarchitecture (Intel ARK / AMD / AWS product pages).
AWS_CPU_NAME = [
    (r"Graviton4", "AWS Graviton4"),
    (r"Graviton3E", "AWS Graviton3E"),
    (r"Graviton3", "AWS Graviton3"),
    (r"Graviton2", "AWS Graviton2"),
    (r"Annapurna Labs Graviton", "AWS Graviton"),
    (r"Ice Lake", "Ice Lake"),
    (r"Granite Rapids", "Granite Rapids"),
    (r"Sapphire Rapids", "Sapphire Rapids"),
    (r"Emerald Rapids", "Emerald Rapids"),
    (r"Cascade Lake|8259CL|8252C|8259L|8275CL|8280L", "Cascade Lake"),
    (r"Skylake|8175M|8124M|8176M|Platinum 8151", "Skylake"),
    (r"Broadwell|E5-2686 v4", "Broadwell"),
    (r"(?i)E5-2666 v3|E5-2676 v3|E7[ -]?8880 ?v3|Haswell", "Haswell"),
    (r"(?i)E5-2680 v2|E5-2651 v2", "Ivy Bridge"),
    (r"E5-2670$|E5-2665", "Sandy Bridge"),
    (r"i7-8700B", "Coffee Lake"),
    (r"EPYC 7571", "AMD EPYC 1st Gen"),
    (r"EPYC 7R32", "AMD EPYC 2nd Gen"),
    (r"EPYC 7R13", "AMD EPYC 3rd Gen"),
    (r"EPYC 9R14", "AMD EPYC 4th Gen"),
    (r"EPYC 9R45|EPYC 9R05", "AMD EPYC 5th Gen"),
]

CCF_INSTANCE_SOURCE = "ccf_instances (cloud-carbon-footprint @ b7a049c; ccf-coefficients @ b0032d9)"
# CCF GPU names -> the accelerator ids the ingest and accelerator_power.csv use.
CCF_GPU = {
    "Nvidia Tesla K80": "K80",
    "Nvidia Tesla V100": "V100-16GB",
    "Nvidia T4": "T4",
    "Nvidia A10G": "A10G",
    "Nvidia Tesla A100": "A100-40GB",
    "Nvidia Tesla M60": "M60",
    "Nvidia Tesla P100": "P100",
    "Nvidia Tesla P4": "P4",
    "Nvidia Tesla P40": "P40",
    "Nvidia K520": "K520",
    "AMD Radeon Pro V520": "Radeon-Pro-V520",
    "Xilinx Alveo U250": "Alveo-U250",
}
# An accelerated instance whose accelerator is not catalogued: its accelerator energy cannot be modelled,
# so the row is reported as not modelled instead of silently counting only its CPU.
UNKNOWN_ACCELERATOR = "unknown"
EMBER_FIRST_YEAR = 2015


def _read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path.relative_to(REPO)} ({len(rows)} rows)")


def _num(text: str) -> float:
    return float(text.replace(",", "."))


def specpower_families(ccf_data: Path) -> dict[str, tuple[float, float, float, int]]:
    """Family -> (mean idle W/thread, mean 100% W/thread, mean memory GB/thread, systems)."""
    systems = _read(ccf_data / "SPECpower-2026-03-09.csv")
    out = {}
    for family, stem in FAMILY_FILES.items():
        models = [m.strip() for m in (ccf_data / f"{stem}.csv").read_text().splitlines() if m.strip()]
        pats = [re.compile(r"(?<![\w-])" + re.escape(m) + r"(?![\w-])") for m in models]
        vals = []
        for s in systems:
            if any(p.search(s["CPU Description"]) for p in pats):
                threads = float(s["Total Threads"])
                vals.append(
                    (
                        float(s["avg. watts @ active idle"]) / threads,
                        float(s["avg. watts @ 100%"]) / threads,
                        float(s["Total Memory (GB)"]) / threads,
                    )
                )
        out[family] = (
            statistics.mean(v[0] for v in vals),
            statistics.mean(v[1] for v in vals),
            statistics.mean(v[2] for v in vals),
            len(vals),
        )
    return out


def build_cpu_power(ccf: Path) -> None:
    spec = specpower_families(ccf / "ccf-coefficients" / "data")
    ccf_out = {r["Architecture"]: r for r in _read(ccf / "ccf-coefficients" / "output" / "coefficients-aws-use.csv")}
    rows: list[list[object]] = []
    for family in list(FAMILY_FILES) + list(PROXY):
        base = PROXY.get(family, family)
        memory = spec[base][2]
        if family in RECOMPUTED:
            low, high, n = spec[family][0], spec[family][1], spec[family][3]
            src = "specpower_derived"
            note = f"mean of {n} SPECpower systems (CCF 2026 output 3.68 / 8.96 W not used)"
        else:
            r = ccf_out[CCF_OUTPUT_NAME.get(family, family)]
            low, high = float(r["Min Watts"]), float(r["Max Watts"])
            src = "ccf_coefficients_2026"
            note = f"proxy {base} (as in CCF)" if family in PROXY else ""
        sources = src if src == "specpower_derived" else f"{src};specpower_derived"
        rows.append(["any", family, round(low, 4), round(high, 4), round(memory, 4), sources, note])
    family_memory = statistics.mean(spec[f][2] for f in FAMILY_FILES)
    for provider, (low, high) in FALLBACK.items():
        rows.append(
            [provider, "", low, high, round(family_memory, 4), "ccf_app;specpower_derived",
             "microarchitecture unknown: CCF provider fallback; memory baseline = mean of the families"]
        )
    _write(
        DATA / "cpu_power.csv",
        ["provider", "cpu_microarchitecture", "min_power_w_per_vcpu", "max_power_w_per_vcpu",
         "memory_baseline_gb_per_vcpu", "source_id", "note"],
        rows,
    )


def build_power_curves(ccf: Path) -> None:
    teads = {r["Instance type"]: r for r in _read(ccf / "ccf-coefficients" / "data" / "aws-instances.csv")}
    p4d = teads["p4d.24xlarge"]
    idle, p10, p50, p100 = (_num(p4d[f"GPUWatt @ {k}"]) for k in ("Idle", "10%", "50%", "100%"))
    span = p100 - idle
    # The same shape holds for every GPU in the Teads set (they were scaled from one curve); checked here.
    for name in ("p3.16xlarge", "g4dn.metal", "p2.16xlarge"):
        r = teads[name]
        i, a, b, c = (_num(r[f"GPUWatt @ {k}"]) for k in ("Idle", "10%", "50%", "100%"))
        assert abs((b - i) / (c - i) - (p50 - idle) / span) < 0.01, name
    rows = [
        ["teads_gpu", 0.0, 0.0, "teads_gpu_curve", f"idle {idle:.2f} W of {p100:.2f} W per A100"],
        ["teads_gpu", 0.1, round((p10 - idle) / span, 5), "teads_gpu_curve", "(P10 - Pidle) / (P100 - Pidle)"],
        ["teads_gpu", 0.5, round((p50 - idle) / span, 5), "teads_gpu_curve", "(P50 - Pidle) / (P100 - Pidle)"],
        ["teads_gpu", 1.0, 1.0, "teads_gpu_curve", ""],
        ["linear", 0.0, 0.0, "ccf_app", "CPU: linear between idle and full load per SPECpower (as CCF)"],
        ["linear", 1.0, 1.0, "ccf_app", ""],
    ]
    _write(DATA / "power_curves.csv", ["curve_id", "utilization", "dynamic_fraction", "source_id", "note"], rows)
    print(f"  Teads idle share of full load: {idle / p100:.5f}")


def build_grid_factors(grid: Path) -> None:
    rows: list[list[object]] = []
    for path in sorted((grid / "egrid").glob("egrid*_intensities.json")):
        data = json.loads(path.read_text())
        year = int(data["metadata"]["year"])
        for zone, value in sorted(data["regions_kg_per_mwh"].items()):
            rows.append(["egrid_subregion", zone, year, round(value, 3), "direct", "egrid"])
        rows.append(["country", "US", year, round(data["national_kg_per_mwh"], 3), "direct", "egrid"])
    iso3_to_2 = {r["country_code_iso_3"]: r["country_code_iso_2"] for r in _read(grid / "co2js" / "countries_iso.csv")}
    for r in _read(grid / "ember_owid" / "carbon-intensity-electricity.csv"):
        year = int(r["Year"])
        if year < EMBER_FIRST_YEAR or not r["Carbon intensity of electricity per kWh"]:
            continue
        value = float(r["Carbon intensity of electricity per kWh"])
        if r["Code"] == "OWID_WRL":
            rows.append(["world", "WORLD", year, value, "lifecycle", "ember"])
        elif iso3_to_2.get(r["Code"]) and iso3_to_2[r["Code"]] != "US":  # US: eGRID (direct) instead
            rows.append(["country", iso3_to_2[r["Code"]], year, value, "lifecycle", "ember;iso_countries"])
    for path in sorted((grid / "gcp_region_carbon_info").glob("20*.csv")):
        year = int(path.stem)
        for r in _read(path):
            col = next(c for c in r if "carbon intensity" in c.lower())
            if r[col]:
                basis = "lifecycle" if "lifecycle" in col.lower() else "operational"
                rows.append(["gcp_region", r["Google Cloud Region"], year, float(r[col]), basis, "google_region_carbon"])
    rows.sort(key=lambda x: (str(x[0]), str(x[1]), int(x[2])))  # type: ignore[call-overload]
    _write(
        DATA / "grid_factors.csv",
        ["zone_type", "zone", "year", "intensity_g_per_kwh", "basis", "source_id"],
        rows,
    )


def build_renewable_claims(grid: Path) -> None:
    rows: list[list[object]] = []
    for path in sorted((grid / "gcp_region_carbon_info").glob("20*.csv")):
        year = int(path.stem)
        for r in _read(path):
            if r.get("Google CFE"):
                rows.append(["gcp", r["Google Cloud Region"], year, float(r["Google CFE"]),
                             "hourly carbon-free energy share of the region incl. Google's contracts",
                             "google_region_carbon"])
    for year in (2023, 2024):
        rows.append(["aws", "", year, 1.0, "annual renewable matching of all Amazon electricity",
                     "amazon_renewable_match"])
    _write(
        DATA / "provider_renewable_claims.csv",
        ["provider", "region_id", "year", "claimed_share", "claim_type", "source_id"],
        rows,
    )


def _aws_micro(cpu_name: str) -> str:
    for pattern, family in AWS_CPU_NAME:
        if re.search(pattern, cpu_name):
            return family
    return ""


def _azure_name(vm: str) -> str:
    return "Standard_" + re.sub(r"\s+", "_", vm.strip())


def build_instance_types(ccf: Path) -> None:
    header = ["provider", "instance_type", "vcpu_count", "memory_gb", "accelerator_model", "accelerator_count",
              "cpu_microarchitecture", "source"]
    kept = [r for r in _read(DATA / "instance_types.csv") if not r["source"].startswith("ccf_instances")]
    seen = {(r["provider"], r["instance_type"].lower()) for r in kept}
    rows: list[list[object]] = [[r[h] for h in header] for r in kept]

    gpus = {
        (r["provider"].lower(), r["instance_type"].lower()): (CCF_GPU[r["gpu_model"]], _int(r["gpus_per_instance"]))
        for r in _read(ccf / "extracted-from-ccf-app" / "ccf-app_gpu-instance-types.csv")
        if r["provider"] != "GCP"
    }

    def add(provider: str, name: str, vcpu: object, mem: object, micro: str, accelerated: bool = False) -> None:
        key = (provider, name.lower())
        if key in seen or not name:
            return
        seen.add(key)
        ccf_key = (provider, name.lower().removeprefix("standard_").replace("_", " "))
        model, count = gpus.get(key) or gpus.get(ccf_key) or (UNKNOWN_ACCELERATOR if accelerated else "", "")
        rows.append([provider, name, vcpu, mem, model, count, micro, CCF_INSTANCE_SOURCE])

    app = _read(ccf / "extracted-from-ccf-app" / "ccf-app_instance-types.csv")
    for r in app:
        if r["provider"] == "AWS":
            micro = "|".join(m for m in r["microarchitectures"].split("|") if m and m != "Unknown")
            add("aws", r["instance_type"], _int(r["vcpus"]), _int(r["memory_gb"]), micro)
    for r in _read(ccf / "ccf-coefficients" / "data" / "aws-instances-latest-2026.csv"):
        add("aws", r["Instance Type"], _int(r["vCPUs"]), _int(r["Memory (GiB)"]), _aws_micro(r["Platform CPU Name"]),
            accelerated=r["Category"].startswith("Accelerated"))
    gcp: dict[str, list[str]] = {}
    gcp_spec: dict[str, tuple[str, str, bool]] = {}
    for r in _read(ccf / "ccf-coefficients" / "data" / "gcp-instances.csv"):
        gcp.setdefault(r["Machine type"], [])
        micro = _ccf_family(r["Microarchitecture"])
        if micro and micro not in gcp[r["Machine type"]]:
            gcp[r["Machine type"]].append(micro)
        gcp_spec[r["Machine type"]] = (r["Instance vCPUs"], r["Instance Memory"], r["Instance GPUs"] not in ("", "0"))
    for name, micros in gcp.items():
        vcpu, mem, accelerated = gcp_spec[name]
        add("gcp", name, _int(vcpu), _int(mem), "|".join(micros), accelerated)
    for r in _read(ccf / "ccf-coefficients" / "data" / "azure-instances.csv"):
        add("azure", _azure_name(r["Virtual Machine"]), _int(r["Instance vCPUs"]), _int(r["Instance Memory"]),
            _ccf_family(r["Microarchitecture"]), accelerated=r["Instance GPUs"] not in ("", "0"))
    _write(DATA / "instance_types.csv", header, rows)


def _ccf_family(name: str) -> str:
    name = name.strip()
    if not name or name == "Unknown":
        return ""
    return "AMD " + name if name.startswith("EPYC") else name


def _int(text: str) -> object:
    text = (text or "").strip()
    if not text:
        return ""
    value = float(text)
    return int(value) if value.is_integer() else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared", help="folder with reference/")
    args = parser.parse_args()
    ccf = args.shared / "reference" / "ccf"
    grid = args.shared / "reference" / "grid"
    build_cpu_power(ccf)
    build_power_curves(ccf)
    build_grid_factors(grid)
    build_renewable_claims(grid)
    build_instance_types(ccf)


if __name__ == "__main__":
    main()
