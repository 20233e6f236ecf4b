"""The report as data: one pydantic object that every renderer (PDF, XLSX, CSV) draws from.

Figures are held in the store's base units (kWh, kg CO2e, money in its billing currency), exactly as the
query functions return them; only renderers scale them (MWh, t CO2e) for display. Nothing here queries
or computes: `footprint.report.build` fills the object from the store.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from footprint.report.period import Period, Scope

REPORT_TITLE = "Energy and emissions of AI compute"


class _Row(BaseModel):
    """A row of a query result. Every figure is required (None where the query gives none): a column a
    query renames or drops is an error here, never a silent default of 0. Columns the report does not
    print are ignored."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Totals(_Row):
    """Every metric of `footprint.queries.summary()` for one scope (or one group), base units."""

    line_items: int
    energy_kwh: float | None
    energy_kwh_low: float | None
    energy_kwh_high: float | None
    measured_energy_kwh: float | None
    facility_energy_kwh: float | None
    facility_energy_kwh_low: float | None
    facility_energy_kwh_high: float | None
    scope2_location_kgco2e: float | None
    scope2_location_kgco2e_low: float | None
    scope2_location_kgco2e_high: float | None
    scope2_market_kgco2e: float | None
    scope2_market_kgco2e_low: float | None
    scope2_market_kgco2e_high: float | None
    spend_based_energy_kwh: float | None
    unmodelled_line_items: int
    usage_cost: float | None
    estimated_usage_cost: float | None
    coverage: float | None
    measured_share: float | None
    cost: dict[str, float]  # billing currency -> billed cost


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
    training_energy_kwh: float | None
    fine_tuning_energy_kwh: float | None
    inference_energy_kwh: float | None
    other_energy_kwh: float | None
    training_facility_energy_kwh: float | None
    inference_facility_energy_kwh: float | None
    training_kgco2e_location: float | None
    inference_kgco2e_location: float | None
    training_kgco2e_market: float | None
    inference_kgco2e_market: float | None
    requests: float | None
    energy_kwh_per_1k_inferences: float | None
    facility_energy_kwh_per_1k_inferences: float | None
    sci_kgco2e_per_1k_requests: float | None
    requests_matched_share: float | None
    break_even: date | None
    break_even_status: str | None
    cost: dict[str, float]


class Instrument(_Row):
    """A contractual instrument that covered facility energy in the scope and period."""

    instrument_id: str
    instrument_type: str | None
    zone: str | None
    provider: str | None
    region_id: str | None
    period_start: date | None
    period_end: date | None
    covered_mwh: float | None  # contracted volume, when the instrument is a volume
    covered_share: float | None  # contracted share, when it is a share
    factor_g_per_kwh: float | None
    certification: str | None
    line_items: int
    covered_kwh: float  # facility energy of this scope the instrument covered
    eligible_facility_energy_kwh: float | None  # facility energy of the rows it covered


class MarketMethod(_Row):
    """How the market-based figure was made in one region (instrument, residual mix, location fallback)."""

    provider: str
    region: str
    market_method: str | None
    market_factor_source: str | None
    facility_energy_kwh: float | None
    instrument_covered_kwh: float | None
    market_kgco2e: float | None
    effective_g_per_kwh: float | None


class PueSource(_Row):
    provider: str
    region: str
    pue: float | None
    pue_source: str | None
    pue_year: int | None
    energy_kwh: float | None
    facility_energy_kwh: float | None


class LocationFactor(_Row):
    provider: str
    region: str
    grid_zone: str | None
    location_factor_zone: str | None
    location_factor_g_per_kwh: float | None  # None where hourly factors vary within the row
    location_factor_source: str | None
    location_factor_basis: str | None
    location_factor_year: int | None
    location_factor_fallback: str | None
    location_hourly: bool
    facility_energy_kwh: float | None
    location_kgco2e: float | None
    effective_g_per_kwh: float | None


class Coefficient(_Row):
    """A coefficient the estimate used, with its value and the citation of its source."""

    coefficient_id: str
    line_items: int
    energy_kwh: float | None
    value: str | None
    source_id: str | None
    sources: str | None


class MethodShare(_Row):
    """Footprint rows (billing line items and telemetry), energy and usage cost per estimation method and
    billing currency, as footprint.aggregates.method_shares() gives them."""

    method: str
    billing_currency: str | None
    footprint_rows: int
    energy_kwh: float | None
    measured_energy_kwh: float | None
    spend_based_energy_kwh: float | None
    usage_cost: float | None


class UnknownSku(_Row):
    """Usage no coefficient covers, with the cost it carries."""

    provider: str
    service: str
    usage_type: str
    usage_unit: str | None
    not_modelled_reason: str | None
    billing_currency: str | None
    line_items: int
    usage_cost: float | None
    spend_based_energy_kwh: float | None


class Unattributed(_Row):
    """Spend and energy that no rule gave a team and/or a model."""

    provider: str
    service: str
    missing: str  # team and model | team | model
    billing_currency: str | None
    energy_kwh: float | None
    billed_cost: float | None


class DataQuality(_Row):
    """Shares that say how much of the footprint is measured, modelled, spend-based or unattributed."""

    measured_share_of_energy: float | None
    modelled_share_of_energy: float | None
    spend_based_share_of_usage_cost: dict[str, float]  # per currency
    unattributed_share_of_cost: dict[str, float]  # per currency
    unattributed_share_of_energy: float | None
    unknown_sku_groups: int  # usage groups without a coefficient (counted up to build.UNKNOWN_SKU_LIMIT)


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
    data_first_day: date | None  # first and last UTC day a footprint row of the store starts on (None: empty)
    data_last_day: date | None
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
    def coverage_note(self) -> str | None:
        """What part of the period the data covers, when it does not cover all of it (else None)."""
        return self.period.coverage_note(self.data_first_day, self.data_last_day)

    @property
    def coverage_text(self) -> str:
        """The cover's line on data coverage, for every report."""
        if self.data_first_day is None or self.data_last_day is None:
            return "The store holds no data."
        return self.coverage_note or (
            f"The data loaded ({self.data_first_day.isoformat()} to {self.data_last_day.isoformat()}) covers "
            "the whole period."
        )

    @property
    def comparison_is_partial(self) -> bool:
        """Whether this period or the one it is compared with reaches beyond the data, so that a change
        between them would compare unlike spans of data."""
        bounds = (self.data_first_day, self.data_last_day)
        return self.period.is_partial(*bounds) or self.previous_period.is_partial(*bounds)

    @property
    def is_empty(self) -> bool:
        return self.rows_total == 0

    @property
    def empty_message(self) -> str:
        return (
            f"No footprint data for {self.period.description} in the scope "
            f"'{self.scope.label}': nothing was loaded for these days, so every figure is empty."
        )

