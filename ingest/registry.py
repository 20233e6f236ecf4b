"""Which reader handles a file: every reader scores the sniffed header, the most specific one wins.

Detection looks at the header (column names, JSON keys, first lines) only, never at the data, so a file's
format is known before anything is loaded; `--format` overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import duckdb

from ingest.errors import IngestError
from ingest.source import SourceFile


@dataclass
class LoadContext:
    """Everything a reader needs to load one file inside the caller's transaction."""

    con: duckdb.DuckDBPyConnection
    batch_id: int
    source: SourceFile
    header_skip: int  # CSV lines before the header that detection chose
    header: list[str]  # the chosen header's columns
    options: dict[str, Any] = field(default_factory=dict)  # --team/--model/... flags, timezone, ...


@dataclass
class LoadCounts:
    rows_read: int
    rows_loaded: int
    skipped: dict[str, int] = field(default_factory=dict)
    detail: str | None = None  # variant notes recorded on the batch (e.g. "amortized")
    warnings: list[str] = field(default_factory=list)


class Reader(Protocol):
    format_id: str  # stable id stored on the batch (focus-1.0, aws-cur2, nvidia-smi, ...)
    label: str  # human name for messages
    kind: str  # billing | telemetry | reference

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        """0 when the header is not this format; higher is more specific."""
        ...

    def load(self, ctx: LoadContext) -> LoadCounts: ...


_READERS: list[Reader] = []


def register(reader: Reader) -> Reader:
    if any(r.format_id == reader.format_id for r in _READERS):
        raise ValueError(f"duplicate reader {reader.format_id}")
    _READERS.append(reader)
    return reader


def readers() -> list[Reader]:
    _load_builtin()
    return list(_READERS)


def _load_builtin() -> None:
    # Importing the reader packages registers their readers.
    import ingest.billing  # noqa: F401
    import ingest.reference  # noqa: F401
    import ingest.telemetry  # noqa: F401


def _headers(source: SourceFile) -> list[tuple[int, list[str]]]:
    if source.container == "csv":
        return source.candidate_headers or [(0, [])]
    return [(0, source.columns)]


def detect(source: SourceFile, format_id: str | None = None) -> tuple[Reader, int, list[str]]:
    """(reader, header lines to skip, header columns) for the file, or IngestError naming what was seen."""
    all_readers = readers()
    if format_id:
        matches = [r for r in all_readers if r.format_id == format_id]
        if not matches:
            known = ", ".join(sorted(r.format_id for r in all_readers))
            raise IngestError(source.name, f"unknown format {format_id!r}; known formats: {known}")
        reader = matches[0]
        for skip, cols in _headers(source):
            if reader.recognise(source, cols) > 0:
                return reader, skip, cols
        skip, cols = _headers(source)[0]
        return reader, skip, cols
    best: tuple[int, Reader, int, list[str]] | None = None
    for skip, cols in _headers(source):
        for reader in all_readers:
            score = reader.recognise(source, cols)
            if score > 0 and (best is None or score > best[0]):
                best = (score, reader, skip, cols)
        if best is not None:
            break  # the first header line that any reader recognises wins; later lines are data
    if best is None:
        for _skip, cols in _headers(source):
            for reader in all_readers:
                hint = getattr(reader, "near_miss", None)
                message = hint(cols) if hint else None
                if message:
                    raise IngestError(source.name, message)
        shown = ", ".join(source.columns[:8]) + (" ..." if len(source.columns) > 8 else "")
        raise IngestError(
            source.name,
            "not a recognised billing or telemetry export"
            + (f" (header starts: {shown})" if shown else "")
            + "; use --format to name it",
        )
    return best[1], best[2], best[3]
