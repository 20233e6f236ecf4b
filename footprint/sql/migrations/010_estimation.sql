-- Estimation, version 1: the materialised footprint of every billing line item and every telemetry
-- activity (IT energy with its range, PUE, facility energy, location- and market-based emissions, and the
-- provenance of each figure), the user-supplied reference inputs the estimate uses, and v_footprint over it.
-- Filled by footprint.estimation.refresh (footprint/sql/estimation/*.sql); see docs/methodology.md.

CREATE TABLE footprint_items (
    item_id                      VARCHAR NOT NULL PRIMARY KEY, -- 'b:<row_id>' or 't:<activity_id>'
    source                       VARCHAR NOT NULL,   -- billing | telemetry
    row_id                       BIGINT,             -- billing_line_items.row_id (billing)
    activity_id                  BIGINT,             -- telemetry_activity.activity_id (telemetry)
    batch_id                     INTEGER NOT NULL,
    source_row                   BIGINT,             -- 1-based data row in the source file (billing)
    charge_period_start          TIMESTAMP NOT NULL, -- UTC
    charge_period_end            TIMESTAMP NOT NULL, -- UTC
    usage_year                   INTEGER NOT NULL,   -- year of charge_period_start: picks PUE and factors
    provider                     VARCHAR NOT NULL,
    region_id                    VARCHAR,
    service_name                 VARCHAR,
    sub_account_id               VARCHAR,
    billing_account_id           VARCHAR,
    charge_category              VARCHAR,
    usage_type                   VARCHAR,
    resource_id                  VARCHAR,
    team                         VARCHAR NOT NULL,
    model                        VARCHAR NOT NULL,
    workload                     VARCHAR NOT NULL,
    workload_detail              VARCHAR,
    attribution_rule_id          VARCHAR,
    instance_type                VARCHAR,
    cpu_microarchitecture        VARCHAR,
    vcpu_count                   DOUBLE,             -- per usage hour
    memory_gb                    DOUBLE,             -- per usage hour
    accelerator_model            VARCHAR,
    accelerator_count            DOUBLE,             -- devices per usage hour
    usage_kind                   VARCHAR NOT NULL,   -- instance | accelerator | vcpu | memory | storage | network | telemetry | unmodelled | none
    usage_quantity               DOUBLE,
    usage_unit                   VARCHAR,
    usage_hours                  DOUBLE,
    device_hours                 DOUBLE,             -- accelerator device-hours
    billing_currency             VARCHAR,
    billed_cost                  DECIMAL(38, 18),
    effective_cost               DECIMAL(38, 18),
    carries_usage                BOOLEAN NOT NULL,
    usage_cost                   DECIMAL(38, 18),    -- cost of usage rows (effective, else billed): coverage denominator
    estimated_usage_cost         DECIMAL(38, 18),    -- usage_cost of rows with an energy estimate: coverage numerator
    -- IT energy, kWh (PUE not applied); components are central values
    cpu_energy_kwh               DOUBLE,
    memory_energy_kwh            DOUBLE,
    storage_energy_kwh           DOUBLE,
    network_energy_kwh           DOUBLE,
    accelerator_energy_kwh       DOUBLE,             -- after measured substitution
    modelled_accelerator_energy_kwh DOUBLE,          -- the modelled value, kept for audit when measured replaced it
    energy_kwh_low               DOUBLE,
    energy_kwh                   DOUBLE,
    energy_kwh_high              DOUBLE,
    measured_energy_kwh          DOUBLE NOT NULL,    -- part of energy_kwh that was measured
    measured_device_hours        DOUBLE,
    telemetry_batches            VARCHAR,
    method                       VARCHAR NOT NULL,   -- measured | modelled | spend_based | none
    formula_id                   VARCHAR,
    coefficient_ids              VARCHAR,            -- ';'-separated ids of the coefficients used
    cpu_utilization              DOUBLE,             -- central utilisation assumed (0..1)
    accelerator_utilization      DOUBLE,
    not_modelled_reason          VARCHAR,
    -- facility energy
    pue                          DOUBLE,
    pue_source                   VARCHAR,
    pue_year                     INTEGER,
    facility_energy_kwh_low      DOUBLE,
    facility_energy_kwh          DOUBLE,
    facility_energy_kwh_high     DOUBLE,
    -- location-based
    grid_zone                    VARCHAR,            -- eGRID subregion (US) or ISO 3166 country code
    country_iso2                 VARCHAR,
    location_factor_zone         VARCHAR,            -- zone of the factor actually used (may be a fallback)
    location_factor_g_per_kwh    DOUBLE,
    location_factor_source       VARCHAR,
    location_factor_basis        VARCHAR,            -- direct | operational | lifecycle
    location_factor_year         INTEGER,
    location_factor_fallback     VARCHAR,            -- exact | earlier_year | country | provider_average | world_average | hourly
    location_hourly              BOOLEAN NOT NULL,
    location_kgco2e_low          DOUBLE,
    location_kgco2e              DOUBLE,
    location_kgco2e_high         DOUBLE,
    -- market-based
    instrument_share             DOUBLE NOT NULL,    -- share of facility energy covered by contractual instruments
    instrument_ids               VARCHAR,
    market_method                VARCHAR,            -- instrument | residual_mix | location_fallback | provider_claim | instrument+<remainder>
    market_factor_g_per_kwh      DOUBLE,             -- effective factor over the row's facility energy
    market_factor_source         VARCHAR,
    market_kgco2e_low            DOUBLE,
    market_kgco2e                DOUBLE,
    market_kgco2e_high           DOUBLE,
    -- spend-based (separate method, never part of the figures above)
    spend_based_energy_kwh       DOUBLE,
    spend_based_basis            VARCHAR,
    spend_based_location_kgco2e  DOUBLE,
    scope_label                  VARCHAR NOT NULL,   -- scope2 | scope3_cat1
    methodology_version          VARCHAR NOT NULL
);

-- One row per refresh: when, with which methodology and options (provenance of every stored figure).
CREATE TABLE estimation_runs (
    run_id                INTEGER PRIMARY KEY,
    ran_at                TIMESTAMP NOT NULL,  -- UTC
    methodology_version   VARCHAR NOT NULL,
    options               JSON NOT NULL,
    items                 BIGINT NOT NULL
);

-- User-supplied reference inputs, loaded like any other batch (source_kind 'reference').

-- Contractual instruments for the market-based method (PPAs, RECs/GOs/I-RECs, green tariffs,
-- supplier-specific factors). Scope: a grid zone, or a provider region; a period; MWh or a share covered.
CREATE TABLE input_instruments (
    batch_id           INTEGER NOT NULL,
    source_row         BIGINT NOT NULL,
    instrument_id      VARCHAR NOT NULL,
    instrument_type    VARCHAR NOT NULL,   -- eac | ppa | green_tariff | supplier_specific
    zone               VARCHAR,            -- grid zone (eGRID subregion or ISO country code)
    provider           VARCHAR,
    region_id          VARCHAR,
    period_start       DATE NOT NULL,
    period_end         DATE NOT NULL,      -- inclusive
    covered_mwh        DOUBLE,
    covered_share      DOUBLE,             -- 0..1
    factor_g_per_kwh   DOUBLE NOT NULL,    -- emission rate of the contracted generation (0 for renewables)
    certification      VARCHAR,
    note               VARCHAR
);

-- Residual-mix factors per grid zone and year (AIB, Green-e, ... supplied by the user).
CREATE TABLE input_residual_mix (
    batch_id             INTEGER NOT NULL,
    source_row           BIGINT NOT NULL,
    zone                 VARCHAR NOT NULL,
    year                 INTEGER NOT NULL,
    factor_g_per_kwh     DOUBLE NOT NULL,
    source               VARCHAR NOT NULL
);

-- Hourly location-based factors per grid zone (UTC hours).
CREATE TABLE input_hourly_factors (
    batch_id             INTEGER NOT NULL,
    source_row           BIGINT NOT NULL,
    zone                 VARCHAR NOT NULL,
    hour_start           TIMESTAMP NOT NULL,
    intensity_g_per_kwh  DOUBLE NOT NULL,
    basis                VARCHAR NOT NULL,  -- direct | operational | lifecycle
    source               VARCHAR NOT NULL
);

-- PUE overrides per provider, region and (optionally) year.
CREATE TABLE input_pue (
    batch_id             INTEGER NOT NULL,
    source_row           BIGINT NOT NULL,
    provider             VARCHAR NOT NULL,
    region_id            VARCHAR,
    year                 INTEGER,
    pue                  DOUBLE NOT NULL,
    source               VARCHAR NOT NULL
);

-- Every query reads the footprint through this view (billing rows and unbilled telemetry activity).
CREATE OR REPLACE VIEW v_footprint AS SELECT * FROM footprint_items;
