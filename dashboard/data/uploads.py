"""Uploads: preview without touching the database, then load each file as one batch and refresh once.

Data files go through `ingest` (atomic per file, the same bytes twice reported as a duplicate);
attribution rules (TOML) through `footprint.attribution`, after the data, so the refresh they trigger
covers it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, BinaryIO

import duckdb
import streamlit as st

from dashboard.data.access import writing
from footprint.attribution import RulesError, load_rules, parse_rules
from footprint.pipeline import refresh
from ingest import IngestError, IngestResult, ingest_file
from ingest import preview as ingest_preview
from ingest.registry import readers

RULES_FORMAT = "attribution-rules"

# What each refresh step (footprint.pipeline.STEPS) does, in the words the progress bar shows.
REFRESH_STEPS = {
    "footprint.attribution": "attributing costs to teams and models",
    "footprint.telemetry": "matching telemetry to billed resources",
    "footprint.estimation": "estimating energy and emissions",
    "footprint.ledger": "updating the per-model ledger",
    "footprint.aggregates": "updating the dashboard's totals",
    "done": "done",
}


def step_text(step: str) -> str:
    """'Refreshing estimates: attributing costs to teams and models' for 'footprint.attribution'."""
    return f"Refreshing estimates: {REFRESH_STEPS.get(step, step.rpartition('.')[2])}"


def format_label(format_id: str | None) -> str | None:
    """The human name of a format id ('FOCUS 1.0' for 'focus-1.0'), as a loaded file's result names it."""
    if format_id == RULES_FORMAT:
        return "Attribution rules"
    return next((r.label for r in readers() if r.format_id == format_id), format_id)


def formats() -> dict[str, str]:
    """Every format a file can be read as: id -> label (for overriding detection)."""
    return {r.format_id: f"{r.label} ({r.kind})" for r in sorted(readers(), key=lambda r: (r.kind, r.label))}


def is_rules_file(name: str) -> bool:
    """Attribution rules come as TOML (footprint/data/attribution_rules.toml is the shipped default)."""
    return name.lower().endswith(".toml")


def preview(upload: BinaryIO, name: str, format_id: str | None = None) -> dict[str, Any]:
    """Detected format, header and first lines of an uploaded file, or {'error': message}; no database."""
    upload.seek(0)
    if is_rules_file(name):
        raw = upload.read()
        try:
            rules = parse_rules(raw, name)
        except RulesError as exc:
            return {"error": str(exc)}
        return {
            "file_name": name,
            "format_id": RULES_FORMAT,
            "kind": "attribution rules",
            "size_bytes": len(raw),
            "format_label": f"Attribution rules, version {rules.rules_version}",
            "columns": [],
            "sample_lines": raw.decode("utf-8-sig", errors="replace").splitlines()[:8],
        }
    try:
        return ingest_preview(upload, name=name, format_id=format_id)
    except IngestError as exc:
        return {"error": str(exc)}


def ingest_uploads(
    uploads: list[tuple[str, BinaryIO, str | None]],
    options: dict[str, Any] | None = None,
    progress: Callable[[str, float], None] | None = None,
) -> tuple[list[IngestResult], str | None]:
    """Load each upload (name, stream, format id or None to detect) as one atomic batch, then refresh once.

    Returns the per-file results and, when the refresh failed, its message (the files stay loaded;
    the derived tables keep their previous state until the next successful refresh).
    """
    results: list[IngestResult] = []
    refresh_error: str | None = None
    total = len(uploads) + 1
    rules = [u for u in uploads if is_rules_file(u[0])]
    with writing() as con:
        for i, (name, stream, format_id) in enumerate(u for u in uploads if not is_rules_file(u[0])):
            if progress:
                progress(f"Loading {name}", i / total)
            stream.seek(0)
            result = ingest_file(con, stream, name=name, format_id=format_id, options=options or {})
            result.format_label = result.format_label or format_label(result.format_id)  # duplicates: id only
            results.append(result)
        for name, stream, _ in rules:  # after the data, so the refresh they trigger covers it
            if progress:
                progress(f"Applying the attribution rules in {name} and refreshing", (total - 2) / total)
            stream.seek(0)
            results.append(_load_rules(con, name, stream.read()))
        rules_refreshed = any(r.status == "loaded" and r.kind == "attribution rules" for r in results)
        if not rules_refreshed and any(r.status == "loaded" for r in results):
            step_share = 1 / total

            def step(label: str, done: float) -> None:
                if progress:
                    progress(step_text(label), (total - 1) / total + done * step_share)

            try:
                refresh(con, progress=step)
            except duckdb.Error as exc:
                refresh_error = f"the estimates could not be refreshed: {exc}"
    st.cache_data.clear()
    if progress:
        progress("Done", 1.0)
    return results, refresh_error


def _load_rules(con: duckdb.DuckDBPyConnection, name: str, raw: bytes) -> IngestResult:
    """Make an uploaded rules file the rules in force; the store keeps the previous rules on any error."""
    result = IngestResult(
        name, "loaded", format_id=RULES_FORMAT, format_label="Attribution rules", kind="attribution rules"
    )
    try:
        active = load_rules(con, raw, name)
    except (RulesError, duckdb.Error) as exc:
        result.status, result.error = "error", str(exc) if isinstance(exc, RulesError) else f"{name}: {exc}"
        return result
    result.format_label = f"Attribution rules, version {active.rules_version}"
    return result
