"""The sidebar's global filters, kept in the URL query string so any view can be shared as a link.

On a session's first run the filters are read from the URL (?provider=aws&team=research&since=...);
after that the widgets own them and every run writes them back to the URL. Values in a link that the
data does not hold are dropped with a notice instead of failing the page. An untouched date range means
"all data" and is left out of the URL, so a link keeps showing the latest data after the next upload.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from footprint.queries import Filters

# Filter name (also its URL parameter) -> sidebar label.
FILTERS: dict[str, str] = {
    "provider": "Provider",
    "team": "Team",
    "model": "Model",
    "workload": "Workload",
    "region": "Region",
}
DATES_KEY = "f_dates"
STATE_KEY = "filters"


def key(name: str) -> str:
    return f"f_{name}"


def _from_url(options: dict[str, Any]) -> list[str]:
    """Seed the widget state from the query string; returns notices about values the data lacks."""
    notices = []
    params = st.query_params
    for name in FILTERS:
        wanted = params.get_all(name)
        known = [v for v in wanted if v in options[name]]
        notices += [
            f"{FILTERS[name]} {v!r} from the link is not in the data" for v in wanted if v not in known
        ]
        st.session_state[key(name)] = known
    first, last = options["first_day"], options["last_day"]
    if first is not None:
        since = _parse_day(params.get("since"), first, last)
        until = _parse_day(params.get("until"), first, last)
        st.session_state[DATES_KEY] = (since or first, until or last)
    st.session_state["f_bounds"] = (first, last)
    return notices


def _parse_day(text: str | None, first: date, last: date) -> date | None:
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return min(max(day, first), last)


def _follow_new_bounds(first: date | None, last: date | None) -> None:
    """After an upload widens the data, an untouched (full) date range widens with it."""
    old = st.session_state.get("f_bounds")
    if old == (first, last):
        return
    st.session_state["f_bounds"] = (first, last)
    dates = st.session_state.get(DATES_KEY)
    if first is None:
        return
    if not dates or len(dates) != 2 or tuple(dates) == tuple(old or ()):
        st.session_state[DATES_KEY] = (first, last)
    else:
        st.session_state[DATES_KEY] = (min(max(dates[0], first), last), min(max(dates[1], first), last))


def clear() -> None:
    for name in FILTERS:
        st.session_state[key(name)] = []
    bounds = st.session_state.get("f_bounds")
    if bounds and bounds[0] is not None:
        st.session_state[DATES_KEY] = bounds


def set_team(team: str) -> None:
    """Select exactly one team (the team dashboard's picker); callbacks only, before the widgets exist."""
    st.session_state[key("team")] = [team]


def sidebar(options: dict[str, Any]) -> Filters:
    """Draw the filters, sync them to the URL and return them."""
    notices: list[str] = []
    if "f_bounds" not in st.session_state:
        notices = _from_url(options)
    first, last = options["first_day"], options["last_day"]
    _follow_new_bounds(first, last)
    for name in FILTERS:  # values that vanished from the data (a batch was removed) are dropped
        st.session_state[key(name)] = [v for v in st.session_state.get(key(name), []) if v in options[name]]
    since = until = None
    with st.sidebar:
        st.subheader("Filters")
        if first is not None:
            dates = st.date_input(
                "Charge period (UTC days)",
                key=DATES_KEY,
                min_value=first,
                max_value=last,
                format="YYYY-MM-DD",
            )
            if isinstance(dates, tuple | list) and len(dates) == 2:
                since = dates[0] if dates[0] != first else None
                until = dates[1] if dates[1] != last else None
        for name, label in FILTERS.items():
            st.multiselect(label, options[name], key=key(name), placeholder="All")
        st.button("Clear filters", on_click=clear, width="stretch")
        for notice in notices:
            st.warning(notice)
    f = Filters(since=since, until=until, **{n: list(st.session_state[key(n)]) for n in FILTERS})
    _to_url(f)
    st.session_state[STATE_KEY] = f
    return f


def _to_url(f: Filters) -> None:
    params = st.query_params
    wanted: dict[str, list[str]] = {n: list(getattr(f, n)) for n in FILTERS}
    wanted["since"] = [f.since.isoformat()] if f.since else []
    wanted["until"] = [f.until.isoformat()] if f.until else []
    for name, values in wanted.items():
        if params.get_all(name) == values:
            continue
        if values:
            params[name] = values
        elif name in params:
            del params[name]


def current() -> Filters:
    """The filters the sidebar set in this run."""
    return st.session_state.get(STATE_KEY) or Filters()


def url_choice(name: str, choices: list[str], default: str) -> str:
    """Initial value of a page-level choice (e.g. the trend's metric) from the URL, falling back to default."""
    value = st.query_params.get(name)
    return value if value in choices else default


def remember_choice(name: str, value: str, default: str) -> None:
    """Keep a page-level choice in the URL (left out when it is the default)."""
    if value == default:
        if name in st.query_params:
            del st.query_params[name]
    elif st.query_params.get(name) != value:
        st.query_params[name] = value
