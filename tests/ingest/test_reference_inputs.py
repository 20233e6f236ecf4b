"""User-supplied reference inputs (instruments, residual mix, hourly factors, PUE): recognised by header,
loaded as 'reference' batches, refused whole with row and column when a value cannot be used."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest_file, preview

INSTRUMENTS = """instrument_id,instrument_type,zone,provider,region_id,period_start,period_end,covered_mwh,covered_share,factor_g_per_kwh,certification,note
GO-2024-IE,GO,ie,,,2024-01-01,2024-12-31,,0.5,0,AIB GO,half the Irish load
PPA-7,vPPA,,AWS,US-EAST-1,2024-01-01,2024-12-31,"1,200",,0,,wind farm
"""
RESIDUAL = "zone,year,factor_g_per_kwh,source\nIE,2023,357.5,AIB European Residual Mixes 2023\nde,2023,701.47,AIB\n"
HOURLY = ("zone,hour_start,intensity_g_per_kwh,basis,source\n"
          "SRVC,2024-06-01T00:00:00Z,300,direct,utility\nSRVC,2024-06-01T03:00:00+02:00,310,Direct,utility\n")
PUE = "provider,region_id,year,pue,source\naws,us-east-1,,1.21,site audit\nONPREM,,2024,1.45,facility meter\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def counts(con) -> tuple:
    return con.execute(
        "SELECT (SELECT count(*) FROM input_instruments), (SELECT count(*) FROM input_residual_mix), "
        "(SELECT count(*) FROM input_hourly_factors), (SELECT count(*) FROM input_pue), "
        "(SELECT count(*) FROM ingest_batches)").fetchone()


@pytest.mark.parametrize(
    "name, text, format_id, table, n",
    [
        ("instruments.csv", INSTRUMENTS, "reference-instruments", "input_instruments", 2),
        ("residual.csv", RESIDUAL, "reference-residual-mix", "input_residual_mix", 2),
        ("hourly.csv", HOURLY, "reference-hourly-factors", "input_hourly_factors", 2),
        ("pue.csv", PUE, "reference-pue", "input_pue", 2),
    ],
)
def test_each_input_is_recognised_and_loaded_as_a_reference_batch(con, tmp_path, name, text, format_id, table, n):
    path = write(tmp_path, name, text)
    assert preview(path)["format_id"] == format_id
    r = ingest_file(con, path)
    assert (r.status, r.format_id, r.kind, r.rows_read, r.rows_loaded) == ("loaded", format_id, "reference", n, n)
    assert con.execute(f"SELECT count(*) FROM {table} WHERE batch_id = ?", [r.batch_id]).fetchone()[0] == n
    assert con.execute("SELECT source_kind FROM ingest_batches WHERE batch_id = ?", [r.batch_id]).fetchone()[0] == "reference"
    again = ingest_file(con, path)
    assert again.status == "duplicate" and again.duplicate_of == r.batch_id


def test_values_are_normalised(con, tmp_path):
    ingest_file(con, write(tmp_path, "i.csv", INSTRUMENTS))
    rows = con.execute("SELECT instrument_id, instrument_type, zone, provider, region_id, covered_mwh, covered_share, "
                       "source_row FROM input_instruments ORDER BY source_row").fetchall()
    assert rows == [("GO-2024-IE", "eac", "IE", None, None, None, 0.5, 1),
                    ("PPA-7", "ppa", None, "aws", "us-east-1", 1200.0, None, 2)]
    ingest_file(con, write(tmp_path, "h.csv", HOURLY))
    hours = con.execute("SELECT zone, strftime(hour_start, '%Y-%m-%d %H:%M'), basis FROM input_hourly_factors "
                        "ORDER BY hour_start").fetchall()
    assert hours == [("SRVC", "2024-06-01 00:00", "direct"), ("SRVC", "2024-06-01 01:00", "direct")]  # +02:00 -> UTC
    ingest_file(con, write(tmp_path, "p.csv", PUE))
    assert con.execute("SELECT provider, region_id, year, pue FROM input_pue ORDER BY source_row").fetchall() == [
        ("aws", "us-east-1", None, 1.21), ("onprem", None, 2024, 1.45)]


@pytest.mark.parametrize(
    "name, text, message",
    [
        ("i.csv", INSTRUMENTS.replace(",,0.5,0,AIB GO", ",5,0.5,0,AIB GO"),
         "row 1, column 'covered_mwh': give covered_mwh or covered_share, not both"),
        ("i.csv", INSTRUMENTS.replace("vPPA", "carbon offset"), "row 2, column 'instrument_type': unknown instrument type carbon offset"),
        ("i.csv", INSTRUMENTS.replace("2024-12-31,,0.5", "2023-12-31,,0.5"), "row 1, column 'period_end': period_end 2023-12-31 is before period_start"),
        ("i.csv", INSTRUMENTS.replace(",,0.5,0,", ",,1.5,0,"), "row 1, column 'covered_share': covered_share is a share above 0 and at most 1, not 1.5"),
        ("i.csv", INSTRUMENTS.replace("GO,ie,,,", "GO,,,,"), "row 1, column 'zone': give a zone or a provider and region_id"),
        ("i.csv", INSTRUMENTS.replace("0,,wind farm", "-5,,wind farm"), "row 2, column 'factor_g_per_kwh': factor_g_per_kwh must be a number >= 0, not -5"),
        ("r.csv", RESIDUAL.replace("2023,701.47", "23 BC,701.47"), "row 2, column 'year': cannot read 23 BC as a year"),
        ("r.csv", RESIDUAL.replace("AIB European Residual Mixes 2023", ""), "row 1, column 'source': name the source of the factor"),
        ("h.csv", HOURLY.replace("T03:00:00+02:00", "T01:30:00Z"), "row 2, column 'hour_start': 2024-06-01T01:30:00Z is not the start of an hour"),
        ("h.csv", HOURLY.replace("T03:00:00+02:00", "T02:00:00+02:00"), "column 'hour_start': hour 2024-06-01T0"),
        ("h.csv", HOURLY.replace("Direct", "marginal"), "row 2, column 'basis': basis must be direct, operational or lifecycle, not marginal"),
        ("p.csv", PUE.replace("1.45", "0.95"), "row 2, column 'pue': a PUE is a number from 1.0 to 3.0, not 0.95"),
        ("p.csv", PUE.replace("ONPREM", "hetzner"), "row 2, column 'provider': unknown provider hetzner"),
    ],
)
def test_a_bad_value_refuses_the_whole_file_and_leaves_the_store_as_it_was(con, tmp_path, name, text, message):
    before = counts(con)
    path = write(tmp_path, name, text)
    r = ingest_file(con, path)
    assert r.status == "error"
    assert message in r.error and r.error.startswith(f"{path}: ")
    assert counts(con) == before


def test_a_header_lacking_required_columns_is_named(con, tmp_path):
    r = ingest_file(con, write(tmp_path, "x.csv", "instrument_id,instrument_type,zone,period_start\nA,eac,IE,2024-01-01\n"))
    assert r.status == "error"
    assert "looks like contractual instruments (market-based Scope 2) but lacks the column(s)" in r.error
    assert "factor_g_per_kwh" in r.error and "covered_mwh or covered_share" in r.error


def test_loaded_inputs_change_the_next_refresh(con, tmp_path):
    from datetime import datetime

    from footprint.estimation import EstimationOptions, refresh

    con.execute("INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
                "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) VALUES (1, 'b', 's', 1, "
                "'billing', 'test', 1, 1, 0, ?)", [datetime(2024, 7, 1)])
    con.execute("INSERT INTO billing_line_items (row_id, batch_id, source_row, source_format, provider, region_id, "
                "charge_period_start, charge_period_end, charge_category, billed_cost, billing_currency, carries_usage, "
                "usage_quantity, usage_unit, usage_type) VALUES (1, 1, 1, 'test', 'aws', 'eu-west-1', ?, ?, 'Usage', 1, "
                "'USD', true, 1000, 'gb', 'DataTransfer-Out-Bytes')", [datetime(2024, 6, 1), datetime(2024, 6, 1, 1)])
    for name, text in [("i.csv", INSTRUMENTS), ("r.csv", RESIDUAL), ("p.csv", PUE)]:
        assert ingest_file(con, write(tmp_path, name, text)).status == "loaded"
    refresh(con, EstimationOptions())
    method, factor, pue = con.execute(
        "SELECT market_method, market_factor_g_per_kwh, pue FROM footprint_items").fetchone()
    assert (method, factor, pue) == ("instrument+residual_mix", 0.5 * 0 + 0.5 * 357.5, 1.15)
