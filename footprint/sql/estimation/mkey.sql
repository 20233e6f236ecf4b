-- Market-based keys: for each (provider, region, grid zone, usage year) of @@keys@@ (a relation from code),
-- the provider's renewable claim (only when the user opted in: $count_claims) and the user's residual-mix
-- factor for the zone (usage year, else nearest earlier; newest batch first). What a row's market-based
-- factor falls back to for the part no contractual instrument covers (market.sql).
CREATE OR REPLACE TEMP TABLE _fp_mkey AS
WITH keys AS (
    SELECT DISTINCT provider, region_id, grid_zone, usage_year FROM (@@keys@@)
), claims AS (
    SELECT k.*, c.claimed_share, c.claim_type, c.source_id, c.year
    FROM keys k
    JOIN ref_provider_renewable_claims c
      ON $count_claims AND c.provider = k.provider
     AND (c.region_id IS NULL OR c.region_id = k.region_id) AND c.year <= k.usage_year
    QUALIFY row_number() OVER (PARTITION BY k.provider, k.region_id, k.grid_zone, k.usage_year
                               ORDER BY c.region_id IS NULL, c.year DESC) = 1
), residual AS (
    SELECT k.*, r.factor_g_per_kwh, r.year, r.source, r.batch_id, r.source_row
    FROM keys k
    JOIN input_residual_mix r ON r.zone = k.grid_zone AND r.year <= k.usage_year
    QUALIFY row_number() OVER (PARTITION BY k.provider, k.region_id, k.grid_zone, k.usage_year
                               ORDER BY r.year DESC, r.batch_id DESC, r.source_row) = 1
)
SELECT k.*,
       c.provider IS NOT NULL AS has_claim, c.claimed_share, c.claim_type, c.source_id AS claim_source,
       c.year AS claim_year,
       r.provider IS NOT NULL AS has_residual, r.factor_g_per_kwh AS residual_factor, r.year AS residual_year,
       r.source AS residual_source, r.batch_id AS residual_batch, r.source_row AS residual_row
FROM keys k
LEFT JOIN claims c ON c.provider = k.provider AND c.region_id IS NOT DISTINCT FROM k.region_id
                  AND c.grid_zone IS NOT DISTINCT FROM k.grid_zone AND c.usage_year = k.usage_year
LEFT JOIN residual r ON r.provider = k.provider AND r.region_id IS NOT DISTINCT FROM k.region_id
                    AND r.grid_zone IS NOT DISTINCT FROM k.grid_zone AND r.usage_year = k.usage_year;
