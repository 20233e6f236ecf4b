-- Step 2 of the estimation: PUE and the location-based grid factor for every footprint row, each with
-- where it came from. Order of precedence and fallbacks: docs/methodology.md (PUE, Location-based).

-- PUE per (provider, region, year). Precedence: settings override (region, then provider); uploaded PUE
-- inputs (region before provider-wide; same year, else nearest earlier year, else undated; newest batch
-- first); shipped figure of the provider (same year, else nearest earlier, else earliest published year);
-- providers without a published figure take the industry average ('*').
CREATE OR REPLACE TEMP TABLE _fp_pue AS
WITH keys AS (
    SELECT DISTINCT provider, region_id, year(charge_period_start) AS usage_year FROM _fp_usage
), shipped AS (
    SELECT k.*, p.pue, p.year AS pue_year,
           20 + CASE WHEN p.year <= k.usage_year THEN 0 ELSE 1 END AS rank,
           CASE WHEN p.year <= k.usage_year THEN k.usage_year - p.year ELSE p.year - k.usage_year END AS distance,
           'ref_pue:' || p.source_id || ' ' || p.year
               || CASE WHEN p.provider = '*' THEN ' industry average (' || k.provider || ' publishes none)' ELSE '' END
               || CASE WHEN p.year = k.usage_year THEN ''
                       WHEN p.year < k.usage_year THEN ' (nearest earlier year)'
                       ELSE ' (earliest published year)' END AS pue_source,
           0 AS batch_id
    FROM keys k
    JOIN ref_pue p
      ON p.provider = CASE WHEN k.provider IN (SELECT provider FROM ref_pue WHERE provider <> '*')
                           THEN k.provider ELSE '*' END
     AND (p.region_id IS NULL OR p.region_id = k.region_id)
), inputs AS (
    SELECT k.*, i.pue, i.year AS pue_year,
           10 + CASE WHEN i.region_id IS NULL THEN 3 ELSE 0 END
              + CASE WHEN i.year = k.usage_year THEN 0 WHEN i.year IS NOT NULL THEN 1 ELSE 2 END AS rank,
           coalesce(k.usage_year - i.year, 0) AS distance,
           'input_pue: batch ' || i.batch_id || ' row ' || i.source_row || ' (' || i.source || ')' AS pue_source,
           i.batch_id
    FROM keys k
    JOIN input_pue i
      ON i.provider = k.provider AND (i.region_id IS NULL OR i.region_id = k.region_id)
     AND (i.year IS NULL OR i.year <= k.usage_year)
), settings AS (
    SELECT k.*, o.pue, NULL::INTEGER AS pue_year,
           CASE WHEN o.region_id IS NULL THEN 2 ELSE 1 END AS rank, 0 AS distance,
           'setting pue_overrides[' || o.provider || coalesce(':' || o.region_id, '') || ']' AS pue_source,
           0 AS batch_id
    FROM keys k
    JOIN _fp_pue_settings o ON o.provider = k.provider AND (o.region_id IS NULL OR o.region_id = k.region_id)
)
SELECT provider, region_id, usage_year, pue, pue_year, pue_source
FROM (SELECT * FROM settings UNION ALL BY NAME SELECT * FROM inputs UNION ALL BY NAME SELECT * FROM shipped)
QUALIFY row_number() OVER (PARTITION BY provider, region_id, usage_year
                           ORDER BY rank, distance, batch_id DESC) = 1;

-- Grid zone of every row: eGRID subregion for US cloud regions, else the country (region map, or the
-- country telemetry reported for its site).
CREATE OR REPLACE TEMP TABLE _fp_zone AS
SELECT u.item_id, u.provider, u.region_id, year(u.charge_period_start) AS usage_year,
       r.egrid_subregion,
       coalesce(r.country_iso2, upper(u.country_hint)) AS country_iso2,
       coalesce(r.egrid_subregion, r.country_iso2, upper(u.country_hint)) AS grid_zone,
       r.region_id IS NOT NULL AS mapped
FROM _fp_usage u
LEFT JOIN ref_cloud_regions r ON r.provider = u.provider AND r.region_id = u.region_id;

-- Annual factor candidates for each location key, and for every mapped region of every provider (the
-- provider averages are built from those). Level 1: Google's per-region data (GCP); 2: eGRID subregion;
-- 3: country. Within a level: the usage year, else the nearest earlier year.
CREATE OR REPLACE TEMP TABLE _fp_loc_best AS
WITH keys AS (
    SELECT DISTINCT provider, region_id, egrid_subregion, country_iso2, usage_year, mapped FROM _fp_zone
    UNION
    SELECT r.provider, r.region_id, r.egrid_subregion, r.country_iso2, y.usage_year, TRUE
    FROM ref_cloud_regions r CROSS JOIN (SELECT DISTINCT usage_year FROM _fp_zone) y
), cand AS (
    SELECT k.*, 1 AS level, g.*
    FROM keys k JOIN ref_grid_factors g
      ON k.provider = 'gcp' AND k.mapped AND g.zone_type = 'gcp_region' AND g.zone = k.region_id
     AND g.year <= k.usage_year
    UNION ALL
    SELECT k.*, 2 AS level, g.*
    FROM keys k JOIN ref_grid_factors g
      ON g.zone_type = 'egrid_subregion' AND g.zone = k.egrid_subregion AND g.year <= k.usage_year
    UNION ALL
    SELECT k.*, 3 AS level, g.*
    FROM keys k JOIN ref_grid_factors g
      ON g.zone_type = 'country' AND g.zone = k.country_iso2 AND g.year <= k.usage_year
)
SELECT * FROM cand
QUALIFY row_number() OVER (PARTITION BY provider, region_id, egrid_subregion, country_iso2, usage_year, mapped
                           ORDER BY level, year DESC) = 1;

-- Provider average: equal-weight mean of the factors of the provider's mapped regions for the year.
CREATE OR REPLACE TEMP TABLE _fp_provider_avg AS
SELECT b.provider, b.usage_year, avg(b.intensity_g_per_kwh) AS intensity_g_per_kwh, count(*) AS regions,
       max(b.year) AS year,
       CASE WHEN count(DISTINCT b.basis) = 1 THEN any_value(b.basis) ELSE 'mixed' END AS basis
FROM _fp_loc_best b
JOIN ref_cloud_regions r ON r.provider = b.provider AND r.region_id = b.region_id AND b.mapped
GROUP BY ALL;

-- Hourly factors supplied by the user, newest batch per zone and hour.
CREATE OR REPLACE TEMP TABLE _fp_hourly_input AS
SELECT * FROM input_hourly_factors
QUALIFY row_number() OVER (PARTITION BY zone, hour_start ORDER BY batch_id DESC, source_row) = 1;

-- Hourly location factor of a row: overlap-weighted mean of the zone's hourly factors across the row's
-- period, used only when every hour of the period has a factor.
CREATE OR REPLACE TEMP TABLE _fp_hourly AS
WITH items AS (
    SELECT u.item_id, z.grid_zone, u.charge_period_start AS s, u.charge_period_end AS e,
           CAST(ceil(epoch(u.charge_period_end - date_trunc('hour', u.charge_period_start)) / 3600.0) AS BIGINT)
               AS hours_needed
    FROM _fp_usage u JOIN _fp_zone z USING (item_id)
    WHERE z.grid_zone IN (SELECT zone FROM _fp_hourly_input) AND u.charge_period_end > u.charge_period_start
), joined AS (
    SELECT i.item_id, i.hours_needed, h.hour_start, h.intensity_g_per_kwh, h.basis, h.source,
           epoch(least(i.e, h.hour_start + INTERVAL 1 HOUR) - greatest(i.s, h.hour_start)) AS overlap_s
    FROM items i
    JOIN _fp_hourly_input h
      ON h.zone = i.grid_zone AND h.hour_start >= date_trunc('hour', i.s) AND h.hour_start < i.e
)
SELECT item_id,
       sum(intensity_g_per_kwh * overlap_s) / sum(overlap_s) AS intensity_g_per_kwh,
       CASE WHEN count(DISTINCT basis) = 1 THEN any_value(basis) ELSE 'mixed' END AS basis,
       string_agg(DISTINCT source, '; ') AS source,
       min(year(hour_start)) AS year
FROM joined
GROUP BY item_id, hours_needed
HAVING count(*) = hours_needed;
