"""What the reference-input readers share: recognition by column names, and a validated bulk insert.

Each reader declares its required and optional columns and a SQL file (footprint/sql/estimation/
input_<name>.sql) that selects the validated rows from `src`, a relation of the file's columns under their
canonical names (all text, plus source_row). A value that cannot be used stops the file with its row and
column (fp_fail), so a reference input is loaded entirely or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from footprint.sqlfiles import sql
from ingest.billing.base import q, raw_csv_relation
from ingest.errors import IngestError
from ingest.registry import LoadContext, LoadCounts
from ingest.source import SourceFile


@dataclass
class ReferenceReader:
    format_id: str
    label: str
    table: str  # input_* table the rows go to
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()  # groups of which the header must hold at least one
    kind: str = "reference"

    def _columns(self, header: list[str]) -> dict[str, str]:
        return {c.strip().lower(): c for c in header}

    def recognise(self, source: SourceFile, header: list[str]) -> int:
        if source.container != "csv":
            return 0
        cols = self._columns(header)
        if not set(self.required) <= set(cols):
            return 0
        if any(not set(group) & set(cols) for group in self.one_of):
            return 0
        return 70

    def near_miss(self, header: list[str]) -> str | None:
        cols = set(self._columns(header))
        signature = set(self.required) | {c for g in self.one_of for c in g}
        present = signature & cols
        if len(present) >= max(2, len(signature) // 2) and present != signature:
            missing = sorted(set(self.required) - cols) + [
                " or ".join(g) for g in self.one_of if not set(g) & cols
            ]
            if missing:
                return f"looks like {self.label} but lacks the column(s) {', '.join(missing)}"
        return None

    def load(self, ctx: LoadContext) -> LoadCounts:
        if ctx.source.container != "csv":
            raise IngestError(ctx.source.name, f"{self.label} must be a CSV file")
        cols = self._columns(ctx.header)
        wanted = list(self.required) + list(self.optional) + [c for g in self.one_of for c in g]
        projection = ", ".join(
            (f"{q(cols[name])} AS {name}" if name in cols else f"CAST(NULL AS VARCHAR) AS {name}")
            for name in dict.fromkeys(wanted)
        )
        src = f"SELECT source_row, {projection} FROM ({raw_csv_relation(ctx)}) raw"
        body = sql(f"estimation/input_{self.format_id.removeprefix('reference-').replace('-', '_')}")
        ctx.con.execute(
            f"INSERT INTO {self.table} BY NAME WITH src AS ({src}) {body}", {"batch_id": ctx.batch_id}
        )
        loaded = ctx.con.execute(
            f"SELECT count(*) FROM {self.table} WHERE batch_id = ?", [ctx.batch_id]
        ).fetchone()
        n = int(loaded[0]) if loaded else 0
        return LoadCounts(rows_read=n, rows_loaded=n)
