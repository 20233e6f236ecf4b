"""Azure cost details readers on every real Azure file in ../shared/sample_exports/azure.

Costs are re-summed from the raw files with csv and Decimal (fixtures/azure/rawsum.py); the other
expectations are read off the files by hand and written out here.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from fixtures.azure.rawsum import AZURE, azure_rows, expected_costs, stored_costs
from support import data_rows

from ingest import ingest_file

pytestmark = pytest.mark.shared

EA_ACTUAL = AZURE / "finops-toolkit-tests" / "EA_ActualCost_Small.csv"
EA_AMORTIZED = AZURE / "finops-toolkit-tests" / "EA_AmortizedCost_Small.csv"
CAD = AZURE / "focus-converters" / "sample-anonymous-ea-export-dataset.csv"
HEADERS = AZURE / "opencost-headersets"
VALUES = AZURE / "opencost-values"

# file, format id, rows loaded, rows skipped, dataset recorded on the batch
REAL_FILES = [
    (EA_ACTUAL, "azure-ea", 11, 0, "actual"),
    (EA_AMORTIZED, "azure-ea", 28, 0, "amortized"),
    (CAD, "azure-ea", 27, 0, "undetermined"),
    (HEADERS / "Enterprise.csv", "azure-ea", 1, 0, "actual"),
    (HEADERS / "EnterpriseCamel.csv", "azure-mca", 1, 0, "undetermined"),
    (HEADERS / "YA.csv", "azure-mca", 1, 0, "undetermined"),
    (HEADERS / "PayAsYouGo.csv", "azure-payg", 1, 0, "undetermined"),
    (HEADERS / "German.csv", "azure-payg", 1, 0, "undetermined"),
    (HEADERS / "BOM.csv", "azure-payg", 0, 1, "undetermined"),
    (VALUES / "Template.csv", "azure-mca", 87, 0, "undetermined"),
    (VALUES / "VirtualMachine.csv", "azure-mca", 1, 0, "undetermined"),
    (VALUES / "MissingBrackets.csv", "azure-mca", 1, 0, "undetermined"),
]
# The reduced opencost value files carry no currency column; their invoice currency is given as an option.
OPTIONS = {"currency": "USD"}


@pytest.mark.parametrize(
    "path, fmt, loaded, skipped, dataset", REAL_FILES, ids=lambda v: getattr(v, "name", None)
)
def test_every_real_file_loads_and_reconciles(con, path, fmt, loaded, skipped, dataset):
    result = ingest_file(con, path, options=OPTIONS)
    assert result.status == "loaded", result.error
    assert result.format_id == fmt
    assert result.rows_read == data_rows(path) == loaded + skipped
    assert result.rows_loaded == loaded
    assert sum(result.skipped.values()) == skipped
    billed, effective = expected_costs(path, currency="USD")
    assert stored_costs(con, "billed_cost") == billed
    assert stored_costs(con, "effective_cost") == effective
    detail = con.execute("SELECT format_detail FROM ingest_batches").fetchone()[0]
    assert detail.startswith(f"dataset={dataset} ")


def test_actual_billed_cost_is_the_invoice_and_effective_cost_drops_the_purchase(con):
    ingest_file(con, EA_ACTUAL)
    raw_total = sum(Decimal(r["cost"]) for r in azure_rows(EA_ACTUAL))
    billed, effective = con.execute(
        "SELECT sum(billed_cost), sum(effective_cost) FROM billing_line_items"
    ).fetchone()
    assert billed == raw_total  # every Cost value has at most 18 decimals
    assert effective == raw_total - Decimal("3.25")  # row 1: the reserved B1s purchase
    purchase = con.execute(
        "SELECT charge_category, line_item_type, pricing_category, commitment_discount_type, carries_usage, "
        "consumed_quantity, instance_type FROM billing_line_items WHERE source_row = 1"
    ).fetchone()
    assert purchase == ("Purchase", "Purchase", "Committed", "Reservation", False, None, None)


def test_amortized_billed_cost_leaves_out_the_amortised_commitment_shares(con):
    ingest_file(con, EA_AMORTIZED)
    rows = con.execute(
        "SELECT source_row, billed_cost, effective_cost, commitment_discount_status, commitment_discount_type "
        "FROM billing_line_items WHERE commitment_discount_status IS NOT NULL ORDER BY 1"
    ).fetchall()
    assert rows == [
        (1, Decimal(0), Decimal("0.493152"), "Used", "Reservation"),
        (2, Decimal(0), Decimal("0.006000000468"), "Used", "Savings Plan"),
    ]
    usage = con.execute("SELECT count(*) FROM billing_line_items WHERE carries_usage").fetchone()[0]
    assert usage == 28


def test_dates_in_every_spelling(con):
    for path in (EA_ACTUAL, CAD, HEADERS / "German.csv"):
        ingest_file(con, path)
    got = con.execute(
        "SELECT b.file_name, l.source_row, l.charge_period_start, l.charge_period_end, l.billing_period_start "
        "FROM billing_line_items l JOIN ingest_batches b USING (batch_id) WHERE l.source_row IN (1, 2) ORDER BY 1, 2"
    ).fetchall()
    day = {r[:2]: (str(r[2]), str(r[3]), str(r[4])) for r in got}
    assert day[("EA_ActualCost_Small.csv", 1)] == (
        "2023-09-21 00:00:00",
        "2023-09-22 00:00:00",
        "2023-09-01 00:00:00",
    )
    assert day[("sample-anonymous-ea-export-dataset.csv", 2)][:2] == (
        "2023-09-02 00:00:00",
        "2023-09-03 00:00:00",
    )
    assert day[("German.csv", 1)] == ("2021-02-02 00:00:00", "2021-02-03 00:00:00", "None")


def test_tags_with_and_without_braces(con):
    for path in (
        EA_ACTUAL,
        VALUES / "MissingBrackets.csv",
        VALUES / "VirtualMachine.csv",
        HEADERS / "Enterprise.csv",
    ):
        assert ingest_file(con, path, options=OPTIONS).status == "loaded"
    got = con.execute(
        "SELECT b.file_name, l.source_row, l.tags->>'application', l.tags->>'creationSource', l.tags->>'poolName' "
        "FROM billing_line_items l JOIN ingest_batches b USING (batch_id) ORDER BY 1, 2"
    ).fetchall()
    by = {r[:2]: r[2:] for r in got}
    assert by[("EA_ActualCost_Small.csv", 2)][0] == "databricks"  # '"CostCenter": "1234",...' without braces
    assert by[("MissingBrackets.csv", 1)][1] == "aks-aks-nodepool1-12345678-vmss"
    assert by[("VirtualMachine.csv", 1)][1] == "aks-aks-nodepool1-12345678-vmss"
    assert by[("Enterprise.csv", 1)][2] == "defaultpool"
    assert con.execute(
        "SELECT tags FROM billing_line_items l JOIN ingest_batches b USING (batch_id) "
        "WHERE b.file_name = 'EA_ActualCost_Small.csv' AND source_row = 1"
    ).fetchone() == (None,)
    info = con.execute(
        "SELECT x_details->'AdditionalInfo'->>'VMName' FROM billing_line_items l JOIN ingest_batches b USING (batch_id) "
        "WHERE b.file_name = 'MissingBrackets.csv'"
    ).fetchone()[0]
    assert info == "aks-nodepool1-12345678-vmss_0"


def test_regions_are_normalised_to_arm_names(con):
    for path in (
        EA_ACTUAL,
        HEADERS / "German.csv",
        HEADERS / "EnterpriseCamel.csv",
        HEADERS / "Enterprise.csv",
    ):
        ingest_file(con, path)
    got = dict(
        con.execute(
            "SELECT b.file_name || ':' || l.source_row, l.region_id FROM billing_line_items l "
            "JOIN ingest_batches b USING (batch_id)"
        ).fetchall()
    )
    assert got["EA_ActualCost_Small.csv:2"] == "eastus2"  # ResourceLocation 'EastUS2'
    assert got["EA_ActualCost_Small.csv:4"] == "southcentralus"  # 'SouthCentralUS'
    assert got["EA_ActualCost_Small.csv:8"] == "ukwest"  # 'ukwest'
    assert got["EA_ActualCost_Small.csv:7"] is None  # no location at all
    assert got["German.csv:1"] == "eastus"  # 'US East'
    assert got["EnterpriseCamel.csv:1"] == "westus"  # 'WESTUS'
    assert got["Enterprise.csv:1"] == "canadacentral"


def test_vm_sizes_from_additional_info_or_the_meter(con):
    for path in (EA_AMORTIZED, CAD, VALUES / "Template.csv"):
        assert ingest_file(con, path, options=OPTIONS).status == "loaded"
    # vCPUs come from AdditionalInfo.VCPUs where Azure gives them (else from the shared instance catalog).
    got = con.execute(
        "SELECT b.file_name, l.source_row, l.instance_type, l.pricing_category, "
        "x_details->'AdditionalInfo'->>'VCPUs', l.vcpu_count FROM billing_line_items l "
        "JOIN ingest_batches b USING (batch_id) WHERE l.instance_type IS NOT NULL ORDER BY 1, 2"
    ).fetchall()
    by = {r[:2]: r[2:] for r in got}
    assert by[("EA_AmortizedCost_Small.csv", 21)][:2] == (
        "Standard_D2s_v3",
        "Standard",
    )  # meter 'D2 v3/D2s v3'
    assert by[("EA_AmortizedCost_Small.csv", 1)] == ("Standard_DS2_v2", "Committed", "2", 2.0)
    assert by[("EA_AmortizedCost_Small.csv", 2)] == ("Standard_B2s", "Committed", "2", 2.0)
    assert by[("sample-anonymous-ea-export-dataset.csv", 3)][:2] == (
        "Standard_DS4_v2",
        "Dynamic",
    )  # 'DS4 v2 Spot'
    assert by[("sample-anonymous-ea-export-dataset.csv", 6)][:2] == ("Standard_L4s", "Dynamic")  # 'L4s Spot'
    assert by[("sample-anonymous-ea-export-dataset.csv", 4)][0] == "Standard_D3_v2"  # 'D3 v2/DS3 v2'
    template_vms = [k for k in by if k[0] == "Template.csv"]
    raw_vms = [
        i
        for i, r in enumerate(azure_rows(VALUES / "Template.csv"), 1)
        if r["metercategory"] == "Virtual Machines"
    ]
    assert [k[1] for k in template_vms] == raw_vms
    assert {by[k][0] for k in template_vms} == {"Standard_DS2_v2"}


def test_block_units_become_consumed_quantities(con):
    ingest_file(con, EA_ACTUAL)
    got = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_row, consumed_quantity, consumed_unit, usage_quantity, usage_unit, usage_hours "
            "FROM billing_line_items"
        ).fetchall()
    }
    assert got[2] == pytest.approx((4.0, "Units", 4.0, "other", None))  # 0.0004 x '10K'
    assert got[4] == (24.0, "Hours", 24.0, "hour", 24.0)  # '1 Hour'
    assert got[8] == pytest.approx((0.033336, "Units/Month", 0.033336, "other", None))  # '1/Month'
    assert got[1] == (None, None, None, None, None)  # a purchase consumes nothing


def test_azure_ml_and_services_follow_microsofts_service_table(con):
    ingest_file(con, EA_AMORTIZED)
    ml = con.execute(
        "SELECT count(*), min(service_name), min(service_category) FROM billing_line_items "
        "WHERE x_details->>'ConsumedService' = 'Microsoft.MachineLearningServices'"
    ).fetchone()
    assert ml == (5, "Azure Machine Learning", "AI and Machine Learning")
    sql_db = con.execute(
        "SELECT service_name, service_category FROM billing_line_items WHERE source_row = 8"
    ).fetchone()
    assert sql_db == ("Azure SQL Database", "Databases")


def test_header_dialects_and_localised_names(con):
    ingest_file(con, HEADERS / "German.csv")
    row = con.execute(
        "SELECT sub_account_id, usage_type, consumed_quantity, consumed_unit, billed_cost, billing_currency, "
        "resource_name FROM billing_line_items"
    ).fetchone()
    assert row == (
        "11111111-12ab-34dc-56ef-123456abcdef",
        "Included LB Rules and Outbound Rules",
        300.0,
        "Hours",
        Decimal("0.075"),
        "USD",
        "kubernetes",
    )
    detail = con.execute("SELECT format_detail FROM ingest_batches").fetchone()[0]
    assert "localised column names" in detail and "no ChargeType column" in detail


def test_empty_line_item_is_counted_not_loaded(con):
    result = ingest_file(con, HEADERS / "BOM.csv")
    assert result.skipped == {"empty line item (no cost, quantity, subscription, meter or resource)": 1}
    assert con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0] == 0


def test_a_file_without_currency_asks_for_it(con):
    result = ingest_file(con, VALUES / "Template.csv")
    assert result.status == "error"
    assert "Template.csv" in result.error and "--currency" in result.error
    assert con.execute("SELECT count(*) FROM ingest_batches").fetchone()[0] == 0


def test_parquet_export_reads_the_same(con, tmp_path):
    parquet = tmp_path / "EA_ActualCost_Small.parquet"
    con.execute(
        f"COPY (SELECT * FROM read_csv('{EA_ACTUAL}', all_varchar = true)) TO '{parquet}' (FORMAT parquet)"
    )
    result = ingest_file(con, parquet)
    assert result.status == "loaded", result.error
    assert result.format_id == "azure-ea" and result.rows_loaded == 11
    assert stored_costs(con, "billed_cost") == expected_costs(EA_ACTUAL)[0]
