-- Refresh bookkeeping, exact sums and a leaner footprint_items (footprint/pipeline.py).
--
-- refresh_state / refresh_batches record what the derived tables were last computed from: the context
-- (methodology version, schema, refresh code, attribution rules, shipped reference tables, estimation
-- settings) and the live batches. The pipeline compares them with the store to choose between a full
-- and an incremental refresh (docs/ARCHITECTURE.md, "Refresh pipeline").

CREATE TABLE refresh_state (
    refreshed_at     TIMESTAMP NOT NULL,  -- UTC
    mode             VARCHAR NOT NULL,    -- full | incremental
    reason           VARCHAR NOT NULL,    -- why this mode (what changed)
    context_sha256   VARCHAR NOT NULL,    -- hash of context
    context          JSON NOT NULL,       -- {part: signature} for each part of the context
    batches_added    INTEGER[] NOT NULL,  -- live batches the refresh added (incremental)
    batches_removed  INTEGER[] NOT NULL,  -- batches it removed (incremental)
    duration_s       DOUBLE NOT NULL
);

-- The live batches (superseded_by IS NULL) the derived tables were computed from.
CREATE TABLE refresh_batches (
    batch_id      INTEGER NOT NULL,
    file_sha256   VARCHAR NOT NULL,
    source_kind   VARCHAR NOT NULL     -- billing | telemetry | reference
);

-- Sum of a DOUBLE column that does not depend on the order of the addends: each value is added as an
-- exact DECIMAL(38, 18) (integer arithmetic), so parallel threads give the same result to the last digit.
-- Values and sums must stay below 1.7e20 in magnitude (far above any energy or emission figure).
-- It takes no FILTER clause: write fp_sum(CASE WHEN <condition> THEN x END).
CREATE MACRO fp_sum(x) AS CAST(sum(CAST(x AS DECIMAL(38, 18))) AS DOUBLE);

-- footprint_items without its primary-key index: the refresh writes item ids that are unique by
-- construction ('b:' || row_id, 't:' || activity_id), and the index cost more than the rest of the
-- write, tripled the table's size on disk and made deleting a batch's items slow. Same columns.
CREATE TABLE footprint_items_011 (
    item_id                      VARCHAR NOT NULL,   -- 'b:<row_id>' or 't:<activity_id>'; unique
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

INSERT INTO footprint_items_011 SELECT * FROM footprint_items;
DROP TABLE footprint_items;
ALTER TABLE footprint_items_011 RENAME TO footprint_items;
