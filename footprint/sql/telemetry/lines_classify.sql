-- Lines of a CSV log after its header, split on commas, with the reason a line is not a data row.
-- nvidia-smi separates fields with ', ' and never quotes; appended logs repeat the header mid-file.
-- Parameters: $header_line (line number of the header), $ncols (fields in the header).
CREATE OR REPLACE TEMP TABLE _tl_rows AS
WITH hdr AS (
    SELECT array_to_string(list_transform(string_split(line, ','), lambda x: trim(x)), ',') AS norm,
           lower(trim(string_split(line, ',')[1])) AS first_col
    FROM _tl_lines WHERE line_no = $header_line
),
l AS (
    SELECT line_no, line, string_split(line, ',') AS f
    FROM _tl_lines
    WHERE line_no > $header_line AND line IS NOT NULL AND trim(line) <> ''
),
last AS (
    SELECT max(line_no) AS last_line FROM l
)
SELECT
    l.line_no,
    l.line_no - $header_line AS source_row,
    l.f,
    CASE
        WHEN starts_with(ltrim(l.line), '#') THEN 'comment_line'
        WHEN lower(trim(l.f[1])) = hdr.first_col THEN
            CASE WHEN array_to_string(list_transform(l.f, lambda x: trim(x)), ',') = hdr.norm
                 THEN 'repeated_header' ELSE 'header_changed' END
        WHEN len(l.f) <> $ncols THEN
            CASE WHEN l.line_no = last.last_line THEN 'truncated_last_line' ELSE 'malformed_line' END
    END AS skip_reason
FROM l, hdr, last;
