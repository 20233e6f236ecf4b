"""The report as data: one pydantic object that every renderer (PDF, XLSX, CSV) draws from.

Figures are held in the store's base units (kWh, kg CO2e, money in its billing currency), exactly as the
query functions return them; only renderers scale them (MWh, t CO2e) for display. Nothing here queries
or computes: `footprint.report.build` fills the object from the store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from footprint.report.period import Period, Scope

REPORT_TITLE = "Energy and emissions of AI compute"


class _Row(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Totals(_Row):
    """Every metric of `footprint.queries.summary()` for one scope (or one group), base units."""

    line_items: int = 0
    energy_kwh: float | None = None
    energy_kwh_low: float | None = None
    energy_kwh_high: float | None = None
    measured_energy_kwh: float | None = None
    facility_energy_kwh: float | None = None
    facility_energy_kwh_low: float | None = None
    facility_energy_kwh_high: float | None = None
    scope2_location_kgco2e: float | None = None
    scope2_location_kgco2e_low: float | None = None
    scope2_location_kgco2e_high: float | None = None
    scope2_market_kgco2e: float | None = None
    scope2_market_kgco2e_low: float | None = None
    scope2_market_kgco2e_high: float | None = None
    spend_based_energy_kwh: float | None = None
    unmodelled_line_items: int = 0
    usage_cost: float | None = None
    estimated_usage_cost: float | None = None
    coverage: float | None = None
    measured_share: float | None = None
    cost: dict[str, float] = Field(default_factory=dict)  # billing currency -> billed cost


class Group(Totals):
    """Totals of one group: `key` maps each grouping dimension to its value."""

    key: dict[str, str]


class ScopeStatement(_Row):
    """Which GHG scope the electricity is reported under (footprint.estimation.scope_statement)."""

    scope_label: str  # the setting: cloud | owned
    scope: str  # scope3_cat1 | scope2
    text: str
    note: str


class EstimationRun(_Row):
    """The refresh that produced the figures: when, with which methodology version and options."""

    run_id: int
    ran_at: datetime
    methodology_version: str
    options: dict[str, Any]


class ModelLine(_Row):
    """One model in the per-model ledger (footprint.ledger.models)."""

    model: str
    training_energy_kwh: float | None = None
    fine_tuning_energy_kwh: float | None = None
    inference_energy_kwh: float | None = None
    other_energy_kwh: float | None = None
    training_facility_energy_kwh: float | None = None
    inference_facility_energy_kwh: float | None = None
    training_kgco2e_location: float | None = None
    inference_kgco2e_location: float | None = None
    training_kgco2e_market: float | None = None
    inference_kgco2e_market: float | None = None
    requests: float | None = None
    energy_kwh_per_1k_inferences: float | None = None
    facility_energy_kwh_per_1k_inferences: float | None = None
    sci_kgco2e_per_1k_requests: float | None = None
    requests_matched_share: float | None = None
    break_even: date | None = None
    break_even_status: str | None = None
    cost: dict[str, float] = Field(default_factory=dict)


class Instrument(_Row):
    """A contractual instrument that covered facility energy in the scope and period."""

    instrument_id: str
    instrument_type: str | None = None
    zone: str | None = None
    provider: str | None = None
    region_id: str | None = None
    period_start: date | None = None
    period_end: date | None = None
    covered_mwh: float | None = None  # contracted volume, when the instrument is a volume
    covered_share: float | None = None  # contracted share, when it is a share
    factor_g_per_kwh: float | None = None
    certification: str | None = None
    line_items: int = 0
    covered_kwh: float  # facility energy of this scope the instrument covered
    eligible_facility_energy_kwh: float | None = None  # facility energy of the rows it covered


class MarketMethod(_Row):
    """How the market-based figure was made in one region (instrument, residual mix, location fallback)."""

    provider: str
    region: str
    market_method: str | None = None
    market_factor_source: str | None = None
    facility_energy_kwh: float | None = None
    instrument_covered_kwh: float | None = None
    market_kgco2e: float | None = None
    effective_g_per_kwh: float | None = None


class PueSource(_Row):
    provider: str
    region: str
    pue: float | None = None
    pue_source: str | None = None
    pue_year: int | None = None
    energy_kwh: float | None = None
    facility_energy_kwh: float | None = None


class LocationFactor(_Row):
    provider: str
    region: str
    grid_zone: str | None = None
    location_factor_zone: str | None = None
    location_factor_g_per_kwh: float | None = None  # None where hourly factors vary within the row
    location_factor_source: str | None = None
    location_factor_basis: str | None = None
    location_factor_year: int | None = None
    location_factor_fallback: str | None = None
    location_hourly: bool = False
    facility_energy_kwh: float | None = None
    location_kgco2e: float | None = None
    effective_g_per_kwh: float | None = None


class Coefficient(_Row):
    """A coefficient the estimate used, with its value and the citation of its source."""

    coefficient_id: str
    line_items: int = 0
    energy_kwh: float | None = None
    value: str | None = None
    source_id: str | None = None
    sources: str | None = None


class MethodShare(_Row):
    """Line items, energy and usage cost per estimation method and billing currency."""

    method: str
    billing_currency: str | None = None
    line_items: int = 0
    energy_kwh: float | None = None
    measured_energy_kwh: float | None = None
    spend_based_energy_kwh: float | None = None
    usage_cost: float | None = None


class UnknownSku(_Row):
    """Usage no coefficient covers, with the cost it carries."""

    provider: str
    service: str
    usage_type: str
    usage_unit: str | None = None
    not_modelled_reason: str | None = None
    billing_currency: str | None = None
    line_items: int = 0
    usage_cost: float | None = None
    spend_based_energy_kwh: float | None = None


class Unattributed(_Row):
    """Spend and energy that no rule gave a team and/or a model."""

    provider: str
    service: str
    missing: str  # team and model | team | model
    billing_currency: str | None = None
    energy_kwh: float | None = None
    billed_cost: float | None = None


class DataQuality(_Row):
    """Shares that say how much of the footprint is measured, modelled, spend-based or unattributed."""

    measured_share_of_energy: float | None = None
    modelled_share_of_energy: float | None = None
    spend_based_share_of_usage_cost: dict[str, float] = Field(default_factory=dict)  # per currency
    unattributed_share_of_cost: dict[str, float] = Field(default_factory=dict)  # per currency
    unattributed_share_of_energy: float | None = None
    unknown_sku_groups: int = 0  # usage groups without a coefficient (counted up to build.UNKNOWN_SKU_LIMIT)


class Methodology(_Row):
    """Boundary, method and GWP statements printed in the report."""

    boundary: str
    method: list[str]
    factor_bases: list[str]  # e.g. 'direct (egrid)', 'lifecycle (ember)'
    gwp: str
    limitations: list[str]
    document: str


class Report(BaseModel):
    """An ESG summary report for a period and a scope."""

    model_config = ConfigDict(frozen=True)

    title: str = REPORT_TITLE
    organisation: str
    period: Period
    previous_period: Period
    scope: Scope
    methodology_version: str
    generated_at: datetime  # UTC
    scope_statement: ScopeStatement
    scope_labels_in_data: list[str]  # scope labels the rows of this period carry
    estimation_run: EstimationRun | None = None
    rows_total: int  # footprint rows (billing line items and unbilled telemetry) in the period and scope
    headline: Totals
    by_region: list[Group]  # key: provider, region
    by_scope_label: list[Group]  # key: scope_label
    models: list[ModelLine]
    previous: Totals
    previous_rows_total: int
    monthly: list[Group]  # key: month (previous and current period)
    instruments: list[Instrument]
    market_methods: list[MarketMethod]
    pue_sources: list[PueSource]
    location_factors: list[LocationFactor]
    coefficients: list[Coefficient]
    methods: list[MethodShare]
    unknown_skus: list[UnknownSku]
    unattributed: list[Unattributed]
    data_quality: DataQuality
    methodology: Methodology

    @property
    def is_empty(self) -> bool:
        return self.rows_total == 0

    @property
    def empty_message(self) -> str:
        return (
            f"No footprint data for {self.period.description} in the scope "
            f"'{self.scope.label}': nothing was loaded for these days, so every figure is empty."
        )

