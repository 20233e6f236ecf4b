"""Broken files: one clear line, non-zero status, and the database exactly as before."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from support import SAMPLE_EXPORTS

from footprint_cli.main import main
from ingest import ingest_file

FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


def _state(con):
    return con.execute(
        "SELECT (SELECT count(*) FROM billing_line_items), (SELECT count(*) FROM ingest_batches)"
    ).fetchone()


@pytest.fixture
def loaded(con):
    if FOCUS_SAMPLE.exists():
        ingest_file(con, FOCUS_SAMPLE)
    return con


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_empty_file(loaded, tmp_path):
    before = _state(loaded)
    r = ingest_file(loaded, _write(tmp_path, "empty.csv", b""))
    assert r.status == "error" and "empty" in r.error and "empty.csv" in r.error
    assert _state(loaded) == before


def test_binary_file(loaded, tmp_path):
    r = ingest_file(loaded, _write(tmp_path, "x.csv", bytes(range(256)) * 4))
    assert r.status == "error" and "binary" in r.error


def test_unknown_header(loaded, tmp_path):
    r = ingest_file(loaded, _write(tmp_path, "x.csv", b"a,b,c\n1,2,3\n"))
    assert r.status == "error" and "not a recognised" in r.error and "a, b, c" in r.error


@pytest.mark.shared
def test_truncated_gzip(loaded, tmp_path):
    data = gzip.compress(FOCUS_SAMPLE.read_bytes())
    before = _state(loaded)
    r = ingest_file(loaded, _write(tmp_path, "cut.csv.gz", data[: len(data) // 2]))
    assert r.status == "error" and "gzip" in r.error
    assert _state(loaded) == before


@pytest.mark.shared
def test_gzip_of_a_good_file_loads(con, tmp_path):
    r = ingest_file(con, _write(tmp_path, "ok.csv.gz", gzip.compress(FOCUS_SAMPLE.read_bytes())))
    assert r.status == "loaded" and r.rows_loaded == 1000


@pytest.mark.shared
def test_header_only(loaded, tmp_path):
    header = FOCUS_SAMPLE.read_text().split("\n", 1)[0] + "\n"
    r = ingest_file(loaded, _write(tmp_path, "h.csv", header.encode()))
    assert r.status == "error" and "no data rows" in r.error


def test_missing_mandatory_column(loaded, tmp_path):
    data = b"BillingAccountId,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BillingCurrency\n1,2024-01-01,2024-01-02,Usage,USD\n"
    r = ingest_file(loaded, _write(tmp_path, "m.csv", data))
    assert r.status == "error" and "BilledCost" in r.error and "mandatory" in r.error


def test_unparseable_amount_names_row_and_column(loaded, tmp_path):
    data = (
        b"BilledCost,ChargePeriodStart,ChargePeriodEnd,ChargeCategory,BillingCurrency,ProviderName\n"
        b"1.5,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Usage,USD,AWS\n"
        b"abc,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,Usage,USD,AWS\n"
    )
    before = _state(loaded)
    r = ingest_file(loaded, _write(tmp_path, "bad.csv", data))
    assert r.status == "error"
    assert r.error.endswith("bad.csv: row 2, column 'BilledCost': cannot read abc as a number")
    assert _state(loaded) == before


def test_cli_prints_one_line_and_exits_non_zero(tmp_path, capsys):
    bad = _write(tmp_path, "bad.csv", b"\x00\x01\x02")
    status = main(["ingest", str(bad), "--db", str(tmp_path / "db.duckdb")])
    out = capsys.readouterr()
    assert status == 1
    lines = [line for line in out.out.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("ERROR ") and "bad.csv" in lines[0]
    assert "Traceback" not in out.out + out.err
