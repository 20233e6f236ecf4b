-- A Prometheus HTTP API response (query_range 'matrix' or instant 'vector') as raw samples: one row per
-- (series, value) with the series' labels; __name__ is the metric. Time stamps are Unix seconds.
-- Parameters: $path, $max_object_bytes (the response is one JSON object).
CREATE OR REPLACE TEMP TABLE _tp_raw AS
WITH doc AS (
    SELECT json FROM read_json_objects($path, format = 'auto', maximum_object_size = $max_object_bytes)
),
res AS (
    SELECT json_extract_string(json, '$.data.resultType') AS result_type,
           unnest(CAST(json_extract(json, '$.data.result') AS JSON[])) AS r
    FROM doc
),
ser AS (
    SELECT row_number() OVER () AS series_no, result_type, r,
           CAST(json_extract(r, '$.metric') AS MAP(VARCHAR, VARCHAR)) AS m
    FROM res
),
pts AS (
    SELECT series_no, m,
           unnest(CASE WHEN result_type = 'matrix' THEN CAST(json_extract(r, '$.values') AS JSON[])
                       ELSE [json_extract(r, '$.value')] END) AS v
    FROM ser
)
SELECT
    CAST(row_number() OVER (ORDER BY series_no) AS BIGINT) AS source_row,
    series_no,
    m['__name__'] AS metric,
    map_keys(m) AS names,
    map_values(m) AS vals,
    json_extract_string(v, '$[1]') AS value_text,
    make_timestamp(CAST(round(TRY_CAST(json_extract_string(v, '$[0]') AS DOUBLE) * 1e6) AS BIGINT)) AS ts
FROM pts;
