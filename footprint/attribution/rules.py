"""The attribution rules file's schema: every key and value a rules file may hold, validated.

Rules decide which team, model, workload and project a billing row belongs to. They live in one TOML
file (the shipped default is footprint/data/attribution_rules.toml; users load their own through the CLI
or the dashboard, see loader.py). Everything is checked before anything uses a file: every key and value
(pydantic, unknown keys refused), every regular expression compiled by DuckDB's own engine (RE2), named
capture groups, and values that would contradict each other.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, ClassVar, Literal

import duckdb
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

Provider = Literal["aws", "gcp", "azure", "oracle", "other"]
Source = Literal["tags", "resource_rules", "usage_rules", "ingest_hint"]
Dimension = Literal["team", "model", "workload", "project"]
NameDimension = Literal["team", "model", "project"]
Mode = Literal["asis", "lower", "slug"]

# Workload labels used in the rules file -> (workload class, workload_detail).
WORKLOAD_LABELS: dict[str, tuple[str, str | None]] = {
    "training": ("training", None),
    "pretraining": ("training", "pretraining"),
    "fine_tuning": ("training", "fine_tuning"),
    "hyperparameter_tuning": ("training", "hyperparameter_tuning"),
    "inference": ("inference", None),
    "online_inference": ("inference", "online"),
    "batch_inference": ("inference", "batch"),
    "development": ("development", None),
    "data_processing": ("data_processing", None),
}
WorkloadLabel = Literal[
    "training",
    "pretraining",
    "fine_tuning",
    "hyperparameter_tuning",
    "inference",
    "online_inference",
    "batch_inference",
    "development",
    "data_processing",
]
WORKLOAD_CLASSES = ("training", "inference", "development", "data_processing", "unknown")

# Billing columns a rule may test. Identifiers in generated SQL come only from these tuples.
RESOURCE_FIELDS = (
    "resource_id",
    "resource_name",
    "sub_account_id",
    "sub_account_name",
    "billing_account_id",
    "billing_account_name",
)
USAGE_FIELDS = ("usage_type", "sku_id", "service_name", "service_category", "charge_description")

RuleId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

DEFAULT_RULES_FILE = "attribution_rules.toml"


class RulesError(ValueError):
    """A rules file that cannot be used: file, line and key where known, and what is wrong."""

    def __init__(self, file: str, message: str, *, line: int | None = None, key: str | None = None):
        self.file, self.line, self.key, self.message = file, line, key, message
        where = file + (f", line {line}" if line else "") + (f" ({key})" if key else "")
        super().__init__(f"{where}: {message}")


def match_key(text: str) -> str:
    """Python twin of the SQL macro fp_attr_match: lower case, letters and digits only."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


@cache
def _re2() -> duckdb.DuckDBPyConnection:
    return duckdb.connect(":memory:")


def check_pattern(pattern: str) -> None:
    """Compile a pattern with DuckDB's RE2, the engine that will run it; raise ValueError if it cannot."""
    try:
        _re2().execute("SELECT regexp_matches('', ?)", [pattern]).fetchone()
    except duckdb.Error as exc:
        text = str(exc).split("Error: ", 1)[-1].strip()
        raise ValueError(f"invalid regular expression {pattern!r}: {text}") from None


def capture_groups(pattern: str) -> dict[str, int]:
    """Named capture groups of an RE2 pattern -> their 1-based group number (what regexp_extract takes)."""
    names: dict[str, int] = {}
    count, i, n, in_class = 0, 0, len(pattern), False
    while i < n:
        c = pattern[i]
        if pattern.startswith("\\Q", i):
            end = pattern.find("\\E", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
            i += 1
            continue
        if c == "[":
            in_class, i = True, i + 1
            i += pattern.startswith("^", i)
            i += pattern.startswith("]", i)
            continue
        if c == "(":
            if pattern.startswith("(?P<", i):
                count += 1
                end = pattern.find(">", i)
                names[pattern[i + 4 : end]] = count
            elif not pattern.startswith("(?", i):
                count += 1
        i += 1
    return names


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Matching(_Strict):
    key_matching: Literal["normalised", "exact"] = "normalised"
    ignore_values: list[Annotated[str, StringConstraints(max_length=100)]] = Field(default_factory=list)


class Normalise(_Strict):
    team: Mode = "lower"
    model: Mode = "slug"
    project: Mode = "lower"


_DEFAULT_ORDER: list[Source] = ["tags", "resource_rules", "usage_rules", "ingest_hint"]


class Precedence(_Strict):
    order: list[Source] = Field(default_factory=lambda: list(_DEFAULT_ORDER))
    team: list[Source] | None = None
    model: list[Source] | None = None
    workload: list[Source] | None = None
    project: list[Source] | None = None

    @field_validator("order", "team", "model", "workload", "project")
    @classmethod
    def _no_repeats(cls, v: list[str] | None) -> list[str] | None:
        if v is not None:
            if not v:
                raise ValueError("needs at least one source")
            dup = sorted({s for s in v if v.count(s) > 1})
            if dup:
                raise ValueError(f"source {dup[0]!r} is listed twice")
        return v

    def for_dimension(self, dimension: str) -> list[str]:
        chosen: list[str] = list(getattr(self, dimension) or self.order)
        # The ingest hint only ever speaks about the workload.
        return [s for s in chosen if s != "ingest_hint" or dimension == "workload"]


class DimensionKeys(_Strict):
    team: list[Text] = Field(default_factory=list)
    model: list[Text] = Field(default_factory=list)
    workload: list[Text] = Field(default_factory=list)
    project: list[Text] = Field(default_factory=list)


class _Rule(_Strict):
    """One regular-expression rule; `match` maps a billing field to one pattern or a list (all must match)."""

    FIELDS: ClassVar[tuple[str, ...]] = ()

    id: RuleId
    description: str | None = None
    providers: list[Provider] = Field(default_factory=list)  # empty: every provider
    case_sensitive: bool = False
    match: dict[str, str | list[str]]
    team: Text | None = None
    model: Text | None = None
    project: Text | None = None
    workload: WorkloadLabel | None = None

    @field_validator("match")
    @classmethod
    def _check_match(cls, v: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        if not v:
            raise ValueError("needs at least one field to match")
        for field, patterns in v.items():
            if field not in cls.FIELDS:
                allowed = ", ".join(cls.FIELDS)
                raise ValueError(f"cannot match on {field!r}; fields: {allowed}")
            for p in [patterns] if isinstance(patterns, str) else patterns:
                if not p:
                    raise ValueError(f"empty pattern for {field!r}")
                check_pattern(p)
                unknown = sorted(set(capture_groups(p)) - {"team", "model", "project"})
                if unknown:
                    raise ValueError(f"named group {unknown[0]!r} in {field!r}: only team, model, project")
        return v

    @model_validator(mode="after")
    def _sets_something(self) -> _Rule:
        captured = {name for _, p in self.patterns() for name in capture_groups(p)}
        for dim in sorted(captured):
            if getattr(self, dim) is not None:
                raise ValueError(f"sets {dim} both as a value and through a (?P<{dim}>...) group")
        if not captured and not any(getattr(self, d) for d in ("team", "model", "project", "workload")):
            raise ValueError(f"rule {self.id!r} sets nothing: give team, model, project or workload")
        return self

    def patterns(self) -> list[tuple[str, str]]:
        """(field, pattern) pairs, each list item separately, in file order."""
        out = []
        for field, patterns in self.match.items():
            for p in [patterns] if isinstance(patterns, str) else patterns:
                out.append((field, p))
        return out


class ResourceRule(_Rule):
    FIELDS: ClassVar[tuple[str, ...]] = RESOURCE_FIELDS


class UsageRule(_Rule):
    FIELDS: ClassVar[tuple[str, ...]] = USAGE_FIELDS


class RuleSet(_Strict):
    schema_version: Literal[1]
    rules_version: Text
    extends: Literal["default"] | None = None  # build on the shipped defaults (see merge_with_default)
    description: str | None = None
    matching: Matching = Field(default_factory=Matching)
    normalise: Normalise = Field(default_factory=Normalise)
    precedence: Precedence = Field(default_factory=Precedence)
    tag_keys: dict[Literal["any", "aws", "gcp", "azure", "oracle", "other"], DimensionKeys] = Field(
        default_factory=dict
    )
    workload_values: dict[WorkloadLabel, list[Text]] = Field(default_factory=dict)
    aliases: dict[NameDimension, dict[Text, list[Text]]] = Field(default_factory=dict)
    resource_rules: list[ResourceRule] = Field(default_factory=list)
    usage_rules: list[UsageRule] = Field(default_factory=list)

    @field_validator("workload_values")
    @classmethod
    def _values_unique(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        seen: dict[str, str] = {}
        for label, values in v.items():
            for value in values:
                key = match_key(value)
                if not key:
                    raise ValueError(f"{label}: value {value!r} has no letters or digits")
                if seen.get(key, label) != label:
                    raise ValueError(f"value {value!r} is listed under both {seen[key]!r} and {label!r}")
                seen[key] = label
        return v

    @field_validator("aliases")
    @classmethod
    def _aliases_unique(cls, v: dict[str, dict[str, list[str]]]) -> dict[str, dict[str, list[str]]]:
        for dim, table in v.items():
            seen: dict[str, str] = {}
            for canonical, variants in table.items():
                for variant in variants:
                    key = match_key(variant)
                    if seen.get(key, canonical) != canonical:
                        raise ValueError(
                            f"{dim}: {variant!r} is an alias of both {seen[key]!r} and {canonical!r}"
                        )
                    seen[key] = canonical
        return v

    @field_validator("resource_rules", "usage_rules")
    @classmethod
    def _ids_unique(cls, v: list[_Rule]) -> list[_Rule]:
        ids = [r.id for r in v]
        dup = next((i for i in ids if ids.count(i) > 1), None)
        if dup:
            raise ValueError(f"rule id {dup!r} is used twice")
        return v
