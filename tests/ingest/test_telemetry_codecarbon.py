"""CodeCarbon emissions.csv: every real file and every released column layout; PUE recorded, never re-applied.

Totals are compared with the file's own sums, computed with the csv module and Decimal.
"""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from support import SAMPLE_TELEMETRY

from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
REAL = sorted((SAMPLE_TELEMETRY / "codecarbon").rglob("*.csv"))
REAL = [p for p in REAL if p.name != "model_parameters.csv"]
LAYOUTS = sorted((FIXTURES / "codecarbon").glob("emissions_*.csv"))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _decimal_sum(rows: list[dict[str, str]], column: str) -> Decimal:
    return sum((Decimal(r[column]) for r in rows if (r.get(column) or "").strip()), Decimal(0))


@pytest.mark.shared
@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name[:40])
def test_real_files_total_equals_the_files_own_sum_exactly(con, path):
    rows = _rows(path)
    r = ingest_file(con, path)
    assert r.status == "loaded", r.error
    blank = sum(1 for row in rows if not row["energy_consumed"].strip())
    assert r.rows_read == len(rows) and r.rows_loaded == len(rows) - blank
    assert r.skipped == ({"energy_consumed_blank": blank} if blank else {})
    got = con.execute(
        "SELECT sum(energy_consumed_kwh), sum(gpu_energy_kwh), sum(emissions_kg) FROM codecarbon_runs"
    ).fetchone()
    measured = [row for row in rows if row["energy_consumed"].strip()]
    assert got[0] == _decimal_sum(measured, "energy_consumed")  # exact, Decimal against Decimal
    assert got[1] == _decimal_sum(measured, "gpu_energy")
    assert got[2] == _decimal_sum(measured, "emissions")
    # Every real file is CodeCarbon >= 2.2.3: the energy already carries CodeCarbon's PUE (1 here).
    flags = con.execute("SELECT DISTINCT pue_included, pue_in_source FROM codecarbon_runs").fetchall()
    assert flags == [(True, 1.0)]
    if "pue" not in rows[0]:
        assert any("no pue column" in w for w in r.warnings)


@pytest.mark.shared
def test_co2_inference_runs_and_attribution(con):
    path = SAMPLE_TELEMETRY / "codecarbon" / "co2_inference" / "complete" / "text_classif_imdb.csv"
    rows = _rows(path)
    r = ingest_file(con, path, options={"team": "research", "workload": "inference"})
    first = con.execute(
        "SELECT run_start, run_end, model, job, team, workload, attribution_source, accelerator_model, gpu_count "
        "FROM codecarbon_runs ORDER BY source_row LIMIT 1"
    ).fetchone()
    end = datetime.fromisoformat(rows[0]["timestamp"])
    assert first[1] == end
    assert abs((end - first[0]).total_seconds() - float(rows[0]["duration"])) < 1e-6
    assert first[2:] == (
        rows[0]["project_name"],
        rows[0]["run_id"],
        "research",
        "inference",
        "labels+flags",
        "A100-80GB",
        8.0,
    )
    assert r.status == "loaded"


@pytest.mark.parametrize("path", LAYOUTS, ids=lambda p: p.stem.removeprefix("emissions_"))
def test_every_released_layout(con, path):
    layout = path.stem.removeprefix("emissions_")
    rows = _rows(path)
    r = ingest_file(con, path, options={"timezone": "Europe/Berlin", "model": "fallback-model"})
    assert r.status == "loaded", r.error
    detail = con.execute(
        "SELECT format_detail FROM ingest_batches WHERE batch_id = ?", [r.batch_id]
    ).fetchone()[0]
    assert f"layout {layout}" in detail
    got = con.execute(
        "SELECT sum(energy_consumed_kwh), bool_and(pue_included), any_value(pue_in_source), min(run_end) "
        "FROM codecarbon_runs"
    ).fetchone()
    assert got[0] == _decimal_sum(rows, "energy_consumed")
    has_pue = "pue" in rows[0]
    assert got[1] is has_pue
    assert got[2] == (float(rows[0]["pue"]) if has_pue else None)
    # Host-local 10:xx in Berlin (CET, UTC+1) is 09:xx UTC.
    first_local = min(datetime.fromisoformat(row["timestamp"]) for row in rows)
    assert got[3] == first_local - timedelta(hours=1)
    models = con.execute("SELECT source_row, model, job FROM codecarbon_runs ORDER BY source_row").fetchall()
    # The last run kept CodeCarbon's default project name: the --model flag fills in.
    assert models[0][1] == "llama-finetune" and models[3][1] == "fallback-model"
    # The third run has an empty run_id: experiment_id stands in where the layout has one.
    assert models[2][2] == (rows[2]["experiment_id"] if "experiment_id" in rows[2] else None)


def test_unreadable_energy_fails_with_row_and_column(con):
    r = ingest_file(con, FIXTURES / "bad" / "codecarbon_bad_energy.csv")
    assert r.status == "error" and "row 2" in r.error and "energy_consumed" in r.error and "'two'" in r.error
    assert con.execute("SELECT count(*) FROM codecarbon_runs").fetchone()[0] == 0
