-- Prometheus text exposition lines (from _tl_lines) as raw samples: metric, labels, value text and the
-- optional time stamp (milliseconds since the epoch). Comment (# HELP / # TYPE) and blank lines are not
-- samples. Labels are split only for the metrics that are read. Parameter: $metrics (names read).
CREATE OR REPLACE TEMP TABLE _tp_raw AS
WITH l AS (
    SELECT line_no, trim(line) AS line
    FROM _tl_lines
    WHERE line IS NOT NULL AND trim(line) <> '' AND NOT starts_with(trim(line), '#')
),
m AS (
    SELECT line_no,
           regexp_extract(line, '^([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(?:\{(.*)\})?\s+(\S+)(?:\s+(-?[0-9]+))?$',
                          ['metric', 'labels', 'value', 'ts']) AS r
    FROM l
)
SELECT
    line_no AS source_row,
    nullif(r.metric, '') AS metric,
    CASE WHEN list_contains($metrics, r.metric) THEN
        regexp_extract_all(r.labels, '([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"', 1) END AS names,
    CASE WHEN list_contains($metrics, r.metric) THEN
        list_transform(regexp_extract_all(r.labels, '([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"', 2),
                       lambda x: replace(replace(x, '\"', '"'), '\\', '\')) END AS vals,
    nullif(r.value, '') AS value_text,
    CASE WHEN r.ts <> '' THEN make_timestamp(CAST(r.ts AS BIGINT) * 1000) END AS ts
FROM m;
