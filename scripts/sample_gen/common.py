"""Helpers every export of the sample-data generator shares.

The generated files must come out byte for byte the same on every run, so the few things that decide bytes
live here once: how money is rounded and numbers are spelled, the calendar, ISO time stamps, identifiers
drawn from the one seeded random generator, and how CSV and gzip files are written.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

D = Decimal
CENT10 = D("0.0000000001")  # bills carry costs to ten decimal places


def days(start: date, end: date) -> Iterator[date]:
    """Every day from start to end, both included."""
    d = start
    while d <= end:
        yield d
        d += timedelta(days=1)


def next_month(year: int, month: int) -> date:
    """The first day of the month after (year, month): the exclusive end of its billing period."""
    return date(year + (month == 12), month % 12 + 1, 1)


def month_days(year: int, month: int) -> list[date]:
    return list(days(date(year, month, 1), next_month(year, month) - timedelta(days=1)))


def money(x: Decimal) -> Decimal:
    return x.quantize(CENT10, rounding=ROUND_HALF_EVEN)


def num(x: Decimal | int | float) -> str:
    """A number as the exports write it: plain decimal, no exponent, trailing zeros trimmed ('24.0')."""
    text = format(D(str(x)).normalize(), "f")
    return text if "." in text else text + ".0"


def iso(d: date | datetime) -> str:
    """UTC time stamp as CUR, FOCUS and the project's own CSVs write it: 2026-04-01T00:00:00Z."""
    return (d if isinstance(d, datetime) else datetime(d.year, d.month, d.day)).strftime("%Y-%m-%dT%H:%M:%SZ")


class Ids:
    """Deterministic identifiers in each provider's shape, all drawn from the one seeded generator.

    Catalogue identifiers (a SKU code per usage type, a meter id per meter and region) are made the first
    time they are asked for and are the same after, as a provider's catalogue would be.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self._made: dict[tuple[str, tuple[str, ...]], str] = {}

    def chars(self, alphabet: str, n: int) -> str:
        return "".join(self.rng.choice(alphabet) for _ in range(n))

    def hex(self, n: int) -> str:
        return self.chars("0123456789abcdef", n)

    def ec2(self) -> str:
        return "i-0" + self.hex(16)

    def guid(self) -> str:
        h = self.hex(32)
        return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"

    def cur_line_id(self) -> str:
        return self.chars("abcdefghijklmnopqrstuvwxyz234567", 52)

    def once(self, kind: str, key: tuple[str, ...], make: Callable[[], str]) -> str:
        """The identifier of kind for key: made by make() the first time, the same one every time after."""
        if (kind, key) not in self._made:
            self._made[(kind, key)] = make()
        return self._made[(kind, key)]


def csv_text(
    header: list[str], rows: Iterable[dict[str, str]] | Iterable[list[str]], *, bom: bool = False
) -> str:
    """CSV as the providers write it: minimal quoting, LF line ends; dict rows are laid out by header and a
    column a row does not have is empty. bom adds the UTF-8 byte order mark Azure Cost Management writes."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([r.get(h, "") for h in header] if isinstance(r, dict) else r)
    return ("\ufeff" if bom else "") + buf.getvalue()


def write(out: Path, rel: str, text: str) -> None:
    """Write text as UTF-8 under out; a .gz name gets a gzip member without time stamp or file name."""
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8")
    if rel.endswith(".gz"):
        with (
            open(path, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz,
        ):
            gz.write(data)
    else:
        path.write_bytes(data)
