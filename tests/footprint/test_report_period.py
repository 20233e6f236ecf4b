"""Report periods and scopes as people name them, with the previous period each is compared with.

Expected dates are written out by hand (calendar facts: 2024 is a leap year, Q3 ends on 30 September).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.queries import Filters
from footprint.report.period import Period, Scope, default_period


@pytest.mark.parametrize(
    ("text", "kind", "since", "until", "days"),
    [
        ("2026", "year", date(2026, 1, 1), date(2026, 12, 31), 365),
        ("2024", "year", date(2024, 1, 1), date(2024, 12, 31), 366),
        ("2026-Q1", "quarter", date(2026, 1, 1), date(2026, 3, 31), 90),
        ("2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30), 92),
        ("2026q4", "quarter", date(2026, 10, 1), date(2026, 12, 31), 92),
        ("2026-09", "month", date(2026, 9, 1), date(2026, 9, 30), 30),
        ("2024-02", "month", date(2024, 2, 1), date(2024, 2, 29), 29),
        ("2026-12", "month", date(2026, 12, 1), date(2026, 12, 31), 31),
    ],
)
def test_named_periods(text: str, kind: str, since: date, until: date, days: int):
    p = Period.parse(text)
    assert (p.kind, p.since, p.until, p.days) == (kind, since, until, days)


@pytest.mark.parametrize(
    ("text", "previous"),
    [
        ("2026", (date(2025, 1, 1), date(2025, 12, 31))),
        ("2026-Q1", (date(2025, 10, 1), date(2025, 12, 31))),
        ("2026-Q3", (date(2026, 4, 1), date(2026, 6, 30))),
        ("2026-01", (date(2025, 12, 1), date(2025, 12, 31))),
        ("2024-03", (date(2024, 2, 1), date(2024, 2, 29))),
    ],
)
def test_previous_calendar_period(text: str, previous: tuple[date, date]):
    prev = Period.parse(text).previous()
    assert (prev.since, prev.until) == previous
    assert prev.kind == Period.parse(text).kind


def test_custom_period_is_compared_with_as_many_days_just_before():
    p = Period.custom(date(2026, 7, 15), date(2026, 8, 14))
    assert p.days == 31
    prev = p.previous()
    assert (prev.since, prev.until) == (date(2026, 6, 14), date(2026, 7, 14))
    assert p.label == "2026-07-15 to 2026-08-14"
    assert p.slug == "2026-07-15_2026-08-14"


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(min_value=1, max_value=800))
def test_custom_previous_has_equal_length_and_ends_the_day_before(since: date, days: int):
    p = Period.custom(since, since + timedelta(days=days - 1))
    prev = p.previous()
    assert prev.days == p.days
    assert prev.until == p.since - timedelta(days=1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-Q5", "Q3 2026", "26", "2026-9", "", "2026-09-01"])
def test_bad_periods_are_refused_with_the_forms_that_work(text: str):
    with pytest.raises(ValueError, match="YYYY-Qn"):
        Period.parse(text)


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="ends"):
        Period.custom(date(2026, 9, 2), date(2026, 9, 1))


def test_scope_labels_slugs_and_filters():
    assert Scope().label == "Whole organisation"
    assert Scope().slug == "organisation"
    s = Scope(teams=("research", "assistants", "research"), models=("atlas-30b",))
    assert s.teams == ("assistants", "research")
    assert s.label == "Teams assistants, research; model atlas-30b"
    assert s.slug == "team-assistants-research_model-atlas-30b"
    assert Scope(models=("m",)).label == "Model m"
    assert Scope(teams=("../../etc passwd",)).slug == "team-etc-passwd"
    f = s.filters(Period.parse("2026-Q3"))
    assert f == Filters(since=date(2026, 7, 1), until=date(2026, 9, 30), team=["assistants", "research"],
                        model=["atlas-30b"])


@pytest.mark.parametrize(
    ("since", "until", "kind", "previous"),
    [
        (date(2026, 7, 1), date(2026, 9, 30), "quarter", (date(2026, 4, 1), date(2026, 6, 30))),
        (date(2026, 1, 1), date(2026, 3, 31), "quarter", (date(2025, 10, 1), date(2025, 12, 31))),
        (date(2024, 3, 1), date(2024, 3, 31), "month", (date(2024, 2, 1), date(2024, 2, 29))),
        (date(2026, 1, 1), date(2026, 12, 31), "year", (date(2025, 1, 1), date(2025, 12, 31))),
        (date(2026, 2, 1), date(2026, 4, 30), "custom", (date(2025, 11, 4), date(2026, 1, 31))),  # 89 days
        (date(2026, 7, 1), date(2026, 9, 29), "custom", (date(2026, 4, 1), date(2026, 6, 30))),  # 91 days
    ],
)
def test_a_custom_period_that_is_a_calendar_period_compares_with_the_previous_one(
        since: date, until: date, kind: str, previous: tuple[date, date]):
    p = Period.custom(since, until)
    assert p.kind == "custom" and p.calendar_kind == kind
    assert (p.previous().since, p.previous().until) == previous
    if kind != "custom":
        assert p.comparison == f"the previous calendar {kind}"
        assert p.previous() == Period.parse(p.previous().label)


DATA = (date(2026, 4, 1), date(2026, 10, 31))  # the demo's first and last day


@pytest.mark.parametrize(
    ("kind", "first", "last", "label"),
    [
        ("quarter", *DATA, "2026-Q3"),
        ("month", *DATA, "2026-10"),  # October ends on its last day of data
        ("year", *DATA, "2026"),  # no complete year: the latest, which the report calls partial
        ("quarter", date(2026, 4, 1), date(2026, 9, 30), "2026-Q3"),
        ("quarter", date(2026, 8, 15), date(2026, 10, 31), "2026-Q4"),  # no complete quarter
        ("quarter", date(2025, 1, 1), date(2026, 1, 1), "2025-Q4"),
        ("month", date(2026, 2, 1), date(2026, 3, 30), "2026-02"),
    ],
)
def test_the_default_period_is_the_last_one_the_data_covers(kind, first: date, last: date, label: str):
    assert default_period(kind, first, last).label == label


def test_coverage_notes():
    q4, q3 = Period.parse("2026-Q4"), Period.parse("2026-Q3")
    assert q4.is_partial(*DATA) and not q3.is_partial(*DATA)
    assert q4.coverage_note(*DATA) == (
        "Partial period: the data covers 2026-10-01 to 2026-10-31 of this period (31 of 92 days); the data "
        "loaded covers 2026-04-01 to 2026-10-31.")
    assert Period.parse("2026-Q2").coverage_note(date(2026, 5, 10), date(2026, 6, 30)) == (
        "Partial period: the data covers 2026-05-10 to 2026-06-30 of this period (52 of 91 days); the data "
        "loaded covers 2026-05-10 to 2026-06-30.")
    assert q3.coverage_note(*DATA) is None
    assert q3.coverage_note(None, None) is None
    assert Period.parse("2025").coverage_note(*DATA) == (
        "No data in this period: the data loaded covers 2026-04-01 to 2026-10-31.")
