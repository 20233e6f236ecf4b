-- Residual-mix factors from a user file (ingest/reference/residual_mix.py); see input_instruments.sql.
SELECT
    $batch_id AS batch_id,
    source_row,
    CASE WHEN fp_blank(zone) IS NULL THEN fp_fail(source_row, 'zone', 'missing zone') ELSE upper(trim(zone)) END
        AS zone,
    CASE WHEN TRY_CAST(trim(year) AS INTEGER) IS NULL OR TRY_CAST(trim(year) AS INTEGER) NOT BETWEEN 1990 AND 2100
             THEN fp_fail(source_row, 'year', 'cannot read ' || coalesce(year, '(blank)') || ' as a year')
         ELSE TRY_CAST(trim(year) AS INTEGER) END AS year,
    CASE WHEN fp_num(factor_g_per_kwh) IS NULL OR fp_num(factor_g_per_kwh) < 0
             THEN fp_fail(source_row, 'factor_g_per_kwh', 'factor_g_per_kwh must be a number >= 0, not '
                          || coalesce(factor_g_per_kwh, '(blank)'))
         ELSE fp_num(factor_g_per_kwh) END AS factor_g_per_kwh,
    CASE WHEN fp_blank(source) IS NULL THEN fp_fail(source_row, 'source', 'name the source of the factor')
         ELSE trim(source) END AS source
FROM src
