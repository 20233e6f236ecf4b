-- GPU telemetry: the devices a file reports on (series), their samples, and the measured energy worked
-- out from them at ingest. Every row belongs to a batch (batch_id), so removing a batch removes its
-- telemetry and a failed file leaves nothing behind. Timestamps are UTC.

-- One row per device time series in a file: an nvidia-smi GPU, or a Prometheus label set with the MIG
-- instances of one board folded together (board power is reported once per board). Attribution columns
-- hold what the file itself said (labels) or, where it said nothing, the ingest flags; NULL = not stated.
CREATE TABLE telemetry_series (
    series_id          BIGINT NOT NULL,    -- batch_id * 2^32 + n: stable, unique
    batch_id           INTEGER NOT NULL,
    source_format      VARCHAR NOT NULL,   -- nvidia-smi | nvidia-smi-capture | dcgm-prometheus | ...
    host               VARCHAR,            -- host name / instance id; NULL when neither file nor flags say
    gpu_index          INTEGER,            -- ordinal on the host as reported
    gpu_uuid           VARCHAR,            -- 'GPU-...' (normalised to carry the prefix)
    gpu_name           VARCHAR,            -- as reported ('NVIDIA H100 80GB HBM3')
    accelerator_model  VARCHAR,            -- canonical id (H100-80GB, ...) where the name is known
    mig_instances      VARCHAR,            -- MIG GPU instance ids seen for this board (power is per board)
    pod                VARCHAR,            -- Kubernetes labels (exported_* and old-namespace variants folded)
    namespace          VARCHAR,
    container          VARCHAR,
    team               VARCHAR,
    model              VARCHAR,
    workload           VARCHAR,
    job                VARCHAR,
    attribution_source VARCHAR,            -- labels | flags | labels+flags | NULL (nothing stated)
    provider           VARCHAR,            -- from ingest options when given
    region_id          VARCHAR,
    labels             JSON                -- other source labels, for audit
);

-- One row per device and time stamp. Units are converted at ingest: W, mJ (counter), %, MiB.
CREATE TABLE telemetry_samples (
    series_id          BIGINT NOT NULL,
    batch_id           INTEGER NOT NULL,
    source_row         BIGINT NOT NULL,    -- data row / line in the file the sample came from
    ts                 TIMESTAMP,          -- UTC; NULL when the file has no time axis (one snapshot)
    power_w            DOUBLE,             -- board power draw
    energy_counter_mj  DOUBLE,             -- cumulative energy counter since driver load (DCGM, NVML)
    utilisation_pct    DOUBLE,             -- 0-100
    memory_used_mib    DOUBLE
);

-- Measured energy per series and hour, worked out at ingest (footprint/telemetry/energy.py).
CREATE TABLE telemetry_energy (
    series_id          BIGINT NOT NULL,
    batch_id           INTEGER NOT NULL,
    bucket_start       TIMESTAMP NOT NULL, -- UTC hour
    bucket_end         TIMESTAMP NOT NULL,
    first_ts           TIMESTAMP NOT NULL, -- part of the hour the samples cover
    last_ts            TIMESTAMP NOT NULL,
    method             VARCHAR NOT NULL,   -- energy_counter | power_trapezoid
    energy_kwh         DOUBLE NOT NULL,    -- IT energy of the device, PUE not applied
    covered_s          DOUBLE NOT NULL,    -- seconds of the hour the energy stands for
    intervals          BIGINT NOT NULL     -- sample intervals (or parts of them) summed
);

-- Intervals not counted (a gap longer than max_gap_factor x the sampling interval) and counter resets.
CREATE TABLE telemetry_gaps (
    series_id              BIGINT NOT NULL,
    batch_id               INTEGER NOT NULL,
    kind                   VARCHAR NOT NULL,  -- gap_not_bridged | counter_gap_measured | counter_reset
    gap_start              TIMESTAMP NOT NULL,
    gap_end                TIMESTAMP NOT NULL,
    gap_s                  DOUBLE NOT NULL,
    sample_interval_s      DOUBLE,            -- the series' median spacing
    max_bridge_s           DOUBLE,            -- longest interval bridged (factor x spacing)
    energy_not_counted_kwh DOUBLE             -- what bridging would have added (power), NULL if unknown
);

-- CodeCarbon runs, one per emissions.csv row. Energies are kept as exact decimals so totals equal the
-- file's own sums. From CodeCarbon 2.2.3 on, every energy column is already multiplied by `pue`.
CREATE TABLE codecarbon_runs (
    batch_id            INTEGER NOT NULL,
    source_row          BIGINT NOT NULL,
    layout              VARCHAR NOT NULL,   -- column layout recognised (e.g. '2.2.3-2.6')
    codecarbon_version  VARCHAR,
    run_start           TIMESTAMP NOT NULL, -- UTC, run_end - duration
    run_end             TIMESTAMP NOT NULL, -- UTC, the row's timestamp (host local time converted)
    duration_s          DOUBLE NOT NULL,
    project_name        VARCHAR,
    run_id              VARCHAR,
    experiment_id       VARCHAR,
    task_name           VARCHAR,            -- extra leading column some scripts add
    energy_consumed_kwh DECIMAL(38, 28) NOT NULL,
    cpu_energy_kwh      DECIMAL(38, 28),
    gpu_energy_kwh      DECIMAL(38, 28),
    ram_energy_kwh      DECIMAL(38, 28),
    emissions_kg        DECIMAL(38, 28),
    cpu_power_w         DOUBLE,
    gpu_power_w         DOUBLE,
    ram_power_w         DOUBLE,
    gpu_count           DOUBLE,
    gpu_model           VARCHAR,
    accelerator_model   VARCHAR,
    country_name        VARCHAR,
    country_iso3        VARCHAR,
    region              VARCHAR,
    cloud_provider      VARCHAR,
    cloud_region        VARCHAR,
    on_cloud            BOOLEAN,
    tracking_mode       VARCHAR,
    pue_included        BOOLEAN NOT NULL,   -- the energies already carry `pue` (CodeCarbon >= 2.2.3)
    pue_in_source       DOUBLE,             -- that PUE
    host                VARCHAR,            -- from --host
    team                VARCHAR,
    model               VARCHAR,
    workload            VARCHAR,
    job                 VARCHAR,
    attribution_source  VARCHAR
);

-- Inference request counts per time bucket and model (header documented in ingest/telemetry/requests.py).
CREATE TABLE inference_requests (
    batch_id       INTEGER NOT NULL,
    source_row     BIGINT NOT NULL,
    period_start   TIMESTAMP NOT NULL,   -- UTC
    period_end     TIMESTAMP NOT NULL,   -- UTC
    model          VARCHAR NOT NULL,
    team           VARCHAR,
    requests       BIGINT NOT NULL,
    input_tokens   BIGINT,
    output_tokens  BIGINT,
    tokens         BIGINT                -- total; input + output when only those are given
);

-- Mapping file rows: host / GPU / time window -> team, model, workload, job (and the billed resource).
CREATE TABLE telemetry_mapping (
    batch_id      INTEGER NOT NULL,
    source_row    BIGINT NOT NULL,
    host          VARCHAR NOT NULL,
    gpu_index     INTEGER,               -- NULL = every GPU of the host
    gpu_uuid      VARCHAR,
    valid_from    TIMESTAMP,             -- UTC, inclusive; NULL = open
    valid_to      TIMESTAMP,             -- UTC, exclusive; NULL = open
    team          VARCHAR,
    model         VARCHAR,
    workload      VARCHAR,
    job           VARCHAR,
    resource_id   VARCHAR                -- billing resource id the host runs as (e.g. i-0abc...)
);

-- Canonical accelerator id from a reported device name ('NVIDIA H100 80GB HBM3', 'Tesla T4',
-- '8 x NVIDIA A100-SXM4-80GB'); NULL when not a known data-centre accelerator.
CREATE MACRO fp_gpu_model(name) AS CASE
    WHEN name IS NULL THEN NULL
    WHEN regexp_matches(name, '(?i)H200') THEN 'H200-141GB'
    WHEN regexp_matches(name, '(?i)H100') AND regexp_matches(name, '(?i)NVL|94\s?GB') THEN 'H100-94GB'
    WHEN regexp_matches(name, '(?i)H100') THEN 'H100-80GB'
    WHEN regexp_matches(name, '(?i)A100') AND regexp_matches(name, '(?i)80\s?GB') THEN 'A100-80GB'
    WHEN regexp_matches(name, '(?i)A100') THEN 'A100-40GB'
    WHEN regexp_matches(name, '(?i)\bA10G\b') THEN 'A10G'
    WHEN regexp_matches(name, '(?i)\bA10\b') THEN 'A10'
    WHEN regexp_matches(name, '(?i)\bL40S\b') THEN 'L40S'
    WHEN regexp_matches(name, '(?i)\bL4\b') THEN 'L4'
    WHEN regexp_matches(name, '(?i)\bT4\b') THEN 'T4'
    WHEN regexp_matches(name, '(?i)V100') AND regexp_matches(name, '(?i)32\s?GB') THEN 'V100-32GB'
    WHEN regexp_matches(name, '(?i)V100') THEN 'V100-16GB'
    WHEN regexp_matches(name, '(?i)\bM60\b') THEN 'M60'
    ELSE NULL END;

-- GPU UUIDs as nvidia-smi prints them: exporters sometimes drop the 'GPU-' prefix.
CREATE MACRO fp_gpu_uuid(u) AS CASE
    WHEN u IS NULL OR trim(u) = '' THEN NULL
    WHEN upper(left(trim(u), 4)) IN ('GPU-', 'MIG-') THEN trim(u)
    ELSE 'GPU-' || trim(u) END;

-- Reading nvidia-smi / exporter values: bracketed placeholders ('[N/A]', '[Not Supported]', ...) are
-- missing values, never 0; a value may carry the column's unit ('69.85 W'); any other unit is an error.
CREATE MACRO fp_tel_blank(v) AS v IS NULL OR trim(v) = '' OR trim(v) = 'N/A'
    OR (starts_with(trim(v), '[') AND suffix(trim(v), ']'));
CREATE MACRO fp_tel_numpart(v) AS TRY_CAST(regexp_extract(trim(v),
    '^([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z%]*)$', 1) AS DOUBLE);
CREATE MACRO fp_tel_unitpart(v) AS regexp_extract(trim(v),
    '^([-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)\s*([A-Za-z%]*)$', 2);
-- The plain and '<number> <unit>' forms are read without a regular expression (logs are large).
CREATE MACRO fp_tel_plain(v) AS CASE WHEN isfinite(TRY_CAST(v AS DOUBLE)) THEN TRY_CAST(v AS DOUBLE) END;
CREATE MACRO fp_tel_num(v, r, col, unit) AS CASE
    WHEN fp_tel_plain(trim(v)) IS NOT NULL THEN fp_tel_plain(trim(v))
    WHEN suffix(trim(v), unit) AND fp_tel_plain(rtrim(left(trim(v), length(trim(v)) - length(unit)))) IS NOT NULL
        THEN fp_tel_plain(rtrim(left(trim(v), length(trim(v)) - length(unit))))
    WHEN fp_tel_blank(v) THEN NULL
    WHEN fp_tel_numpart(v) IS NULL THEN fp_fail(r, col, 'cannot read ''' || trim(v) || ''' as a number')
    WHEN fp_tel_unitpart(v) NOT IN ('', unit) THEN fp_fail(r, col, '''' || trim(v) || ''' is not in '
        || unit || ' like the column header says (units change within the file)')
    ELSE fp_tel_numpart(v) END;

-- Host-local time stamps ('2026/07/14 08:12:38.696', '2024-05-31T10:39:13') read in the time zone `tz`;
-- a stamp that carries an offset ('2025-09-08T17:26:50+08:00') is converted with it. NULL if unreadable.
CREATE MACRO fp_tel_local_ts(s) AS coalesce(
    try_strptime(trim(s), ['%Y/%m/%d %H:%M:%S.%f', '%Y/%m/%d %H:%M:%S']),
    TRY_CAST(trim(s) AS TIMESTAMP));
CREATE MACRO fp_tel_ts(s, tz) AS CASE
    WHEN tz = 'UTC' AND try_strptime(trim(s), '%Y/%m/%d %H:%M:%S.%f') IS NOT NULL
        THEN try_strptime(trim(s), '%Y/%m/%d %H:%M:%S.%f')
    WHEN regexp_matches(trim(s), '[0-9]:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN fp_ts(s)
    WHEN tz = 'UTC' THEN fp_tel_local_ts(s)
    ELSE CAST(timezone(tz, fp_tel_local_ts(s)) AS TIMESTAMP) END;
