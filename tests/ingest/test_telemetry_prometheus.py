"""DCGM exporter and nvidia_gpu_exporter metrics: real scrapes, synthetic multi-scrape text and JSON, bad input.

Energies are checked against `reference_energy` (plain Python over the file, no DuckDB).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fixtures.telemetry.reference_energy import counter_kwh, prometheus_json, prometheus_text, trapezoid_kwh
from support import SAMPLE_TELEMETRY

from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
DATADOG = SAMPLE_TELEMETRY / "dcgm" / "datadog_integrations-core__dcgm_fixture_metrics.txt"
EXPORTER = sorted((SAMPLE_TELEMETRY / "prometheus_nvidia_gpu_exporter").glob("*.metrics"))
SCRAPES = FIXTURES / "dcgm" / "dgx-a-01_scrapes_reset_gap_mig.txt"
QUERY_RANGE = FIXTURES / "dcgm" / "gke-serve-pool-3_query_range_power.json"


def _sample_lines(path: Path) -> int:
    return sum(1 for line in path.read_text().splitlines() if line.strip() and not line.startswith("#"))


def _per_uuid(con, column: str = "sum(e.energy_kwh)") -> dict:
    return dict(
        con.execute(
            f"SELECT s.gpu_uuid, {column} FROM telemetry_energy e JOIN telemetry_series s USING (series_id) GROUP BY 1"
        ).fetchall()
    )


@pytest.mark.shared
def test_datadog_dcgm_scrape_is_a_snapshot_without_energy(con):
    r = ingest_file(con, DATADOG)
    assert r.status == "loaded", r.error
    assert r.format_id == "prometheus-text"
    assert r.rows_read == _sample_lines(DATADOG) and r.rows_loaded + sum(r.skipped.values()) == r.rows_read
    # The dummy, label-less GR_ENGINE_ACTIVE line names no GPU; it is a counted skip, not a device.
    assert r.skipped["no_gpu_label"] == 1
    assert any("snapshot" in w for w in r.warnings)
    power = prometheus_text(DATADOG, "DCGM_FI_DEV_POWER_USAGE")
    counter = prometheus_text(DATADOG, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")
    got = con.execute(
        "SELECT s.host, s.gpu_uuid, s.gpu_name, s.accelerator_model, t.ts, t.power_w, t.energy_counter_mj "
        "FROM telemetry_samples t JOIN telemetry_series s USING (series_id)"
    ).fetchall()
    assert got == [
        (
            power[0][0]["Hostname"],
            power[0][0]["UUID"],
            "Tesla T4",
            "T4",
            None,
            power[0][1],
            counter[0][1],
        )
    ]
    assert con.execute("SELECT count(*) FROM telemetry_energy").fetchone()[0] == 0


@pytest.mark.shared
@pytest.mark.parametrize("path", EXPORTER, ids=lambda p: p.name[-40:])
def test_nvidia_gpu_exporter_metrics(con, path):
    r = ingest_file(con, path)
    assert r.status == "loaded", r.error
    assert any("snapshot" in w for w in r.warnings)
    power = prometheus_text(path, "nvidia_smi_power_draw_watts")[0][1]
    ratio = prometheus_text(path, "nvidia_smi_utilization_gpu_ratio")[0][1]
    memory_b = prometheus_text(path, "nvidia_smi_memory_used_bytes")[0][1]
    info = prometheus_text(path, "nvidia_smi_gpu_info")[0][0]
    got = con.execute(
        "SELECT s.gpu_uuid, s.gpu_name, s.gpu_index, t.power_w, t.utilisation_pct, t.memory_used_mib "
        "FROM telemetry_samples t JOIN telemetry_series s USING (series_id)"
    ).fetchone()
    assert got == (
        "GPU-" + info["uuid"],
        info["name"],
        int(info["index"]),
        power,
        pytest.approx(ratio * 100),
        pytest.approx(memory_b / 1048576),
    )


def test_dcgm_scrapes_counters_resets_gaps_and_mig(con):
    r = ingest_file(con, SCRAPES)
    assert r.status == "loaded", r.error
    counters = prometheus_text(SCRAPES, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION")
    by_board: dict[str, dict[int, float]] = defaultdict(dict)
    for labels, value, ms in counters:
        by_board[labels["UUID"]].setdefault(ms, value)  # a MIG board repeats its readings per instance
    expected = {u: counter_kwh([v for _, v in sorted(series.items())]) for u, series in by_board.items()}
    got = _per_uuid(con)
    assert got.keys() == expected.keys()
    for uuid, (kwh, _) in expected.items():
        assert got[uuid] == pytest.approx(kwh, rel=1e-9)
    assert sorted(n for _, n in expected.values()) == [0, 0, 1]  # the fixture holds one reset
    gaps = con.execute(
        "SELECT kind, count(*), sum(gap_s) FROM telemetry_gaps GROUP BY 1 ORDER BY 1"
    ).fetchall()
    # GPU 0 misses ten scrapes: one 330 s interval, measured by its counter; GPU 1's counter resets once.
    assert gaps == [("counter_gap_measured", 1, 330.0), ("counter_reset", 1, 30.0)]
    mig = con.execute(
        "SELECT mig_instances, count(*) FROM telemetry_series WHERE mig_instances IS NOT NULL GROUP BY 1"
    )
    assert mig.fetchall() == [("1,2", 1)]
    assert r.skipped["mig_instance_duplicate"] == 41 * 3  # power, counter and memory of the second instance
    assert r.skipped["dcgm_blank_value"] == 1
    assert r.skipped["metric_not_used"] == sum(
        1 for line in SCRAPES.read_text().splitlines() if "SM_CLOCK{" in line
    )
    labels = con.execute(
        "SELECT DISTINCT host, pod, namespace, container, job FROM telemetry_series ORDER BY pod"
    )
    # exported_* labels are the workload's; the plain ones name the exporter's own pod.
    assert labels.fetchall() == [
        ("dgx-a-01", f"llm-pretrain-{g}", "research", "trainer", f"llm-pretrain-{g}") for g in range(3)
    ]


def test_query_range_json_power_trapezoids_and_hole(con):
    r = ingest_file(con, QUERY_RANGE)
    assert r.status == "loaded", r.error
    assert r.format_id == "prometheus-json" and r.rows_loaded == sum(
        len(s) for _, s in prometheus_json(QUERY_RANGE)
    )
    got = _per_uuid(con)
    not_counted = dict(
        con.execute(
            "SELECT s.gpu_uuid, sum(g.energy_not_counted_kwh) FROM telemetry_gaps g JOIN telemetry_series s "
            "USING (series_id) GROUP BY 1"
        ).fetchall()
    )
    for metric, samples in prometheus_json(QUERY_RANGE):
        counted, skipped = trapezoid_kwh(samples)
        assert got[metric["UUID"]] == pytest.approx(counted, rel=1e-9)
        if skipped:
            assert not_counted[metric["UUID"]] == pytest.approx(skipped, rel=1e-9)
    assert len(not_counted) == 1  # only GPU 1 has a hole
    series = con.execute("SELECT DISTINCT host, pod, namespace, container FROM telemetry_series ORDER BY pod")
    assert series.fetchall() == [("gke-serve-pool-3", f"vllm-{g}", "serving", "vllm") for g in range(2)]
    first = con.execute("SELECT min(ts) FROM telemetry_samples").fetchone()[0]
    assert first == datetime(2026, 3, 10, 9, 0, tzinfo=UTC).replace(tzinfo=None)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("dcgm_mixed_timestamps.txt", "some samples carry a time stamp"),
        ("dcgm_two_scrapes_no_ts.txt", "without time stamps"),
        ("prometheus_no_name.json", "no __name__"),
    ],
)
def test_bad_prometheus_input_fails_and_stores_nothing(con, name, words):
    ingest_file(con, SCRAPES)
    before = con.execute(
        "SELECT (SELECT count(*) FROM ingest_batches), (SELECT count(*) FROM telemetry_samples)"
    )
    before = before.fetchone()
    r = ingest_file(con, FIXTURES / "bad" / name)
    assert r.status == "error" and name in r.error and words in r.error
    after = con.execute(
        "SELECT (SELECT count(*) FROM ingest_batches), (SELECT count(*) FROM telemetry_samples)"
    )
    assert after.fetchone() == before


def test_failed_query_status_is_reported(con, tmp_path):
    p = tmp_path / "err.json"
    p.write_text(
        '{"status":"error","errorType":"bad_data","error":"parse error at char 5","data":{"resultType":"matrix","result":[]}}'
    )
    r = ingest_file(con, p)
    assert r.status == "error" and "parse error at char 5" in r.error
