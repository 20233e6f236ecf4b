-- The lines of a CSV log after its header that are not data rows (_tl_rows: line, data row number and
-- why): comments, the header repeated where logs were appended (or a different header, which fails the
-- file). Blank lines are not rows at all. Anchored regular expressions keep this cheap on large logs; the
-- field count of the other lines is checked when they are split (nvidia_smi_raw.sql).
-- Parameters: $header_line (line number of the header), $header_re (the header's first column as an
-- anchored pattern).
CREATE OR REPLACE TEMP TABLE _tl_rows AS
WITH hdr AS (
    SELECT array_to_string(list_transform(string_split(replace(line, chr(65279), ''), ','), lambda x: trim(x)), ',')
               AS norm
    FROM _tl_lines WHERE line_no = $header_line
)
SELECT
    l.line_no,
    l.line_no - $header_line AS source_row,
    CASE
        WHEN regexp_matches(l.line, '^\s*#') THEN 'comment_line'
        WHEN array_to_string(list_transform(string_split(l.line, ','), lambda x: trim(x)), ',') = hdr.norm
            THEN 'repeated_header'
        ELSE 'header_changed'
    END AS skip_reason
FROM _tl_lines l, hdr
WHERE l.line_no > $header_line
  AND l.line IS NOT NULL
  AND (regexp_matches(l.line, '^\s*#') OR regexp_matches(l.line, $header_re));
