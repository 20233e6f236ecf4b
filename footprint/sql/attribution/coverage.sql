-- How each dimension was decided, per currency: rows and billed cost by source (tag, resource rule,
-- usage rule, ingest hint, none). @@where@@ is a footprint.queries.Filters condition over v_line_items.
WITH li AS (SELECT * FROM v_line_items WHERE @@where@@),
dims AS (
    SELECT 'team' AS dimension, team = 'unattributed' AS unattributed,
           regexp_extract(coalesce(attribution_rule, ''), 'team=([a-z]+):', 1) AS source,
           billing_currency, billed_cost FROM li
    UNION ALL
    SELECT 'model', model = 'unattributed', regexp_extract(coalesce(attribution_rule, ''), 'model=([a-z]+):', 1),
           billing_currency, billed_cost FROM li
    UNION ALL
    SELECT 'workload', workload = 'unknown', regexp_extract(coalesce(attribution_rule, ''), 'workload=([a-z]+):', 1),
           billing_currency, billed_cost FROM li
    UNION ALL
    SELECT 'project', project IS NULL, regexp_extract(coalesce(attribution_rule, ''), 'project=([a-z]+):', 1),
           billing_currency, billed_cost FROM li
)
SELECT dimension, CASE WHEN unattributed THEN 'none' ELSE nullif(source, '') END AS source, billing_currency,
       count(*) AS rows, sum(billed_cost) AS billed_cost
FROM dims
GROUP BY ALL
ORDER BY dimension, source, billing_currency
