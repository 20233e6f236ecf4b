-- Helpers for the GCP billing readers, created as temporary macros on the loading connection just before
-- a GCP file is inserted (ingest/billing/gcp_common.py). GCP keeps labels, system labels and credits as
-- repeated records; exports flatten them to JSON text, either BigQuery's own array of {key, value} records
-- or an object {key: value}. Both spellings are read. Credits arrays reach these macros validated.

-- Labels text as a list of STRUCT(key, value): BigQuery's array of {key, value} records, or an object.
-- Raises (call it inside TRY) when the text is not such JSON.
CREATE OR REPLACE TEMP MACRO gcp_kv_entries(s) AS CASE left(ltrim(s), 1)
    WHEN '{' THEN map_entries(CAST(CAST(s AS JSON) AS MAP(VARCHAR, VARCHAR)))
    ELSE json_transform(s, '[{"key": "VARCHAR", "value": "VARCHAR"}]')
    END;

-- True when every entry has a key and no key repeats, so the labels read as a map.
CREATE OR REPLACE TEMP MACRO gcp_kv_ok(entries) AS
    len(list_filter(entries, lambda e: e.key IS NULL)) = 0
    AND len(list_distinct(list_transform(entries, lambda e: e.key))) = len(entries);

-- Two label lists as one; on a shared key the second list's value wins.
CREATE OR REPLACE TEMP MACRO gcp_kv_merge(first_entries, second_entries) AS list_concat(
    list_filter(coalesce(first_entries, []),
                lambda e: NOT list_contains(list_transform(coalesce(second_entries, []), lambda x: x.key), e.key)),
    coalesce(second_entries, []));

-- Label entries as one flat JSON object of strings; NULL when there are none.
CREATE OR REPLACE TEMP MACRO gcp_kv_json(entries) AS CASE
    WHEN coalesce(len(entries), 0) = 0 THEN NULL
    ELSE CAST('{' || array_to_string(list_transform(entries,
        lambda e: CAST(to_json(e.key) AS VARCHAR) || ':' || CAST(to_json(e.value) AS VARCHAR)), ',') || '}' AS JSON)
    END;

-- The value of one key among label entries.
CREATE OR REPLACE TEMP MACRO gcp_kv_get(entries, k) AS list_filter(entries, lambda e: e.key = k)[1].value;

-- Credit amounts of a credits JSON array, as text.
CREATE OR REPLACE TEMP MACRO gcp_credit_amounts(j) AS json_extract_string(j, '$[*].amount');

-- What is wrong with a credits array, or NULL when every credit has a readable amount.
CREATE OR REPLACE TEMP MACRO gcp_credit_problem(j) AS CASE
    WHEN len(gcp_credit_amounts(j)) <> json_array_length(j)
        OR len(list_filter(gcp_credit_amounts(j), lambda a: a IS NULL)) > 0 THEN 'a credit has no amount'
    ELSE 'cannot read ' || list_filter(gcp_credit_amounts(j),
        lambda a: TRY_CAST(trim(a) AS DECIMAL(38, 18)) IS NULL)[1] || ' as a credit amount'
    END;

-- Sum of the credit amounts (0 when there are none).
CREATE OR REPLACE TEMP MACRO gcp_credit_sum(j) AS coalesce(
    list_sum(list_transform(gcp_credit_amounts(j), lambda a: TRY_CAST(trim(a) AS DECIMAL(38, 18)))),
    CAST(0 AS DECIMAL(38, 18)));

-- Credit types on a row (SUSTAINED_USAGE_DISCOUNT, COMMITTED_USAGE_DISCOUNT, PROMOTION, ...).
CREATE OR REPLACE TEMP MACRO gcp_credit_types(j) AS json_extract_string(j, '$[*].type');
