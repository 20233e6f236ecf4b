"""Reading a rules file: TOML, the shipped defaults a file may extend, and one-line errors.

The dashboard's upload and `footprint rules load` both come here with the file's bytes and name. A file
is parsed (tomllib), completed from the shipped defaults when it says `extends = "default"`, and
validated (`rules.RuleSet`). The first problem is reported once, naming the file, the line and the key.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Any

from pydantic import ValidationError

from footprint.attribution.locate import line_of
from footprint.attribution.rules import DEFAULT_RULES_FILE, RulesError, RuleSet, match_key


def _pydantic_message(exc: ValidationError, file: str, text: str) -> RulesError:
    errors = exc.errors(include_url=False)
    first = errors[0]
    loc = tuple(first["loc"])
    key = ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(".[", "[") or None
    msg = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        msg = "unknown key (see docs/attribution.md for the keys a rules file may hold)"
    elif first["type"] == "literal_error":
        msg = f"{msg}; got {first.get('input')!r}"
    if len(errors) > 1:
        msg += f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})"
    line = line_of(text, loc)
    if len(loc) == 1 and msg.startswith("rule id "):
        # Point at the second definition of the duplicated id.
        dup = msg.split("'")[1]
        hits = [
            n
            for n, raw in enumerate(text.splitlines(), 1)
            if raw.strip().replace(" ", "") in (f'id="{dup}"', f"id='{dup}'")
        ]
        line = hits[1] if len(hits) > 1 else line
    return RulesError(file, msg, line=line, key=key)


def parse_rules(data: str | bytes, name: str = "rules.toml") -> RuleSet:
    """Validate a rules file's content; raise RulesError (file, line, key) on the first problem."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise RulesError(name, f"is not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if "(at line " in message:
            message, _, where = message.rpartition(" (at line ")
            line = int(where.split(",")[0])
        raise RulesError(name, f"not valid TOML: {message}", line=line) from None
    if "schema_version" not in raw:
        raise RulesError(name, "missing schema_version (this version of footprint reads schema_version = 1)")
    if raw.get("extends") == "default":
        raw = merge_with_default(raw)
    try:
        return RuleSet.model_validate(raw)
    except ValidationError as exc:
        raise _pydantic_message(exc, name, text) from None


def merge_with_default(user: dict[str, Any]) -> dict[str, Any]:
    """A user file with `extends = "default"`, completed from the shipped defaults.

    The user's entries come first, so they take precedence and keep the positions the file gives them
    (an error in the user's third rule is still reported as its third rule): tag keys are tried before
    the default keys, rules before the default rules (a rule with a default rule's id replaces it),
    workload values and aliases are added (the user's word wins for a value the defaults also list),
    and settings in [matching], [normalise] and [precedence] override the default ones.
    """
    base: dict[str, Any] = tomllib.loads(default_rules_text())
    out = dict(base)
    for key, value in user.items():
        default = base.get(key)
        if key in ("resource_rules", "usage_rules") and isinstance(value, list):
            ids = {r.get("id") for r in value if isinstance(r, dict)}
            out[key] = list(value) + [r for r in default or [] if r.get("id") not in ids]
        elif key == "tag_keys" and isinstance(value, dict):
            keys_merged: dict[str, Any] = {prov: dict(dims) for prov, dims in (default or {}).items()}
            for prov, dims in value.items():
                if not isinstance(dims, dict):
                    keys_merged[prov] = dims
                    continue
                target = keys_merged.setdefault(prov, {})
                for dim, keys in dims.items():
                    old = target.get(dim, [])
                    target[dim] = (
                        list(keys) + [k for k in old if k not in keys] if isinstance(keys, list) else keys
                    )
            out[key] = keys_merged
        elif key == "workload_values" and isinstance(value, dict):
            mine = {
                match_key(v)
                for vs in value.values()
                if isinstance(vs, list)
                for v in vs
                if isinstance(v, str)
            }
            values_merged: dict[str, Any] = {
                label: [v for v in vs if match_key(v) not in mine] for label, vs in (default or {}).items()
            }
            for label, vs in value.items():
                values_merged[label] = list(vs) + values_merged.get(label, []) if isinstance(vs, list) else vs
            out[key] = values_merged
        elif key == "aliases" and isinstance(value, dict):
            aliases_merged: dict[str, Any] = {dim: dict(table) for dim, table in (default or {}).items()}
            for dim, table in value.items():
                aliases_merged[dim] = (
                    {**aliases_merged.get(dim, {}), **table} if isinstance(table, dict) else table
                )
            out[key] = aliases_merged
        elif key in ("matching", "normalise", "precedence") and isinstance(value, dict):
            out[key] = {**(default or {}), **value}
        else:
            out[key] = value
    return out


def default_rules_text() -> str:
    return resources.files("footprint").joinpath("data", DEFAULT_RULES_FILE).read_text(encoding="utf-8")


@cache
def default_rules() -> RuleSet:
    """The shipped default rules (validated like any user file)."""
    return parse_rules(default_rules_text(), f"footprint/data/{DEFAULT_RULES_FILE}")
