-- Canonical store, version 1: ingest batches and the normalised billing line items.
-- Column names follow FOCUS in snake_case; every numeric column carries its unit or is money
-- (always beside a currency column).

CREATE TABLE ingest_batches (
    batch_id          INTEGER PRIMARY KEY,
    file_name         VARCHAR NOT NULL,          -- name as given (path or upload name)
    file_sha256       VARCHAR NOT NULL UNIQUE,   -- content hash: the same bytes are never loaded twice
    file_size_bytes   BIGINT NOT NULL,
    source_kind       VARCHAR NOT NULL,          -- billing | telemetry | reference
    detected_format   VARCHAR NOT NULL,          -- e.g. focus-1.0, aws-cur, aws-cur2, azure-ea
    format_detail     VARCHAR,                   -- variant notes (amortized/actual, header dialect, ...)
    rows_read         BIGINT NOT NULL,           -- data rows in the file
    rows_loaded       BIGINT NOT NULL,
    rows_skipped      BIGINT NOT NULL,
    skipped_reasons   JSON,                      -- {"reason": count}
    options           JSON,                      -- ingest flags (e.g. --team) recorded for provenance
    ingested_at       TIMESTAMP NOT NULL,        -- UTC
    duration_s        DOUBLE,
    superseded_by     INTEGER                    -- set when a later restatement replaced this batch
);

CREATE TABLE billing_line_items (
    row_id                     BIGINT NOT NULL,   -- batch_id * 2^32 + source_row: stable, unique
    batch_id                   INTEGER NOT NULL,
    source_row                 BIGINT NOT NULL,   -- 1-based data row in the source file (header excluded)
    source_format              VARCHAR NOT NULL,
    provider                   VARCHAR NOT NULL,  -- aws | gcp | azure | oracle | other
    billing_account_id         VARCHAR,
    billing_account_name       VARCHAR,
    sub_account_id             VARCHAR,           -- AWS linked account, Azure subscription, GCP project
    sub_account_name           VARCHAR,
    billing_period_start       TIMESTAMP,
    charge_period_start        TIMESTAMP NOT NULL, -- UTC
    charge_period_end          TIMESTAMP NOT NULL, -- UTC
    charge_category            VARCHAR NOT NULL,  -- Usage | Purchase | Tax | Credit | Adjustment
    charge_class               VARCHAR,           -- Correction or NULL
    charge_description         VARCHAR,
    line_item_type             VARCHAR,           -- provider's own type (CUR LineItemType, Azure ChargeType, GCP cost_type)
    pricing_category           VARCHAR,           -- Standard | Dynamic | Committed | Other
    commitment_discount_id     VARCHAR,
    commitment_discount_type   VARCHAR,
    commitment_discount_status VARCHAR,           -- Used | Unused
    service_name               VARCHAR,
    service_category           VARCHAR,
    sku_id                     VARCHAR,
    usage_type                 VARCHAR,           -- usage type / meter / SKU description
    resource_id                VARCHAR,
    resource_name              VARCHAR,
    region_id                  VARCHAR,           -- provider region code, lower case (us-east-1, eastus, us-central1)
    region_name                VARCHAR,
    availability_zone          VARCHAR,
    consumed_quantity          DOUBLE,            -- as billed
    consumed_unit              VARCHAR,           -- as billed
    usage_quantity             DOUBLE,            -- block size applied, in usage_unit
    usage_unit                 VARCHAR,           -- hour | gb_hour | gb_month | gb | request | token | other
    usage_hours                DOUBLE,            -- resource-hours when usage_unit = 'hour'
    billed_cost                DECIMAL(38, 18) NOT NULL,
    effective_cost             DECIMAL(38, 18),
    list_cost                  DECIMAL(38, 18),
    billing_currency           VARCHAR NOT NULL,
    carries_usage              BOOLEAN NOT NULL,  -- quantity is real consumption (energy basis)
    tags                       JSON,              -- flat object of string values
    instance_type              VARCHAR,
    vcpu_count                 DOUBLE,            -- per usage hour
    memory_gb                  DOUBLE,            -- per usage hour
    accelerator_model          VARCHAR,           -- canonical id from ref_accelerators (H100-80GB, A10G, ...)
    accelerator_count          DOUBLE,            -- devices per usage hour
    workload_hint              VARCHAR,           -- training | inference | notebook | processing | NULL (from usage type)
    x_details                  JSON               -- provider extras kept for audit
);
