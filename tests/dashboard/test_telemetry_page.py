"""The Telemetry page accounts for every measured source in scope, and its total is the footprint's.

Expected values are computed apart from the page's queries: the footprint's measured energy re-summed
with plain SQL over footprint_items for the same scope, and the CodeCarbon energy re-summed from the raw
emissions.csv with the csv module and Decimal (energy_consumed / pue per run, as the file applied pue).
"""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import SAMPLE_DATA

from footprint import aggregates, units
from footprint.queries import Filters
from footprint.store import connection

pytestmark = pytest.mark.shared

CODECARBON_CSV = SAMPLE_DATA / "generated" / "telemetry" / "codecarbon" / "fra-dgx-01" / "emissions.csv"
HOST = "fra-dgx-01"  # the on-premises DGX the CodeCarbon runs were logged on (loaded with --host)
TOTAL_CARD = "Measured energy in the footprint"


def codecarbon_from_file() -> tuple[int, Decimal]:
    """Runs in the raw file and their IT energy (kWh): energy_consumed with the file's pue divided out."""
    with CODECARBON_CSV.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return len(rows), sum((Decimal(r["energy_consumed"]) / Decimal(r["pue"]) for r in rows), Decimal(0))


def measured_in_footprint(db: Path, provider: str | None = None) -> float:
    """sum(measured_energy_kwh) over the footprint's rows (bill rows and telemetry rows) in scope."""
    where, params = ("provider = ?", [provider]) if provider else ("TRUE", [])
    with connection(db, read_only=True) as con:
        row = con.execute(
            f"SELECT sum(measured_energy_kwh) FROM footprint_items WHERE {where}", params
        ).fetchone()
    return float(row[0] or 0.0)


def overview_measured(db: Path, f: Filters) -> str:
    """The Overview's 'measured by telemetry' figure for the same filters, as it prints it."""
    with connection(db, read_only=True) as con:
        return units.energy(aggregates.kpis(con, f)["measured_energy_kwh"])


def runs_table(at: AppTest):
    tables = [d.value for d in at.dataframe if "standalone_it_energy_kwh" in d.value.columns]
    assert len(tables) == 1, "the page shows one table of CodeCarbon runs"
    return tables[0]


def texts(at: AppTest) -> list[str]:
    return [c.value for c in at.caption] + [i.value for i in at.info]


def test_all_measured_energy_is_shown_and_adds_up_to_the_footprint(open_app, app_db: Path, cards):
    at = open_app("telemetry")
    total_kwh = measured_in_footprint(app_db)
    n_runs, codecarbon_kwh = codecarbon_from_file()
    assert total_kwh > float(codecarbon_kwh) > 0  # the demo has device telemetry on bills and CodeCarbon
    shown = cards(at)
    assert shown[TOTAL_CARD] == units.energy(total_kwh) == overview_measured(app_db, Filters())
    # the total is split by what measured it: device telemetry (all of it on billed resources in the demo)
    # and the CodeCarbon runs of the on-premises host, which no bill covers
    split = f"device telemetry {units.energy(total_kwh - float(codecarbon_kwh))} + CodeCarbon {units.energy(codecarbon_kwh)}"
    assert any(split in t for t in texts(at)), texts(at)
    assert shown["Stands alone"] == units.energy(codecarbon_kwh)
    assert shown["Replaced modelled energy"] == units.energy(total_kwh - float(codecarbon_kwh))
    assert shown["CodeCarbon runs"] == units.number(n_runs, 0)
    runs = runs_table(at)
    assert set(runs["host"]) == {HOST}
    assert len(runs) == n_runs
    assert runs["it_energy_kwh"].sum() == pytest.approx(float(codecarbon_kwh), rel=1e-12)
    # device telemetry keeps its per-GPU view beside the runs
    assert "Devices" in shown and shown["Devices"] != "0"


def test_onprem_scope_shows_the_codecarbon_host_instead_of_asking_for_files(open_app, app_db: Path, cards):
    at = open_app("telemetry", query={"provider": "onprem"})
    total_kwh = measured_in_footprint(app_db, "onprem")
    n_runs, codecarbon_kwh = codecarbon_from_file()
    assert total_kwh == pytest.approx(float(codecarbon_kwh), rel=1e-12)  # all of onprem's measured energy
    shown = cards(at)
    assert (
        shown[TOTAL_CARD]
        == units.energy(total_kwh)
        == overview_measured(app_db, Filters(provider=["onprem"]))
    )
    assert shown["Replaced modelled energy"] == units.energy(0)
    assert not any("No measured energy" in i.value or "Upload" in i.value for i in at.info)
    assert "No device telemetry (nvidia-smi logs, DCGM exporter metrics) in this scope." in texts(at)
    runs = runs_table(at)
    assert list(runs["host"].unique()) == [HOST] and len(runs) == n_runs
    assert (runs["pue_applied_in_file"] == 1.0).all()  # the file's pue column reads 1.0 on every row


def test_a_scope_without_any_measurement_names_what_is_missing(open_app, app_db: Path, cards):
    assert measured_in_footprint(app_db, "gcp") == 0.0  # the demo's GCP spend has no telemetry
    at = open_app("telemetry", query={"provider": "gcp"})
    infos = [i.value for i in at.info]
    assert any("no device telemetry" in i and "no CodeCarbon runs" in i for i in infos), infos
    assert TOTAL_CARD not in cards(at)
