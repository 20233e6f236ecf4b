"""The order of a report: its sections, each with its tables and text, as every renderer lays them out."""

from __future__ import annotations

from footprint.report import provenance_tables as prov
from footprint.report import tables
from footprint.report.model import Report
from footprint.report.tables import Column, Section, Table
from footprint.report.text import SECTIONS


def cover(report: Report) -> Table:
    """The cover's facts as a two-column table (the XLSX's first sheet, the CSV's first rows)."""
    run = report.estimation_run
    rows = [
        ["Report", report.title],
        ["Organisation", report.organisation],
        ["Period", report.period.description],
        ["Data coverage", report.coverage_text],
        ["Scope", report.scope.label],
        ["Electricity reported under", report.scope_statement.text],
        ["Methodology version", report.methodology_version],
        ["Figures refreshed at (UTC)", run.ran_at.strftime("%Y-%m-%d %H:%M:%S") if run else "never"],
        ["Generated at (UTC)", report.generated_at.strftime("%Y-%m-%d %H:%M:%S")],
        ["Status", report.empty_message if report.is_empty else
         f"{report.rows_total:,} footprint rows in this period and scope"],
    ]
    return Table("cover", SECTIONS["cover"], [Column("item", "Item", "text"), Column("value", "Value", "text")],
                 rows)


def methodology(report: Report) -> Section:
    m = report.methodology
    return Section(
        "methodology", SECTIONS["methodology"], [],
        paragraphs=[f"Boundary. {m.boundary}", f"GWP basis. {m.gwp}", f"Full method: {m.document}."],
        bullets=[*m.method, *[f"Factor basis: {b}" for b in m.factor_bases],
                 *[f"Limitation: {text}" for text in m.limitations]],
    )


def methodology_table(report: Report) -> Table:
    """The methodology statement as rows (the XLSX's sheet)."""
    s = methodology(report)
    rows = [[p.split(". ", 1)[0] if ". " in p else "", p] for p in s.paragraphs]
    rows += [["Method" if not b.startswith(("Factor basis", "Limitation")) else b.split(":", 1)[0], b]
             for b in s.bullets]
    return Table("methodology", SECTIONS["methodology"],
                 [Column("topic", "Topic", "text"), Column("statement", "Statement", "text")], rows)


def sections(report: Report) -> list[Section]:
    """Every section in reading order (the cover is drawn separately)."""
    return [
        Section("headline", SECTIONS["headline"], [tables.headline(report)]),
        Section("energy", SECTIONS["energy"], [tables.energy(report)]),
        Section("emissions", SECTIONS["emissions"], [tables.emissions(report), tables.scope_labels(report)]),
        Section("models", SECTIONS["models"], [tables.models(report)]),
        Section("trend", SECTIONS["trend"], [tables.trend(report), tables.monthly(report)]),
        Section("instruments", SECTIONS["instruments"], [prov.instruments(report), prov.market_methods(report)]),
        Section("sources", SECTIONS["sources"], [prov.pue(report), prov.factors(report),
                                                      prov.coefficients(report)]),
        Section("data_quality", SECTIONS["data_quality"], [prov.data_quality(report), prov.methods(report),
                                                           prov.unknown_skus(report), prov.unattributed(report)]),
        methodology(report),
    ]


def all_tables(report: Report) -> list[Table]:
    """Every table of the report, the cover first and the methodology last (XLSX sheets, CSV blocks)."""
    out = [cover(report)]
    for section in sections(report):
        out.extend(section.tables)
    out.append(methodology_table(report))
    return out
