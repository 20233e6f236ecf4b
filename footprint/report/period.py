"""The period and the scope a report covers, as people name them: 2026-Q3, 2026-09, 2026, or two dates;
the whole organisation, a team, a model.

A period is a range of whole UTC days (both ends inclusive), the unit `footprint.queries.Filters` uses,
so a report for a period filters exactly as `footprint summary --since --until` does. Each period knows
the one it is compared with: the previous calendar month, quarter or year (also for a custom range that
is exactly one), or for any other custom range the same number of days immediately before it.

The data a store holds may not reach over a whole period (the last quarter of a store whose data ends
in its first month): `coverage_note` says so in words every front end prints, and `default_period` picks
the last period of a kind that the data covers from end to end.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, field_validator, model_validator

from footprint.queries import Filters

PeriodKind = Literal["month", "quarter", "year", "custom"]

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_QUARTER = re.compile(r"^(\d{4})-?[Qq]([1-4])$")

PERIOD_HELP = "YYYY (a year), YYYY-Qn (a quarter, e.g. 2026-Q3) or YYYY-MM (a month, e.g. 2026-09)"


def _month_end(year: int, month: int) -> date:
    first_next = date(year + (month == 12), month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _calendar_kind(since: date, until: date) -> PeriodKind | None:
    """The calendar period (year, quarter, month) the days are exactly, or None."""
    if since.day != 1:
        return None
    if since.month == 1 and until == date(since.year, 12, 31):
        return "year"
    if since.month % 3 == 1 and since.month + 2 <= 12 and until == _month_end(since.year, since.month + 2):
        return "quarter"
    if until == _month_end(since.year, since.month):
        return "month"
    return None


class Period(BaseModel):
    """A reporting period: whole UTC days from `since` to `until`, both included."""

    model_config = ConfigDict(frozen=True)

    kind: PeriodKind
    since: date
    until: date

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.until < self.since:
            raise ValueError(f"the period ends ({self.until}) before it starts ({self.since})")
        return self

    @classmethod
    def parse(cls, text: str) -> Period:
        """'2026' -> the year, '2026-Q3' -> the quarter, '2026-09' -> the month."""
        value = text.strip()
        if m := _YEAR.match(value):
            year = int(m.group(1))
            return cls(kind="year", since=date(year, 1, 1), until=date(year, 12, 31))
        if m := _QUARTER.match(value):
            year, quarter = int(m.group(1)), int(m.group(2))
            first_month = 3 * (quarter - 1) + 1
            return cls(kind="quarter", since=date(year, first_month, 1), until=_month_end(year, first_month + 2))
        if m := _MONTH.match(value):
            year, month = int(m.group(1)), int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"{text!r}: month {month} does not exist; use {PERIOD_HELP}")
            return cls(kind="month", since=date(year, month, 1), until=_month_end(year, month))
        raise ValueError(f"{text!r} is not a period; use {PERIOD_HELP}")

    @classmethod
    def custom(cls, since: date, until: date) -> Period:
        return cls(kind="custom", since=since, until=until)

    @property
    def days(self) -> int:
        return (self.until - self.since).days + 1

    @property
    def label(self) -> str:
        """'2026', '2026-Q3', '2026-09' or '2026-07-15 to 2026-08-14'."""
        if self.kind == "year":
            return f"{self.since.year}"
        if self.kind == "quarter":
            return f"{self.since.year}-Q{(self.since.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.since.year}-{self.since.month:02d}"
        return f"{self.since.isoformat()} to {self.until.isoformat()}"

    @property
    def description(self) -> str:
        """The label with its days: '2026-Q3 (2026-07-01 to 2026-09-30, 92 days, UTC)'."""
        span = f"{self.since.isoformat()} to {self.until.isoformat()}, {self.days:,} days, UTC"
        return f"{self.label} ({span})" if self.kind != "custom" else f"{span}"

    @property
    def slug(self) -> str:
        """For file names: '2026-Q3', '2026-07-15_2026-08-14'."""
        return self.label if self.kind != "custom" else f"{self.since.isoformat()}_{self.until.isoformat()}"

    @property
    def calendar_kind(self) -> PeriodKind:
        """'year', 'quarter' or 'month' when the days are exactly one (a custom range may be), else 'custom'."""
        if self.kind != "custom":
            return self.kind
        return _calendar_kind(self.since, self.until) or "custom"

    def previous(self) -> Period:
        """The period this one is compared with (previous calendar period, or as many days just before)."""
        if self.kind == "custom" and self.calendar_kind != "custom":
            return Period(kind=self.calendar_kind, since=self.since, until=self.until).previous()
        if self.kind == "year":
            return Period.parse(str(self.since.year - 1))
        if self.kind in ("quarter", "month"):
            months = 3 if self.kind == "quarter" else 1
            index = self.since.year * 12 + self.since.month - 1 - months
            year, month = divmod(index, 12)
            first = date(year, month + 1, 1)
            last_index = index + months - 1
            return Period(kind=self.kind, since=first, until=_month_end(last_index // 12, last_index % 12 + 1))
        until = self.since - timedelta(days=1)
        return Period.custom(until - timedelta(days=self.days - 1), until)

    @property
    def comparison(self) -> str:
        """How the previous period was chosen, for the report's trend section."""
        return {
            "year": "the previous calendar year",
            "quarter": "the previous calendar quarter",
            "month": "the previous calendar month",
        }.get(self.calendar_kind, f"the {self.days:,} days immediately before")

    @classmethod
    def holding(cls, kind: PeriodKind, day: date) -> Period:
        """The calendar month, quarter or year that holds `day`."""
        if kind == "year":
            return cls.parse(f"{day.year}")
        if kind == "quarter":
            return cls.parse(f"{day.year}-Q{(day.month - 1) // 3 + 1}")
        if kind == "month":
            return cls.parse(f"{day.year}-{day.month:02d}")
        raise ValueError(f"a {kind} period is not a calendar period")

    def is_partial(self, first_day: date | None, last_day: date | None) -> bool:
        """Whether the period reaches beyond the days the data covers (before the first or after the last)."""
        if first_day is None or last_day is None:
            return False
        return self.since < first_day or self.until > last_day

    def coverage_note(self, first_day: date | None, last_day: date | None) -> str | None:
        """'Partial period: the data covers 2026-10-01 to 2026-10-31 of this period (31 of 92 days) ...'
        when the period reaches beyond the data (`first_day`..`last_day`, the days rows start on); None
        when the data covers it from end to end or there is no data at all."""
        if first_day is None or last_day is None or not self.is_partial(first_day, last_day):
            return None
        held = f"the data loaded covers {first_day.isoformat()} to {last_day.isoformat()}"
        start, end = max(self.since, first_day), min(self.until, last_day)
        if end < start:
            return f"No data in this period: {held}."
        days = (end - start).days + 1
        return (f"Partial period: the data covers {start.isoformat()} to {end.isoformat()} of this period "
                f"({days:,} of {self.days:,} days); {held}.")


def default_period(kind: PeriodKind, first_day: date, last_day: date) -> Period:
    """The last month, quarter or year that the data (`first_day`..`last_day`) covers from end to end; the
    one holding `last_day` when none is complete (the report then says it is partial)."""
    latest = Period.holding(kind, last_day)
    candidate = latest if latest.until <= last_day else latest.previous()
    return candidate if not candidate.is_partial(first_day, last_day) else latest


class Scope(BaseModel):
    """Whose footprint: the whole organisation, or one or more teams and/or models."""

    model_config = ConfigDict(frozen=True)

    teams: tuple[str, ...] = ()
    models: tuple[str, ...] = ()

    @field_validator("teams", "models")
    @classmethod
    def _sorted(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        # One scope, one spelling: the same teams in another order are the same report.
        return tuple(sorted({v for v in values if v}))

    @property
    def label(self) -> str:
        """'Whole organisation', 'Team research', 'Teams a, b; model m'."""
        parts = []
        if self.teams:
            parts.append(("Team " if len(self.teams) == 1 else "Teams ") + ", ".join(self.teams))
        if self.models:
            parts.append(("model " if len(self.models) == 1 else "models ") + ", ".join(self.models))
        if not parts:
            return "Whole organisation"
        text = "; ".join(parts)
        return text[0].upper() + text[1:]

    @property
    def slug(self) -> str:
        """For file names: 'organisation', 'team-research', 'team-a-b_model-m' (safe characters only)."""
        parts = []
        if self.teams:
            parts.append("team-" + "-".join(self.teams))
        if self.models:
            parts.append("model-" + "-".join(self.models))
        text = "_".join(parts) or "organisation"
        return re.sub(r"[^A-Za-z0-9_]+", "-", text).strip("-")[:80] or "scope"

    def filters(self, period: Period) -> Filters:
        """The query filters of this scope over a period (what `footprint summary` takes)."""
        return Filters(since=period.since, until=period.until, team=list(self.teams), model=list(self.models))
