"""Column names that differ only in case are separate columns (DuckDB names are case-insensitive)."""

from __future__ import annotations

import csv
from pathlib import Path

from ingest import ingest_file
from ingest.billing.base import raw_column_names


def test_raw_names_keep_case_variants_apart():
    header = ["resourceTags/user:Team", "a", "resourceTags/user:team", "A", "resourceTags/user:TEAM"]
    assert raw_column_names(header) == [
        "resourceTags/user:Team",
        "a",
        "resourceTags/user:team #2",
        "A #2",
        "resourceTags/user:TEAM #3",
    ]


def test_cur_tag_keys_that_differ_in_case_keep_their_own_values(con, tmp_path: Path):
    # AWS tag keys are case-sensitive, so a legacy CUR can carry user:Team and user:team side by side.
    header = [
        "identity/LineItemId",
        "bill/PayerAccountId",
        "lineItem/UsageAccountId",
        "lineItem/LineItemType",
        "lineItem/UsageStartDate",
        "lineItem/UsageEndDate",
        "lineItem/ProductCode",
        "lineItem/UsageType",
        "lineItem/UsageAmount",
        "lineItem/CurrencyCode",
        "lineItem/UnblendedCost",
        "pricing/unit",
        "product/region",
        "resourceTags/user:Team",
        "resourceTags/user:team",
    ]
    row = [
        "li-1",
        "111111111111",
        "222222222222",
        "Usage",
        "2026-01-01T00:00:00Z",
        "2026-01-01T01:00:00Z",
        "AmazonEC2",
        "BoxUsage:g5.xlarge",
        "1",
        "USD",
        "1.006",
        "Hrs",
        "us-east-1",
        "Search",
        "search-lower",
    ]
    path = tmp_path / "cur.csv"
    with open(path, "w", newline="") as f:
        csv.writer(f).writerows([header, row])
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    tags = con.execute("SELECT tags->>'user:Team', tags->>'user:team' FROM billing_line_items").fetchone()
    assert tags == ("Search", "search-lower")
