-- Hourly grid factors from a user file (ingest/reference/hourly_factors.py); see input_instruments.sql.
-- An hour appearing twice for a zone in one file is an error, not a silent choice.
SELECT
    $batch_id AS batch_id,
    source_row,
    CASE WHEN fp_blank(zone) IS NULL THEN fp_fail(source_row, 'zone', 'missing zone') ELSE upper(trim(zone)) END
        AS zone,
    CASE WHEN fp_ts(hour_start) IS NULL
             THEN fp_fail(source_row, 'hour_start', 'cannot read ' || coalesce(hour_start, '(blank)') || ' as a date/time')
         WHEN date_trunc('hour', fp_ts(hour_start)) <> fp_ts(hour_start)
             THEN fp_fail(source_row, 'hour_start', hour_start || ' is not the start of an hour')
         WHEN count(*) OVER (PARTITION BY upper(trim(zone)), fp_ts(hour_start)) > 1
             THEN fp_fail(source_row, 'hour_start', 'hour ' || hour_start || ' appears more than once for zone ' || zone)
         ELSE fp_ts(hour_start) END AS hour_start,
    CASE WHEN fp_num(intensity_g_per_kwh) IS NULL OR fp_num(intensity_g_per_kwh) < 0
             THEN fp_fail(source_row, 'intensity_g_per_kwh', 'intensity_g_per_kwh must be a number >= 0, not '
                          || coalesce(intensity_g_per_kwh, '(blank)'))
         ELSE fp_num(intensity_g_per_kwh) END AS intensity_g_per_kwh,
    CASE WHEN lower(trim(coalesce(basis, ''))) IN ('direct', 'operational', 'lifecycle') THEN lower(trim(basis))
         ELSE fp_fail(source_row, 'basis', 'basis must be direct, operational or lifecycle, not '
                      || coalesce(basis, '(blank)')) END AS basis,
    CASE WHEN fp_blank(source) IS NULL THEN fp_fail(source_row, 'source', 'name the source of the factor')
         ELSE trim(source) END AS source
FROM src
