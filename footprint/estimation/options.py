"""The choices an estimate depends on besides data and shipped tables: scope label, provider claims, PUE.

They are recorded with every refresh (table estimation_runs), so a stored figure can always be traced to
the options that produced it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

_KEY = re.compile(r"^(aws|gcp|azure|oracle|onprem|other)(:[a-z0-9-]+)?$")

SCOPE_LABELS = {
    "cloud": ("scope3_cat1", "Scope 3, category 1 (purchased cloud services)"),
    "owned": ("scope2", "Scope 2 (own or colocated hardware)"),
}


@dataclass(frozen=True)
class EstimationOptions:
    """scope_label: 'cloud' or 'owned'; pue_overrides: {'aws': 1.2, 'gcp:us-central1': 1.1}."""

    scope_label: Literal["cloud", "owned"] = "cloud"
    count_provider_renewable_claims: bool = False
    pue_overrides: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.scope_label not in SCOPE_LABELS:
            raise ValueError(f"scope_label must be 'cloud' or 'owned', not {self.scope_label!r}")
        for key, value in self.pue_overrides.items():
            if not _KEY.match(key):
                raise ValueError(
                    f"pue_overrides key {key!r}: use a provider (aws, gcp, azure, oracle, onprem, other) "
                    "or provider:region, e.g. 'gcp:us-central1'"
                )
            if not isinstance(value, int | float) or not 1.0 <= float(value) <= 3.0:
                raise ValueError(f"pue_overrides[{key!r}] = {value!r}: a PUE is a number from 1.0 to 3.0")

    @classmethod
    def from_settings(cls, settings: Any) -> EstimationOptions:
        return cls(
            scope_label=settings.scope_label,
            count_provider_renewable_claims=bool(settings.count_provider_renewable_claims),
            pue_overrides=dict(getattr(settings, "pue_overrides", {}) or {}),
        )

    @property
    def scope(self) -> str:
        """Scope id stored on rows billed by a cloud provider: scope3_cat1 or scope2."""
        return SCOPE_LABELS[self.scope_label][0]

    def pue_override_rows(self) -> list[tuple[str, str | None, float]]:
        """(provider, region_id or None, pue) for each override."""
        rows = []
        for key, value in sorted(self.pue_overrides.items()):
            provider, _, region = key.partition(":")
            rows.append((provider, region or None, float(value)))
        return rows

    def as_json(self) -> str:
        return json.dumps(
            {
                "scope_label": self.scope_label,
                "count_provider_renewable_claims": self.count_provider_renewable_claims,
                "pue_overrides": dict(sorted(self.pue_overrides.items())),
            },
            sort_keys=True,
        )


def scope_statement(scope_label: str) -> dict[str, str]:
    """What outputs print about the reporting scope for a scope_label setting."""
    if scope_label not in SCOPE_LABELS:
        raise ValueError(f"scope_label must be 'cloud' or 'owned', not {scope_label!r}")
    scope, text = SCOPE_LABELS[scope_label]
    return {
        "scope_label": scope_label,
        "scope": scope,
        "text": text,
        "note": (
            "Electricity of purchased cloud services is the provider's Scope 2 and the customer's Scope 3 "
            "category 1; both Scope 2 methods (location- and market-based) are applied to the customer's share."
            if scope_label == "cloud"
            else "Electricity bought for own or colocated hardware under operational control is Scope 2."
        ),
    }
