"""The telemetry refresh step: measured energy matched to bill rows (line_item_measured), the rest as
telemetry_activity, attribution from labels / flags / mapping, no double counting, reconciliation.

The reconciliation fixture: two billed hours of a p4d.24xlarge (FOCUS, ARN resource id) and an nvidia-smi
log of that host; expectations come from `reference_energy` (plain Python over the log).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fixtures.telemetry.reference_energy import (
    hourly_trapezoid_kwh,
    nvidia_smi_power,
    prometheus_text,
    trapezoid_kwh,
)

from footprint.pipeline import refresh
from footprint.store import connection
from footprint.telemetry import refresh as telemetry_refresh
from footprint.telemetry.queries import measured_energy
from footprint.telemetry.reconcile import reconciliation
from footprint_cli.main import main
from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
BILL = FIXTURES / "billing" / "focus_p4d_hours.csv"
LOG = FIXTURES / "nvidia_smi" / "p4d_i-0f1e2d3c4b5a69788_l30.csv"
SCRAPES = FIXTURES / "dcgm" / "dgx-a-01_scrapes_reset_gap_mig.txt"
MAPPING = FIXTURES / "mapping" / "gpu_mapping.csv"
INSTANCE = "i-0f1e2d3c4b5a69788"


def _hourly_expected() -> dict[datetime, float]:
    per_hour: dict[datetime, float] = defaultdict(float)
    for samples in nvidia_smi_power(LOG).values():
        for hour, kwh in hourly_trapezoid_kwh(samples).items():
            per_hour[hour] += kwh
    return dict(per_hour)


def _measured(con) -> list[tuple]:
    return con.execute(
        "SELECT b.charge_period_start, m.measured_accelerator_energy_kwh, m.measured_device_hours, "
        "m.telemetry_batches FROM line_item_measured m JOIN billing_line_items b USING (row_id) ORDER BY 1"
    ).fetchall()


def _refresh(con) -> None:
    con.execute("BEGIN TRANSACTION")
    telemetry_refresh(con)
    con.execute("COMMIT")


def test_p4d_log_fills_line_item_measured_for_its_billed_hours(con):
    assert ingest_file(con, BILL).status == "loaded"
    log = ingest_file(con, LOG, options={"host": INSTANCE, "team": "research", "workload": "training"})
    _refresh(con)
    expected = _hourly_expected()
    got = _measured(con)
    # Only the two hours billed for this instance (matched through the ARN's last segment); not the other
    # p4d, not the EBS volume.
    assert [(start, round(kwh, 9)) for start, kwh, _, _ in got] == [
        (datetime(2026, 3, 10, 9), round(expected[datetime(2026, 3, 10, 9)], 9)),
        (datetime(2026, 3, 10, 10), round(expected[datetime(2026, 3, 10, 10)], 9)),
    ]
    assert [round(dh, 3) for _, _, dh, _ in got] == [8.0, 8.0]  # 8 GPUs x 1 h each
    assert {b for _, _, _, b in got} == {str(log.batch_id)}
    # The milliseconds of the last poll past 11:00 are billed by no row: they are activity. Nothing is
    # counted twice and nothing lost.
    activity = con.execute(
        "SELECT sum(energy_kwh), min(period_start), any_value(team), any_value(workload), any_value(host) "
        "FROM telemetry_activity"
    ).fetchone()
    assert activity[1] >= datetime(2026, 3, 10, 11) and activity[2:] == ("research", "training", INSTANCE)
    total = sum(trapezoid_kwh(s)[0] for s in nvidia_smi_power(LOG).values())
    assert sum(kwh for _, kwh, _, _ in got) + activity[0] == pytest.approx(total, rel=1e-9)


def test_mapping_names_the_billed_resource_of_a_host_and_attributes(con):
    ingest_file(con, BILL)
    ingest_file(con, MAPPING)
    ingest_file(con, LOG, options={"host": "trainer-07.internal"})
    _refresh(con)
    assert len(_measured(con)) == 2
    team = con.execute("SELECT DISTINCT team, model, workload, job FROM telemetry_activity").fetchall()
    assert team == [("vision", "visionnet-l", "training", "vn-ft")]


def test_the_same_gpus_logged_twice_are_counted_once(con, tmp_path):
    ingest_file(con, BILL)
    first = ingest_file(con, LOG, options={"host": INSTANCE})
    # Same readings, other bytes (an extra blank line): a second batch measuring the same devices and hours.
    copy = tmp_path / LOG.name
    copy.write_bytes(LOG.read_bytes() + b"\n")
    again = ingest_file(con, copy, options={"host": INSTANCE})
    assert first.status == again.status == "loaded" and first.batch_id != again.batch_id
    _refresh(con)
    expected = _hourly_expected()
    assert sum(kwh for _, kwh, _, _ in _measured(con)) == pytest.approx(
        expected[datetime(2026, 3, 10, 9)] + expected[datetime(2026, 3, 10, 10)], rel=1e-9
    )


def test_unbilled_dcgm_is_activity_with_labels_then_mapping(con):
    ingest_file(con, MAPPING)
    r = ingest_file(con, SCRAPES)
    _refresh(con)
    rows = con.execute(
        "SELECT host, accelerator_model, device_count, team, model, workload, job, energy_kwh, pue_included "
        "FROM telemetry_activity ORDER BY job"
    ).fetchall()
    # One hour bucket; each GPU has its own pod (the label is the job). The mapping rule whose window holds
    # the hour's start (09:00-09:10) gives team, model and workload.
    assert [row[:7] for row in rows] == [
        ("dgx-a-01", "A100-80GB", 1.0, "research", "llm-70b", "training", f"llm-pretrain-{g}")
        for g in range(3)
    ]
    assert all(row[8] is False for row in rows)
    stored = con.execute("SELECT sum(energy_kwh) FROM telemetry_energy WHERE batch_id = ?", [r.batch_id])
    assert sum(row[7] for row in rows) == pytest.approx(stored.fetchone()[0], rel=1e-12)


def test_codecarbon_runs_keep_their_pue_and_yield_gpu_energy_to_device_telemetry(con):
    runs = FIXTURES / "codecarbon" / "emissions_3.0.8-3.1.csv"
    ingest_file(con, SCRAPES)
    ingest_file(con, runs, options={"host": "dgx-a-01"})
    _refresh(con)
    scrape_ms = [ms for _, _, ms in prometheus_text(SCRAPES, "DCGM_FI_DEV_POWER_USAGE")]
    first, last = (
        datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None) for ms in (min(scrape_ms), max(scrape_ms))
    )
    got = con.execute(
        "SELECT a.energy_kwh, a.pue_included, a.pue_in_source, r.energy_consumed_kwh, r.gpu_energy_kwh, "
        "r.run_start, r.run_end FROM telemetry_activity a JOIN codecarbon_runs r "
        "ON a.source_format = 'codecarbon' AND a.period_start = r.run_start ORDER BY r.run_start"
    ).fetchall()
    assert len(got) == 4
    overlapped = 0
    for energy, included, pue, consumed, gpu, start, end in got:
        assert (included, pue) == (True, 1.2)
        device_covered = start < last and end > first
        overlapped += device_covered
        expected = consumed - (gpu if device_covered else Decimal(0))
        assert energy == pytest.approx(float(expected), rel=1e-12)
    # Some runs overlap the scrapes (their GPU part is the DCGM measurement), others do not: both rules ran.
    assert 0 < overlapped < len(got)


def test_pipeline_estimation_uses_the_measurement_and_reconciles(con):
    ingest_file(con, BILL)
    ingest_file(con, LOG, options={"host": INSTANCE})
    refresh(con)
    measured = {start: kwh for start, kwh, _, _ in _measured(con)}
    items = con.execute(
        "SELECT charge_period_start, method, measured_energy_kwh, measured_device_hours, device_hours, "
        "modelled_accelerator_energy_kwh FROM footprint_items WHERE source = 'billing' AND resource_id LIKE ? "
        "ORDER BY 1",
        [f"%{INSTANCE}"],
    ).fetchall()
    assert [(start, method) for start, method, *_ in items] == [
        (datetime(2026, 3, 10, 9), "measured"),
        (datetime(2026, 3, 10, 10), "measured"),
    ]
    assert [m for _, _, m, *_ in items] == pytest.approx([measured[s] for s, *_ in items])
    per_resource = reconciliation(con, "resource")
    assert [r["resource"] for r in per_resource] == [
        f"arn:aws:ec2:us-east-1:123456789012:instance/{INSTANCE}"
    ]
    rec = per_resource[0]
    modelled_same_hours = sum(mod * min(1.0, mdh / dh) for *_, mdh, dh, mod in items)
    assert rec["measured_accelerator_energy_kwh"] == pytest.approx(sum(measured.values()))
    assert rec["modelled_accelerator_energy_kwh"] == pytest.approx(modelled_same_hours)
    assert rec["measured_to_modelled_ratio"] == pytest.approx(sum(measured.values()) / modelled_same_hours)
    assert rec["line_items"] == 2 and rec["accelerator_model"] == "A100-40GB"
    per_model = reconciliation(con, "model")
    assert [r["measured_accelerator_energy_kwh"] for r in per_model] == pytest.approx(
        [sum(measured.values())]
    )
    with pytest.raises(ValueError):
        reconciliation(con, "team")


def test_removing_a_telemetry_batch_removes_its_rows(db_path, capsys):
    assert main(["ingest", str(LOG), "--host", INSTANCE, "--db", str(db_path)]) == 0
    line = capsys.readouterr().out
    assert (
        "nvidia-smi" in line
        and f"{241 * 8:,} of {241 * 8 + 1:,} rows loaded" in line
        and "repeated_header: 1" in line
    )
    assert main(["batches", "--remove", "1", "--db", str(db_path)]) == 0
    with connection(db_path, read_only=True) as con:
        counts = con.execute(
            "SELECT (SELECT count(*) FROM telemetry_series), (SELECT count(*) FROM telemetry_samples), "
            "(SELECT count(*) FROM telemetry_energy), (SELECT count(*) FROM telemetry_activity)"
        ).fetchone()
    assert counts == (0, 0, 0, 0)


def test_measured_energy_per_gpu_host_job_and_hour(con):
    ingest_file(con, LOG, options={"host": INSTANCE, "job": "pretrain-1"})
    expected = _hourly_expected()
    per_hour = measured_energy(con, ["host", "job", "hour"])
    assert [(r["host"], r["job"], r["hour"]) for r in per_hour] == [
        (INSTANCE, "pretrain-1", hour) for hour in sorted(expected)
    ]
    assert [r["energy_kwh"] for r in per_hour] == pytest.approx(
        [expected[h] for h in sorted(expected)], rel=1e-9
    )
    assert [r["devices"] for r in per_hour] == [8, 8, 8]
    per_gpu = measured_energy(con, ["gpu"])
    by_uuid = {
        key: sum(trapezoid_kwh(s)[0] for s in [samples]) for key, samples in nvidia_smi_power(LOG).items()
    }
    assert {r["gpu"]: r["energy_kwh"] for r in per_gpu} == pytest.approx(by_uuid, rel=1e-9)
    with pytest.raises(ValueError):
        measured_energy(con, ["colour"])
