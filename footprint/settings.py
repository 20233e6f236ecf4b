"""One settings object for paths and defaults, read from FOOTPRINT_* environment variables.

Only front ends (CLI, dashboard) build a Settings; pure functions take plain parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"
DEFAULT_DB_PATH = DEFAULT_DATA_DIR / "footprint.duckdb"
SAMPLE_DATA_DIR = PROJECT_ROOT / "sample_data"


class Settings(BaseSettings):
    """Paths and reporting defaults. Environment: FOOTPRINT_DB, FOOTPRINT_ORGANISATION, ..."""

    model_config = SettingsConfigDict(env_prefix="FOOTPRINT_", extra="ignore")

    db: Path = Field(default=DEFAULT_DB_PATH, description="DuckDB database file")
    organisation: str = Field(default="Demo organisation", description="Name printed on reports")
    scope_label: Literal["cloud", "owned"] = Field(
        default="cloud",
        description=(
            "cloud: purchased cloud services, electricity reported under Scope 3 category 1; "
            "owned: own or colocated hardware, reported under Scope 2"
        ),
    )
    count_provider_renewable_claims: bool = Field(
        default=False,
        description="Let provider renewable-energy claims count in the market-based method (labelled)",
    )
    pue_overrides: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "PUE per provider or provider:region, overriding published figures, e.g. "
            'FOOTPRINT_PUE_OVERRIDES=\'{"onprem": 1.45, "gcp:us-central1": 1.1}\''
        ),
    )
    lock_wait_s: float = Field(default=30.0, description="How long to wait for another writer to finish")
    memory_limit: str = Field(
        default="1GB",
        description=(
            "DuckDB memory limit for file databases; larger work spills to a temporary folder beside the "
            "database instead of growing (DuckDB size syntax: 512MB, 1GB, 4GB)"
        ),
    )
    max_gap_factor: float = Field(
        default=3.0,
        description="Telemetry: a gap longer than this multiple of the sampling interval is not bridged",
    )


def get_settings(**overrides: object) -> Settings:
    """Settings from the environment, with explicit (CLI flag) overrides applied on top."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
