-- Every value each sidebar filter can take (dimension = the filter's name in footprint.queries.Filters),
-- so drawing the sidebar reads a few hundred rows instead of scanning agg_footprint_day once per filter.
SELECT DISTINCT 'provider' AS dimension, provider AS value FROM agg_footprint_day WHERE provider IS NOT NULL
UNION ALL SELECT DISTINCT 'team', team FROM agg_footprint_day WHERE team IS NOT NULL
UNION ALL SELECT DISTINCT 'model', model FROM agg_footprint_day WHERE model IS NOT NULL
UNION ALL SELECT DISTINCT 'workload', workload FROM agg_footprint_day WHERE workload IS NOT NULL
UNION ALL SELECT DISTINCT 'region', region_id FROM agg_footprint_day WHERE region_id IS NOT NULL
UNION ALL SELECT DISTINCT 'service', service_name FROM agg_footprint_day WHERE service_name IS NOT NULL
UNION ALL SELECT DISTINCT 'accelerator', accelerator_model FROM agg_footprint_day WHERE accelerator_model IS NOT NULL
UNION ALL SELECT 'first_day', CAST(min(charge_day) AS VARCHAR) FROM agg_footprint_day HAVING count(*) > 0
UNION ALL SELECT 'last_day', CAST(max(charge_day) AS VARCHAR) FROM agg_footprint_day HAVING count(*) > 0
