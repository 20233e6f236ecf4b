-- Contractual instruments from a user file (ingest/reference/instruments.py): `src` holds the file's
-- columns as text under canonical names. Every value is checked; the first unusable one stops the file
-- with its row and column. Types are normalised to the GHG Protocol Scope 2 hierarchy's categories.
SELECT
    $batch_id AS batch_id,
    source_row,
    CASE WHEN fp_blank(instrument_id) IS NULL THEN fp_fail(source_row, 'instrument_id', 'missing instrument id')
         ELSE trim(instrument_id) END AS instrument_id,
    CASE lower(trim(coalesce(instrument_type, '')))
        WHEN 'eac' THEN 'eac' WHEN 'rec' THEN 'eac' WHEN 'go' THEN 'eac' WHEN 'i-rec' THEN 'eac'
        WHEN 'irec' THEN 'eac' WHEN 'rego' THEN 'eac' WHEN 'ppa' THEN 'ppa' WHEN 'vppa' THEN 'ppa'
        WHEN 'green_tariff' THEN 'green_tariff' WHEN 'supplier_specific' THEN 'supplier_specific'
        ELSE fp_fail(source_row, 'instrument_type', 'unknown instrument type ' || coalesce(instrument_type, '(blank)')
                     || ' (use eac, rec, go, i-rec, rego, ppa, vppa, green_tariff or supplier_specific)')
    END AS instrument_type,
    upper(fp_blank(zone)) AS zone,
    CASE WHEN fp_blank(provider) IS NULL THEN NULL
         WHEN lower(trim(provider)) IN ('aws', 'gcp', 'azure', 'oracle', 'onprem', 'other') THEN lower(trim(provider))
         ELSE fp_fail(source_row, 'provider', 'unknown provider ' || provider
                      || ' (use aws, gcp, azure, oracle, onprem or other)') END AS provider,
    CASE WHEN fp_blank(zone) IS NULL AND fp_blank(region_id) IS NULL
             THEN fp_fail(source_row, 'zone', 'give a zone or a provider and region_id the instrument covers')
         WHEN fp_blank(region_id) IS NOT NULL AND fp_blank(provider) IS NULL
             THEN fp_fail(source_row, 'provider', 'region_id ' || region_id || ' needs its provider')
         ELSE lower(fp_blank(region_id)) END AS region_id,
    CASE WHEN TRY_CAST(trim(period_start) AS DATE) IS NULL
             THEN fp_fail(source_row, 'period_start', 'cannot read ' || coalesce(period_start, '(blank)') || ' as a date')
         ELSE TRY_CAST(trim(period_start) AS DATE) END AS period_start,
    CASE WHEN TRY_CAST(trim(period_end) AS DATE) IS NULL
             THEN fp_fail(source_row, 'period_end', 'cannot read ' || coalesce(period_end, '(blank)') || ' as a date')
         WHEN TRY_CAST(trim(period_end) AS DATE) < TRY_CAST(trim(period_start) AS DATE)
             THEN fp_fail(source_row, 'period_end', 'period_end ' || period_end || ' is before period_start')
         ELSE TRY_CAST(trim(period_end) AS DATE) END AS period_end,
    CASE WHEN fp_blank(covered_mwh) IS NOT NULL AND fp_blank(covered_share) IS NOT NULL
             THEN fp_fail(source_row, 'covered_mwh', 'give covered_mwh or covered_share, not both')
         WHEN fp_blank(covered_mwh) IS NULL THEN NULL
         WHEN fp_num(covered_mwh) IS NULL OR fp_num(covered_mwh) <= 0
             THEN fp_fail(source_row, 'covered_mwh', 'covered_mwh must be a positive number, not ' || covered_mwh)
         ELSE fp_num(covered_mwh) END AS covered_mwh,
    CASE WHEN fp_blank(covered_mwh) IS NULL AND fp_blank(covered_share) IS NULL
             THEN fp_fail(source_row, 'covered_share', 'give covered_mwh or covered_share')
         WHEN fp_blank(covered_share) IS NULL THEN NULL
         WHEN fp_num(covered_share) IS NULL OR fp_num(covered_share) <= 0 OR fp_num(covered_share) > 1
             THEN fp_fail(source_row, 'covered_share', 'covered_share is a share above 0 and at most 1, not '
                          || covered_share)
         ELSE fp_num(covered_share) END AS covered_share,
    CASE WHEN fp_num(factor_g_per_kwh) IS NULL OR fp_num(factor_g_per_kwh) < 0
             THEN fp_fail(source_row, 'factor_g_per_kwh', 'factor_g_per_kwh must be a number >= 0, not '
                          || coalesce(factor_g_per_kwh, '(blank)'))
         ELSE fp_num(factor_g_per_kwh) END AS factor_g_per_kwh,
    fp_blank(certification) AS certification,
    fp_blank(note) AS note
FROM src
