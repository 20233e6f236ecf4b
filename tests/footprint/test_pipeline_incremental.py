"""An incremental refresh after each batch gives exactly the store one full refresh gives after them all.

The same sequence of real sample files (three clouds, contractual instruments, GPU telemetry of a billed
host, inference counts, a CodeCarbon run, a removed batch and a user rules file) is applied to two
databases: one refreshes after every step and lets the pipeline choose (incremental for billing and
telemetry batches, full for reference inputs and rules), the other refreshes once, fully, at the end.
Every derived table must then hold the same rows with the same values, floats compared bit for bit: the
refresh's sums are exact (DECIMAL sums, integer microseconds for overlaps), so neither the order rows are
added in nor the number of threads can show; both stores run on DuckDB's default threads.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from support import SAMPLE_DATA

from footprint import attribution
from footprint.pipeline import last_refresh, refresh
from footprint.store import connection
from ingest import ingest_file
from ingest.loader import remove_batch

GEN = SAMPLE_DATA / "generated"
OPTIONS = tomllib.loads((GEN / "manifest.toml").read_text(encoding="utf-8"))["files"]

# Every table a refresh writes, with the columns that record when it ran left out.
DERIVED = {
    "line_item_attribution": "*",
    "attribution_state": "* EXCLUDE (refreshed_at)",
    "line_item_measured": "*",
    "telemetry_activity": "*",
    "footprint_items": "*",
    "ledger_model_day": "*",
    "ledger_model_cost_day": "*",
    "ledger_requests_day": "*",
    "ledger_model_period": "*",
    "agg_footprint_day": "*",
    "agg_footprint_month": "*",
    "agg_resource_day": "*",
    "agg_resource_month": "*",
    "agg_provenance_day": "*",
    "agg_provenance_month": "*",
    "agg_unmodelled_day": "*",
    "agg_reconciliation_day": "*",
    "agg_telemetry_hour": "*",
    "agg_filter_values": "*",
    "agg_meta": "* EXCLUDE (built_at)",
}

SHARE_INSTRUMENTS = """instrument_id,instrument_type,zone,provider,region_id,period_start,period_end,covered_mwh,covered_share,factor_g_per_kwh,certification,note
TARIFF-EASTUS-2026,green_tariff,,azure,eastus,2026-04-01,2026-12-31,,0.4,12,utility green tariff,covers 40 % of eastus
PPA-SRVC-2026,ppa,SRVC,,,2026-04-01,2026-12-31,,0.25,0,virtual PPA,a quarter of every SRVC row
"""

RULES = """schema_version = 1
rules_version = "team-rules-1"
extends = "default"

[aliases.model]
"atlas" = ["atlas-30b"]

[[resource_rules]]
id = "ea-subscription-team"
providers = ["azure"]
match = { sub_account_name = "(?i)prod" }
team = "platform"
"""


def _file(rel: str) -> Callable[[duckdb.DuckDBPyConnection], str]:
    def load(con: duckdb.DuckDBPyConnection) -> str:
        result = ingest_file(con, GEN / rel, name=rel, options={k: str(v) for k, v in OPTIONS.get(rel, {}).items()})
        assert result.status == "loaded", result.error
        return "batch"

    return load


def _written(tmp: Path, name: str, text: str) -> Callable[[duckdb.DuckDBPyConnection], str]:
    def load(con: duckdb.DuckDBPyConnection) -> str:
        path = tmp / name
        path.write_text(text, encoding="utf-8")
        assert ingest_file(con, path).status == "loaded"
        return "batch"

    return load


def _remove(batch_id: int) -> Callable[[duckdb.DuckDBPyConnection], str]:
    def remove(con: duckdb.DuckDBPyConnection) -> str:
        remove_batch(con, batch_id)
        return "batch"

    return remove


def _rules(con: duckdb.DuckDBPyConnection) -> str:
    attribution.load_rules(con, RULES, "team-rules.toml")  # stores the file and refreshes by itself
    return "rules"


def _steps(tmp: Path) -> list[tuple[Callable[[duckdb.DuckDBPyConnection], str], str]]:
    """(operation, the refresh the pipeline must choose after it). What forces a full refresh comes
    first, so the incremental refreshes after it carry any mistake through to the final comparison."""
    return [
        (_file("aws/legacy-cur/juniper-labs-cur-202604.csv.gz"), "full"),  # nothing recorded yet
        (_file("aws/cur2/BILLING_PERIOD=2026-05/juniper-labs-cur2-202605-00001.csv.gz"), "incremental"),
        (_file("azure/ea/juniper-labs-ea-actualcost-202604.csv"), "incremental"),
        (_file("reference/instruments/guarantees_of_origin_2026.csv"), "full"),  # MWh-based instruments
        (_written(tmp, "tariffs.csv", SHARE_INSTRUMENTS), "full"),  # share-based instruments
        (_file("reference/residual_mix/ILLUSTRATIVE_residual_mix_2026.csv"), "full"),
        (_rules, "full"),
        # billed under the MWh-based REC for aws us-east-1: the REC is spread over more energy now
        (_file("aws/cur2/BILLING_PERIOD=2026-09/juniper-labs-cur2-202609-00001.csv.gz"), "incremental"),
        (_file("azure/ea/juniper-labs-ea-actualcost-202605.csv"), "incremental"),
        # GPU telemetry of a p5 host the September bill covers: measured energy replaces modelled
        (_file("telemetry/nvidia-smi/atlas-30b-smoke_p5.48xlarge_2026-09-02.csv"), "incremental"),
        (_remove(2), "incremental"),  # the May CUR 2.0 file: its rows are gone before the refresh runs
        (_file("gcp/standard/gcp_billing_export_v1_01A2B3_C4D5E6_F7A8B9_202604.csv"), "incremental"),
        (_file("telemetry/requests/inference_requests_2026-04_2026-10.csv"), "incremental"),
        (_file("telemetry/codecarbon/fra-dgx-01/emissions.csv"), "incremental"),  # own hardware, no bill
        (_file("aws/cur2/BILLING_PERIOD=2026-10/juniper-labs-cur2-202610-00001.csv.gz"), "incremental"),
    ]


def _snapshot(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT {cols} FROM {t} ORDER BY ALL").fetchall() for t, cols in DERIVED.items()}


def _differences(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> list[str]:
    return [t for t in DERIVED if a[t] != b[t]]


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[tuple[str, str, list[str]]]]:
    """(store refreshed after every step, store refreshed once at the end, per step: (mode chosen,
    expected, derived tables that differ from a full refresh of a copy of the store at that step))."""
    tmp = tmp_path_factory.mktemp("incremental")
    steps: list[tuple[str, str, list[str]]] = []
    with connection(tmp / "incremental.duckdb") as con:
        for i, (operation, expected) in enumerate(_steps(tmp)):
            if operation(con) == "batch":
                refresh(con)
            state = last_refresh(con)
            assert state is not None
            con.execute("CHECKPOINT")
            copy = tmp / f"step{i}.duckdb"
            shutil.copy(tmp / "incremental.duckdb", copy)
            with connection(copy) as full:
                refresh(full, full=True)
                steps.append((state["mode"], expected, _differences(_snapshot(con), _snapshot(full))))
            copy.unlink()
    with connection(tmp / "full.duckdb") as con:
        for operation, _ in _steps(tmp):
            operation(con)
        refresh(con, full=True)
        assert last_refresh(con)["mode"] == "full"  # type: ignore[index]
    return tmp / "incremental.duckdb", tmp / "full.duckdb", steps


def test_the_pipeline_chooses_incremental_for_batches_and_full_for_reference_inputs_and_rules(two_stores):
    _, _, steps = two_stores
    assert [m for m, _, _ in steps] == [e for _, e, _ in steps]


def test_after_every_step_the_store_equals_a_full_refresh_of_it(two_stores):
    _, _, steps = two_stores
    assert [(i, tables) for i, (_, _, tables) in enumerate(steps) if tables] == []


@pytest.mark.parametrize("table", list(DERIVED))
def test_every_derived_table_is_identical(two_stores, table: str):
    incremental_db, full_db, _ = two_stores
    query = f"SELECT {DERIVED[table]} FROM {table} ORDER BY ALL"
    with connection(incremental_db, read_only=True) as con:
        incremental = con.execute(query).fetchall()
    with connection(full_db, read_only=True) as con:
        full = con.execute(query).fetchall()
    assert len(incremental) == len(full)
    assert incremental == full


def test_the_sequence_exercises_what_is_not_row_local(two_stores):
    """The comparison above means something only if the store holds what an incremental refresh must
    recompute beyond the new rows: MWh-based instruments spread over rows of several batches, measured
    energy matched to a bill row, measured energy no bill covers, request counts, spend-based rows."""
    _, full_db, _ = two_stores
    with connection(full_db, read_only=True) as con:
        def one(query: str) -> object:
            return con.execute(query).fetchone()[0]  # type: ignore[index]

        mwh_covered = "instrument_ids LIKE '%REC-US-2026-GE-55812%'"
        assert one(f"SELECT count(DISTINCT batch_id) FROM footprint_items WHERE {mwh_covered}") >= 2
        assert one("SELECT count(*) FROM footprint_items WHERE instrument_ids LIKE '%TARIFF-EASTUS-2026%'") > 0
        assert one("SELECT count(*) FROM footprint_items WHERE market_method LIKE 'instrument+%'") > 0
        assert one("SELECT count(*) FROM footprint_items WHERE method = 'measured' AND source = 'billing'") > 0
        assert one("SELECT count(*) FROM footprint_items WHERE source = 'telemetry'") > 0
        assert one("SELECT count(*) FROM footprint_items WHERE method = 'spend_based'") > 0
        assert one("SELECT count(*) FROM ledger_requests_day") > 0
        assert one("SELECT count(*) FROM footprint_items WHERE batch_id = 2") == 0  # the removed batch
        assert one("SELECT count(*) FROM footprint_items WHERE model = 'atlas'") > 0  # the user's alias
