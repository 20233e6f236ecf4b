"""Loads the project's .sql files with importlib.resources, so they ship inside the package."""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def sql(name: str) -> str:
    """Text of footprint/sql/<name>.sql (name may contain a subfolder, e.g. 'migrations/001_core')."""
    path = resources.files("footprint").joinpath("sql", *name.split("/"))
    if not name.endswith(".sql"):
        path = resources.files("footprint").joinpath("sql", *(name + ".sql").split("/"))
    return path.read_text(encoding="utf-8")


def all_sql_files() -> list[str]:
    """Every .sql file shipped in the package, as names accepted by sql()."""
    root = resources.files("footprint").joinpath("sql")
    out: list[str] = []

    def walk(node, prefix: str) -> None:  # noqa: ANN001
        for child in sorted(node.iterdir(), key=lambda c: c.name):
            if child.is_dir():
                walk(child, f"{prefix}{child.name}/")
            elif child.name.endswith(".sql"):
                out.append(prefix + child.name)

    walk(root, "")
    return out
