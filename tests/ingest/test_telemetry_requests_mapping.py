"""Inference request counts and telemetry mapping files: the project's own two small CSV layouts."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from ingest import ingest_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "telemetry"
REQUESTS = FIXTURES / "requests" / "inference_requests.csv"
MAPPING = FIXTURES / "mapping" / "gpu_mapping.csv"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_request_counts_load_with_token_totals(con):
    with open(REQUESTS, newline="") as f:
        rows = list(csv.DictReader(f))
    r = ingest_file(con, REQUESTS, options={"team": "assistants"})
    assert r.status == "loaded" and r.format_id == "inference-requests" and r.rows_loaded == len(rows)
    got = con.execute(
        "SELECT model, sum(requests), sum(tokens), count(tokens), min(period_start), any_value(team) "
        "FROM inference_requests GROUP BY model ORDER BY model"
    ).fetchall()
    assistant = [row for row in rows if row["model"] == "assistant-7b"]
    assert got[0] == (
        "assistant-7b",
        sum(int(row["requests"]) for row in assistant),
        sum(int(row["input_tokens"]) + int(row["output_tokens"]) for row in assistant),
        len(assistant),
        datetime(2026, 3, 10, 9, 0),
        "assistants",
    )
    assert got[1][:4] == ("ranker-v3", 90000, None, 0)


def test_bad_request_counts(con, tmp_path):
    head = "period_start,period_end,model,requests\n"
    r = ingest_file(
        con, _write(tmp_path, "neg.csv", head + "2026-03-10T09:00:00Z,2026-03-10T10:00:00Z,m,-4\n")
    )
    assert r.status == "error" and "row 1" in r.error and "'requests'" in r.error
    r = ingest_file(
        con, _write(tmp_path, "rev.csv", head + "2026-03-10T09:00:00Z,2026-03-10T08:00:00Z,m,4\n")
    )
    assert r.status == "error" and "ends before it starts" in r.error
    assert con.execute("SELECT count(*) FROM inference_requests").fetchone()[0] == 0


def test_mapping_rules_load(con):
    r = ingest_file(con, MAPPING)
    assert r.status == "loaded" and r.format_id == "telemetry-mapping" and r.rows_loaded == 3
    got = con.execute(
        "SELECT host, gpu_index, valid_from, valid_to, model, workload, resource_id FROM telemetry_mapping "
        "ORDER BY source_row"
    ).fetchall()
    assert got[0] == (
        "dgx-a-01",
        None,
        datetime(2026, 3, 10, 9),
        datetime(2026, 3, 10, 9, 10),
        "llm-70b",
        "training",
        None,
    )
    assert got[1][3] is None and got[2][6].endswith("instance/i-0f1e2d3c4b5a69788")


def test_mapping_gpu_column_takes_index_or_uuid_and_checks_workload(con, tmp_path):
    text = "host,gpu,team\nh1,3,a\nh1,GPU-abc,b\n"
    r = ingest_file(con, _write(tmp_path, "m.csv", text))
    assert r.status == "loaded", r.error
    assert con.execute(
        "SELECT gpu_index, gpu_uuid FROM telemetry_mapping ORDER BY source_row"
    ).fetchall() == [
        (3, None),
        (None, "GPU-abc"),
    ]
    bad = ingest_file(con, _write(tmp_path, "w.csv", "host,workload\nh1,serving\n"))
    assert bad.status == "error" and "row 1" in bad.error and "'serving' is not one of" in bad.error
