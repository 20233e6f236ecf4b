-- PUE overrides from a user file (ingest/reference/pue.py); see input_instruments.sql.
SELECT
    $batch_id AS batch_id,
    source_row,
    CASE WHEN lower(trim(coalesce(provider, ''))) IN ('aws', 'gcp', 'azure', 'oracle', 'onprem', 'other')
             THEN lower(trim(provider))
         ELSE fp_fail(source_row, 'provider', 'unknown provider ' || coalesce(provider, '(blank)')
                      || ' (use aws, gcp, azure, oracle, onprem or other)') END AS provider,
    lower(fp_blank(region_id)) AS region_id,
    CASE WHEN fp_blank(year) IS NULL THEN NULL
         WHEN TRY_CAST(trim(year) AS INTEGER) IS NULL OR TRY_CAST(trim(year) AS INTEGER) NOT BETWEEN 1990 AND 2100
             THEN fp_fail(source_row, 'year', 'cannot read ' || year || ' as a year')
         ELSE TRY_CAST(trim(year) AS INTEGER) END AS year,
    CASE WHEN fp_num(pue) IS NULL OR fp_num(pue) < 1.0 OR fp_num(pue) > 3.0
             THEN fp_fail(source_row, 'pue', 'a PUE is a number from 1.0 to 3.0, not ' || coalesce(pue, '(blank)'))
         ELSE fp_num(pue) END AS pue,
    CASE WHEN fp_blank(source) IS NULL THEN fp_fail(source_row, 'source', 'name the source of the PUE')
         ELSE trim(source) END AS source
FROM src
