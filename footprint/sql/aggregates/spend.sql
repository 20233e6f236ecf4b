-- The spend-based columns of agg_resource_day and agg_footprint_day on days where only spend-based
-- figures changed (an incremental refresh: new modelled rows change the kWh-per-cost ratios of every
-- spend-based row, not the rows themselves). {spend_sums} (from code) sums each spend-based metric exactly
-- over the spend-based rows of the days {where} selects; every other row of a group has no spend-based
-- figure, so the group's sum is the same as a full rebuild gives.
CREATE OR REPLACE TEMP TABLE _agg_spend AS
SELECT
    CAST(charge_period_start AS DATE) AS charge_day, provider, region_id, service_name, team, model, workload,
    accelerator_model, resource_id, billing_currency,
    {spend_sums}
FROM v_footprint
WHERE method = 'spend_based' AND {where}
GROUP BY ALL;

UPDATE agg_resource_day AS a
SET {spend_set}
FROM _agg_spend s
WHERE a.charge_day = s.charge_day AND a.provider IS NOT DISTINCT FROM s.provider
  AND a.region_id IS NOT DISTINCT FROM s.region_id AND a.service_name IS NOT DISTINCT FROM s.service_name
  AND a.team IS NOT DISTINCT FROM s.team AND a.model IS NOT DISTINCT FROM s.model
  AND a.workload IS NOT DISTINCT FROM s.workload AND a.accelerator_model IS NOT DISTINCT FROM s.accelerator_model
  AND a.resource_id IS NOT DISTINCT FROM s.resource_id AND a.billing_currency IS NOT DISTINCT FROM s.billing_currency;

UPDATE agg_footprint_day AS a
SET {spend_set}
FROM (
    SELECT charge_day, provider, region_id, service_name, team, model, workload, accelerator_model,
           billing_currency, {spend_resums}
    FROM _agg_spend
    GROUP BY ALL
) s
WHERE a.charge_day = s.charge_day AND a.provider IS NOT DISTINCT FROM s.provider
  AND a.region_id IS NOT DISTINCT FROM s.region_id AND a.service_name IS NOT DISTINCT FROM s.service_name
  AND a.team IS NOT DISTINCT FROM s.team AND a.model IS NOT DISTINCT FROM s.model
  AND a.workload IS NOT DISTINCT FROM s.workload AND a.accelerator_model IS NOT DISTINCT FROM s.accelerator_model
  AND a.billing_currency IS NOT DISTINCT FROM s.billing_currency;
