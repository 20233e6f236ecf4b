"""Every page renders on the demo organisation, and the numbers it shows are summary()'s numbers.

The expected card texts are summary() on the same database for the same filters, formatted with
footprint.units (whose formatting has its own tests with written-out text): so a filter that the page
applied wrongly, or an aggregate that drifted from the line items, fails here.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.components import EMPTY_FILTERS
from footprint import ledger, units
from footprint.queries import Filters, summary
from footprint.store import connection

pytestmark = pytest.mark.shared

TITLES = {
    "overview": "Overview",
    "team": "Team dashboards",
    "models": "Models",
    "energy": "Energy & PUE",
    "emissions": "Emissions",
    "telemetry": "Telemetry",
    "report": "Report",
    "upload": "Upload",
    "methodology": "Methodology & data quality",
}


@pytest.mark.parametrize("page", list(TITLES))
def test_every_page_renders(open_app, charts_of, page: str):
    at: AppTest = open_app(page)
    assert [t.value for t in at.title] == [TITLES[page]]
    if page not in ("upload", "report"):  # forms, not figures
        charts = charts_of(at)
        tables = at.dataframe
        assert charts or tables, f"{page} shows neither a chart nor a table"
        # every chart comes with the CSV of its data
        assert len([b for b in at.download_button if b.label == "Download CSV"]) >= len(charts)


def test_overview_cards_are_the_summary(open_app, app_db: Path, cards, expected_cards):
    at = open_app()
    shown = cards(at)
    assert shown == expected_cards(app_db, Filters())
    assert shown["Line items"] != "0"
    # each energy and emissions card shows its range, as footprint.units writes one (what the reports print)
    with connection(app_db, read_only=True) as con:
        s = summary(con, Filters())
    captions = [c.value for c in at.caption]
    for column, kind in [("energy_kwh", "energy"), ("scope2_market_kgco2e", "co2e")]:
        text = units.with_range(s[column], s[f"{column}_low"], s[f"{column}_high"], kind)  # '80.7 MWh (52.9–100)'
        value_and_unit, _, ends = text.partition(" (")
        unit = value_and_unit.split(" ", 1)[1]
        assert f"range {ends.rstrip(')')} {unit}" in captions
    assert any(p.label.startswith("How these figures are made") for p in at.get("page_link"))


def busiest_pair(db: Path, a: str, b: str) -> tuple[str, str]:
    """The (a, b) values with the most IT energy, other than the unattributed bucket."""
    with connection(db, read_only=True) as con:
        return con.execute(
            f"SELECT {a}, {b} FROM v_footprint WHERE {b} <> 'unattributed' GROUP BY ALL "
            "ORDER BY sum(energy_kwh) DESC NULLS LAST LIMIT 1"
        ).fetchone()


def test_filters_in_a_link_select_and_change_the_numbers(open_app, app_db: Path, cards, expected_cards):
    provider, team = busiest_pair(app_db, "provider", "team")
    at = open_app(query={"provider": provider, "team": team})
    assert at.multiselect(key="f_provider").value == [provider]
    assert at.multiselect(key="f_team").value == [team]
    want = expected_cards(app_db, Filters(provider=[provider], team=[team]))
    assert cards(at) == want
    assert want != expected_cards(app_db, Filters())
    assert at.query_params["provider"] == provider and at.query_params["team"] == team


def test_changing_a_filter_updates_the_numbers_and_the_link(
    open_app, app_db: Path, cards, expected_cards, options_of
):
    opts = options_of(app_db)
    at = open_app()
    at.multiselect(key="f_provider").set_value(opts["provider"][-1:]).run()
    assert cards(at) == expected_cards(app_db, Filters(provider=opts["provider"][-1:]))
    assert at.query_params["provider"] == opts["provider"][-1]
    at.multiselect(key="f_workload").set_value(["training", "inference"]).run()
    assert cards(at) == expected_cards(
        app_db, Filters(provider=opts["provider"][-1:], workload=["training", "inference"])
    )
    assert at.query_params["workload"] == ["training", "inference"]
    clear = next(b for b in at.button if b.label == "Clear filters")
    clear.click().run()
    assert cards(at) == expected_cards(app_db, Filters())
    assert "provider" not in at.query_params and "workload" not in at.query_params


def test_date_range_filters_whole_days(open_app, app_db: Path, cards, expected_cards, options_of):
    opts = options_of(app_db)
    since, until = (
        date(opts["first_day"].year, opts["first_day"].month + 1, 1),
        date(opts["last_day"].year, 9, 30),
    )
    at = open_app()
    at.date_input(key="f_dates").set_value((since, until)).run()
    assert cards(at) == expected_cards(app_db, Filters(since=since, until=until))
    assert at.query_params["since"] == since.isoformat() and at.query_params["until"] == until.isoformat()
    # and a link with those dates lands on the same numbers
    again = AppTest.from_file(str(at._script_path), default_timeout=120)
    again.query_params.update({"since": since.isoformat(), "until": until.isoformat()})
    again.run()
    assert cards(again) == expected_cards(app_db, Filters(since=since, until=until))


def test_a_link_with_values_the_data_lacks_says_so(open_app, app_db: Path, cards, expected_cards):
    at = open_app(query={"provider": "no-such-cloud"})
    assert any("no-such-cloud" in w.value for w in at.warning)
    assert at.multiselect(key="f_provider").value == []
    assert cards(at) == expected_cards(app_db, Filters())


def test_a_filter_that_matches_nothing_says_so_instead_of_drawing(
    open_app, app_db: Path, options_of, charts_of
):
    first = options_of(app_db)["first_day"]
    at = open_app(
        query={
            "since": first.isoformat(),
            "until": first.isoformat(),
            "workload": "unknown",
            "provider": "gcp",
            "team": "unattributed",
            "model": "unattributed",
            "region": "eastus",
        }
    )
    assert EMPTY_FILTERS in [i.value for i in at.info]
    assert not charts_of(at)


def test_team_link_lands_on_that_team_and_the_picker_moves_the_link(
    open_app, app_db: Path, cards, expected_cards, options_of
):
    teams = [t for t in options_of(app_db)["team"] if t != "unattributed"]
    first, second = teams[0], teams[1]
    at = open_app("team", query={"team": first})
    assert at.selectbox(key="team-picker").value == first
    assert cards(at) == expected_cards(app_db, Filters(team=[first]))
    assert any(first in s.value for s in at.subheader)
    at.selectbox(key="team-picker").set_value(second).run()
    at.run()  # the picker sets the sidebar's team filter, which the next run applies
    assert at.multiselect(key="f_team").value == [second]
    assert at.query_params["team"] == second
    assert cards(at) == expected_cards(app_db, Filters(team=[second]))


def test_empty_database_invites_an_upload(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("FOOTPRINT_DB", str(tmp_path / "new.duckdb"))
    at = AppTest.from_file(
        str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py"), default_timeout=120
    )
    at.run()
    assert not at.exception
    assert any("No data loaded yet" in i.value for i in at.info)
    assert (tmp_path / "new.duckdb").exists()  # created and migrated, ready for the first upload


def test_models_page_shows_the_ledger_which_adds_up_to_the_summary(open_app, app_db: Path):
    at = open_app("models")
    with connection(app_db, read_only=True) as con:
        rows = ledger.models(con)
        total = summary(con, Filters())["energy_kwh"]
    training = sum(r["training_energy_kwh"] or 0 for r in rows)
    inference = sum(r["inference_energy_kwh"] or 0 for r in rows)
    other = sum(r["other_energy_kwh"] or 0 for r in rows)
    assert training + inference + other == pytest.approx(total, rel=1e-9)  # every kWh lands on some model
    shown = {m.label: m.value for m in at.metric}
    assert shown["Training IT energy"] == units.energy(training)
    assert shown["Inference IT energy"] == units.energy(inference)
    table = at.dataframe[-1].value.set_index("model")
    for r in rows:
        assert table.loc[r["model"], "inference_energy_kwh"] == pytest.approx(r["inference_energy_kwh"])
        assert (table.loc[r["model"], "break_even"] == r["break_even"]) or r["break_even"] is None
    assert any(r["break_even"] for r in rows), "the demo has a model whose serving overtook its training"


def test_models_page_says_which_filters_do_not_apply(open_app):
    at = open_app("models", query={"provider": "aws"})
    assert any("provider filter does not apply" in i.value for i in at.info)


def test_report_page_builds_a_document_whose_headline_is_the_dashboards(
    open_app, app_db: Path, cards, expected_cards
):
    import csv
    import io

    at = open_app("report")
    at.segmented_control(key="report-kind").set_value("Quarter").run()
    at.selectbox(key="report-Quarter").set_value("2026-Q3").run()
    next(b for b in at.button if b.label == "Prepare CSV").click().run(timeout=300)
    assert not at.exception and not at.error
    assert any(b.label == "Download footprint-report_2026-Q3_organisation.csv" for b in at.download_button)
    rows = list(csv.DictReader(io.StringIO(at.session_state["report-csv"]["bytes"].decode("utf-8"))))
    it = next(
        r
        for r in rows
        if r["section"] == "headline" and r["group"] == "IT energy" and r["metric"] == "central"
    )
    assert it["unit"] == "MWh"
    q3 = Filters(since=date(2026, 7, 1), until=date(2026, 9, 30))
    with connection(app_db, read_only=True) as con:
        assert float(it["value"]) * 1000 == pytest.approx(summary(con, q3)["energy_kwh"], rel=1e-9)
    # the Overview for the same days shows the same figure
    overview = open_app(query={"since": "2026-07-01", "until": "2026-09-30"})
    assert cards(overview)["IT energy"] == expected_cards(app_db, q3)["IT energy"]
