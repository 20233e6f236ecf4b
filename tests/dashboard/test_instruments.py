"""Contractual instruments applied: each loaded instrument appears with its type, zone, period and
certification, and the energy it covered, on the Emissions page as in the query behind it.

The demo database gets a second instruments file: a PPA whose id holds spaces and brackets, covering
every Dutch grid-zone row from April to September (on top of the demo's Guarantee of Origin, which covers
part of the gcp europe-west4 rows first, so those rows are covered by the two together), and a green
tariff scoped by provider region instead of zone. Expected details are the file's own, written out; the
energy is re-added independently from footprint_items with Python's own parsing of each row's list.
"""

from __future__ import annotations

import re
import shutil
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from footprint import aggregates
from footprint.pipeline import refresh
from footprint.queries import Filters
from footprint.sqlfiles import sql
from footprint.store import connection
from ingest import ingest_file

pytestmark = pytest.mark.shared

INSTRUMENTS = """instrument_id,instrument_type,zone,provider,region_id,period_start,period_end,covered_mwh,covered_share,factor_g_per_kwh,certification,note
PPA NL (Borssele III),vPPA,NL,,,2026-04-01,2026-09-30,,1.0,0,"RVO Garantie van Oorsprong, Borssele III",virtual PPA
TARIFF-EASTUS-2026,green_tariff,,azure,eastus,2026-01-01,2026-12-31,,0.5,12.5,Dominion Energy Green Power,
"""
GO_NL = "GO-NL-2026-017730"  # the demo's own instrument (sample_data/generated/reference)
GO_NL_CERT = "EECS Guarantee of Origin, offshore wind, issued and cancelled by VertiCer"
PPA_CERT = "RVO Garantie van Oorsprong, Borssele III"
day = pd.Timestamp  # DuckDB DATE columns arrive in pandas as timestamps
PART = re.compile(r"^(.*) \(([^,()]*), ([0-9.eE+-]+)%\)$")  # 'ID (type, 58.86%)', as the estimation writes


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("instruments")
    copy = folder / "footprint.duckdb"
    shutil.copy(demo_db, copy)
    path = folder / "more_instruments.csv"
    path.write_text(INSTRUMENTS, encoding="utf-8")
    with connection(copy) as con:
        result = ingest_file(con, path)
        assert result.status == "loaded", result.error
        refresh(con)
    return copy


def covered_by_set(db: Path) -> dict[str, float]:
    """Facility energy covered per set of instruments, from each footprint row's own list."""
    with connection(db, read_only=True) as con:
        rows = con.execute(
            "SELECT instrument_ids, facility_energy_kwh, instrument_share FROM footprint_items "
            "WHERE instrument_ids IS NOT NULL"
        ).fetchall()
    out: dict[str, float] = defaultdict(float)
    for ids, facility_kwh, share in rows:
        parts = [PART.match(p) for p in ids.split("; ")]
        assert all(parts), ids
        out["; ".join(m.group(1) for m in parts if m)] += facility_kwh * share
    return dict(out)


def test_every_instrument_shows_its_details_and_the_energy_it_covered(db: Path):
    with connection(db, read_only=True) as con:
        applied = aggregates.instruments_applied(con, Filters())
    rows = {r["instrument_ids"]: r for r in applied.to_dict("records")}
    expected = covered_by_set(db)
    assert set(rows) == set(expected)
    for ids, kwh in expected.items():
        assert rows[ids]["instrument_covered_kwh"] == pytest.approx(kwh, rel=1e-9)

    ppa = rows["PPA NL (Borssele III)"]  # the rows the PPA covered alone (azure westeurope, gcp from July)
    assert (ppa["instrument_type"], ppa["zone_or_region"], ppa["certification"]) == ("ppa", "NL", PPA_CERT)
    assert (ppa["period_start"], ppa["period_end"]) == (day("2026-04-01"), day("2026-09-30"))
    assert ppa["factor_g_per_kwh"] == 0

    both = rows[f"{GO_NL}; PPA NL (Borssele III)"]  # the certificate first, then the PPA for the rest
    assert both["instrument_type"] == "eac; ppa"
    assert both["zone_or_region"] == "NL (gcp europe-west4); NL"
    assert both["certification"] == f"{GO_NL_CERT}; {PPA_CERT}"
    assert (both["period_start"], both["period_end"]) == (day("2026-04-01"), day("2026-09-30"))

    tariff = rows["TARIFF-EASTUS-2026"]
    assert (tariff["instrument_type"], tariff["zone_or_region"]) == ("green_tariff", "azure eastus")
    assert (tariff["period_start"], tariff["period_end"]) == (day("2026-01-01"), day("2026-12-31"))
    assert (tariff["factor_g_per_kwh"], tariff["certification"]) == (12.5, "Dominion Energy Green Power")
    assert tariff["instrument_covered_kwh"] == pytest.approx(0.5 * tariff["facility_energy_kwh"], rel=1e-9)


def test_the_dashboard_and_the_report_count_the_same_covered_energy(db: Path):
    with connection(db, read_only=True) as con:
        dashboard = aggregates.instruments_applied(con, Filters())
        report = con.execute(sql("report/instruments").replace("{where}", "TRUE")).df()
    assert set(report["instrument_id"]) == {i for ids in dashboard["instrument_ids"] for i in ids.split("; ")}
    assert report["covered_kwh"].sum() == pytest.approx(dashboard["instrument_covered_kwh"].sum(), rel=1e-9)
    assert report["instrument_type"].notna().all()  # the report's own join finds every instrument too


def test_the_ids_with_their_shares_read_the_same_as_the_ids_alone(db: Path):
    """Whether the provenance aggregate keeps each row's shares ('ID (eac, 62.5%)') or only the ids."""
    raw = (
        "SELECT instrument_ids, sum(facility_energy_kwh * instrument_share) AS instrument_covered_kwh, "
        "sum(facility_energy_kwh) AS facility_energy_kwh FROM footprint_items "
        "WHERE instrument_ids IS NOT NULL GROUP BY 1"
    )
    with connection(db, read_only=True) as con:
        from_raw = con.execute(sql("aggregates/instruments_applied").format(inner=raw)).df()
        from_aggregate = aggregates.instruments_applied(con, Filters())
    key = ["instrument_ids", "instrument_type", "zone_or_region", "certification"]
    assert from_raw[key].to_dict("records") == from_aggregate[key].to_dict("records")
    assert list(from_raw["instrument_covered_kwh"]) == pytest.approx(
        list(from_aggregate["instrument_covered_kwh"]), rel=1e-9
    )


def test_the_emissions_page_lists_them(db: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FOOTPRINT_DB", str(db))
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), default_timeout=120
    )
    at.run()
    at.switch_page("views/emissions.py").run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "instrument_ids" in d.value.columns)
    shown = table.set_index("instrument_ids")
    assert shown.loc["PPA NL (Borssele III)", "certification"] == PPA_CERT
    assert shown.loc["TARIFF-EASTUS-2026", "zone_or_region"] == "azure eastus"
    assert shown[["instrument_type", "zone_or_region", "period_start", "period_end"]].notna().all().all()
