-- Helpers for the GCP billing readers, created as temporary macros on the loading connection just before
-- a GCP file is inserted (ingest/billing/gcp_common.py). GCP keeps labels, system labels and credits as
-- repeated records; exports flatten them to JSON text, either BigQuery's own array of {key, value} records
-- or an object {key: value}. Both spellings are read.

-- JSON labels (array of {key, value} records, or an object) as a list of STRUCT(key, value).
CREATE OR REPLACE TEMP MACRO gcp_kv_entries(j) AS CASE json_type(j)
    WHEN 'ARRAY' THEN list_transform(CAST(j AS JSON[]), lambda e: {'key': e->>'key', 'value': e->>'value'})
    WHEN 'OBJECT' THEN map_entries(CAST(j AS MAP(VARCHAR, VARCHAR)))
    ELSE CAST([] AS STRUCT("key" VARCHAR, "value" VARCHAR)[]) END;

-- One flat JSON object from key/value entries; a key given twice keeps its last value (callers put the
-- more specific labels last). NULL when there are none.
CREATE OR REPLACE TEMP MACRO gcp_kv_object(entries) AS CASE
    WHEN len(list_filter(entries, lambda e: e.key IS NOT NULL)) = 0 THEN NULL
    ELSE to_json(map_from_entries(list_filter(entries, lambda e, i: e.key IS NOT NULL
        AND NOT list_contains(list_transform(entries[i + 1:], lambda x: x.key), e.key))))
    END;

-- Value of one key among key/value entries (last one wins, as in gcp_kv_object).
CREATE OR REPLACE TEMP MACRO gcp_kv_get(entries, k) AS
    list_last(list_transform(list_filter(entries, lambda e: e.key = k), lambda e: e.value));

-- Text that is blank, or a JSON array or object. Anything else is not a label or credit list.
CREATE OR REPLACE TEMP MACRO gcp_json_list_ok(s) AS
    fp_blank(s) IS NULL OR (json_valid(s) AND json_type(CAST(s AS JSON)) IN ('ARRAY', 'OBJECT'));

-- Credit amounts of a credits JSON array, as text.
CREATE OR REPLACE TEMP MACRO gcp_credit_amounts(j) AS
    CASE WHEN json_type(j) = 'ARRAY' THEN json_extract_string(j, '$[*].amount') ELSE [] END;

-- What is wrong with a credits array, or NULL when every credit has a readable amount.
CREATE OR REPLACE TEMP MACRO gcp_credit_problem(j) AS CASE
    WHEN len(list_filter(gcp_credit_amounts(j), lambda a: a IS NULL)) > 0 THEN 'a credit has no amount'
    ELSE 'cannot read ' || list_filter(gcp_credit_amounts(j),
        lambda a: TRY_CAST(trim(a) AS DECIMAL(38, 18)) IS NULL)[1] || ' as a credit amount'
    END;

-- Sum of the credit amounts (0 when there are none).
CREATE OR REPLACE TEMP MACRO gcp_credit_sum(j) AS coalesce(
    list_sum(list_transform(gcp_credit_amounts(j), lambda a: TRY_CAST(trim(a) AS DECIMAL(38, 18)))),
    CAST(0 AS DECIMAL(38, 18)));

-- Credit types on a row (SUSTAINED_USAGE_DISCOUNT, COMMITTED_USAGE_DISCOUNT, PROMOTION, ...).
CREATE OR REPLACE TEMP MACRO gcp_credit_types(j) AS
    CASE WHEN json_type(j) = 'ARRAY' THEN json_extract_string(j, '$[*].type') ELSE [] END;
