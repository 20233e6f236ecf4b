"""Report periods and scopes as people name them, with the previous period each is compared with.

Expected dates are written out by hand (calendar facts: 2024 is a leap year, Q3 ends on 30 September).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from footprint.queries import Filters
from footprint.report.period import Period, Scope


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
