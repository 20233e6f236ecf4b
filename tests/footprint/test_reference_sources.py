"""Every shipped coefficient and factor names a source that resolves, only redistributable data is shipped,
and the generated tables equal their upstream files (read from ../shared/reference in the test only, which
is also where the AGPL/ODbL-derived region map is used: as a cross-check, never shipped)."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from support import SHARED

DATA = Path(__file__).resolve().parents[2] / "footprint" / "data"
GRID = SHARED / "reference" / "grid"

# Estimation tables and the column(s) holding their source ids.
SOURCED = {
    "cpu_power.csv": ["source_id"],
    "accelerator_power.csv": ["power_limit_source_id", "idle_source_id", "full_load_source_id"],
    "power_curves.csv": ["source_id"],
    "utilization_assumptions.csv": ["source_id"],
    "energy_coefficients.csv": ["source_id"],
    "storage_replication.csv": ["source_id"],
    "storage_media.csv": ["source_id"],
    "pue.csv": ["source_id"],
    "cloud_regions.csv": ["source_id"],
    "grid_factors.csv": ["source_id"],
    "provider_renewable_claims.csv": ["source_id"],
}
REDISTRIBUTABLE = re.compile(r"Apache-2\.0|MIT|CC BY 4\.0|public domain|BSD-3-Clause|published (figure|specification|"
                             r"documentation|report|book|claim)|this project")


def rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def sources() -> dict[str, dict[str, str]]:
    return {r["source_id"]: r for r in rows("sources.csv")}


def test_every_shipped_csv_has_a_section_in_sources_md():
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^## (\S+\.csv)", text, flags=re.M))
    missing = sorted(p.name for p in DATA.glob("*.csv") if p.name not in sections)
    assert missing == []


@pytest.mark.parametrize("name", sorted(SOURCED))
def test_every_row_names_sources_that_resolve(name):
    known = sources()
    table = rows(name)
    assert table, name
    for i, row in enumerate(table, start=2):
        for col in SOURCED[name]:
            ids = [s for s in (row[col] or "").split(";") if s]
            assert ids, f"{name} line {i}: no {col}"
            unknown = [s for s in ids if s not in known]
            assert not unknown, f"{name} line {i}: unknown source id(s) {unknown}"


def test_every_source_has_a_citation_an_address_and_a_redistributable_licence():
    for sid, s in sources().items():
        assert s["citation"].strip() and s["url"].strip(), sid
        assert REDISTRIBUTABLE.search(s["licence"]), (sid, s["licence"])
    # ODbL / AGPL material (Electricity Maps, Boavizta, the derived region map) is never a source.
    text = (DATA / "sources.csv").read_text(encoding="utf-8")
    assert not re.search(r"ODbL|AGPL|electricitymaps|boavizta|cloud_region_grid_map", text, flags=re.I)


def test_every_used_source_id_is_cited_somewhere():
    used = set()
    for name, cols in SOURCED.items():
        for row in rows(name):
            for col in cols:
                used.update(s for s in row[col].split(";") if s)
    used.update(r["source"].split(" ")[0] for r in rows("instance_types.csv"))
    assert set(sources()) - used == set()


def test_instance_catalog_rows_all_have_a_source_and_keep_the_accelerated_types():
    table = rows("instance_types.csv")
    assert all(r["source"].strip() for r in table)
    by_key = {(r["provider"], r["instance_type"]): r for r in table}
    assert len(by_key) == len(table)
    p5 = by_key[("aws", "p5.48xlarge")]
    assert (p5["vcpu_count"], p5["memory_gb"], p5["accelerator_model"], p5["accelerator_count"]) == ("192", "2048", "H100-80GB", "8")
    assert by_key[("azure", "Standard_ND96isr_H100_v5")]["accelerator_model"] == "H100-80GB"
    assert by_key[("gcp", "a3-highgpu-8g")]["source"].startswith("Google Cloud accelerator-optimized")
    # CPU types added from the CCF catalog, with their microarchitecture.
    assert by_key[("aws", "m5.xlarge")]["cpu_microarchitecture"] in ("Skylake|Cascade Lake", "Skylake", "Cascade Lake|Skylake")
    assert by_key[("gcp", "n2-standard-8")]["vcpu_count"] == "8"
    assert by_key[("azure", "Standard_D4s_v3")]["vcpu_count"] == "4"
    # An accelerated type without a catalogued accelerator is marked, never shipped as CPU-only.
    assert by_key[("aws", "p6-b200.48xlarge")]["accelerator_model"] == "unknown"
    micro = {m for r in rows("cpu_power.csv") for m in [r["cpu_microarchitecture"]] if m}
    for r in table:
        for m in filter(None, r["cpu_microarchitecture"].split("|")):
            assert m in micro or m == "AWS Graviton", (r["instance_type"], m)


def test_pue_rows_are_unique_and_plausible():
    seen = set()
    for r in rows("pue.csv"):
        key = (r["provider"], r["region_id"], r["year"])
        assert key not in seen
        seen.add(key)
        assert 1.0 <= float(r["pue"]) <= 2.0


@pytest.mark.shared
def test_egrid_factors_equal_the_epa_values():
    shipped = {(r["zone"], int(r["year"])): float(r["intensity_g_per_kwh"]) for r in rows("grid_factors.csv")
               if r["source_id"] == "egrid"}
    n = 0
    for path in sorted((GRID / "egrid").glob("egrid*_intensities.json")):
        data = json.loads(path.read_text())
        year = data["metadata"]["year"]
        for zone, value in data["regions_kg_per_mwh"].items():
            assert shipped[(zone, year)] == pytest.approx(value, abs=5e-4)
            n += 1
        assert shipped[("US", year)] == pytest.approx(data["national_kg_per_mwh"], abs=5e-4)
    assert n >= 5 * 26 and shipped[("SRVC", 2022)] == 283.892


@pytest.mark.shared
def test_ember_and_google_factors_equal_their_files():
    shipped = {(r["zone_type"], r["zone"], int(r["year"])): float(r["intensity_g_per_kwh"]) for r in rows("grid_factors.csv")}
    with open(GRID / "ember_owid" / "carbon-intensity-electricity.csv", newline="") as f:
        ember = {(r["Code"], int(r["Year"])): float(r["Carbon intensity of electricity per kWh"]) for r in csv.DictReader(f)
                 if r["Carbon intensity of electricity per kWh"]}
    for (iso3, iso2) in [("DEU", "DE"), ("IRL", "IE"), ("FRA", "FR"), ("IND", "IN"), ("JPN", "JP")]:
        for year in (2015, 2020, 2024):
            assert shipped[("country", iso2, year)] == ember[(iso3, year)]
    assert shipped[("world", "WORLD", 2025)] == ember[("OWID_WRL", 2025)] == 458.29
    assert ("country", "US", 2024) not in shipped  # US country factor is eGRID's (direct), not Ember's
    with open(GRID / "gcp_region_carbon_info" / "2024.csv", newline="") as f:
        for r in csv.DictReader(f):
            assert shipped[("gcp_region", r["Google Cloud Region"], 2024)] == float(r["Grid carbon intensity (gCO2eq / kWh)"])


@pytest.mark.shared
def test_region_map_agrees_with_the_shared_cross_check_table():
    """Countries and eGRID subregions equal those of cloud_region_grid_map.csv (AGPL/ODbL-derived: read here
    only) for every region both list."""
    with open(GRID / "cloud_region_grid_map.csv", newline="") as f:
        other = {(r["provider"], r["region"]): r for r in csv.DictReader(f)}
    ours = {(r["provider"], r["region_id"]): r for r in rows("cloud_regions.csv")}
    common = set(other) & set(ours)
    assert len(common) >= 120
    for key in sorted(common):
        assert ours[key]["country_iso2"] == other[key]["country_iso2"], key
        assert ours[key]["egrid_subregion"] == (other[key]["egrid_subregion"] or ""), key


# Documented metro area of each US region (provider documentation) -> eGRID2021 polygon (EPA, public domain).
US_METROS = {
    ("aws", "us-east-1"): (-77.49, 39.04), ("aws", "us-east-2"): (-82.99, 39.96), ("aws", "us-west-1"): (-121.89, 37.34),
    ("aws", "us-west-2"): (-119.70, 45.84), ("azure", "eastus"): (-78.39, 36.67), ("azure", "eastus2"): (-78.39, 36.67),
    ("azure", "centralus"): (-93.62, 41.59), ("azure", "northcentralus"): (-87.63, 41.88),
    ("azure", "southcentralus"): (-98.50, 29.42), ("azure", "westcentralus"): (-104.82, 41.14),
    ("azure", "westus"): (-122.42, 37.78), ("azure", "westus2"): (-119.85, 47.23), ("azure", "westus3"): (-112.07, 33.45),
    ("gcp", "us-central1"): (-95.86, 41.26), ("gcp", "us-central2"): (-95.32, 36.31), ("gcp", "us-east1"): (-80.01, 33.20),
    ("gcp", "us-east4"): (-77.49, 39.04), ("gcp", "us-east5"): (-82.99, 39.96), ("gcp", "us-south1"): (-96.80, 32.78),
    ("gcp", "us-west1"): (-121.18, 45.60), ("gcp", "us-west2"): (-118.24, 34.05), ("gcp", "us-west3"): (-111.89, 40.76),
    ("gcp", "us-west4"): (-115.14, 36.17),
}


def _inside(x: float, y: float, ring: list) -> bool:
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[-1:] + ring[:-1], strict=True):
        if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
            hit = not hit
    return hit


@pytest.mark.shared
def test_us_subregions_follow_the_epa_polygons():
    shapes = json.loads((GRID / "egrid" / "egrid2021_subregions_5pct.geojson").read_text())
    ours = {(r["provider"], r["region_id"]): r["egrid_subregion"] for r in rows("cloud_regions.csv")}
    for key, (lon, lat) in US_METROS.items():
        found = set()
        for feat in shapes["features"]:
            geom = feat["geometry"]
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            for poly in polys:
                if _inside(lon, lat, poly[0]) and not any(_inside(lon, lat, hole) for hole in poly[1:]):
                    found.add(feat["properties"]["SUBRGN"])
        assert found == {ours[key]}, key


def test_methodology_document_names_every_formula_coefficient_and_pue():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "methodology.md").read_text(encoding="utf-8")
    from footprint import METHODOLOGY_VERSION

    assert f"**{METHODOLOGY_VERSION}**" in doc
    for formula in ("instance_v1", "accelerator_v1", "vcpu_v1", "memory_v1", "storage_v1", "network_v1"):
        assert formula in doc, formula
    for r in rows("accelerator_power.csv"):
        assert f"| {r['accelerator_model']} | {r['power_limit_w']} | {r['idle_power_w']} | {r['full_load_power_w']} |" in doc
    for r in rows("cpu_power.csv"):
        assert f"| {r['min_power_w_per_vcpu']} | {r['max_power_w_per_vcpu']} | {r['memory_baseline_gb_per_vcpu']} |" in doc
    for r in rows("pue.csv"):
        assert f"| {r['provider']} | {r['year']} | {r['pue']} |" in doc
    for r in rows("utilization_assumptions.csv"):
        assert f"| {r['device_class']} | {r['workload']} | {r['utilization_low']} | {r['utilization']} |" in doc
    for r in rows("energy_coefficients.csv"):
        assert f"| {r['coefficient_id']} |" in doc
    for r in rows("storage_replication.csv"):
        assert f"| {r['replication_factor']} | {r['coefficient_id']} |" in doc
