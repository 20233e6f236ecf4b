"""The pre-aggregated tables give exactly what summary() gives on the line items, for any filter.

summary() re-sums v_footprint row by row; the aggregates re-add day-level sums. Cost must match to the
last decimal; energy and emissions (floating point, summed in another order) to 1e-9 relative. Totals are
also checked against the raw export re-summed with Python's csv module and Decimal.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from support import SAMPLE_EXPORTS, raw_sum

from footprint import aggregates
from footprint.metrics import METRICS
from footprint.queries import Filters, summary
from footprint.store import connection

pytestmark = pytest.mark.shared

FOCUS_SAMPLE = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


def _same(agg: dict, ref: dict) -> None:
    for m in METRICS:
        a, r = agg.get(m.name), ref.get(m.name)
        if r is None or a is None:
            assert a == r or (a in (0, None) and r in (0, None)), m.name
        else:
            assert a == pytest.approx(r, rel=1e-9, abs=1e-9), m.name
    assert agg["cost"] == ref["cost"]


def _options(db: Path) -> dict:
    with connection(db, read_only=True) as con:
        return aggregates.filter_options(con)


def filter_cases(db: Path) -> list[Filters]:
    o = _options(db)
    cases = [Filters(), Filters(provider=[o["provider"][0]]), Filters(region=o["region"][:2])]
    cases.append(Filters(since=o["first_day"], until=o["first_day"]))  # a single day
    mid = o["first_day"] + (o["last_day"] - o["first_day"]) / 2
    cases.append(Filters(since=mid, provider=o["provider"][:1], team=o["team"][:1]))
    cases.append(Filters(workload=o["workload"][:1], model=o["model"][-1:]))
    # whole calendar months: read from the month rollup, which must agree with the line items too
    second = (o["first_day"].replace(day=1) + timedelta(days=32)).replace(day=1)
    cases.append(
        Filters(since=second, until=(second + timedelta(days=62)).replace(day=1) - timedelta(days=1))
    )
    cases.append(Filters(since=date(1999, 1, 1), until=date(1999, 1, 31)))  # nothing
    return cases


def test_kpis_equal_summary_for_every_filter(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        for f in filter_cases(demo_db):
            _same(aggregates.kpis(con, f), summary(con, f))


@pytest.mark.parametrize("by", [["provider"], ["region"], ["service"], ["team", "model"], ["workload"]])
def test_groups_equal_summary_groups(demo_db: Path, by: list[str]):
    with connection(demo_db, read_only=True) as con:
        ref = summary(con, Filters(), by)
        got = aggregates.totals(con, Filters(), by=by)
        assert len(got) == len(ref["groups"])
        rows = {tuple(r[d] for d in by): r for r in got.to_dict("records")}
        for g in ref["groups"]:
            row = rows[tuple(g["key"][d] for d in by)]
            for m in METRICS:
                if g[m.name] is not None:
                    assert row[m.name] == pytest.approx(g[m.name], rel=1e-9, abs=1e-9), (g["key"], m.name)


def test_total_cost_equals_the_raw_export(focus_db: Path):
    expected = raw_sum(FOCUS_SAMPLE, "BilledCost", group="BillingCurrency")
    with connection(focus_db, read_only=True) as con:
        got = aggregates.costs(con, Filters())
    # DuckDB sums DECIMAL(38,18) exactly; both sides are that exact sum, rounded once to a float
    assert {r.billing_currency: r.billed_cost for r in got.itertuples()} == {
        k: float(v) for k, v in expected.items()
    }


def test_monthly_series_add_up_to_the_total(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        series = aggregates.totals(con, Filters(), by=["provider"], grain="day")
        total = summary(con, Filters())
    assert series["line_items"].sum() == total["line_items"]
    assert series["energy_kwh"].sum() == pytest.approx(total["energy_kwh"], rel=1e-9)


def test_month_on_month_matches_monthly_summaries(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        mom = aggregates.month_on_month(con, Filters(), by="provider", metric="energy_kwh")
        monthly = summary(con, Filters(), ["month", "provider"])["groups"]
    this = mom["this_month"].iloc[0].strftime("%Y-%m")
    for row in mom.itertuples():
        want = sum(g["energy_kwh"] or 0 for g in monthly if g["key"] == {"month": this, "provider": row.grp})
        assert row.current_value == pytest.approx(want, rel=1e-9, abs=1e-12)


def test_top_resources_rank_by_energy(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        top = aggregates.top_resources(con, Filters(), limit=5)
        direct = con.execute(
            "SELECT coalesce(resource_id, '(no resource id)'), sum(energy_kwh) FROM v_footprint "
            "GROUP BY 1 ORDER BY 2 DESC NULLS LAST, 1 LIMIT 5"
        ).fetchall()
    assert list(top["resource_id"]) == [r[0] for r in direct]
    assert list(top["energy_kwh"]) == pytest.approx([r[1] for r in direct], rel=1e-9)


def test_unmodelled_and_estimated_cost_make_up_the_usage_cost(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        methods = aggregates.method_shares(con, Filters())
        unknown = aggregates.unmodelled_usage(con, Filters(), limit=10_000)
        usage = con.execute("SELECT CAST(sum(usage_cost) AS DOUBLE) FROM v_footprint").fetchone()[0]
    assert methods["usage_cost"].sum() == pytest.approx(usage, rel=1e-12)
    not_estimated = methods["usage_cost"].sum() - methods["estimated_usage_cost"].sum()
    # what no coefficient covers is exactly what the unknown-SKU list carries
    assert unknown["usage_cost"].sum() == pytest.approx(not_estimated, rel=1e-9, abs=1e-9)


def test_staleness_is_detected(demo_db: Path, tmp_path: Path):
    import shutil

    from footprint.pipeline import refresh
    from ingest import ingest_file

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    with connection(db) as con:
        assert aggregates.is_current(con)
        assert ingest_file(con, FOCUS_SAMPLE).status == "loaded"
        assert not aggregates.is_current(con)  # loaded, not yet refreshed
        refresh(con)
        assert aggregates.is_current(con)


def test_reconciliation_is_the_telemetry_modules_reconciliation(demo_db: Path):
    from footprint.telemetry.reconcile import reconciliation

    with connection(demo_db, read_only=True) as con:
        ours = aggregates.reconciliation(con, Filters())
        theirs = reconciliation(con, "resource")
    assert len(theirs) > 0, "the demo should hold telemetry that covers billed resources"
    got = {r["resource_id"]: r for r in ours.to_dict("records")}
    assert set(got) == {t["resource"] for t in theirs}
    for t in theirs:
        row = got[t["resource"]]
        assert row["measured_energy_kwh"] == pytest.approx(t["measured_accelerator_energy_kwh"], rel=1e-12)
        assert row["modelled_same_hours_kwh"] == pytest.approx(
            t["modelled_accelerator_energy_kwh"], rel=1e-12
        )
        assert row["measured_to_modelled"] == pytest.approx(t["measured_to_modelled_ratio"], rel=1e-12)


def test_instruments_applied_carry_the_energy_they_covered(demo_db: Path):
    with connection(demo_db, read_only=True) as con:
        applied = aggregates.instruments_applied(con, Filters())
        loaded = {r[0] for r in con.execute("SELECT instrument_id FROM input_instruments").fetchall()}
        for row in applied.itertuples():
            ids = row.instrument_ids.split("; ")
            assert set(ids) <= loaded
            # independently: every footprint row whose instrument list names exactly these ids
            pattern = "^" + "; ".join(f"{i} \\([a-z_]+, [0-9.]+%\\)" for i in ids) + "$"
            covered = con.execute(
                "SELECT sum(facility_energy_kwh * instrument_share) FROM footprint_items "
                "WHERE regexp_matches(instrument_ids, ?)",
                [pattern],
            ).fetchone()[0]
            assert row.instrument_covered_kwh == pytest.approx(covered, rel=1e-9)
    assert len(applied) >= 1, "the demo applies contractual instruments"


def test_staleness_tells_new_data_from_new_definitions(demo_db: Path, tmp_path: Path):
    import shutil

    db = tmp_path / "copy.duckdb"
    shutil.copy(demo_db, db)
    with connection(db) as con:
        assert aggregates.staleness(con) is None
        con.execute("UPDATE agg_meta SET metrics_signature = 'older definitions'")
        assert aggregates.staleness(con) == "definitions"  # rebuilding the aggregates alone is enough
        con.execute("UPDATE ingest_batches SET superseded_by = batch_id WHERE batch_id = 1")
        assert aggregates.staleness(con) == "data"  # the live batches changed: the whole refresh must run
