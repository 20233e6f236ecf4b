-- Billing rows with neither a team nor a model, grouped by what could identify them (provider, service,
-- usage type), largest cost first per currency: the list a person works through to add tags or rules.
-- @@where@@ is a footprint.queries.Filters condition over v_line_items.
SELECT provider, coalesce(service_name, '(no service)') AS service_name, coalesce(usage_type, '(none)') AS usage_type,
       billing_currency, count(*) AS rows, count(DISTINCT resource_id) AS resources, sum(billed_cost) AS billed_cost,
       any_value(workload) AS workload
FROM v_line_items
WHERE team = 'unattributed' AND model = 'unattributed' AND @@where@@
GROUP BY ALL
ORDER BY billing_currency, abs(sum(billed_cost)) DESC, rows DESC
LIMIT $limit
