-- Step 1 of the estimation: small lookup tables, one row per distinct key the rows in scope carry, so the
-- per-row statement (20_items.sql) only joins and multiplies. Reads the temp views _fp_target (billing
-- rows of live batches in scope, with usage_text) and _fp_activity (telemetry activity in scope), made by
-- footprint/estimation/__init__.py. A lookup holds the same value for a key whichever rows are in scope,
-- so a full and an incremental refresh compute every row alike. Method: docs/methodology.md.

-- Instance catalog entries of the instance types in scope (a catalog extended after ingest still applies).
CREATE OR REPLACE TEMP TABLE _fp_instance AS
SELECT k.provider, k.instance_type, it.vcpu_count, it.memory_gb, it.accelerator_model, it.accelerator_count,
       nullif(it.cpu_microarchitecture, '') AS cpu_microarchitecture
FROM (SELECT DISTINCT provider, instance_type FROM _fp_target WHERE instance_type IS NOT NULL) k
JOIN ref_instance_types it ON it.provider = k.provider AND it.instance_key = fp_instance_key(k.instance_type);

-- What the text of a usage row says (service, category, usage type, description, SKU, unit): matched once
-- per distinct text. Storage media is the first matching pattern; the replication factor the first
-- matching pattern of the row's provider, else of the catch-all row.
CREATE OR REPLACE TEMP TABLE _fp_text AS
WITH keys AS (
    SELECT DISTINCT provider, usage_text FROM _fp_target
), media AS (
    SELECT k.provider, k.usage_text, arg_min(m.media, m.priority) AS media
    FROM keys k JOIN ref_storage_media m ON regexp_matches(k.usage_text, m.pattern)
    GROUP BY ALL
), rf AS (
    SELECT k.provider, k.usage_text,
           arg_min(r.replication_factor, (r.provider = '*', r.priority)) AS replication_factor,
           arg_min(r.coefficient_id, (r.provider = '*', r.priority)) AS replication_id
    FROM keys k JOIN ref_storage_replication r
      ON (r.provider = k.provider OR r.provider = '*') AND regexp_matches(k.usage_text, r.pattern)
    GROUP BY ALL
)
SELECT k.provider, k.usage_text,
       regexp_matches(k.usage_text, '(?i)\b(vcpus?|cores?)\b') AS vcpu_text,
       regexp_matches(k.usage_text, '(?i)\bram\b|memory') AS memory_text,
       regexp_matches(k.usage_text,
           '(?i)data ?transfer|egress|ingress|-out-bytes|-in-bytes|regional-bytes|inter-?region|internet|bandwidth|network')
           AS network_text,
       coalesce(media.media, 'unknown') AS media, rf.replication_factor, rf.replication_id
FROM keys k
LEFT JOIN media ON media.provider = k.provider AND media.usage_text = k.usage_text
LEFT JOIN rf ON rf.provider = k.provider AND rf.usage_text = k.usage_text;

-- Every workload a row can carry (its attribution, else the ingest hint, else 'unknown').
CREATE OR REPLACE TEMP TABLE _fp_workloads AS
SELECT DISTINCT workload FROM line_item_attribution
UNION SELECT DISTINCT workload_hint FROM _fp_target WHERE workload_hint IS NOT NULL
UNION SELECT 'unknown';

-- CPU power per vCPU for each provider and microarchitecture set ('Skylake|Broadwell': mean of the
-- families, as Cloud Carbon Footprint does); the provider fallback when none is known.
CREATE OR REPLACE TEMP TABLE _fp_cpu AS
WITH keys AS (
    SELECT p.provider, m.micro
    FROM (SELECT DISTINCT provider FROM _fp_target) p
    CROSS JOIN (SELECT DISTINCT cpu_microarchitecture AS micro FROM _fp_instance UNION SELECT NULL) m
), parts AS (
    SELECT provider, micro, unnest(string_split(micro, '|')) AS family FROM keys WHERE micro IS NOT NULL
), fam AS (
    SELECT p.provider, p.micro,
           avg(c.min_power_w_per_vcpu ORDER BY c.cpu_microarchitecture) AS min_w,
           avg(c.max_power_w_per_vcpu ORDER BY c.cpu_microarchitecture) AS max_w,
           avg(c.memory_baseline_gb_per_vcpu ORDER BY c.cpu_microarchitecture) AS baseline_gb,
           string_agg('cpu:' || c.cpu_microarchitecture, ';' ORDER BY c.cpu_microarchitecture) AS ids
    FROM parts p
    JOIN ref_cpu_power c ON c.provider = 'any' AND c.cpu_microarchitecture = p.family
    GROUP BY ALL
)
SELECT
    k.provider, k.micro,
    coalesce(f.min_w, fb.min_power_w_per_vcpu) AS min_w,
    coalesce(f.max_w, fb.max_power_w_per_vcpu) AS max_w,
    coalesce(f.baseline_gb, fb.memory_baseline_gb_per_vcpu) AS baseline_gb,
    coalesce(f.ids, 'cpu:fallback:' || fb.provider) AS ids
FROM keys k
LEFT JOIN fam f ON f.provider = k.provider AND f.micro IS NOT DISTINCT FROM k.micro
JOIN ref_cpu_power fb
  ON fb.cpu_microarchitecture IS NULL
 AND fb.provider = CASE WHEN k.provider IN ('aws', 'gcp', 'azure') THEN k.provider ELSE 'aws' END;

-- Utilisation levels and device power per accelerator and workload (the curve is evaluated once per
-- pair, not once per row).
CREATE OR REPLACE TEMP TABLE _fp_accel AS
WITH pairs AS (
    SELECT m.accelerator_model, w.workload
    FROM (SELECT DISTINCT accelerator_model FROM _fp_target WHERE accelerator_model IS NOT NULL
          UNION SELECT accelerator_model FROM _fp_instance WHERE accelerator_model IS NOT NULL) m
    CROSS JOIN _fp_workloads w
), u AS (
    SELECT p.*, fp_utilization('accelerator', p.workload, 'low') AS u_low,
                fp_utilization('accelerator', p.workload, 'central') AS u,
                fp_utilization('accelerator', p.workload, 'high') AS u_high
    FROM pairs p
)
SELECT u.*, a.accelerator_model IS NOT NULL AS has_power,
       fp_accelerator_power_w(u.accelerator_model, u.u_low) AS power_w_low,
       fp_accelerator_power_w(u.accelerator_model, u.u) AS power_w,
       fp_accelerator_power_w(u.accelerator_model, u.u_high) AS power_w_high,
       'accelerator:' || u.accelerator_model || ';curve:' || a.curve_id
           || ';utilization:accelerator:' || u.workload AS ids
FROM u
LEFT JOIN ref_accelerator_power a ON a.accelerator_model = u.accelerator_model;

CREATE OR REPLACE TEMP TABLE _fp_cpu_util AS
SELECT w.workload,
       fp_utilization('cpu', w.workload, 'low') AS u_low,
       fp_utilization('cpu', w.workload, 'central') AS u,
       fp_utilization('cpu', w.workload, 'high') AS u_high
FROM _fp_workloads w;

CREATE OR REPLACE TEMP TABLE _fp_coef AS
SELECT
    max(value_low) FILTER (coefficient_id = 'memory_energy') AS mem_low,
    max(value) FILTER (coefficient_id = 'memory_energy') AS mem,
    max(value_high) FILTER (coefficient_id = 'memory_energy') AS mem_high,
    max(value) FILTER (coefficient_id = 'ssd_energy') AS ssd,
    max(value) FILTER (coefficient_id = 'hdd_energy') AS hdd,
    max(value_low) FILTER (coefficient_id = 'network_energy') AS net_low,
    max(value) FILTER (coefficient_id = 'network_energy') AS net,
    max(value_high) FILTER (coefficient_id = 'network_energy') AS net_high,
    max(value) FILTER (coefficient_id = 'hours_per_month') AS hours_per_month
FROM ref_energy_coefficients;

-- Measured accelerator energy per billing row (the telemetry step may report a row more than once).
CREATE OR REPLACE TEMP TABLE _fp_measured AS
SELECT row_id, fp_sum(measured_accelerator_energy_kwh) AS energy_kwh,
       fp_sum(measured_device_hours) AS device_hours,
       string_agg(DISTINCT telemetry_batches, ',' ORDER BY telemetry_batches) AS batches
FROM line_item_measured
GROUP BY row_id;

-- Location keys of everything in scope: a billing row is located by its region, telemetry also by the
-- country its source reported (country_hint).
CREATE OR REPLACE TEMP TABLE _fp_lkeys AS
SELECT DISTINCT provider, region_id, CAST(NULL AS VARCHAR) AS country_hint,
       year(charge_period_start) AS usage_year
FROM _fp_target
UNION
SELECT DISTINCT coalesce(provider, 'unknown'), region_id, country_iso2, year(period_start) FROM _fp_activity;

-- PUE per (provider, region, year). Precedence: settings override (region, then provider); uploaded PUE
-- inputs (region before provider-wide; same year, else nearest earlier year, else undated; newest batch
-- first); shipped figure of the provider (same year, else nearest earlier, else earliest published year);
-- providers without a published figure take the industry average ('*').
CREATE OR REPLACE TEMP TABLE _fp_pue AS
WITH keys AS (
    SELECT DISTINCT provider, region_id, usage_year FROM _fp_lkeys
), shipped AS (
    SELECT k.*, p.pue, p.year AS pue_year,
           20 + CASE WHEN p.year <= k.usage_year THEN 0 ELSE 1 END AS rank,
           CASE WHEN p.year <= k.usage_year THEN k.usage_year - p.year ELSE p.year - k.usage_year END AS distance,
           'ref_pue:' || p.source_id || ' ' || p.year
               || CASE WHEN p.provider = '*' THEN ' industry average (' || k.provider || ' publishes none)' ELSE '' END
               || CASE WHEN p.year = k.usage_year THEN ''
                       WHEN p.year < k.usage_year THEN ' (nearest earlier year)'
                       ELSE ' (earliest published year)' END AS pue_source,
           0 AS batch_id, 0 AS source_row
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
           i.batch_id, i.source_row
    FROM keys k
    JOIN input_pue i
      ON i.provider = k.provider AND (i.region_id IS NULL OR i.region_id = k.region_id)
     AND (i.year IS NULL OR i.year <= k.usage_year)
), settings AS (
    SELECT k.*, o.pue, NULL::INTEGER AS pue_year,
           CASE WHEN o.region_id IS NULL THEN 2 ELSE 1 END AS rank, 0 AS distance,
           'setting pue_overrides[' || o.provider || coalesce(':' || o.region_id, '') || ']' AS pue_source,
           0 AS batch_id, 0 AS source_row
    FROM keys k
    JOIN _fp_pue_settings o ON o.provider = k.provider AND (o.region_id IS NULL OR o.region_id = k.region_id)
)
SELECT provider, region_id, usage_year, pue, pue_year, pue_source
FROM (SELECT * FROM settings UNION ALL BY NAME SELECT * FROM inputs UNION ALL BY NAME SELECT * FROM shipped)
QUALIFY row_number() OVER (PARTITION BY provider, region_id, usage_year
                           ORDER BY rank, distance, batch_id DESC, source_row, pue_year DESC, pue) = 1;

-- Grid zone of each location key: eGRID subregion for US cloud regions, else the country (region map, or
-- the country telemetry reported for its site).
CREATE OR REPLACE TEMP TABLE _fp_zone AS
SELECT k.provider, k.region_id, k.country_hint, k.usage_year,
       r.egrid_subregion,
       coalesce(r.country_iso2, upper(k.country_hint)) AS country_iso2,
       coalesce(r.egrid_subregion, r.country_iso2, upper(k.country_hint)) AS grid_zone,
       r.region_id IS NOT NULL AS mapped
FROM _fp_lkeys k
LEFT JOIN ref_cloud_regions r ON r.provider = k.provider AND r.region_id = k.region_id;

-- Annual factor candidates for each location key, and for every mapped region of every provider (the
-- provider averages are built from those). Level 1: Google's per-region data (GCP); 2: eGRID subregion;
-- 3: country. Within a level: the usage year, else the nearest earlier year (where the shipped table
-- lists two values for one zone and year, the higher one).
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
                           ORDER BY level, year DESC, intensity_g_per_kwh DESC, source_id) = 1;

-- Provider average: equal-weight mean of the factors of the provider's mapped regions for the year.
CREATE OR REPLACE TEMP TABLE _fp_provider_avg AS
SELECT b.provider, b.usage_year, avg(b.intensity_g_per_kwh ORDER BY b.region_id) AS intensity_g_per_kwh,
       count(*) AS regions, max(b.year) AS year,
       CASE WHEN count(DISTINCT b.basis) = 1 THEN any_value(b.basis) ELSE 'mixed' END AS basis
FROM _fp_loc_best b
JOIN ref_cloud_regions r ON r.provider = b.provider AND r.region_id = b.region_id AND b.mapped
GROUP BY ALL;

CREATE OR REPLACE TEMP TABLE _fp_world AS
SELECT y.usage_year, g.year, g.intensity_g_per_kwh, g.basis, g.source_id
FROM (SELECT DISTINCT usage_year FROM _fp_zone) y
JOIN ref_grid_factors g ON g.zone_type = 'world' AND g.year <= y.usage_year
QUALIFY row_number() OVER (PARTITION BY y.usage_year ORDER BY g.year DESC, g.intensity_g_per_kwh DESC) = 1;

-- Annual location-based factor per location key: the key's primary zone (Google region data for GCP,
-- eGRID subregion for US regions, country elsewhere) in the usage year or the nearest earlier year; then
-- the country; then the provider average; then the world average. Hourly factors replace it per row
-- (20_items.sql) where the user supplied a complete series.
CREATE OR REPLACE TEMP TABLE _fp_loc AS
WITH j AS (
    SELECT z.*,
           CASE WHEN z.provider = 'gcp' AND z.mapped THEN 1 WHEN z.egrid_subregion IS NOT NULL THEN 2 ELSE 3 END
               AS primary_level,
           b.level, b.zone_type, b.zone, b.year AS b_year, b.intensity_g_per_kwh AS b_factor,
           b.basis AS b_basis, b.source_id AS b_source,
           pa.intensity_g_per_kwh AS pa_factor, pa.regions AS pa_regions, pa.year AS pa_year, pa.basis AS pa_basis,
           w.intensity_g_per_kwh AS w_factor, w.year AS w_year, w.basis AS w_basis, w.source_id AS w_source
    FROM _fp_zone z
    LEFT JOIN _fp_loc_best b
           ON b.provider = z.provider AND b.region_id IS NOT DISTINCT FROM z.region_id
          AND b.egrid_subregion IS NOT DISTINCT FROM z.egrid_subregion
          AND b.country_iso2 IS NOT DISTINCT FROM z.country_iso2
          AND b.usage_year = z.usage_year AND b.mapped = z.mapped
    LEFT JOIN _fp_provider_avg pa ON pa.provider = z.provider AND pa.usage_year = z.usage_year
    LEFT JOIN _fp_world w ON w.usage_year = z.usage_year
)
SELECT
    provider, region_id, country_hint, usage_year, grid_zone, country_iso2,
    CASE WHEN b_factor IS NOT NULL THEN b_factor
         WHEN pa_factor IS NOT NULL THEN pa_factor ELSE w_factor END AS factor,
    CASE WHEN b_factor IS NOT NULL THEN zone_type || ':' || zone
         WHEN pa_factor IS NOT NULL THEN 'provider:' || provider ELSE 'world' END AS zone,
    CASE WHEN b_factor IS NOT NULL THEN split_part(b_source, ';', 1) || ' ' || zone || ' ' || b_year
         WHEN pa_factor IS NOT NULL
             THEN 'mean of ' || pa_regions || ' ' || provider || ' regions (region '
                  || coalesce(region_id, 'not given') || ' not mapped)'
         ELSE w_source || ' WORLD ' || w_year END AS source,
    CASE WHEN b_factor IS NOT NULL THEN b_basis
         WHEN pa_factor IS NOT NULL THEN pa_basis ELSE w_basis END AS basis,
    CASE WHEN b_factor IS NOT NULL THEN b_year
         WHEN pa_factor IS NOT NULL THEN pa_year ELSE w_year END AS year,
    CASE WHEN b_factor IS NOT NULL AND level = primary_level
             THEN CASE WHEN b_year = usage_year THEN 'exact' ELSE 'earlier_year' END
         WHEN b_factor IS NOT NULL AND level = 2 THEN 'egrid_subregion'
         WHEN b_factor IS NOT NULL THEN 'country'
         WHEN pa_factor IS NOT NULL THEN 'provider_average'
         ELSE 'world_average' END AS fallback
FROM j;

-- Hourly factors supplied by the user, newest batch per zone and hour.
CREATE OR REPLACE TEMP TABLE _fp_hourly_input AS
SELECT * FROM input_hourly_factors
QUALIFY row_number() OVER (PARTITION BY zone, hour_start ORDER BY batch_id DESC, source_row) = 1;

-- Hourly location factor of an item: overlap-weighted mean of its zone's hourly factors across its
-- period, used only when every hour of the period has a factor. Summed hour by hour in time order.
CREATE OR REPLACE TEMP TABLE _fp_hourly AS
WITH items AS (
    SELECT 'b:' || t.row_id AS item_id, l.grid_zone, t.charge_period_start AS s, t.charge_period_end AS e
    FROM _fp_target t
    JOIN _fp_loc l ON l.provider = t.provider AND l.region_id IS NOT DISTINCT FROM t.region_id
                  AND l.country_hint IS NULL AND l.usage_year = year(t.charge_period_start)
    WHERE l.grid_zone IN (SELECT zone FROM _fp_hourly_input)
    UNION ALL
    SELECT 't:' || a.activity_id, l.grid_zone, a.period_start, a.period_end
    FROM _fp_activity a
    JOIN _fp_loc l ON l.provider = coalesce(a.provider, 'unknown') AND l.region_id IS NOT DISTINCT FROM a.region_id
                  AND l.country_hint IS NOT DISTINCT FROM a.country_iso2 AND l.usage_year = year(a.period_start)
    WHERE l.grid_zone IN (SELECT zone FROM _fp_hourly_input)
), joined AS (
    SELECT i.item_id,
           CAST(ceil(epoch(i.e - date_trunc('hour', i.s)) / 3600.0) AS BIGINT) AS hours_needed,
           h.hour_start, h.intensity_g_per_kwh, h.basis, h.source,
           epoch(least(i.e, h.hour_start + INTERVAL 1 HOUR) - greatest(i.s, h.hour_start)) AS overlap_s
    FROM items i
    JOIN _fp_hourly_input h
      ON h.zone = i.grid_zone AND h.hour_start >= date_trunc('hour', i.s) AND h.hour_start < i.e
    WHERE i.e > i.s
)
SELECT item_id,
       sum(intensity_g_per_kwh * overlap_s ORDER BY hour_start) / sum(overlap_s ORDER BY hour_start)
           AS intensity_g_per_kwh,
       CASE WHEN count(DISTINCT basis) = 1 THEN any_value(basis) ELSE 'mixed' END AS basis,
       string_agg(DISTINCT source, '; ' ORDER BY source) AS source,
       min(year(hour_start)) AS year
FROM joined
GROUP BY item_id, hours_needed
HAVING count(*) = hours_needed;
