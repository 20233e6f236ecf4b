"""The Azure reference tables the readers ship, and the header keys, meter names and units they resolve.

The shipped tables must be exactly Microsoft's FinOps toolkit open data (MIT), keyed case-folded; meter
names and units come from Cloud Carbon Footprint's Azure input fixture (real Azure spellings).
"""

from __future__ import annotations

import csv
import io

import pytest
from fixtures.azure.rawsum import AZURE
from support import REPO, SAMPLE_EXPORTS

from ingest import ingest_file
from ingest.billing.azure_columns import AzureColumns, english_key

pytestmark = pytest.mark.shared

OPEN_DATA = AZURE / "finops-toolkit-open-data"
DATA = REPO / "footprint" / "data"


def read(path) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_pricing_units_are_microsofts_table():
    expected = {
        r["UnitOfMeasure"].strip().lower(): (r["PricingBlockSize"], r["DistinctUnits"])
        for r in read(OPEN_DATA / "PricingUnits.csv")
    }
    shipped = {
        r["unit_of_measure"]: (r["pricing_block_size"], r["distinct_unit"])
        for r in read(DATA / "azure_pricing_units.csv")
    }
    assert shipped == expected
    assert shipped["10k"] == ("10000", "Units") and shipped["100 hours"] == ("100", "Hours")


def test_regions_are_microsofts_table():
    expected = {
        r["OriginalValue"].lower(): (r["RegionId"], r["RegionName"]) for r in read(OPEN_DATA / "Regions.csv")
    }
    shipped = {
        r["original_value"]: (r["region_id"], r["region_name"]) for r in read(DATA / "azure_regions.csv")
    }
    assert shipped == expected
    assert shipped["us east 2"] == ("eastus2", "East US 2") and shipped["eastus2"] == ("eastus2", "East US 2")


def test_services_are_microsofts_table():
    expected = {
        (r["ConsumedService"].lower(), r["ResourceType"].lower()): (r["ServiceName"], r["ServiceCategory"])
        for r in read(OPEN_DATA / "Services.csv")
    }
    shipped = {
        (r["consumed_service"], r["resource_type"]): (r["service_name"], r["service_category"])
        for r in read(DATA / "azure_services.csv")
    }
    assert shipped == expected


def test_shipped_tables_load_with_unique_keys(con):
    for table, key in (
        ("ref_azure_pricing_units", "unit_of_measure"),
        ("ref_azure_regions", "original_value"),
        ("ref_azure_services", "coalesce(consumed_service, '') || '|' || resource_type"),
    ):
        total, distinct = con.execute(f"SELECT count(*), count(DISTINCT {key}) FROM {table}").fetchone()
        assert total == distinct > 300, table


def test_header_keys_use_the_english_name():
    assert english_key("Abonnement-GUID (SubscriptionGuid)") == "subscriptionguid"
    assert english_key("Maßeinheit (UnitOfMeasure)") == "unitofmeasure"
    assert english_key("billingCurrency") == "billingcurrency"
    german = AzureColumns(read_header(AZURE / "opencost-headersets" / "German.csv"))
    assert german.spelled("subscription_id") == "Abonnement-GUID (SubscriptionGuid)"
    assert german.spelled("unit") == "Maßeinheit (UnitOfMeasure)"
    assert german.format_id() == "azure-payg"
    headers = AZURE / "opencost-headersets"
    # Microsoft's MCA header keeps SubscriptionId and ProductName in PascalCase: that is not a mixture.
    assert AzureColumns(read_header(headers / "EnterpriseCamel.csv")).dialect() == (
        "MCA/CSP camelCase header (costInBillingCurrency)"
    )
    assert (
        AzureColumns(read_header(headers / "YA.csv"))
        .dialect()
        .endswith(
            "localised column names read by their English names in parentheses, mixed camelCase and PascalCase names"
        )
    )
    assert AzureColumns(read_header(headers / "Enterprise.csv")).dialect() == (
        "EA PascalCase header (CostInBillingCurrency, BillingCurrencyCode)"
    )


def read_header(path) -> list[str]:  # type: ignore[no-untyped-def]
    return next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_resource_types_from_resource_ids(con):
    from footprint.sqlfiles import sql

    con.execute(sql("ingest/azure_macros"))
    cases = {
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Sql/servers/a/databases/b": "microsoft.sql/servers/databases",
        "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/Microsoft.Compute/virtualMachines/vm1": "microsoft.compute/virtualmachines",
        "/providers/Microsoft.Capacity/reservationOrders/o/reservations/": "microsoft.capacity/reservationorders/reservations",
        "/subscriptions/s/resourceGroups/rg": None,
    }
    for rid, expected in cases.items():
        assert con.execute("SELECT fp_azure_resource_type(?)", [rid]).fetchone()[0] == expected, rid


def test_ccf_meter_names_and_units(con, tmp_path):
    # Cloud Carbon Footprint's Azure input: real service names, regions, meter names and unit spellings.
    ccf = read(SAMPLE_EXPORTS / "ccf-fixtures" / "azure_input.test.csv")
    path = tmp_path / "ccf_rows.csv"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(
        [
            "SubscriptionId",
            "Date",
            "MeterCategory",
            "MeterName",
            "ResourceLocation",
            "UnitOfMeasure",
            "Quantity",
            "Cost",
            "BillingCurrency",
            "ChargeType",
        ]
    )
    for r in ccf:
        w.writerow(
            [
                "sub-1",
                "01/15/2024",
                r["serviceName"],
                r["usageType"],
                r["region"],
                r["usageUnit"],
                "2",
                "1",
                "USD",
                "Usage",
            ]
        )
    path.write_text(buf.getvalue(), encoding="utf-8")
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.warnings == [
        "2 row(s) have a location missing from Microsoft's region table (Unknown); their region is left blank"
    ]
    got = con.execute(
        "SELECT usage_type, instance_type, region_id, usage_hours FROM billing_line_items ORDER BY source_row"
    ).fetchall()
    assert got == [
        ("D2 v2/DS2 v2", "Standard_D2_v2", "uksouth", 20.0),  # 2 x '10 Hours'
        ("D4as v4 Spot", "Standard_D4as_v4", "westeurope", 2.0),
        ("F1", None, "centralus", 2.0),  # App Service: not a VM size
        ("vCPU Duration", None, "southcentralus", 2000.0),  # 2 x '1000 Hours'
        ("2 vCore", None, None, 200.0),
        ("VpnGw1", None, None, 200.0),
    ]


def test_unknown_unit_is_kept_as_billed_and_reported(con, tmp_path):
    path = tmp_path / "odd_unit.csv"
    path.write_text(
        "SubscriptionId,Date,MeterCategory,MeterName,ResourceLocation,UnitOfMeasure,Quantity,Cost,BillingCurrency\n"
        "sub-1,01/15/2024,Storage,Widgets,eastus,7 Widgets,3,1.5,USD\n",
        encoding="utf-8",
    )
    result = ingest_file(con, path)
    assert result.status == "loaded", result.error
    assert result.warnings == [
        "1 usage row(s) have a unit of measure missing from Microsoft's pricing-unit table (7 Widgets); "
        "their quantity is kept as billed"
    ]
    row = con.execute(
        "SELECT consumed_quantity, consumed_unit, x_details->>'PricingBlockSize' FROM billing_line_items"
    ).fetchone()
    assert row == (3.0, "7 Widgets", None)
