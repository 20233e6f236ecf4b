"""A quantity or cost no real bill reaches is refused at ingest, naming file, row and column, and changes
nothing.

The refresh sums energy, emissions and costs exactly as DECIMAL(38, 18), which holds magnitudes below 1e20:
a line item of 1e25 hours used to load and then break every refresh with a cast error naming no file or
row, and two line items costing 9e19 each (each fits DECIMAL(38, 18)) broke it with a HUGEINT overflow. Each case here changes one or two cells of a real export of one reader family (the GCP BigQuery
export, of which no real one is public, is the synthetic fixture), written under tmp_path with csv or
json, and loads it into a store that already holds another file. The messages are written out by hand:
quantities are shown after unit conversion, with the billed value where the unit changed it.
"""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from support import REPO, SAMPLE_EXPORTS, raw_sum

from footprint.pipeline import refresh
from ingest import ingest_file

pytestmark = pytest.mark.shared

FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"
CUR = SAMPLE_EXPORTS / "aws-cur" / "focus-converters_sample-anonymous-aws-export-dataset.csv"
CUR_GPU = REPO / "tests" / "fixtures" / "aws" / "cur_legacy_gpu.csv"  # synthetic: has product/vcpu
EA = SAMPLE_EXPORTS / "azure" / "finops-toolkit-tests" / "EA_ActualCost_Small.csv"
GCP_BQ = REPO / "tests" / "fixtures" / "gcp" / "gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9.csv"
GCP_LEGACY = SAMPLE_EXPORTS / "gcp" / "legacy-json-file-export" / "google-platform-demo-2014-01-15.json"
# Loaded first in every case, so there is something a failed load must leave as it was.
PRIOR = SAMPLE_EXPORTS / "azure" / "focus-converters" / "sample-anonymous-ea-export-dataset.csv"


def store_state(con) -> tuple:  # type: ignore[no-untyped-def]
    counts = con.execute(
        "SELECT (SELECT count(*) FROM billing_line_items), (SELECT count(*) FROM ingest_batches)"
    ).fetchone()
    batches = con.execute("SELECT batch_id, file_sha256 FROM ingest_batches ORDER BY 1").fetchall()
    return counts, batches


def csv_copy(src: Path, out: Path, row: int, cells: dict[str, str]) -> Path:
    """`src` with data row `row` (1-based, header excluded) changed, through the csv module."""
    rows = list(csv.reader(io.StringIO(src.read_text(encoding="utf-8-sig"))))
    for column, value in cells.items():
        rows[row][rows[0].index(column)] = value
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def legacy_copy(out: Path, row: int, measured_sum: str) -> Path:
    """The GCP file export with the measurement of item `row` (1-based) changed, through json."""
    items = json.loads(GCP_LEGACY.read_text(encoding="utf-8"))
    (only,) = items[row - 1]["measurements"]
    only["sum"] = measured_sum
    out.write_text(json.dumps(items, indent=1), encoding="utf-8")
    return out


def ea_info(row: int, vcpus: str) -> str:
    """AdditionalInfo of the EA file's data row `row`, with a VCPUs entry added."""
    rows = list(csv.DictReader(io.StringIO(EA.read_text(encoding="utf-8-sig"))))
    return json.dumps({**json.loads(rows[row - 1]["AdditionalInfo"]), "VCPUs": vcpus})


LIMIT = "(a line item is refused above 1e12"
CASES = [
    # FOCUS row 21 is an EC2 instance hour (ConsumedUnit 'Hours').
    (
        "focus",
        FOCUS,
        21,
        {"ConsumedQuantity": "1e25"},
        "row 21, column 'ConsumedQuantity': 1e25 hours in one line item",
    ),
    # Without ConsumedQuantity the reader takes PricingQuantity, and the message names it.
    (
        "focus_pricing_quantity",
        FOCUS,
        21,
        {"ConsumedQuantity": "", "PricingQuantity": "1e25"},
        "row 21, column 'PricingQuantity': 1e25 hours in one line item",
    ),
    # CUR row 13 is inter-AZ data transfer in GB.
    (
        "aws_cur",
        CUR,
        13,
        {"lineItem/UsageAmount": "1e25"},
        "row 13, column 'lineItem/UsageAmount': 1e25 GB in",
    ),
    # Row 1 of the GPU CUR is a p5.48xlarge hour: 192 vCPUs, 8 GPUs, 2048 GiB.
    (
        "aws_cur_vcpus",
        CUR_GPU,
        1,
        {"product/vcpu": "1e25"},
        "row 1, column 'product/vcpu': 1e25 vCPUs per usage hour is not plausible "
        "(a line item is refused above 1e6)",
    ),
    # 1e11 hours is below the bound, but 192 vCPUs make it 1.92e13 vCPU-hours.
    (
        "aws_cur_vcpu_hours",
        CUR_GPU,
        1,
        {"lineItem/UsageAmount": "1e11"},
        "row 1, column 'lineItem/UsageAmount': 1.92e13 vCPU-hours (1e11 hours x 192 vCPUs) in one line item",
    ),
    # EA row 4 is a D2s v3 virtual machine, UnitOfMeasure '1 Hour' (pricing block 1).
    ("azure_ea", EA, 4, {"Quantity": "1e25"}, "row 4, column 'Quantity': 1e25 hours in one line item"),
    ("azure_ea_infinity", EA, 4, {"Quantity": "inf"}, "row 4, column 'Quantity': inf hours in one line item"),
    (
        "azure_ea_vcpus",
        EA,
        4,
        {"AdditionalInfo": ea_info(4, "1e25")} if EA.exists() else {},
        "row 4, column 'AdditionalInfo': 1e25 vCPUs per usage hour is not plausible",
    ),
    # Fixture row 2 is the A3 core SKU, billed in hours (usage.pricing_unit 'hour').
    (
        "gcp_bigquery",
        GCP_BQ,
        2,
        {"usage.amount_in_pricing_units": "1e25"},
        "row 2, column 'usage.amount_in_pricing_units': 1e25 hours in one line item",
    ),
]


@pytest.mark.parametrize("name, src, row, cells, message", CASES, ids=[c[0] for c in CASES])
def test_implausible_quantity_is_refused_and_changes_nothing(con, tmp_path, name, src, row, cells, message):
    assert ingest_file(con, PRIOR).status == "loaded"
    before = store_state(con)
    path = csv_copy(src, tmp_path / src.name, row, cells)
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error.startswith(f"{path}: {message}")
    assert "is not plausible" in result.error
    assert store_state(con) == before
    # The file as exported loads.
    assert ingest_file(con, src).status == "loaded"


def test_gcp_byte_seconds_are_bounded_after_conversion(con, tmp_path):
    # Item 2 of Google's file export is BigQuery storage in byte-seconds. 1e34 byte-seconds are 2.8e21
    # GB-hours (1e34 / (1e9 x 3600)): refused.
    assert ingest_file(con, PRIOR).status == "loaded"
    before = store_state(con)
    path = legacy_copy(tmp_path / GCP_LEGACY.name, 2, "1e34")
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error.startswith(
        f"{path}: row 2, column 'measurements': 2.77778e21 GB-hours (1e34 byte-seconds as billed) in one "
        f"line item is not plausible {LIMIT} GB-hours)"
    )
    assert store_state(con) == before


def test_a_petabyte_month_in_byte_seconds_loads(con, tmp_path):
    # 1 PB stored for 30.4 days: 1e15 bytes x 2,628,000 s = 2.628e21 byte-seconds as billed, far above the
    # bound, but 7.3e8 GB-hours once converted, far below it.
    path = legacy_copy(tmp_path / GCP_LEGACY.name, 2, "2628000000000000000000")
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    stored = con.execute(
        "SELECT consumed_quantity, usage_unit, usage_quantity FROM billing_line_items WHERE source_row = 2"
    ).fetchone()
    assert stored[0] == 2.628e21 and stored[1] == "gb_hour"
    assert stored[2] == pytest.approx(7.3e8, rel=1e-12)


def test_the_store_refreshes_after_a_refused_file(con, tmp_path):
    # The failure this guards against: a 1e25-hour row loaded, then every refresh failed.
    assert ingest_file(con, PRIOR).status == "loaded"
    path = csv_copy(EA, tmp_path / EA.name, 4, {"Quantity": "1e25"})
    assert ingest_file(con, path).status == "error"
    refresh(con)
    items, lines = con.execute(
        "SELECT (SELECT count(*) FROM footprint_items WHERE source = 'billing'), "
        "(SELECT count(*) FROM billing_line_items)"
    ).fetchone()
    assert items == lines > 0


def refused(text: str, currency: str = "USD") -> str:
    """The whole message for a cost above the bound, after 'file: row N, column C: '."""
    return (
        f"{text} {currency} in one line item is not plausible (a line item is refused above 1e15 {currency})"
    )


COST_CASES = [
    # FOCUS row 21: BilledCost 0.34, EffectiveCost 0, ListCost 0.34, USD.
    (
        "focus_billed",
        FOCUS,
        21,
        {"BilledCost": "9e19"},
        "row 21, column 'BilledCost': " + refused("a billed cost of 9e19"),
    ),
    (
        "focus_effective",
        FOCUS,
        21,
        {"EffectiveCost": "-9e19"},
        "row 21, column 'EffectiveCost': " + refused("an effective cost of -9e19"),
    ),
    (
        "focus_list",
        FOCUS,
        21,
        {"ListCost": "2e15"},
        "row 21, column 'ListCost': " + refused("a list cost of 2e15"),
    ),
    # Text that is no finite number never reaches the bound: the amount parse refuses it.
    (
        "focus_nan",
        FOCUS,
        21,
        {"BilledCost": "NaN"},
        "row 21, column 'BilledCost': cannot read NaN as a number",
    ),
    # CUR row 13 is a Usage row; billed cost is lineItem/UnblendedCost (this CUR has no NetUnblendedCost).
    (
        "aws_cur_billed",
        CUR,
        13,
        {"lineItem/UnblendedCost": "9e19"},
        "row 13, column 'lineItem/UnblendedCost': " + refused("a billed cost of 9e19"),
    ),
    (
        "aws_cur_list",
        CUR,
        13,
        {"pricing/publicOnDemandCost": "9e19"},
        "row 13, column 'pricing/publicOnDemandCost': " + refused("a list cost of 9e19"),
    ),
    (
        "aws_cur_inf",
        CUR,
        13,
        {"lineItem/UnblendedCost": "inf"},
        "row 13, column 'lineItem/UnblendedCost': cannot read inf as a number",
    ),
    # GPU CUR (EUR) row 6 is SavingsPlanCoveredUsage: its effective cost is the Savings Plan effective cost.
    (
        "aws_cur_sp_effective",
        CUR_GPU,
        6,
        {"savingsPlan/SavingsPlanEffectiveCost": "9e19"},
        "row 6, column 'savingsPlan/SavingsPlanEffectiveCost': "
        + refused("an effective cost of 9e19", "EUR"),
    ),
    # Row 8 is SavingsPlanRecurringFee: effective cost = TotalCommitmentToDate - UsedCommitment.
    (
        "aws_cur_sp_fee",
        CUR_GPU,
        8,
        {"savingsPlan/TotalCommitmentToDate": "9e19"},
        "row 8, column 'savingsPlan/TotalCommitmentToDate': " + refused("an effective cost of 9e19", "EUR"),
    ),
    # EA row 4 is on-demand usage, Cost 2.64 USD: billed and effective cost are Cost.
    ("azure_ea", EA, 4, {"Cost": "9e19"}, "row 4, column 'Cost': " + refused("a billed cost of 9e19")),
    (
        "azure_ea_infinity",
        EA,
        4,
        {"Cost": "-Infinity"},
        "row 4, column 'Cost': cannot read -Infinity as a number",
    ),
    # Fixture row 2: cost 6.13392 USD, no credits; billed cost is cost plus credits.
    (
        "gcp_bigquery",
        GCP_BQ,
        2,
        {"cost": "9e19"},
        "row 2, column 'cost': " + refused("a billed cost of 9e19"),
    ),
    (
        "gcp_bigquery_credits",
        GCP_BQ,
        2,
        {"credits": json.dumps([{"name": "Promotion", "amount": "-9e19", "type": "PROMOTION"}])},
        "row 2, column 'credits': " + refused("a billed cost of -9e19"),
    ),
    (
        "gcp_bigquery_list",
        GCP_BQ,
        2,
        {"cost_at_list": "9e19"},
        "row 2, column 'cost_at_list': " + refused("a list cost of 9e19"),
    ),
]


@pytest.mark.parametrize("name, src, row, cells, message", COST_CASES, ids=[c[0] for c in COST_CASES])
def test_implausible_cost_is_refused_and_changes_nothing(con, tmp_path, name, src, row, cells, message):
    assert ingest_file(con, PRIOR).status == "loaded"
    before = store_state(con)
    path = csv_copy(src, tmp_path / src.name, row, cells)
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error == f"{path}: {message}"
    assert store_state(con) == before
    # The file as exported loads.
    assert ingest_file(con, src).status == "loaded"


def test_gcp_file_export_cost_is_refused(con, tmp_path):
    # Item 2 of Google's file export costs 3.249625 USD.
    items = json.loads(GCP_LEGACY.read_text(encoding="utf-8"))
    items[1]["cost"]["amount"] = "9e19"
    path = tmp_path / GCP_LEGACY.name
    path.write_text(json.dumps(items, indent=1), encoding="utf-8")
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error == f"{path}: row 2, column 'cost.amount': " + refused("a billed cost of 9e19")
    assert store_state(con) == ((0, 0), [])


def test_a_cost_at_the_bound_loads(con, tmp_path):
    # 1e15 itself is allowed (the bound is exclusive above it), and is stored exactly.
    path = csv_copy(FOCUS, tmp_path / FOCUS.name, 21, {"BilledCost": "-1000000000000000"})
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    stored = con.execute("SELECT billed_cost FROM billing_line_items WHERE source_row = 21").fetchone()[0]
    assert stored == Decimal("-1000000000000000")


def test_two_huge_costs_no_longer_reach_the_refresh(con, tmp_path):
    # The reported failure: two rows costing 9e19 each loaded, and their sum (1.8e20) overflowed every
    # refresh. Now the file is refused at its first such row and the refresh runs over what was there.
    assert ingest_file(con, PRIOR).status == "loaded"
    path = csv_copy(FOCUS, tmp_path / FOCUS.name, 21, {"BilledCost": "9e19"})
    path = csv_copy(path, path, 22, {"BilledCost": "9e19"})
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error == f"{path}: row 21, column 'BilledCost': " + refused("a billed cost of 9e19")
    refresh(con)
    items, lines, billed = con.execute(
        "SELECT (SELECT count(*) FROM footprint_items WHERE source = 'billing'), "
        "(SELECT count(*) FROM billing_line_items), "
        "(SELECT sum(billed_cost) FROM footprint_items WHERE source = 'billing')"
    ).fetchone()
    assert items == lines == 27
    # PRIOR's costs, re-summed from the file: every row is on-demand or spot usage, billed at its cost.
    assert billed == raw_sum(PRIOR, "CostInBillingCurrency")[""]
