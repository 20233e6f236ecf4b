"""nvidia-smi logs and capture bundles: every real capture, the synthetic p4d log, and broken logs.

Energy is checked against `reference_energy` (plain Python trapezoids over the file, no DuckDB).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from fixtures.telemetry.reference_energy import nvidia_smi_power, trapezoid_kwh
from support import SAMPLE_TELEMETRY

from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
SMI = SAMPLE_TELEMETRY / "nvidia_smi"
EXTRACTS = sorted((SMI / "query_gpu_extracts").glob("*.csv"))
BUNDLES = sorted((SMI / "captures").glob("*.txt"))
XYPP3 = SMI / "xypp3_gpu_glasses__8xH100_idle_nvidia_smi.csv"
P4D = FIXTURES / "nvidia_smi" / "p4d_i-0f1e2d3c4b5a69788_l30.csv"


def _energy(con, batch_id: int) -> float:
    return con.execute(
        "SELECT sum(energy_kwh) FROM telemetry_energy WHERE batch_id = ?", [batch_id]
    ).fetchone()[0]


def _state(con) -> tuple:
    return con.execute(
        "SELECT (SELECT count(*) FROM ingest_batches), (SELECT count(*) FROM telemetry_series), "
        "(SELECT count(*) FROM telemetry_samples), (SELECT count(*) FROM telemetry_energy)"
    ).fetchone()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.shared
@pytest.mark.parametrize("path", EXTRACTS + [XYPP3], ids=lambda p: p.name[:40])
def test_real_logs_energy_equals_independent_integration(con, path):
    expected = sum(trapezoid_kwh(s)[0] for s in nvidia_smi_power(path).values())
    r = ingest_file(con, path)
    assert r.status == "loaded", r.error
    assert r.kind == "telemetry" and r.format_id == "nvidia-smi"
    assert _energy(con, r.batch_id) == pytest.approx(expected, rel=1e-9)
    assert expected > 0


@pytest.mark.shared
@pytest.mark.parametrize("bundle", BUNDLES, ids=lambda p: p.name[:40])
def test_capture_bundles_read_their_query_gpu_sections(con, bundle):
    # The extract holds the same CSV lines as the bundle's idle and load query-gpu sections.
    extract = next(e for e in EXTRACTS if e.name.startswith(bundle.stem))
    expected = sum(trapezoid_kwh(s)[0] for s in nvidia_smi_power(extract).values())
    r = ingest_file(con, bundle)
    assert r.status == "loaded", r.error
    assert r.format_id == "nvidia-smi-capture"
    assert (r.rows_read, r.rows_loaded, r.skipped) == (3, 2, {"repeated_header": 1})
    assert _energy(con, r.batch_id) == pytest.approx(expected, rel=1e-9)
    detail = con.execute(
        "SELECT format_detail FROM ingest_batches WHERE batch_id = ?", [r.batch_id]
    ).fetchone()[0]
    assert "dmon" in detail and "not read" in detail
    # Source rows point at the bundle's own lines: the idle data row sits right under its header.
    rows = [r[0] for r in con.execute("SELECT source_row FROM telemetry_samples ORDER BY ts").fetchall()]
    lines = bundle.read_text(encoding="utf-8").splitlines()
    header_no = next(i for i, line in enumerate(lines, 1) if line.startswith("timestamp, driver_version"))
    assert rows[0] == 1 and lines[header_no + rows[0] - 1].startswith("2026/")


@pytest.mark.shared
def test_h100_extract_values_placeholders_and_units(con):
    r = ingest_file(con, next(e for e in EXTRACTS if "h100-80gb" in e.name))
    got = con.execute(
        "SELECT ts, power_w, utilisation_pct, memory_used_mib FROM telemetry_samples ORDER BY ts"
    ).fetchall()
    assert got == [
        (datetime(2026, 7, 14, 8, 12, 38, 696000), 69.85, 0.0, 0.0),
        (datetime(2026, 7, 14, 8, 12, 53, 353000), 631.95, 100.0, 19818.0),
    ]
    series = con.execute(
        "SELECT gpu_name, accelerator_model, gpu_index, host FROM telemetry_series"
    ).fetchall()
    # hostname is '[N/A]' in the capture: no host, never the placeholder text.
    assert series == [("NVIDIA H100 80GB HBM3", "H100-80GB", 0, None)]
    assert any("no host" in w for w in r.warnings)


@pytest.mark.shared
def test_mig_capture_utilisation_is_missing_not_zero(con):
    r = ingest_file(con, next(e for e in EXTRACTS if "mig" in e.name))
    assert con.execute(
        "SELECT count(*), count(utilisation_pct), min(power_w) FROM telemetry_samples"
    ).fetchone() == (2, 0, 71.15)
    detail = con.execute(
        "SELECT format_detail FROM ingest_batches WHERE batch_id = ?", [r.batch_id]
    ).fetchone()[0]
    assert "MIG mode enabled" in detail


@pytest.mark.shared
def test_xypp3_wrapper_offsets_gpu_ordinal_and_truncated_poll(con):
    r = ingest_file(con, XYPP3, options={"host": "xypp3-node"})
    assert r.status == "loaded" and r.rows_loaded == 43
    per_gpu = con.execute(
        "SELECT s.gpu_index, count(*), min(t.ts) FROM telemetry_samples t JOIN telemetry_series s USING (series_id) "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    # 'index' is 0 on every row; the wrapper's 'gpu' column numbers the eight GPUs. The last poll holds 3 GPUs.
    assert [g for g, _, _ in per_gpu] == list(range(8))
    assert [n for _, n, _ in per_gpu] == [6, 6, 6, 5, 5, 5, 5, 5]
    # '2025-09-08T17:26:50+08:00' is 09:26:50 UTC; the timezone option does not apply to stamps with an offset.
    assert {t for _, _, t in per_gpu} == {datetime(2025, 9, 8, 9, 26, 50)}
    assert con.execute("SELECT DISTINCT host FROM telemetry_series").fetchall() == [("xypp3-node",)]


def test_p4d_log_repeated_header_and_placeholders(con):
    expected = nvidia_smi_power(P4D)
    r = ingest_file(con, P4D, options={"host": "trainer-07.internal"})
    assert r.status == "loaded", r.error
    assert r.skipped == {"repeated_header": 1} and r.rows_loaded == 241 * 8
    assert _energy(con, r.batch_id) == pytest.approx(
        sum(trapezoid_kwh(s)[0] for s in expected.values()), rel=1e-9
    )
    text = P4D.read_text()
    assert con.execute("SELECT count(*) - count(utilisation_pct) FROM telemetry_samples").fetchone()[
        0
    ] == text.count("[N/A]")
    # Per GPU and hour, in SQL: 09:00 and 10:00 in full, and the few milliseconds the last poll (11:00:00.0xx)
    # lies past 11:00, split off in proportion to time.
    hours = con.execute(
        "SELECT hour(bucket_start), count(DISTINCT series_id), max(covered_s) FROM telemetry_energy GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert [(h, n) for h, n, _ in hours] == [(9, 8), (10, 8), (11, 8)]
    assert hours[0][2] == pytest.approx(3600, abs=0.05) and hours[2][2] < 0.05


def test_host_timezone_option_converts_local_time(con, tmp_path):
    text = (
        "timestamp, index, power.draw [W]\n"
        "2026/03/10 10:00:00.000, 0, 100.00 W\n2026/03/10 10:00:01.000, 0, 110.00 W\n"
    )
    r = ingest_file(con, _write(tmp_path, "berlin.csv", text), options={"timezone": "Europe/Berlin"})
    assert r.status == "loaded", r.error
    assert con.execute("SELECT min(ts) FROM telemetry_samples").fetchone()[0] == datetime(
        2026, 3, 10, 9, 0, 0
    )
    options = con.execute("SELECT options FROM ingest_batches WHERE batch_id = ?", [r.batch_id]).fetchone()[0]
    assert '"timezone": "Europe/Berlin"' in options
    bad = ingest_file(
        con, _write(tmp_path, "b2.csv", text.replace("110", "111")), options={"timezone": "Mars/Olympus"}
    )
    assert bad.status == "error" and "Mars/Olympus" in bad.error


def test_nounits_aliases_average_power_and_lms_interval(con, tmp_path):
    # --format=csv,nounits, -lms 250, two GPUs interleaved; power.draw is [N/A] on one GPU, whose average
    # power stands in; the header uses the gpu_uuid alias.
    lines = ["timestamp, gpu_uuid, power.draw, power.draw.average, utilization.gpu, memory.used"]
    start = datetime(2026, 3, 10, 9, 0, 0)
    for i in range(9):
        t = start + timedelta(milliseconds=250 * i)
        stamp = t.strftime("%Y/%m/%d %H:%M:%S.") + f"{t.microsecond // 1000:03d}"
        lines.append(f"{stamp}, GPU-aaaa, {200 + i}.00, {199 + i}.00, 50, 1000")
        lines.append(f"{stamp}, GPU-bbbb, [N/A], {300 + 2 * i}.00, [N/A], 2000")
    r = ingest_file(con, _write(tmp_path, "lms.csv", "\n".join(lines) + "\n"))
    assert r.status == "loaded", r.error
    by_gpu = dict(
        con.execute(
            "SELECT s.gpu_uuid, sum(e.energy_kwh) FROM telemetry_energy e JOIN telemetry_series s USING (series_id) "
            "GROUP BY 1"
        ).fetchall()
    )
    # Hand computed: 8 intervals of 0.25 s; GPU a draws 200..208 W, GPU b (average) 300..316 W.
    assert by_gpu["GPU-aaaa"] == pytest.approx(
        sum((200 + i + 200 + i + 1) / 2 * 0.25 for i in range(8)) / 3.6e6
    )
    assert by_gpu["GPU-bbbb"] == pytest.approx(
        sum((300 + 2 * i + 302 + 2 * i) / 2 * 0.25 for i in range(8)) / 3.6e6
    )
    assert con.execute("SELECT count(utilisation_pct) FROM telemetry_samples").fetchone()[0] == 9


def test_gap_longer_than_factor_is_not_bridged_unless_the_factor_allows(con, tmp_path):
    # 1 s polling, then 10 s of nothing: 10 > 3 x 1 s.
    seconds = [0, 1, 2, 3, 13, 14]
    text = "timestamp, index, power.draw [W]\n" + "".join(
        f"2026/03/10 09:00:{s:02d}.000, 0, 100.00 W\n" for s in seconds
    )
    r = ingest_file(con, _write(tmp_path, "gap.csv", text))
    assert _energy(con, r.batch_id) == pytest.approx(100 * 4 / 3.6e6)
    gap = con.execute(
        "SELECT kind, gap_s, sample_interval_s, max_bridge_s, energy_not_counted_kwh FROM telemetry_gaps"
    ).fetchall()
    assert gap == [("gap_not_bridged", 10.0, 1.0, 3.0, pytest.approx(1000 / 3.6e6))]
    assert (
        "1 gap not bridged"
        in con.execute(
            "SELECT format_detail FROM ingest_batches WHERE batch_id = ?", [r.batch_id]
        ).fetchone()[0]
    )
    wide = ingest_file(con, _write(tmp_path, "gap2.csv", text + "\n"), options={"max_gap_factor": 20})
    assert _energy(con, wide.batch_id) == pytest.approx(100 * 14 / 3.6e6)
    bad = ingest_file(con, _write(tmp_path, "gap3.csv", text + "\n\n"), options={"max_gap_factor": 0.5})
    assert bad.status == "error" and "max_gap_factor" in bad.error


@pytest.mark.parametrize(
    ("name", "row", "column", "words"),
    [
        ("nvidia_smi_units_change.csv", 3, "power.draw [W]", "units change"),
        ("nvidia_smi_header_changes.csv", 3, None, "header changes"),
        ("nvidia_smi_bad_value.csv", 2, "power.draw [W]", "'3O1.00 W'"),
        ("nvidia_smi_negative_power.csv", 2, "power.draw [W]", "negative power"),
    ],
)
def test_bad_logs_fail_with_row_and_column_and_store_nothing(con, name, row, column, words):
    ingest_file(con, P4D)
    before = _state(con)
    r = ingest_file(con, FIXTURES / "bad" / name)
    assert r.status == "error"
    assert name in r.error and f"row {row}" in r.error and words in r.error
    if column:
        assert f"column {column!r}" in r.error
    assert _state(con) == before


def test_garbled_and_truncated_lines_are_counted_skips(con):
    path = FIXTURES / "bad" / "nvidia_smi_garbled.csv"
    r = ingest_file(con, path)
    assert r.status == "loaded"
    assert r.skipped == {"malformed_line": 1, "truncated_last_line": 1} and r.rows_loaded == 4
    # The four good rows, 300..306 W one second apart.
    assert _energy(con, r.batch_id) == pytest.approx((301 + 303 + 305) / 3.6e6)


def test_clock_going_backwards_is_a_counted_skip_never_energy(con):
    r = ingest_file(con, FIXTURES / "bad" / "nvidia_smi_clock_backwards.csv")
    assert r.status == "loaded"
    assert r.skipped == {"clock_backwards": 2, "duplicate_timestamp": 1}
    by_gpu = dict(
        con.execute(
            "SELECT s.gpu_index, sum(e.energy_kwh) FROM telemetry_energy e JOIN telemetry_series s USING (series_id) "
            "GROUP BY 1"
        ).fetchall()
    )
    # GPU 0 keeps 0..5 s at 300+s W, then 6..11 s at 400+s W (the repeated 3, 4, 5 are dropped).
    gpu0 = [(s, 300 + s) for s in range(6)] + [(s, 400 + s) for s in range(6, 12)]
    expected0 = sum((p0 + p1) / 2 * (t1 - t0) for (t0, p0), (t1, p1) in zip(gpu0, gpu0[1:], strict=False))
    assert by_gpu[0] == pytest.approx(expected0 / 3.6e6)
    # GPU 1 logs 0..5 s and 9..17 s at 200 W: the 4 s hole exceeds 3 x 1 s and is not bridged.
    assert by_gpu[1] == pytest.approx(200 * (5 + 8) / 3.6e6)
