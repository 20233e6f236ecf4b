-- Per-model ledger: footprint, cost and requests per day (the long tables every ledger query reads), and
-- the same per model and period (day and month) with the ratios a model page shows.
-- Filled by footprint.ledger.refresh (footprint/sql/ledger/*.sql) after the estimation step.
--
-- Energy columns follow footprint_items: energy_kwh is IT energy (PUE not applied), facility_energy_kwh
-- includes PUE; location_kgco2e / market_kgco2e are the two GHG Protocol Scope 2 methods. A footprint item
-- that spans several days is spread over them in proportion to the time it covers in each.

-- Value written per the rules file's normalise setting: 'slug', 'lower' or 'asis'.
CREATE MACRO fp_attr_norm(s, mode) AS CASE mode
    WHEN 'slug' THEN fp_attr_slug(s)
    WHEN 'lower' THEN nullif(lower(trim(s)), '')
    ELSE nullif(trim(s), '') END;

CREATE TABLE ledger_model_day (
    day                       DATE NOT NULL,      -- UTC
    team                      VARCHAR NOT NULL,
    model                     VARCHAR NOT NULL,
    workload                  VARCHAR NOT NULL,   -- training | inference | development | data_processing | unknown
    workload_detail           VARCHAR,            -- fine_tuning | pretraining | online | batch | ... or NULL
    items                     BIGINT NOT NULL,    -- footprint items contributing (an item spanning days counts on each)
    unestimated_items         BIGINT NOT NULL,    -- of which without an energy estimate (counted at 0 kWh)
    energy_kwh_low            DOUBLE NOT NULL,
    energy_kwh                DOUBLE NOT NULL,    -- IT energy
    energy_kwh_high           DOUBLE NOT NULL,
    facility_energy_kwh_low   DOUBLE NOT NULL,
    facility_energy_kwh       DOUBLE NOT NULL,
    facility_energy_kwh_high  DOUBLE NOT NULL,
    measured_energy_kwh       DOUBLE NOT NULL,    -- part of energy_kwh that was measured
    location_kgco2e_low       DOUBLE NOT NULL,
    location_kgco2e           DOUBLE NOT NULL,
    location_kgco2e_high      DOUBLE NOT NULL,
    market_kgco2e_low         DOUBLE NOT NULL,
    market_kgco2e             DOUBLE NOT NULL,
    market_kgco2e_high        DOUBLE NOT NULL
);

CREATE TABLE ledger_model_cost_day (
    day               DATE NOT NULL,
    team              VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    workload          VARCHAR NOT NULL,
    billing_currency  VARCHAR NOT NULL,
    billed_cost       DECIMAL(38, 18) NOT NULL   -- never summed across currencies
);

-- Inference requests and tokens per day and model (inference_requests spread over the days they cover).
CREATE TABLE ledger_requests_day (
    day                 DATE NOT NULL,
    model               VARCHAR NOT NULL,
    team                VARCHAR,                 -- NULL: the counts did not name a team (count for every team)
    requests            DOUBLE NOT NULL,
    tokens              DOUBLE,                  -- NULL where no token counts were given
    input_tokens        DOUBLE,
    output_tokens       DOUBLE
);

-- One row per model and period (grain day or month), over every team.
CREATE TABLE ledger_model_period (
    grain                                  VARCHAR NOT NULL,   -- day | month
    period_start                           DATE NOT NULL,
    model                                  VARCHAR NOT NULL,
    training_energy_kwh                    DOUBLE NOT NULL,
    training_facility_energy_kwh           DOUBLE NOT NULL,
    training_measured_energy_kwh           DOUBLE NOT NULL,
    training_kgco2e_location               DOUBLE NOT NULL,
    training_kgco2e_market                 DOUBLE NOT NULL,
    inference_energy_kwh                   DOUBLE NOT NULL,
    inference_facility_energy_kwh          DOUBLE NOT NULL,
    inference_measured_energy_kwh          DOUBLE NOT NULL,
    inference_kgco2e_location              DOUBLE NOT NULL,
    inference_kgco2e_market                DOUBLE NOT NULL,
    other_energy_kwh                       DOUBLE NOT NULL,    -- development, data processing, unknown
    other_facility_energy_kwh              DOUBLE NOT NULL,
    other_kgco2e_location                  DOUBLE NOT NULL,
    other_kgco2e_market                    DOUBLE NOT NULL,
    measured_share                         DOUBLE,             -- measured / IT energy, all workloads
    requests                               DOUBLE NOT NULL,
    tokens                                 DOUBLE,
    energy_kwh_per_1k_inferences           DOUBLE,             -- inference IT energy on days with counts / requests * 1000
    energy_kwh_per_1m_tokens               DOUBLE,             -- inference IT energy on days with tokens / tokens * 1e6
    sci_kgco2e_per_1k_requests             DOUBLE,             -- ISO/IEC 21031: (E * I + M) / R, R = 1000 requests, M = 0
    cumulative_training_facility_energy_kwh  DOUBLE NOT NULL,  -- from the first period to the end of this one
    cumulative_inference_facility_energy_kwh DOUBLE NOT NULL,
    cumulative_requests                    DOUBLE NOT NULL
);
