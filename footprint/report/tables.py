"""The report's sections as plain tables: one definition of every column (name, header with unit, kind),
which the PDF, the XLSX and the CSV renderers all draw, so the three formats hold the same figures.

Values are numbers in the unit the column names (MWh, t CO2e, kWh per 1,000 inferences), converted once
here from the report's base units; text stays text (renderers make it safe). Key columns (text and
dates) say which group a row is; value columns hold its figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from footprint.report.model import Report, Totals
from footprint.report.text import NOTES, SECTIONS

Kind = Literal["text", "date", "number", "count", "share", "unit"]
KEY_KINDS = ("text", "date")
SHARE = "share"  # a row's unit meaning "a ratio in 0..1"
COUNT_UNITS = ("rows", "groups", "requests")  # whole numbers


@dataclass(frozen=True)
class Column:
    name: str  # machine name with its unit (facility_energy_mwh)
    label: str  # header for people, with the unit
    kind: Kind = "number"
    unit: str | None = None  # unit of a value column; 'row': the row's `unit` column; '@col': that column
    pdf: bool = True  # shown in the PDF (the XLSX and the CSV have every column)
    low: str | None = None  # PDF: show this column as 'central (low-high)' with these columns
    high: str | None = None
    decimals: int | None = None  # PDF: fixed decimals (None: three significant figures / whole numbers)


@dataclass
class Table:
    id: str
    title: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    note: str | None = None
    empty: str = "Nothing in this period and scope."
    pdf_limit: int | None = None  # PDF: at most this many rows (the XLSX and the CSV have all)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def unit_of(self, column: Column, row: list[Any]) -> str:
        """The unit of one value cell ('' for text)."""
        if column.unit is None:
            return ""
        if column.unit == "row" or column.unit.startswith("@"):
            source = "unit" if column.unit == "row" else column.unit[1:]
            index = [c.name for c in self.columns].index(source)
            return "" if row[index] is None else str(row[index])
        return column.unit


@dataclass
class Section:
    id: str
    title: str
    tables: list[Table]
    paragraphs: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)
    note: str | None = None


def kilo(value: float | None, divisor: float = 1000.0) -> float | None:
    """kWh -> MWh, kg -> t (None stays None)."""
    return None if value is None else value / divisor


def _currencies(report: Report) -> list[str]:
    seen = set(report.headline.cost) | set(report.previous.cost)
    for g in (*report.by_region, *report.monthly):
        seen |= set(g.cost)
    return sorted(seen)


def _cost_columns(currencies: list[str], pdf: bool = True) -> list[Column]:
    return [Column(f"cost_{c.lower()}", f"Cost ({c})", unit=c, decimals=2, pdf=pdf) for c in currencies]


def _range_columns(base: str, label: str, unit: str, pdf: bool = True) -> list[Column]:
    return [
        Column(base, f"{label} ({unit})", unit=unit, low=f"{base}_low", high=f"{base}_high", pdf=pdf),
        Column(f"{base}_low", f"{label}, low ({unit})", unit=unit, pdf=False),
        Column(f"{base}_high", f"{label}, high ({unit})", unit=unit, pdf=False),
    ]


def _range_values(t: Totals, metric: str, divisor: float = 1000.0) -> list[float | None]:
    return [kilo(getattr(t, metric), divisor), kilo(getattr(t, f"{metric}_low"), divisor),
            kilo(getattr(t, f"{metric}_high"), divisor)]


def headline(report: Report) -> Table:
    h = report.headline
    cols = [Column("figure", "Figure", "text"), Column("unit", "Unit", "unit"),
            Column("central", "Central", unit="row", low="low", high="high"),
            Column("low", "Low", unit="row", pdf=False), Column("high", "High", unit="row", pdf=False)]
    rows: list[list[Any]] = [
        ["IT energy", "MWh", *_range_values(h, "energy_kwh")],
        ["Facility energy (IT x PUE)", "MWh", *_range_values(h, "facility_energy_kwh")],
        ["Location-based emissions", "t CO2e", *_range_values(h, "scope2_location_kgco2e")],
        ["Market-based emissions", "t CO2e", *_range_values(h, "scope2_market_kgco2e")],
    ]
    rows += [[f"Cost ({c})", c, v, None, None] for c, v in sorted(h.cost.items())]
    rows.append(["Line items (billing rows)", "rows", float(h.line_items), None, None])
    note = NOTES["headline"] if report.coverage_note is None else f"{report.coverage_note} {NOTES['headline']}"
    return Table("headline", SECTIONS["headline"], cols, rows, note)


def _group_energy_row(g: Totals, covered_kwh: float | None, currencies: list[str]) -> list[Any]:
    share = covered_kwh / g.facility_energy_kwh if covered_kwh is not None and g.facility_energy_kwh else None
    return [*_range_values(g, "energy_kwh"), kilo(g.measured_energy_kwh), *_range_values(g, "facility_energy_kwh"),
            kilo(covered_kwh), share, *[g.cost.get(c) for c in currencies]]


def energy(report: Report) -> Table:
    currencies = sorted(report.headline.cost)
    cols = [Column("provider", "Provider", "text"), Column("region", "Region", "text"),
            *_range_columns("energy_mwh", "IT energy", "MWh"),
            Column("measured_energy_mwh", "Measured IT energy (MWh)", unit="MWh", pdf=False),
            *_range_columns("facility_energy_mwh", "Facility energy", "MWh"),
            Column("instrument_covered_mwh", "Covered by instruments (MWh)", unit="MWh"),
            Column("instrument_covered_share", "Share covered (%)", "share", unit=SHARE),
            *_cost_columns(currencies)]
    covered: dict[tuple[str, str], float] = {}
    for m in report.market_methods:
        key = (m.provider, m.region)
        covered[key] = covered.get(key, 0.0) + (m.instrument_covered_kwh or 0.0)
    rows = [[g.key["provider"], g.key["region"],
             *_group_energy_row(g, covered.get((g.key["provider"], g.key["region"]), 0.0), currencies)]
            for g in report.by_region]
    if rows:
        rows.append(["All", "All", *_group_energy_row(report.headline, sum(covered.values()), currencies)])
    return Table("energy", SECTIONS["energy"], cols, rows, NOTES["energy"])


def _emission_values(g: Totals) -> list[float | None]:
    return [kilo(g.facility_energy_kwh), *_range_values(g, "scope2_location_kgco2e"),
            *_range_values(g, "scope2_market_kgco2e")]


def _emission_columns() -> list[Column]:
    return [Column("facility_energy_mwh", "Facility energy (MWh)", unit="MWh"),
            *_range_columns("location_tco2e", "Location-based", "t CO2e"),
            *_range_columns("market_tco2e", "Market-based", "t CO2e")]


def emissions(report: Report) -> Table:
    cols = [Column("provider", "Provider", "text"), Column("region", "Region", "text"), *_emission_columns()]
    rows = [[g.key["provider"], g.key["region"], *_emission_values(g)] for g in report.by_region]
    if rows:
        rows.append(["All", "All", *_emission_values(report.headline)])
    return Table("emissions", SECTIONS["emissions"], cols, rows, NOTES["emissions"])


SCOPE_LABEL_TEXT = {
    "scope2": "Scope 2 (own or colocated hardware)",
    "scope3_cat1": "Scope 3, category 1 (purchased cloud services)",
}


def scope_labels(report: Report) -> Table:
    cols = [Column("scope_label", "Reported under", "text"), *_emission_columns()]
    rows = [[SCOPE_LABEL_TEXT.get(g.key["scope_label"], g.key["scope_label"]), *_emission_values(g)]
            for g in report.by_scope_label]
    note = (f"Setting in force: {report.scope_statement.text}. {report.scope_statement.note} Telemetry of own "
            "hardware (provider onprem) is always Scope 2.")
    return Table("scope_labels", SECTIONS["scope_labels"], cols, rows, note)


def models(report: Report) -> Table:
    currencies = sorted({c for m in report.models for c in m.cost})
    cols = [Column("model", "Model", "text"),
            Column("training_energy_mwh", "Training IT energy (MWh)", unit="MWh"),
            Column("fine_tuning_energy_mwh", "of which fine-tuning (MWh)", unit="MWh", pdf=False),
            Column("inference_energy_mwh", "Inference IT energy (MWh)", unit="MWh"),
            Column("other_energy_mwh", "Other IT energy (MWh)", unit="MWh"),
            Column("training_location_tco2e", "Training, location-based (t CO2e)", unit="t CO2e", pdf=False),
            Column("inference_location_tco2e", "Inference, location-based (t CO2e)", unit="t CO2e", pdf=False),
            Column("training_market_tco2e", "Training, market-based (t CO2e)", unit="t CO2e", pdf=False),
            Column("inference_market_tco2e", "Inference, market-based (t CO2e)", unit="t CO2e", pdf=False),
            Column("requests", "Inference requests", "count", unit="requests", decimals=0),
            Column("energy_kwh_per_1k_inferences", "IT energy per 1,000 inferences (kWh)", unit="kWh"),
            Column("facility_energy_kwh_per_1k_inferences", "Facility energy per 1,000 inferences (kWh)",
                   unit="kWh", pdf=False),
            Column("sci_kgco2e_per_1k_requests", "SCI (kg CO2e per 1,000 requests)", unit="kg CO2e"),
            Column("break_even", "Serving reached training energy on", "date"),
            *_cost_columns(currencies, pdf=False)]
    rows = [[m.model, kilo(m.training_energy_kwh), kilo(m.fine_tuning_energy_kwh), kilo(m.inference_energy_kwh),
             kilo(m.other_energy_kwh), kilo(m.training_kgco2e_location), kilo(m.inference_kgco2e_location),
             kilo(m.training_kgco2e_market), kilo(m.inference_kgco2e_market), m.requests,
             m.energy_kwh_per_1k_inferences, m.facility_energy_kwh_per_1k_inferences,
             m.sci_kgco2e_per_1k_requests, m.break_even, *[m.cost.get(c) for c in currencies]]
            for m in report.models]
    return Table("models", SECTIONS["models"], cols, rows, NOTES["models"])


def _change(now: float | None, before: float | None) -> tuple[float | None, float | None]:
    if now is None and before is None:
        return None, None
    change = (now or 0.0) - (before or 0.0)
    return change, (change / before if before else None)


def _partial_label(report: Report, which: str) -> str:
    period = report.period if which == "this" else report.previous_period
    partial = period.is_partial(report.data_first_day, report.data_last_day)
    return f"{period.label} (partial)" if partial else period.label


def trend(report: Report) -> Table:
    """This period against the previous one. Where either reaches beyond the data, the change is left
    out (it would compare unlike spans of data) and the note says which days the data covers."""
    cur, prev = report.headline, report.previous
    cols = [Column("figure", "Figure", "text"), Column("unit", "Unit", "unit"),
            Column("this_period", _partial_label(report, "this"), unit="row"),
            Column("previous_period", _partial_label(report, "previous"), unit="row"),
            Column("change", "Change", unit="row"), Column("change_share", "Change (%)", "share", unit=SHARE)]
    pairs: list[tuple[str, str, float | None, float | None]] = [
        ("IT energy", "MWh", kilo(cur.energy_kwh), kilo(prev.energy_kwh)),
        ("Facility energy", "MWh", kilo(cur.facility_energy_kwh), kilo(prev.facility_energy_kwh)),
        ("Location-based emissions", "t CO2e", kilo(cur.scope2_location_kgco2e), kilo(prev.scope2_location_kgco2e)),
        ("Market-based emissions", "t CO2e", kilo(cur.scope2_market_kgco2e), kilo(prev.scope2_market_kgco2e)),
    ]
    for c in sorted(set(cur.cost) | set(prev.cost)):
        pairs.append((f"Cost ({c})", c, cur.cost.get(c), prev.cost.get(c)))
    pairs.append(("Line items (billing rows)", "rows", float(cur.line_items), float(prev.line_items)))
    partial = report.comparison_is_partial
    rows = [[name, unit, now, before, *((None, None) if partial else _change(now, before))]
            for name, unit, now, before in pairs]
    note = (f"{NOTES['trend']} Compared with {report.period.comparison}: {report.previous_period.description}."
            + (" The previous period holds no data." if report.previous_rows_total == 0 else ""))
    if partial:
        notes = [f"{p.label}: {n}" for p in (report.period, report.previous_period)
                 if (n := p.coverage_note(report.data_first_day, report.data_last_day))]
        note += (" " + " ".join(notes) + " The change is not shown: it would compare a partial period with "
                 "a different span of data.")
    return Table("trend", SECTIONS["trend"], cols, rows, note)


def monthly(report: Report) -> Table:
    currencies = _currencies(report)
    cols = [Column("month", "Month", "text"), Column("energy_mwh", "IT energy (MWh)", unit="MWh"),
            Column("facility_energy_mwh", "Facility energy (MWh)", unit="MWh"),
            Column("location_tco2e", "Location-based (t CO2e)", unit="t CO2e"),
            Column("market_tco2e", "Market-based (t CO2e)", unit="t CO2e"), *_cost_columns(currencies)]
    rows = [[g.key["month"], kilo(g.energy_kwh), kilo(g.facility_energy_kwh), kilo(g.scope2_location_kgco2e),
             kilo(g.scope2_market_kgco2e), *[g.cost.get(c) for c in currencies]] for g in report.monthly]
    note = f"The months of {report.previous_period.label} and {report.period.label} that hold data."
    return Table("monthly", SECTIONS["monthly"], cols, rows, note)

