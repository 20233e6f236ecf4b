"""The Upload page: preview, several files at once, per-file results, duplicates and bad files.

Expected counts and sums come from the files themselves (Python's csv module and Decimal); the page's
effect is checked in the database it wrote to and on the Overview's cards.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from support import SAMPLE_DATA, SAMPLE_EXPORTS, data_rows, raw_sum

from dashboard.data import uploads
from footprint import units
from footprint.pipeline import STEPS
from footprint.store import connection

pytestmark = pytest.mark.shared

FOCUS = SAMPLE_EXPORTS / "focus" / "focus-1.0_finops-foundation_sample_1000.csv"


def _state(db: Path) -> tuple[int, int, float]:
    with connection(db, read_only=True) as con:
        batches = con.execute("SELECT count(*) FROM ingest_batches").fetchone()[0]
        rows = con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0]
        cost = con.execute("SELECT CAST(sum(billed_cost) AS DOUBLE) FROM billing_line_items").fetchone()[0]
    return batches, rows, cost


def _corrupt(path: Path, row: int, column: str, value: str, keep: int = 8) -> bytes:
    """The first `keep` data rows of a CSV with one cell replaced (row is 1-based, header excluded)."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        rows = [r for _, r in zip(range(keep), reader, strict=False)]
        fields = reader.fieldnames
    rows[row - 1][column] = value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _upload(open_app, files: list[tuple[str, bytes]]) -> AppTest:  # type: ignore[no-untyped-def]
    at = open_app("upload")
    at.file_uploader[0].set_value([(name, data, "text/csv") for name, data in files]).run()
    assert not at.exception, at.exception
    return at


def _load(at: AppTest) -> AppTest:
    button = next(b for b in at.button if b.label.startswith("Load "))
    button.click().run(timeout=300)
    assert not at.exception, at.exception
    return at


def _results(at: AppTest) -> list[dict]:
    return at.dataframe[-1].value.to_dict("records")


def test_a_good_bill_is_previewed_loaded_and_moves_the_numbers(open_app, app_db: Path, cards):
    before = _state(app_db)
    at = _upload(open_app, [("focus-sample.csv", FOCUS.read_bytes())])
    assert len(FOCUS.read_bytes()) == 755_423  # the preview states its size as 755 KB, not 0.755 MB
    assert any("**focus-sample.csv**: FOCUS 1.0 (billing), 755 KB" in m.value for m in at.markdown)
    assert any("BilledCost" in c.value for c in at.caption)  # the header is shown before loading
    assert not _state(app_db)[0] - before[0]  # a preview writes nothing
    _load(at)
    [result] = _results(at)
    assert result["result"].startswith("loaded as batch")
    assert result["format"] == "FOCUS 1.0"
    rows = data_rows(FOCUS)
    assert (result["rows read"], result["rows loaded"], result["rows skipped"]) == (rows, rows, 0)
    after = _state(app_db)
    assert after[:2] == (before[0] + 1, before[1] + rows)
    assert after[2] - before[2] == pytest.approx(float(raw_sum(FOCUS, "BilledCost")[""]), abs=1e-6)
    # the Overview shows the new totals at once (the cache follows the database)
    at.switch_page("views/overview.py").run()
    with connection(app_db, read_only=True) as con:
        billing_rows = con.execute("SELECT count(*) FROM v_footprint WHERE source = 'billing'").fetchone()[0]
    assert cards(at)["Line items"] == units.number(billing_rows, 0)
    assert billing_rows == before[1] + rows


def test_the_same_file_again_is_a_duplicate_and_changes_nothing(open_app, app_db: Path):
    demo_file = sorted((SAMPLE_DATA / "generated" / "azure" / "ea").glob("*.csv"))[0]
    before = _state(app_db)
    at = _load(_upload(open_app, [(demo_file.name, demo_file.read_bytes())]))
    [result] = _results(at)
    assert result["result"].startswith("already loaded as batch") and "nothing changed" in result["result"]
    assert result["format"] == "Azure cost details (EA)"  # the label a loaded file shows, not the id
    assert _state(app_db) == before


def test_an_unrecognised_file_is_refused_before_loading(open_app, app_db: Path):
    before = _state(app_db)
    at = _upload(open_app, [("notes.csv", b"hello,world\n1,2\n")])
    assert any("notes.csv: not a recognised billing or telemetry export" in e.value for e in at.error)
    load = next(b for b in at.button if b.label.startswith("Load "))
    assert load.label == "Load 0 files" and load.disabled
    assert _state(app_db) == before


def test_a_bad_value_fails_its_file_with_row_and_column_and_leaves_nothing(open_app, app_db: Path):
    bad = _corrupt(FOCUS, row=3, column="BilledCost", value="12,5O")
    before = _state(app_db)
    # a good file and a bad one together: each gets its own result, only the good one is stored
    at = _load(_upload(open_app, [("bad-focus.csv", bad), ("focus-sample.csv", FOCUS.read_bytes())]))
    results = {r["file"]: r for r in _results(at)}
    # the message stands above the table; the row names the format the preview detected
    assert results["bad-focus.csv"]["result"] == "not loaded: see the message above"
    assert results["bad-focus.csv"]["format"] == "FOCUS 1.0"
    assert results["focus-sample.csv"]["result"].startswith("loaded as batch")
    assert any("row 3, column 'BilledCost'" in e.value for e in at.error)
    after = _state(app_db)
    assert after[:2] == (before[0] + 1, before[1] + data_rows(FOCUS))


def test_the_page_states_the_configured_size_limit(open_app):
    import tomllib

    from support import REPO

    configured = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    at = open_app("upload")
    assert any(f"{configured:,} MB per file" in c.value for c in at.caption)


RULES = b"""schema_version = 1
rules_version = "upload-test-1"
extends = "default"

[[usage_rules]]
id = "object-storage-belongs-to-data-platform"
providers = ["aws"]
match = { service_name = 'Simple Storage Service' }
team = "data-platform"
"""


def test_an_attribution_rules_file_is_validated_then_put_in_force(open_app, app_db: Path, options_of):
    with connection(app_db, read_only=True) as con:
        storage_rows = con.execute(
            "SELECT count(*) FROM billing_line_items WHERE provider = 'aws' AND service_name LIKE '%Simple Storage Service%'"
        ).fetchone()[0]
    assert storage_rows > 0
    assert "data-platform" not in options_of(app_db)["team"]
    at = _upload(open_app, [("my_rules.toml", RULES)])
    assert any("Attribution rules, version upload-test-1" in m.value for m in at.markdown)
    [result] = _results(_load(at))
    assert result["result"] == "now the attribution rules in force; every row re-attributed"
    with connection(app_db, read_only=True) as con:
        assert con.execute("SELECT rules_version FROM attribution_state").fetchone()[0] == "upload-test-1"
        moved, matching = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE provider = 'aws' AND service_name LIKE '%Simple Storage Service%') "
            "FROM v_line_items WHERE team = 'data-platform'"
        ).fetchone()
    assert 0 < moved <= storage_rows and matching == moved  # only matching rows (a team tag still wins)
    assert "data-platform" in options_of(app_db)["team"]  # the pages see the new team at once


def test_a_broken_rules_file_is_refused_with_its_line(open_app, app_db: Path):
    broken = RULES.replace(b'team = "data-platform"', b'team = "data-platform"\nsquad = "x"')
    at = _upload(open_app, [("broken.toml", broken)])
    assert any(e.value.startswith("broken.toml") and "line" in e.value for e in at.error)
    with connection(app_db, read_only=True) as con:
        assert con.execute("SELECT rules_version FROM attribution_state").fetchone()[0] != "upload-test-1"


@pytest.mark.parametrize(
    ("step", "text"),
    [
        ("footprint.attribution", "Refreshing estimates: attributing costs to teams and models"),
        ("footprint.telemetry", "Refreshing estimates: matching telemetry to billed resources"),
        ("footprint.estimation", "Refreshing estimates: estimating energy and emissions"),
        ("footprint.ledger", "Refreshing estimates: updating the per-model ledger"),
        ("footprint.aggregates", "Refreshing estimates: updating the dashboard's totals"),
        ("done", "Refreshing estimates: done"),
    ],
)
def test_the_progress_bar_names_refresh_steps_in_words(step: str, text: str):
    assert uploads.step_text(step) == text


def test_every_refresh_step_has_words():
    assert set(STEPS) <= set(uploads.REFRESH_STEPS)


def test_a_format_id_reads_as_its_label():
    assert uploads.format_label("focus-1.0") == "FOCUS 1.0"
    assert uploads.format_label("azure-ea") == "Azure cost details (EA)"
    assert uploads.format_label(uploads.RULES_FORMAT) == "Attribution rules"
