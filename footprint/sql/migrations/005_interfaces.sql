-- Tables through which the pipeline steps hand results to each other. Each is filled by one refresh
-- step (footprint/pipeline.py) and read by the next; their shape is fixed here so the steps stay
-- independent.

-- Attribution step: who and what each billing row is for. Exactly one row per billing line item.
CREATE TABLE line_item_attribution (
    row_id        BIGINT NOT NULL,
    team          VARCHAR NOT NULL,   -- 'unattributed' when no rule matched
    model         VARCHAR NOT NULL,   -- 'unattributed' when no rule matched
    workload      VARCHAR NOT NULL,   -- training | inference | development | data_processing | unknown
    workload_detail VARCHAR,          -- fine_tuning | online | batch | ... where known
    project       VARCHAR,
    rule_id       VARCHAR             -- which rule decided (provenance); NULL = nothing matched
);

-- Telemetry step: measured accelerator energy matched to a billing row (same instance/host, same time).
-- The estimation step uses it in place of the modelled accelerator energy for that row.
CREATE TABLE line_item_measured (
    row_id                          BIGINT NOT NULL,
    measured_accelerator_energy_kwh DOUBLE NOT NULL,  -- IT energy, PUE not applied
    measured_device_hours           DOUBLE NOT NULL,  -- device-hours the telemetry covered
    telemetry_batches               VARCHAR           -- batch ids the measurement came from, for provenance
);

-- Telemetry step: measured energy that no billing row covers (own or colocated hardware, or cloud
-- telemetry without a matching bill). One row per host/GPU group and time bucket.
CREATE TABLE telemetry_activity (
    activity_id       BIGINT NOT NULL,
    batch_id          INTEGER NOT NULL,
    period_start      TIMESTAMP NOT NULL,   -- UTC
    period_end        TIMESTAMP NOT NULL,   -- UTC
    provider          VARCHAR,              -- aws | gcp | azure | onprem | NULL unknown
    region_id         VARCHAR,              -- cloud region or site id used for PUE and grid factors
    country_iso2      VARCHAR,
    host              VARCHAR,
    accelerator_model VARCHAR,
    device_count      DOUBLE,
    team              VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    workload          VARCHAR NOT NULL,
    job               VARCHAR,
    energy_kwh        DOUBLE NOT NULL,      -- as measured
    pue_included      BOOLEAN NOT NULL,     -- true when the source already multiplied by a PUE (CodeCarbon >= 2.2.3)
    pue_in_source     DOUBLE,               -- that PUE
    source_format     VARCHAR NOT NULL
);
