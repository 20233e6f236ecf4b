"""nvidia-smi capture bundles: text files holding the output of many nvidia-smi commands in sections.

The bundles of utkuozdemir/nvidia_gpu_exporter (`collect.sh`) hold, per machine state (idle, load), a
`--query-gpu=<every field> --format=csv` section besides tables, `-q` text, `pmon` and `dmon`. Only the
query-gpu CSV sections are read: they carry dated power readings. `dmon` samples have no date and the
tables are for people, so they are left out (the batch detail says so). The CSV sections go through the
nvidia-smi reader unchanged, with line numbers of the bundle, so messages point into the bundle.
"""

from __future__ import annotations

import gzip
import re
from datetime import UTC, datetime

from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts, register
from ingest.source import SourceFile
from ingest.telemetry.common import options_from
from ingest.telemetry.nvidia_smi import load_staged_lines, score_header

_SECTION = re.compile(r"^# (\S+) :: query-gpu\b")
_RULE = re.compile(r"^#{20,}\s*$")
_COLLECTED = re.compile(r"^collected_at:\s*(\S+)\s*$", re.M)
_MARKERS = ("# nvidia_gpu_exporter GPU capture", ":: query-gpu")


def extract_query_gpu(text: str) -> tuple[list[int], list[str], list[str]]:
    """(line numbers, lines, section states) of every query-gpu CSV section: header and data lines."""
    lines = text.splitlines()
    numbers: list[int] = []
    kept: list[str] = []
    states: list[str] = []
    i = 0
    while i < len(lines):
        m = _SECTION.match(lines[i])
        if not m or "field list" in lines[i]:
            i += 1
            continue
        states.append(m.group(1))
        i += 1
        while i < len(lines) and not _RULE.match(lines[i]):  # the command line(s) up to the rule
            i += 1
        i += 1
        while i < len(lines) and lines[i].strip() and not _RULE.match(lines[i]):
            numbers.append(i + 1)
            kept.append(lines[i])
            i += 1
    return numbers, kept, states


class CaptureBundleReader:
    format_id = "nvidia-smi-capture"
    label = "nvidia-smi capture bundle (query-gpu sections)"
    kind = "telemetry"

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        head = source.head_text
        return 80 if all(marker in head for marker in _MARKERS) else 0

    def load(self, ctx: LoadContext) -> LoadCounts:
        options = options_from(ctx)
        opener = gzip.open if ctx.source.compression == "gzip" else open
        with opener(ctx.source.path, "rt", encoding="utf-8", errors="replace") as f:  # type: ignore[operator]
            text = f.read()
        numbers, kept, states = extract_query_gpu(text)
        if not kept:
            raise IngestError(ctx.source.name, "a capture bundle without a query-gpu CSV section")
        header = [c.strip() for c in kept[0].split(",")]
        if not score_header(header):
            raise IngestError(
                ctx.source.name,
                "the query-gpu section has no power.draw and GPU identity columns",
                row=numbers[0],
            )
        ctx.con.execute(
            "CREATE OR REPLACE TEMP TABLE _tl_lines AS "
            "SELECT CAST(unnest($n) AS BIGINT) AS line_no, unnest($l) AS line",
            {"n": numbers, "l": kept},
        )
        notes = [
            f"nvidia-smi capture bundle: query-gpu sections {', '.join(states)} read ({len(header)} columns); "
            "dmon, pmon and table sections not read"
        ]
        warnings = []
        collected = _COLLECTED.search(text[:4000])
        if collected and "timezone" not in ctx.options:
            warnings.extend(_clock_check(ctx, collected.group(1), header))
        counts = load_staged_lines(
            ctx, options, header_line=numbers[0], header=header, format_id=self.format_id, notes=notes
        )
        counts.warnings[:0] = warnings
        return counts


def _clock_check(ctx: LoadContext, collected_at: str, header: list[str]) -> list[str]:
    """A warning when the first poll's host-local time is far from the bundle's UTC collection time."""
    try:
        collected = datetime.fromisoformat(collected_at.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return []
    first = ctx.con.execute(
        "SELECT min(fp_tel_local_ts(trim(string_split(line, ',')[1]))) FROM _tl_lines WHERE line_no > "
        "(SELECT min(line_no) FROM _tl_lines)"
    ).fetchone()
    if not first or first[0] is None or "timestamp" not in [h.lower() for h in header[:1]]:
        return []
    offset_h = (first[0] - collected.replace(tzinfo=None)).total_seconds() / 3600
    if abs(offset_h) > 0.5:
        return [
            f"the first poll reads {offset_h:+.1f} h from the bundle's collected_at (UTC): "
            "pass the host time zone (timezone option)"
        ]
    return []


register(CaptureBundleReader())
