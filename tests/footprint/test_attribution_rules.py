"""Attribution with the shipped rules on every provider's fixtures and on the real FOCUS sample.

Each fixture row carries its expected team, model, workload, detail, project and deciding rules in
x_Expect* columns, written by hand from the rules file; the FOCUS reader ignores those columns. Costs are
re-summed from the raw files with Python's csv module and Decimal.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest

from footprint import attribution
from footprint.attribution import default_rules
from ingest import ingest_file
from tests.support import SAMPLE_EXPORTS, raw_sum

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "attribution"
FILES = ["aws_focus_sagemaker_bedrock.csv", "gcp_focus_vertex.csv", "azure_focus_ml_openai.csv"]
EXPECT = [
    "x_ExpectTeam",
    "x_ExpectModel",
    "x_ExpectWorkload",
    "x_ExpectDetail",
    "x_ExpectProject",
    "x_ExpectRule",
]
FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


def _load(con, path: Path) -> int:
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    return int(result.batch_id)


def _attributed(con, batch_id: int) -> dict[int, tuple[str, ...]]:
    rows = con.execute(
        "SELECT b.source_row, a.team, a.model, a.workload, coalesce(a.workload_detail, ''), "
        "coalesce(a.project, ''), coalesce(a.rule_id, '') FROM line_item_attribution a "
        "JOIN billing_line_items b USING (row_id) WHERE b.batch_id = ?",
        [batch_id],
    ).fetchall()
    return {int(r[0]): tuple(r[1:]) for r in rows}


def _expected(path: Path) -> dict[int, tuple[str, ...]]:
    with path.open(newline="", encoding="utf-8") as f:
        return {i: tuple(row[k] for k in EXPECT) for i, row in enumerate(csv.DictReader(f), start=1)}


@pytest.mark.parametrize("name", FILES)
def test_every_fixture_row_gets_its_hand_written_attribution(con, name):
    batch = _load(con, FIXTURES / name)
    attribution.refresh(con)
    expected = _expected(FIXTURES / name)
    got = _attributed(con, batch)
    assert set(got) == set(expected)
    mismatches = {i: (expected[i], got[i]) for i in expected if expected[i] != got[i]}
    assert mismatches == {}


def test_untagged_sagemaker_and_vertex_rows_are_classified_by_usage_type_alone(con):
    for name in FILES:
        _load(con, FIXTURES / name)
    attribution.refresh(con)
    rows = con.execute(
        "SELECT b.usage_type, a.workload, coalesce(a.workload_detail, '') FROM billing_line_items b "
        "JOIN line_item_attribution a USING (row_id) "
        "WHERE b.tags IS NULL AND b.resource_id IS NULL AND b.service_name IN ('Amazon SageMaker', 'Vertex AI')"
    ).fetchall()
    assert dict((r[0], (r[1], r[2])) for r in rows) == {
        "USE1-Train:ml.p4d.24xlarge": ("training", ""),
        "USE1-Host:ml.g5.2xlarge": ("inference", "online"),
        "USW2-AsyncInf:ml.g5.xlarge": ("inference", "online"),
        "Transform:ml.g4dn.xlarge": ("inference", "batch"),
        "USE1-Processing:ml.m5.4xlarge": ("data_processing", ""),
        "USE1-Notebk:ml.t3.medium": ("development", ""),
        "Custom Training: Nvidia Tesla A100 GPU running in Americas": ("training", ""),
        "Online Prediction: Nvidia L4 GPU running in Americas": ("inference", "online"),
        "Vertex AI: Online/Batch Prediction N1 Predefined Instance Core running in Americas": (
            "inference",
            "",
        ),
        "Batch Prediction Nvidia Tesla T4 GPU running in EMEA": ("inference", "batch"),
        "Vertex AI Workbench Instance Core running in Americas": ("development", ""),
        "Text embedding input characters": ("inference", "online"),
        "Gemini 1.5 Pro Tuning": ("training", "fine_tuning"),
    }


def test_exactly_one_attribution_row_per_billing_row_and_refresh_is_repeatable(con):
    for name in FILES:
        _load(con, FIXTURES / name)
    _load(con, FOCUS_SAMPLE)
    first = attribution.refresh(con)
    snapshot = con.execute("SELECT * FROM line_item_attribution ORDER BY row_id").fetchall()
    second = attribution.refresh(con)
    assert first == second == 21 + 13 + 10 + 1000
    assert con.execute("SELECT count(DISTINCT row_id), count(*) FROM line_item_attribution").fetchone() == (
        1044,
        1044,
    )
    assert (
        con.execute(
            "SELECT count(*) FROM billing_line_items b ANTI JOIN line_item_attribution a USING (row_id)"
        ).fetchone()[0]
        == 0
    )
    assert con.execute("SELECT * FROM line_item_attribution ORDER BY row_id").fetchall() == snapshot


def _cost_by_bucket(con) -> dict[tuple[str, str], Decimal]:
    rows = con.execute(
        "SELECT billing_currency, team = 'unattributed' AND model = 'unattributed', sum(billed_cost) "
        "FROM v_line_items GROUP BY ALL"
    ).fetchall()
    return {(cur, "unattributed" if un else "attributed"): Decimal(str(v)) for cur, un, v in rows}


def test_unattributed_plus_attributed_cost_equals_the_file_total_per_currency(con):
    for name in FILES:
        _load(con, FIXTURES / name)
    attribution.refresh(con)
    buckets = _cost_by_bucket(con)
    totals: dict[str, Decimal] = {}
    unattributed: dict[str, Decimal] = {}
    for name in FILES:
        for cur, amount in raw_sum(FIXTURES / name, "BilledCost", group="BillingCurrency").items():
            totals[cur] = totals.get(cur, Decimal(0)) + amount
        with (FIXTURES / name).open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if row["x_ExpectTeam"] == "unattributed" and row["x_ExpectModel"] == "unattributed":
                    cur = row["BillingCurrency"]
                    unattributed[cur] = unattributed.get(cur, Decimal(0)) + Decimal(row["BilledCost"])
    assert set(totals) == {"USD", "EUR"}
    for cur, total in totals.items():
        assert buckets[(cur, "unattributed")] == unattributed[cur]
        assert buckets[(cur, "unattributed")] + buckets[(cur, "attributed")] == total
    # Hand-summed from the fixtures: every unattributed USD and EUR row.
    assert unattributed == {"USD": Decimal("169.87"), "EUR": Decimal("65.65")}


def _team_keys() -> set[str]:
    rules = default_rules()
    keys = set()
    for section in rules.tag_keys.values():
        keys |= {"".join(ch for ch in k.lower() if ch.isalnum()) for k in section.team}
    return keys


def test_real_focus_sample_team_bucket_and_azure_ml_compute_instances(con):
    batch = _load(con, FOCUS_SAMPLE)
    attribution.refresh(con)
    ignored = {"none", "null", "nil", "na", "unknown", "unassigned", "undefined", "tbd", "", "default"}
    team_keys = _team_keys()
    untagged_cost: dict[str, Decimal] = {}
    compute_instances = 0
    with FOCUS_SAMPLE.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            tags = json.loads(row["Tags"]) if row["Tags"] not in ("", "NULL") else {}
            has_team = any(
                "".join(ch for ch in k.lower() if ch.isalnum()) in team_keys
                and "".join(ch for ch in str(v).lower() if ch.isalnum()) not in ignored
                for k, v in tags.items()
            )
            if not has_team:
                cur = row["BillingCurrency"]
                untagged_cost[cur] = untagged_cost.get(cur, Decimal(0)) + Decimal(row["BilledCost"])
            compute_instances += tags.get("ComputeType") == "Compute Instance"
    got = dict(
        con.execute(
            "SELECT billing_currency, sum(billed_cost) FROM v_line_items WHERE team = 'unattributed' "
            "AND batch_id = ? GROUP BY 1",
            [batch],
        ).fetchall()
    )
    assert {k: Decimal(str(v)) for k, v in got.items()} == untagged_cost
    assert compute_instances == 9
    assert (
        con.execute(
            "SELECT count(*) FROM v_line_items WHERE workload = 'development' AND attribution_rule LIKE '%tag:ComputeType%'"
        ).fetchone()[0]
        == compute_instances
    )
    # business_unit names the team where no more specific key is present (e.g. EC2 g5 rows).
    assert con.execute(
        "SELECT DISTINCT team FROM v_line_items WHERE charge_description LIKE '%g5.4xlarge%'"
    ).fetchall() == [("peoriadata",)]


def test_an_empty_store_attributes_nothing_and_fails_nothing(con):
    assert attribution.refresh(con) == 0
    assert con.execute("SELECT rows_attributed, rules_source FROM attribution_state").fetchone() == (
        0,
        "default",
    )


def test_coverage_by_source_adds_up_to_the_files_and_lists_the_unattributed_groups(con):
    from footprint.attribution.queries import coverage, unattributed
    from footprint.queries import Filters

    for name in FILES:
        _load(con, FIXTURES / name)
    attribution.refresh(con)
    cov = coverage(con)
    totals: dict[str, Decimal] = {}
    for name in FILES:
        for cur, amount in raw_sum(FIXTURES / name, "BilledCost", group="BillingCurrency").items():
            totals[cur] = totals.get(cur, Decimal(0)) + amount
    for dimension in ("team", "model", "workload", "project"):
        for cur, total in totals.items():
            summed = sum(Decimal(str(s["cost"].get(cur, 0))) for s in cov[dimension].values())
            assert summed.quantize(Decimal("0.01")) == total
        assert sum(s["rows"] for s in cov[dimension].values()) == 44
    # tags decided the workload of 6 fixture rows: AWS rows 10, 13, 14; GCP row 9; Azure rows 3 and 7
    assert cov["workload"]["tags"]["rows"] == 6
    groups = unattributed(con, Filters(provider=["aws"]))
    assert {g["usage_type"] for g in groups} >= {
        "USE1-BoxUsage:p5.48xlarge",
        "USE1-MP:USE1_InputTokenCount-Units",
    }
    assert sum(Decimal(str(g["billed_cost"])) for g in groups if g["billing_currency"] == "USD") == Decimal(
        "111.29"
    )
