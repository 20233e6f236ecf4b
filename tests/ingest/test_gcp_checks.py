"""GCP readers: broken files (one clear line, database unchanged), SKU classification on Cloud Carbon
Footprint's GCP fixture strings, the canonical column contract, and the fixtures' reproducibility."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

import pytest
from support import REPO, SAMPLE_EXPORTS

from ingest import ingest_file
from ingest.billing.base import CANONICAL_COLUMNS
from ingest.billing.gcp_common import prepare
from ingest.registry import LoadContext, detect
from ingest.source import materialise

FIXTURES = REPO / "tests" / "fixtures" / "gcp"
STANDARD = FIXTURES / "gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9.csv"
DETAILED = FIXTURES / "gcp_billing_export_resource_v1_01A2B3_C4D5E6_F7A8B9.jsonl"
CONSOLE = FIXTURES / "gcp_console_cost_table_2024-05.csv"


def _state(con):
    return con.execute(
        "SELECT (SELECT count(*) FROM billing_line_items), (SELECT count(*) FROM ingest_batches), "
        "(SELECT sum(billed_cost) FROM billing_line_items)"
    ).fetchone()


@pytest.fixture
def loaded(con):
    assert ingest_file(con, STANDARD).status == "loaded"
    return con


def _edited(tmp_path: Path, name: str, row: int, column: str, value: str) -> Path:
    with open(STANDARD, newline="") as f:
        rows = list(csv.DictReader(f))
    rows[row - 1][column] = value
    path = tmp_path / name
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.mark.parametrize(
    "name, expected",
    [
        ("broken_missing_cost.csv", ["looks like a GCP BigQuery billing export", "mandatory", "cost"]),
        ("broken_bad_timestamp.csv", ["row 3", "'usage_start_time'", "cannot read 2024-13-14 10:00:00 UTC"]),
        ("broken_bad_timestamp.jsonl", ["row 2", "'usage_end_time'", "cannot read yesterday"]),
        ("broken_bad_credits.csv", ["row 2", "'credits'", "cannot read abc as a credit amount"]),
        ("broken_console_no_cost.csv", ["GCP Console cost table", "mandatory", "Cost (<currency>)"]),
    ],
)
def test_broken_fixture_names_the_problem_and_changes_nothing(loaded, name: str, expected: list[str]):
    before = _state(loaded)
    result = ingest_file(loaded, FIXTURES / name)
    assert result.status == "error"
    assert result.error.startswith(str(FIXTURES / name))
    for part in expected:
        assert part in result.error, result.error
    assert "Traceback" not in result.error and "\n" not in result.error
    assert _state(loaded) == before


@pytest.mark.parametrize(
    "column, value, expected",
    [
        (
            "labels",
            "team=research",
            "row 4, column 'labels': labels is not a JSON array of {key, value} records",
        ),
        (
            "system_labels",
            '[{"key":"a","value":"1"},{"key":"a","value":"2"}]',
            "row 4, column 'system_labels': system_labels is not a JSON array of {key, value} records with distinct keys",
        ),
        ("credits", '{"amount": -1}', "row 4, column 'credits': credits is not a JSON array"),
        (
            "credits",
            '[{"name": "Promotion", "type": "PROMOTION"}]',
            "row 4, column 'credits': a credit has no amount",
        ),
        ("cost_type", "usage", "row 4, column 'cost_type': unknown cost type usage"),
        ("cost", "12,5", "row 4, column 'cost': cannot read 12,5 as a number"),
        (
            "invoice.month",
            "2024-05",
            "row 4, column 'invoice.month': cannot read 2024-05 as an invoice month",
        ),
        ("usage.amount", "lots", "row 4, column 'usage.amount': cannot read lots as a number"),
        ("currency", "", "row 4, column 'currency': missing currency"),
    ],
)
def test_bad_values_name_row_and_column(loaded, tmp_path: Path, column: str, value: str, expected: str):
    before = _state(loaded)
    result = ingest_file(loaded, _edited(tmp_path, "edited.csv", 4, column, value))
    assert result.status == "error" and expected in result.error, result.error
    assert _state(loaded) == before


def test_forced_format_and_legacy_near_miss_name_missing_columns(loaded, tmp_path: Path):
    before = _state(loaded)
    result = ingest_file(loaded, FIXTURES / "broken_missing_cost.csv", format_id="gcp-bq")
    assert result.status == "error" and "lacks the mandatory column(s) cost" in result.error
    no_cost = tmp_path / "no_cost.jsonl"
    no_cost.write_text(
        "\n".join(line.replace('"cost":', '"list_price":') for line in DETAILED.read_text().splitlines())
    )
    result = ingest_file(loaded, no_cost, format_id="gcp-bq-resource")
    assert result.status == "error" and "lacks the mandatory column(s) cost" in result.error
    legacy = tmp_path / "legacy.json"
    legacy.write_text(
        json.dumps(
            [
                {
                    "lineItemId": "x/services/compute-engine/Y",
                    "startTime": "2014-01-14T00:00:00-08:00",
                    "measurements": [],
                }
            ]
        )
    )
    result = ingest_file(loaded, legacy)
    assert (
        result.status == "error"
        and "GCP billing file export" in result.error
        and "cost.amount" in result.error
    )
    assert _state(loaded) == before


def test_ccf_gcp_sku_strings_are_classified(con, tmp_path: Path):
    """Cloud Carbon Footprint's GCP input fixture (real SKU texts) turned into a minimal standard export."""
    source = SAMPLE_EXPORTS / "ccf-fixtures" / "gcp_input.test.csv"
    if not source.exists():
        pytest.skip("needs ../shared/sample_exports")
    with open(source, newline="") as f:
        ccf = list(csv.DictReader(f))
    path = tmp_path / "ccf_as_bq.csv"
    header = [
        "billing_account_id",
        "service.description",
        "sku.description",
        "usage_start_time",
        "usage_end_time",
        "location.region",
        "usage.amount",
        "usage.unit",
        "system_labels",
        "cost",
        "currency",
        "cost_type",
    ]
    amounts = {"seconds": "7200", "byte-seconds": str(50 * 10**9 * 3600), "bytes": str(3 * 10**9)}
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in ccf:
            labels = (
                [{"key": "compute.googleapis.com/machine_spec", "value": r["machineType"]}]
                if r["machineType"]
                else []
            )
            w.writerow(
                [
                    "01A2B3-C4D5E6-F7A8B9",
                    r["serviceName"],
                    r["usageType"],
                    "2024-05-14 10:00:00 UTC",
                    "2024-05-14 12:00:00 UTC",
                    r["region"],
                    amounts[r["usageUnit"]],
                    r["usageUnit"],
                    json.dumps(labels),
                    "1.00",
                    "USD",
                    "regular",
                ]
            )
    result = ingest_file(con, path)
    assert result.status == "loaded" and result.rows_loaded == len(ccf) == 6, result.error
    got = con.execute(
        "SELECT usage_type, consumed_quantity, usage_unit, usage_hours, instance_type, vcpu_count, accelerator_model, "
        "accelerator_count, region_id FROM billing_line_items ORDER BY source_row"
    ).fetchall()
    pd = 50 * 10**9 * 3600
    assert got == [
        (
            "N1 Predefined Instance Core running in Virginia",
            7200,
            "hour",
            pytest.approx(2.0),
            "n1-standard-4",
            1.0,
            None,
            0.0,
            "us-east4",
        ),
        ("Storage PD Capacity", pd, "gb_hour", None, None, None, None, None, "europe-west1"),
        (
            "Network Internet Egress from EMEA to Americas",
            3 * 10**9,
            "gb",
            None,
            None,
            None,
            None,
            None,
            "europe-west1",
        ),
        ("SSD backed PD Capacity", pd, "gb_hour", None, None, None, None, None, "us-central1"),
        ("Backend Instances", 7200, "hour", pytest.approx(2.0), None, None, None, None, "us-east4"),
        (
            "Network Inter Region Ingress from Netherlands to Americas",
            3 * 10**9,
            "gb",
            None,
            None,
            None,
            None,
            None,
            "us-east4",
        ),
    ]
    # Bytes become GB (10^9 bytes) in usage_quantity.
    egress = con.execute("SELECT usage_quantity FROM billing_line_items WHERE source_row = 3").fetchone()[0]
    assert egress == pytest.approx(3.0)


@pytest.mark.parametrize(
    "sku, model, count",
    [
        ("Nvidia H100 80GB GPU running in Americas", "H100-80GB", 1.0),
        ("Nvidia H100 80GB Mega GPU running in EMEA", "H100-80GB", 1.0),
        ("Nvidia Tesla A100 GPU running in Americas", "A100-40GB", 1.0),
        ("Nvidia Tesla A100 80GB GPU running in APAC", "A100-80GB", 1.0),
        ("Spot Preemptible Nvidia Tesla A100 GPU running in Americas", "A100-40GB", 1.0),
        ("Commitment v1: Nvidia L4 GPU running in Americas for 1 Year", "L4", 1.0),
        ("Nvidia L4 GPU running in APAC", "L4", 1.0),
        ("Nvidia Tesla T4 GPU running in Americas", "T4", 1.0),
        # A licence surcharge on an L4 billed by its own GPU SKU: no device, and on a pinned row no count.
        ("Nvidia L4 Virtual Workstation GPU running in Netherlands", None, 0.0),
        ("A3 Instance Core running in Americas", None, 0.0),
    ],
)
def test_gpu_sku_patterns(con, tmp_path: Path, sku: str, model: str | None, count: float | None):
    # Row 1 of the standard fixture is an a3-highgpu-8g hour; only its SKU text changes.
    path = _edited(tmp_path, "one.csv", 1, "sku.description", sku)
    assert ingest_file(con, path).status == "loaded"
    got = con.execute(
        "SELECT accelerator_model, accelerator_count FROM billing_line_items WHERE source_row = 1"
    )
    assert got.fetchone() == (model, count)


def test_gpu_sku_without_a_pattern_is_still_one_device_per_hour(con, tmp_path: Path):
    # Row 14 (a Vertex AI training GPU) names no machine type, so nothing can name the device either.
    path = _edited(
        tmp_path,
        "b200.csv",
        14,
        "sku.description",
        "Vertex AI: Training/Pipelines Nvidia B200 GPU running in Iowa",
    )
    assert ingest_file(con, path).status == "loaded"
    got = con.execute(
        "SELECT accelerator_model, accelerator_count, usage_hours, workload_hint FROM billing_line_items WHERE source_row = 14"
    ).fetchone()
    assert got == (None, 1.0, 8.0, "training")


@pytest.mark.parametrize(
    "path",
    [
        STANDARD,
        DETAILED,
        CONSOLE,
        SAMPLE_EXPORTS / "gcp" / "legacy-json-file-export" / "analytics-bigquery-demo-2014-01-15.json",
    ],
)
def test_mapping_yields_exactly_the_canonical_columns(con, path: Path):
    if not path.exists():
        pytest.skip("needs ../shared/sample_exports")
    with materialise(path) as sf:
        reader, skip, header = detect(sf)
        ctx = LoadContext(con=con, batch_id=1, source=sf, header_skip=skip, header=header)
        prepare(con)
        query = f"WITH src AS ({reader.raw_relation(ctx)}), raw AS (SELECT * FROM src) {reader.mapping(ctx)}"
        columns = [r[0] for r in con.execute(f"DESCRIBE {query}").fetchall()]
    assert columns == ["source_row", *CANONICAL_COLUMNS]


def test_fixtures_are_what_the_script_writes(tmp_path: Path):
    spec = importlib.util.spec_from_file_location("gcp_make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    module.main(tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    committed = sorted(p.name for p in FIXTURES.iterdir() if p.suffix in (".csv", ".jsonl"))
    assert written == committed
    for name in written:
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name
