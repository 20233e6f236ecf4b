"""Shipped reference tables (coefficients, factors, catalogs) loaded from footprint/data into DuckDB.

Each CSV becomes a `ref_<name>` table. A table is reloaded only when its file's content changed, so
opening a database stays cheap. Every shipped table documents its sources in footprint/data/SOURCES.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable

import duckdb


@dataclass(frozen=True)
class RefTable:
    table: str
    file: str
    # Extra SQL expressions computed at load time, e.g. lookup keys.
    derived: tuple[tuple[str, str], ...] = ()


REFERENCE_TABLES: list[RefTable] = [
    RefTable("ref_units", "units.csv"),
    RefTable(
        "ref_instance_types",
        "instance_types.csv",
        derived=(("instance_key", "fp_instance_key(instance_type)"),),
    ),
    RefTable("ref_accelerator_sku_patterns", "accelerator_sku_patterns.csv"),
    RefTable("ref_azure_pricing_units", "azure_pricing_units.csv"),
    RefTable("ref_azure_regions", "azure_regions.csv"),
    RefTable("ref_azure_services", "azure_services.csv"),
    # Estimation coefficients and factors (docs/methodology.md; sources in sources.csv).
    RefTable("ref_sources", "sources.csv"),
    RefTable("ref_cpu_power", "cpu_power.csv"),
    RefTable("ref_accelerator_power", "accelerator_power.csv"),
    RefTable("ref_power_curves", "power_curves.csv"),
    RefTable("ref_utilization_assumptions", "utilization_assumptions.csv"),
    RefTable("ref_energy_coefficients", "energy_coefficients.csv"),
    RefTable("ref_storage_replication", "storage_replication.csv"),
    RefTable("ref_storage_media", "storage_media.csv"),
    RefTable("ref_pue", "pue.csv"),
    RefTable("ref_cloud_regions", "cloud_regions.csv"),
    RefTable("ref_grid_factors", "grid_factors.csv"),
    RefTable("ref_provider_renewable_claims", "provider_renewable_claims.csv"),
]


def register_reference_table(ref: RefTable) -> None:
    """Add a shipped table (used by the estimation, attribution and telemetry modules)."""
    if all(r.table != ref.table for r in REFERENCE_TABLES):
        REFERENCE_TABLES.append(ref)


def data_file(name: str) -> Traversable:
    return resources.files("footprint").joinpath("data", name)


def _digest(text: bytes) -> str:
    return hashlib.sha256(text).hexdigest()


def ensure_reference(con: duckdb.DuckDBPyConnection) -> list[str]:
    """(Re)load every reference table whose file changed since it was loaded; returns reloaded tables."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS ref_meta (table_name VARCHAR PRIMARY KEY, file VARCHAR, sha256 VARCHAR)"
    )
    current = dict(con.execute("SELECT table_name, sha256 FROM ref_meta").fetchall())
    reloaded = []
    for ref in REFERENCE_TABLES:
        res = data_file(ref.file)
        raw = res.read_bytes()
        digest = _digest(raw)
        exists = con.execute(
            "SELECT count(*) > 0 FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [ref.table]
        ).fetchall()[0][0]
        if current.get(ref.table) == digest and exists:
            continue
        with resources.as_file(res) as path:
            extra = "".join(f", {expr} AS {name}" for name, expr in ref.derived)
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(
                    f"CREATE OR REPLACE TABLE {ref.table} AS SELECT *{extra} FROM read_csv(?, header = true, "
                    "sample_size = -1, auto_detect = true, quote = '\"', escape = '\"')",
                    [str(path)],
                )
                con.execute(
                    "INSERT OR REPLACE INTO ref_meta VALUES (?, ?, ?)", [ref.table, ref.file, digest]
                )
                con.execute("COMMIT")
            except duckdb.Error:
                con.execute("ROLLBACK")
                raise
        reloaded.append(ref.table)
    return reloaded
