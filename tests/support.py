"""Helpers for tests: where the real sample files are, and independent re-computations from raw files."""

from __future__ import annotations

import csv
import io
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLE_EXPORTS = SHARED / "sample_exports"
SAMPLE_TELEMETRY = SHARED / "sample_telemetry"
SAMPLE_DATA = REPO / "sample_data"

def raw_sum(path: Path, column: str, *, where: dict[str, set[str]] | None = None, group: str | None = None,
            skip_lines: int = 0) -> dict[str, Decimal]:
    """Sum a money column straight from a CSV with Python's csv module and Decimal (independent of DuckDB).

    Returns {group value: sum}; without `group`, the key is ''. Literal NULL / empty cells count as 0.
    """
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)[skip_lines:]
    out: dict[str, Decimal] = {}
    for row in csv.DictReader(io.StringIO("".join(lines))):
        if not any((v or "").strip() for v in row.values()):
            continue
        if where and any(row.get(k) not in v for k, v in where.items()):
            continue
        value = (row.get(column) or "").strip()
        amount = Decimal(value) if value and value.upper() != "NULL" else Decimal(0)
        key = row.get(group, "") if group else ""
        out[key] = out.get(key, Decimal(0)) + amount
    return out


def data_rows(path: Path, skip_lines: int = 0) -> int:
    """Number of non-blank data records in a CSV, counted with Python's csv module."""
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines(keepends=True)[skip_lines:]
    return sum(1 for row in csv.DictReader(io.StringIO("".join(lines))) if any((v or "").strip() for v in row.values()))


def free_port() -> int:
    """A TCP port nothing listens on now (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def streamlit_args(port: int) -> list[str]:
    """`streamlit run dashboard/app.py` on `port`, as a test starts it: headless, no file watching."""
    return [
        sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
        "--server.port", str(port), "--server.headless", "true",
        "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
    ]  # fmt: skip


@contextmanager
def running_server(
    args: list[str], port: int, *, cwd: Path, log: Path, env: dict[str, str] | None = None, timeout_s: float = 90
) -> Iterator[str]:
    """Start `args` (a dashboard server on `port`), wait until its health check answers 'ok', yield its
    address, and stop it afterwards. If it exits or does not answer within `timeout_s`, fails with its log."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                        if r.read() == b"ok":
                            break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(log.read_text()) from None
                    time.sleep(0.2)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            proc.wait(timeout=30)
