"""Turns what the user hands over (a path or an uploaded stream) into a local file we can point DuckDB at.

Uploads are streamed to a temporary file in chunks (never held twice in memory); the SHA-256 is computed
on the way. Then the file is sniffed: compression, container (CSV / JSON / Parquet / text), and the header
line(s) that the readers recognise formats from.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import os
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from ingest.errors import IngestError

CHUNK = 1 << 20
HEAD_BYTES = 256 * 1024
MAX_PREAMBLE_LINES = 12


@dataclass
class SourceFile:
    """A local, sniffed copy of one input file."""

    name: str  # what the user called it (path or upload name)
    path: Path  # local file DuckDB reads
    sha256: str
    size_bytes: int
    compression: str | None  # 'gzip' or None
    container: str  # csv | json | jsonl | parquet | text
    head_text: str = ""  # first decoded bytes (text containers)
    candidate_headers: list[tuple[int, list[str]]] = field(default_factory=list)  # (lines skipped, columns)
    json_keys: list[str] = field(default_factory=list)  # flattened keys of the first JSON record
    parquet_columns: list[str] = field(default_factory=list)
    delimiter: str = ","

    @property
    def columns(self) -> list[str]:
        """Header of the file as recognised (first candidate), for messages and detection."""
        if self.container == "parquet":
            return self.parquet_columns
        if self.container in ("json", "jsonl"):
            return self.json_keys
        return self.candidate_headers[0][1] if self.candidate_headers else []


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


@contextmanager
def materialise(source: str | os.PathLike[str] | BinaryIO, name: str | None = None) -> Iterator[SourceFile]:
    """Yield a sniffed SourceFile; temporary copies of streams are removed afterwards."""
    tmp_dir: str | None = None
    try:
        if isinstance(source, str | os.PathLike):
            path = Path(source)
            display = name or str(source)
            if not path.exists():
                raise IngestError(display, "no such file")
            if path.is_dir():
                raise IngestError(display, "is a folder; pass the export files inside it")
            sha = _sha256_of(path)
        else:
            display = name or getattr(source, "name", None) or "upload"
            tmp_dir = tempfile.mkdtemp(prefix="footprint-upload-")
            suffix = "".join(Path(str(display)).suffixes[-2:])
            path = Path(tmp_dir) / ("upload" + suffix)
            h = hashlib.sha256()
            if hasattr(source, "seek"):
                source.seek(0)
            with open(path, "wb") as out:
                for chunk in iter(lambda: source.read(CHUNK), b""):
                    h.update(chunk)
                    out.write(chunk)
            sha = h.hexdigest()
        yield sniff(path, str(display), sha)
    finally:
        if tmp_dir:
            shutil.rmtree(tmp_dir, ignore_errors=True)


def _read_head(path: Path, compression: str | None, display: str) -> bytes:
    if compression == "gzip":
        try:
            with gzip.open(path, "rb") as f:
                return f.read(HEAD_BYTES)
        except (OSError, EOFError, zlib.error) as exc:
            raise IngestError(display, f"the gzip stream is truncated or corrupt ({exc})") from exc
    with open(path, "rb") as f:
        return f.read(HEAD_BYTES)


def _looks_binary(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return True
    try:
        data[:8192].decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the 8 KiB boundary is fine.
        return exc.start < len(data[:8192]) - 4
    return False


def _flatten_keys(obj: object, prefix: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = f"{prefix}{k}"
            out.append(key)
            if isinstance(v, dict):
                out.extend(_flatten_keys(v, key + "."))
    return out


def sniff(path: Path, display: str, sha: str) -> SourceFile:
    size = path.stat().st_size
    if size == 0:
        raise IngestError(display, "the file is empty")
    with open(path, "rb") as f:
        magic = f.read(4)
    compression = "gzip" if magic[:2] == b"\x1f\x8b" else None
    if magic == b"PAR1":
        import duckdb

        try:
            cols = [
                r[0]
                for r in duckdb.sql("DESCRIBE SELECT * FROM read_parquet(?)", params=[str(path)]).fetchall()
            ]
        except duckdb.Error as exc:
            raise IngestError(display, "not a readable Parquet file (truncated or corrupt)") from exc
        return SourceFile(display, path, sha, size, None, "parquet", parquet_columns=cols)

    head = _read_head(path, compression, display)
    if not head.strip():
        raise IngestError(display, "the file is empty")
    if _looks_binary(head):
        raise IngestError(display, "binary content: not a CSV, JSON or text export")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip()
    sf = SourceFile(display, path, sha, size, compression, "text", head_text=text)
    if stripped.startswith("[") or stripped.startswith("{"):
        sf.container = "json" if stripped.startswith("[") else "jsonl"
        sf.json_keys = _first_json_keys(path, compression, sf.container, text)
        if sf.container == "jsonl" and not sf.json_keys and _is_prom_json(text):
            sf.container = "json"
        return sf
    sf.container = "csv"
    lines = text.splitlines()
    # The last line in a partial read may be cut; keep it only if the whole file fit in the head.
    complete = len(head) < HEAD_BYTES
    usable = lines if complete else lines[:-1]
    first_line = usable[0] if usable else ""
    sf.delimiter = _guess_delimiter(first_line)
    for skip, line in enumerate(usable[:MAX_PREAMBLE_LINES]):
        if not line.strip():
            continue
        try:
            cols = next(csv.reader(io.StringIO(line), delimiter=sf.delimiter, skipinitialspace=True))
        except (csv.Error, StopIteration):
            continue
        cols = [c.strip() for c in cols]
        if len(cols) >= 2:
            sf.candidate_headers.append((skip, cols))
    return sf


def _guess_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _is_prom_json(text: str) -> bool:
    return '"resultType"' in text or '"status"' in text[:200]


def _first_json_keys(path: Path, compression: str | None, container: str, head_text: str) -> list[str]:
    """Flattened keys of the first JSON record (array element, or first JSON line)."""
    if container == "jsonl":
        first = head_text.lstrip().split("\n", 1)[0]
        try:
            obj = json.loads(first)
        except json.JSONDecodeError:
            return []
        return _flatten_keys(obj) if isinstance(obj, dict) else []
    # JSON array: decode the first element with a raw decoder on the head text.
    body = head_text.lstrip()[1:].lstrip()
    try:
        obj, _ = json.JSONDecoder().raw_decode(body)
    except json.JSONDecodeError:
        try:
            opener = gzip.open if compression == "gzip" else open
            with opener(path, "rt", encoding="utf-8-sig") as f:  # type: ignore[operator]
                data = json.load(f)
        except (OSError, ValueError):
            return []
        if isinstance(data, dict):
            return _flatten_keys(data)
        obj = data[0] if isinstance(data, list) and data else {}
    return _flatten_keys(obj) if isinstance(obj, dict) else []
