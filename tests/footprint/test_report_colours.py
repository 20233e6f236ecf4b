"""The PDF's chart colours are the dashboard's: the core keeps a copy (it never imports the UI), and this
test, which may import both, fails when either side changes alone."""

from __future__ import annotations

from dashboard import style
from footprint.report import charts


def test_series_and_workload_colours_match_the_dashboard():
    for key in ("it", "facility", "location", "market"):
        assert charts.COLOUR_HEX[key].lower() == style.SERIES_COLOURS[key].lower(), key
    for key in ("training", "inference"):
        assert charts.COLOUR_HEX[key].lower() == style.WORKLOAD_COLOURS[key].lower(), key


def test_the_drawn_colours_are_the_copied_values():
    assert {k: c.hexval().lower() for k, c in charts.COLOURS.items()} == {
        k: "0x" + v.lower().lstrip("#") for k, v in charts.COLOUR_HEX.items()}
