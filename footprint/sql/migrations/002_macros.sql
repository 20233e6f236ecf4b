-- SQL helpers shared by every reader and by the estimation SQL.

-- Validation failure with the row and column it concerns; the loader turns it into a one-line message.
CREATE MACRO fp_fail(r, c, msg) AS error('FPERR|row=' || CAST(r AS VARCHAR) || '|col=' || c || '|' || msg);

-- ISO-8601 / 'YYYY-MM-DD HH:MM:SS' text to a UTC timestamp. Connections run with TimeZone = 'UTC', so a value
-- without an offset is taken as UTC and one with an offset is converted.
CREATE MACRO fp_ts(s) AS TRY_CAST(TRY_CAST(trim(s) AS TIMESTAMPTZ) AS TIMESTAMP);

CREATE MACRO fp_num(s) AS TRY_CAST(replace(trim(s), ',', '') AS DOUBLE);

CREATE MACRO fp_money(s) AS TRY_CAST(trim(s) AS DECIMAL(38, 18));

-- Blank text is missing text.
CREATE MACRO fp_blank(s) AS nullif(trim(s), '');

-- Provider ids used across the store.
CREATE MACRO fp_provider(name) AS CASE
    WHEN name IS NULL THEN 'other'
    WHEN lower(name) IN ('aws', 'amazon web services', 'amazon web services, inc.', 'amazon') THEN 'aws'
    WHEN lower(name) IN ('microsoft', 'azure', 'microsoft azure', 'microsoft corporation') THEN 'azure'
    WHEN lower(name) IN ('google', 'google cloud', 'gcp', 'google cloud platform', 'google llc') THEN 'gcp'
    WHEN lower(name) LIKE 'oracle%' OR lower(name) = 'oci' THEN 'oracle'
    ELSE 'other' END;

-- Key an instance type is looked up by in ref_instance_types: managed-service prefixes (SageMaker ml.,
-- RDS db., ElastiCache cache.) stripped, Azure 'Standard_' optional, case folded.
CREATE MACRO fp_instance_key(t) AS lower(regexp_replace(regexp_replace(trim(t), '^(ml|db|cache)\.', ''), '^standard_', '', 'i'));
