"""Azure GPU and Azure ML rows, on the synthetic fixtures in tests/fixtures/azure (see its README).

The accelerator of each GPU row is written out by hand from Microsoft's VM size pages (NC24ads A100 v4:
1 x A100 80GB; ND96isr H100 v5: 8 x H100 80GB; NC8as T4 v3: 1 x T4); costs are re-summed from the raw
files with csv and Decimal.
"""

from __future__ import annotations

import importlib.util
from decimal import Decimal

from fixtures.azure.rawsum import FIXTURES, expected_costs, store_state, stored_costs

from ingest import ingest_file

EA_ACTUAL = FIXTURES / "ea_gpu_actual.csv"
EA_AMORTIZED = FIXTURES / "ea_gpu_amortized.csv"
MCA_ACTUAL = FIXTURES / "mca_gpu_actual.csv"


def test_fixtures_are_what_the_script_writes(tmp_path):
    spec = importlib.util.spec_from_file_location("make_azure_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    module.main()
    for name in ("ea_gpu_actual.csv", "ea_gpu_amortized.csv", "mca_gpu_actual.csv"):
        assert (tmp_path / name).read_bytes() == (FIXTURES / name).read_bytes(), name


def test_ea_gpu_rows_get_their_accelerators(con):
    raw = EA_ACTUAL.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw and not raw.endswith(b"\n")
    result = ingest_file(con, EA_ACTUAL)
    assert result.status == "loaded", result.error
    assert (result.format_id, result.rows_read, result.rows_loaded) == ("azure-ea", 10, 10)
    got = con.execute(
        "SELECT source_row, instance_type, accelerator_model, accelerator_count, usage_hours, region_id, "
        "service_category, workload_hint, pricing_category FROM billing_line_items "
        "WHERE accelerator_model IS NOT NULL ORDER BY source_row"
    ).fetchall()
    assert got == [
        (1, "Standard_NC24ads_A100_v4", "A100-80GB", 1.0, 24.0, "eastus", "Compute", None, "Standard"),
        # Size from the meter name only; region from MeterRegion 'US East 2' (no ResourceLocation).
        (2, "Standard_ND96isr_H100_v5", "H100-80GB", 8.0, 24.0, "eastus2", "Compute", None, "Committed"),
        # Azure ML compute: ConsumedService Microsoft.MachineLearningServices.
        (
            3,
            "Standard_NC24ads_A100_v4",
            "A100-80GB",
            1.0,
            10.0,
            "westeurope",
            "AI and Machine Learning",
            None,
            "Standard",
        ),
        # Azure ML online endpoint: inference.
        (
            4,
            "Standard_NC8as_T4_v3",
            "T4",
            1.0,
            24.0,
            "westeurope",
            "AI and Machine Learning",
            "inference",
            "Standard",
        ),
        # 'NC8as T4 v3 Spot'
        (5, "Standard_NC8as_T4_v3", "T4", 1.0, 5.5, "eastus", "Compute", None, "Dynamic"),
    ]
    service = con.execute("SELECT service_name FROM billing_line_items WHERE source_row = 3").fetchone()[0]
    assert service == "Azure Machine Learning"


def test_ea_gpu_actual_costs_and_usage(con):
    ingest_file(con, EA_ACTUAL)
    billed, effective = expected_costs(EA_ACTUAL)
    assert stored_costs(con, "billed_cost") == billed == {"EUR": Decimal("17939.41031386")}
    # Effective cost leaves out the reservation purchase (19000) and refund (-1200).
    assert stored_costs(con, "effective_cost") == effective == {"EUR": Decimal("139.41031386")}
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_row, charge_category, charge_class, carries_usage, billed_cost, consumed_quantity, "
            "consumed_unit, usage_hours, tags->>'model' FROM billing_line_items"
        ).fetchall()
    }
    assert rows[2] == (
        "Usage",
        None,
        True,
        Decimal(0),
        24.0,
        "Hours",
        24.0,
        "llama-pretrain",
    )  # RI-covered: cost 0
    assert rows[6] == ("Purchase", None, False, Decimal(19000), None, None, None, None)
    assert rows[7] == ("Purchase", "Correction", False, Decimal(-1200), None, None, None, None)  # Refund
    assert rows[8][4:7] == (5000.0, "Units", None)  # 0.5 x '10K'
    assert rows[9][4:7] == (0.032258, "Units/Month", None)  # '1/Month'
    assert rows[10][4:7] == (24.0, "Hours", 24.0)  # 0.24 x '100 Hours'
    assert rows[1][7] == "llama-ft"  # tags without outer braces


def test_mca_camel_case_file(con):
    result = ingest_file(con, MCA_ACTUAL)
    assert result.status == "loaded", result.error
    assert result.format_id == "azure-mca"
    billed, effective = expected_costs(MCA_ACTUAL)
    assert stored_costs(con, "billed_cost") == billed == {"GBP": Decimal("6344.636")}
    assert stored_costs(con, "effective_cost") == effective == {"GBP": Decimal("4844.636")}
    rows = con.execute(
        "SELECT source_row, charge_category, line_item_type, carries_usage, billing_account_id, "
        "CAST(charge_period_start AS DATE)::VARCHAR, instance_type, accelerator_count, commitment_discount_type "
        "FROM billing_line_items ORDER BY 1"
    ).fetchall()
    profile = "FBRK-AAAA-BG7-TGB"  # MCA: the billing profile is the billing account, as in Microsoft's FOCUS
    assert rows == [
        (1, "Usage", "Usage", True, profile, "2024-11-03", "Standard_ND96isr_H100_v5", 8.0, None),
        (2, "Usage", "Usage", True, profile, "2024-11-04", "Standard_NC24ads_A100_v4", 1.0, "Savings Plan"),
        (3, "Purchase", "Purchase", False, profile, "2024-11-01", None, None, "Savings Plan"),
        (4, "Tax", "Tax", False, profile, "2024-11-30", None, None, None),
        (5, "Adjustment", "RoundingAdjustment", False, profile, "2024-11-30", None, None, None),
    ]
    list_cost = con.execute("SELECT list_cost FROM billing_line_items WHERE source_row = 2").fetchone()[0]
    assert list_cost == Decimal("18.85")


def test_amortized_unused_commitments_bill_nothing_and_carry_no_usage(con):
    result = ingest_file(con, EA_AMORTIZED)
    assert result.status == "loaded", result.error
    assert result.format_id == "azure-ea"
    billed, effective = expected_costs(EA_AMORTIZED)
    assert stored_costs(con, "billed_cost") == billed == {"EUR": Decimal("134.45")}
    assert stored_costs(con, "effective_cost") == effective == {"EUR": Decimal("1083.89")}
    unused = con.execute(
        "SELECT source_row, charge_category, commitment_discount_status, carries_usage, billed_cost, effective_cost, "
        "consumed_quantity FROM billing_line_items WHERE line_item_type LIKE 'Unused%' ORDER BY 1"
    ).fetchall()
    assert unused == [
        (7, "Usage", "Unused", False, Decimal(0), Decimal("312.48"), None),
        (8, "Usage", "Unused", False, Decimal(0), Decimal("12"), None),
    ]
    detail = con.execute("SELECT format_detail FROM ingest_batches").fetchone()[0]
    assert detail.startswith("dataset=amortized (1 commitment usage row(s) carrying amortised cost, 2 unused")
    assert "CostInBillingCurrency, BillingCurrencyCode" in detail


def test_synthetic_amortized_after_actual_is_refused(con):
    assert ingest_file(con, EA_ACTUAL).status == "loaded"
    before = store_state(con)
    result = ingest_file(con, EA_AMORTIZED)
    assert result.status == "error"
    assert (
        "billing account 9900001 for 2024-10 is already loaded from the actual cost dataset" in result.error
    )
    assert store_state(con) == before
    # A different account and period (the MCA file) is not affected.
    assert ingest_file(con, MCA_ACTUAL).status == "loaded"
