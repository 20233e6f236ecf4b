-- The data lines of an nvidia-smi log split into fields, the fields read kept as text (_tl_raw), with the
-- reason a line cannot be a row: a field count other than the header's (a garbled line, or a poll cut off
-- at the end of the file). Field positions ($i_*) come from the header; NULL when the file lacks the column.
-- Parameters: $header_line, $ncols, $i_*.
CREATE OR REPLACE TEMP TABLE _tl_raw AS
WITH l AS (
    SELECT l.line_no, l.line_no - $header_line AS source_row, string_split(l.line, ',') AS f
    FROM _tl_lines l
    ANTI JOIN _tl_rows r ON r.line_no = l.line_no
    WHERE l.line_no > $header_line AND l.line IS NOT NULL AND NOT regexp_matches(l.line, '^\s*$')
),
last AS (
    SELECT max(line_no) AS last_line FROM l
)
SELECT source_row,
       CASE WHEN len(f) = $ncols THEN NULL
            WHEN line_no = last.last_line THEN 'truncated_last_line'
            ELSE 'malformed_line' END AS skip_reason,
       f[$i_ts] AS ts_text,
       f[$i_host] AS host_text, f[$i_uuid] AS uuid_text, f[$i_ord] AS ord_text, f[$i_bus] AS bus_text,
       f[$i_name] AS name_text,
       f[$i_pw] AS pw, f[$i_pwa] AS pwa, f[$i_pwi] AS pwi, f[$i_util] AS util, f[$i_mem] AS mem
FROM l, last;
