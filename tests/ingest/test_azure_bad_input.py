"""Azure files that must not load: the other cost dataset of a period already loaded, and broken files.

Each case starts from a store that already holds a batch, and checks the failed load left it exactly as it
was. Broken files are made from Microsoft's real EA actual cost file by changing one thing.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fixtures.azure.rawsum import AZURE, store_state

from ingest import ingest_file

pytestmark = pytest.mark.shared

EA_ACTUAL = AZURE / "finops-toolkit-tests" / "EA_ActualCost_Small.csv"
EA_AMORTIZED = AZURE / "finops-toolkit-tests" / "EA_AmortizedCost_Small.csv"
OTHER_ACCOUNT = AZURE / "focus-converters" / "sample-anonymous-ea-export-dataset.csv"


def test_amortized_after_actual_is_refused_and_changes_nothing(con):
    assert ingest_file(con, EA_ACTUAL).status == "loaded"
    before = store_state(con)
    result = ingest_file(con, EA_AMORTIZED)
    assert result.status == "error"
    assert result.error.startswith(f"{EA_AMORTIZED}: this is Azure's amortized cost dataset")
    assert (
        "billing account 8611537 for 2023-09 is already loaded from the actual cost dataset (batch 1"
        in result.error
    )
    assert "footprint batches --remove 1" in result.error
    assert store_state(con) == before


def test_actual_after_amortized_is_refused_too(con):
    assert ingest_file(con, EA_AMORTIZED).status == "loaded"
    before = store_state(con)
    result = ingest_file(con, EA_ACTUAL)
    assert result.status == "error"
    assert "this is Azure's actual cost dataset" in result.error
    assert (
        "already loaded from the amortized cost dataset (batch 1, EA_AmortizedCost_Small.csv)" in result.error
    )
    assert store_state(con) == before


def test_after_removing_the_other_dataset_the_file_loads(con):
    ingest_file(con, EA_ACTUAL)
    con.execute("DELETE FROM billing_line_items WHERE batch_id = 1")
    con.execute("DELETE FROM ingest_batches WHERE batch_id = 1")
    assert ingest_file(con, EA_AMORTIZED).status == "loaded"


def rewrite(path: Path, out: Path, change) -> Path:  # type: ignore[no-untyped-def]
    """Copy a CSV through csv, letting `change(header, rows)` edit it in place."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    change(rows[0], rows[1:])
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    out.write_text(buf.getvalue(), encoding="utf-8")
    return out


def set_cell(column: str, row: int, value: str):  # type: ignore[no-untyped-def]
    def change(header: list[str], rows: list[list[str]]) -> None:
        rows[row - 1][header.index(column)] = value

    return change


def drop_column(column: str):  # type: ignore[no-untyped-def]
    def change(header: list[str], rows: list[list[str]]) -> None:
        i = header.index(column)
        for r in [header, *rows]:
            del r[i]

    return change


BROKEN = [
    ("no_date.csv", drop_column("Date"), "lacks the mandatory column(s) Date (or UsageDateTime)"),
    (
        "no_cost.csv",
        drop_column("Cost"),
        "lacks the mandatory column(s) Cost (or CostInBillingCurrency, PreTaxCost)",
    ),
    (
        "bad_date.csv",
        set_cell("Date", 5, "2023-09-31"),
        "row 5, column 'Date': cannot read 2023-09-31 as a date/time",
    ),
    # Day-first dates are never guessed: 21/09/2023 is not read as 21 September.
    (
        "day_first.csv",
        set_cell("Date", 3, "21/09/2023"),
        "row 3, column 'Date': cannot read 21/09/2023 as a date/time",
    ),
    (
        "bad_tags.csv",
        set_cell("Tags", 6, '"env": prod'),
        "row 6, column 'Tags': Tags is not a JSON object: \"env\": prod",
    ),
    (
        "bad_info.csv",
        set_cell("AdditionalInfo", 4, "{not json"),
        "row 4, column 'AdditionalInfo': AdditionalInfo is not a JSON object",
    ),
    ("bad_cost.csv", set_cell("Cost", 7, "12,5"), "row 7, column 'Cost': cannot read 12,5 as a number"),
    ("no_cost_value.csv", set_cell("Cost", 2, ""), "row 2, column 'Cost': missing amount"),
    (
        "bad_charge.csv",
        set_cell("ChargeType", 9, "Bonus"),
        "row 9, column 'ChargeType': unknown charge type Bonus",
    ),
    (
        "no_currency.csv",
        set_cell("BillingCurrency", 10, ""),
        "row 10, column 'BillingCurrency': missing currency",
    ),
]


@pytest.mark.parametrize("name, change, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_file_names_the_problem_and_changes_nothing(con, tmp_path, name, change, message):
    assert ingest_file(con, OTHER_ACCOUNT).status == "loaded"
    before = store_state(con)
    path = rewrite(EA_ACTUAL, tmp_path / name, change)
    result = ingest_file(con, path)
    assert result.status == "error"
    assert result.error.startswith(f"{path}: ")
    assert message in result.error
    assert store_state(con) == before


def test_a_file_mixing_both_datasets_is_refused(con, tmp_path):
    # Amortized rows with the actual file's reservation purchase appended: no single dataset has both.
    purchase = EA_ACTUAL.read_text(encoding="utf-8-sig").splitlines()[1]
    path = tmp_path / "mixed.csv"
    path.write_text(
        EA_AMORTIZED.read_text(encoding="utf-8-sig").rstrip("\n") + "\n" + purchase + "\n", encoding="utf-8"
    )
    before = store_state(con)
    result = ingest_file(con, path)
    assert result.status == "error"
    assert "mixes Azure's actual and amortized cost datasets: row 29 is a commitment purchase" in result.error
    assert "row 1 is commitment usage carrying amortised cost" in result.error
    assert store_state(con) == before
