"""Finds the line of a TOML file that holds a given key path, so validation errors can name it.

tomllib reports syntax errors with a line, but a parsed document forgets where each value came from,
and pydantic reports semantic errors as a key path ('resource_rules', 2, 'match', 'resource_id'). This
module re-reads the text just enough to map such a path back to the line a person should look at: table
headers, array-of-tables entries, dotted and quoted keys, and values spanning several lines.
"""

from __future__ import annotations

from collections.abc import Sequence


def _split_outside_quotes(text: str, sep: str) -> list[str]:
    parts, buf, quote = [], [], ""
    i = 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                buf.append(text[i : i + 2])
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == sep:
            parts.append("".join(buf))
            buf = []
            i += 1
            continue
        buf.append(c)
        i += 1
    parts.append("".join(buf))
    return parts


def _key_parts(text: str) -> tuple[str, ...]:
    out = []
    for part in _split_outside_quotes(text, "."):
        part = part.strip()
        if len(part) >= 2 and part[0] == part[-1] and part[0] in "\"'":
            part = part[1:-1]
        out.append(part)
    return tuple(out)


def _depth_change(text: str) -> int:
    """Net count of [ and { minus ] and } outside strings and comments."""
    depth, quote, i = 0, "", 0
    while i < len(text):
        c = text[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 2
                continue
            if c == quote:
                quote = ""
        elif c in "\"'":
            quote = c
        elif c == "#":
            break
        elif c in "[{":
            depth += 1
        elif c in "]}":
            depth -= 1
        i += 1
    return depth


def key_lines(text: str) -> list[tuple[int, tuple[object, ...]]]:
    """(line number, key path) for every table header and key line of a TOML document."""
    out: list[tuple[int, tuple[object, ...]]] = []
    table: tuple[object, ...] = ()
    counters: dict[tuple[str, ...], int] = {}
    depth = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if depth > 0:
            depth += _depth_change(line)
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            names = _key_parts(line[2 : line.index("]]")])
            index = counters.get(names, 0)
            counters[names] = index + 1
            table = (*names, index)
            out.append((number, table))
        elif line.startswith("["):
            table = _key_parts(line[1 : line.index("]")])
            out.append((number, table))
        else:
            pieces = _split_outside_quotes(line, "=")
            if len(pieces) < 2:
                continue
            out.append((number, (*table, *_key_parts(pieces[0]))))
            depth = _depth_change("=".join(pieces[1:]))
    return out


def line_of(text: str, loc: Sequence[object]) -> int | None:
    """Line of the key path `loc`, or of its longest prefix present in the text (None if none is)."""
    best_line, best_len = None, 0
    target = tuple(loc)
    for number, path in key_lines(text):
        n = len(path)
        if n > best_len and target[:n] == path:
            best_line, best_len = number, n
    return best_line
