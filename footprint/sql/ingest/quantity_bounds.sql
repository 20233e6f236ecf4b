-- The first line item of a billing batch whose energy basis or cost is not plausible, with the check it
-- failed (ingest/billing/bounds.py runs this once the file's rows are in, inside the load's transaction,
-- and refuses the file when a row comes back). The quantities checked are the normalised ones the
-- estimation multiplies (footprint/sql/estimation/20_items.sql): the usage quantity in its canonical unit
-- where that unit carries energy (hours, GB-hours, GB-months, GB), the resource-hours it implies
-- (vCPU-hours, accelerator device-hours, GB-hours of memory) and the per-hour counts behind them. Requests,
-- tokens and units without a canonical form carry no energy and are not checked. NaN and infinity fail
-- every check. The costs checked are every cost column of the line item (billed, effective and list cost,
-- which the refresh sums exactly as DECIMAL(38, 18)); a blank effective or list cost is not checked.
-- Parameters: $batch_id, $max_quantity (per line item), $max_per_hour (vCPUs, GB of memory, devices),
-- $max_cost (per line item, in its billing currency).
WITH checked AS (
    SELECT
        source_row, usage_quantity, usage_unit, usage_hours, consumed_quantity, consumed_unit,
        vcpu_count, memory_gb, accelerator_count, billed_cost, effective_cost, list_cost, billing_currency,
        CASE
            WHEN NOT (abs(vcpu_count) <= $max_per_hour) THEN 'vcpu_count'
            WHEN NOT (abs(memory_gb) <= $max_per_hour) THEN 'memory_gb'
            WHEN NOT (abs(accelerator_count) <= $max_per_hour) THEN 'accelerator_count'
            WHEN usage_unit IN ('hour', 'gb_hour', 'gb_month', 'gb')
                 AND NOT (abs(usage_quantity) <= $max_quantity) THEN 'quantity'
            WHEN NOT (abs(usage_hours * vcpu_count) <= $max_quantity) THEN 'vcpu_hours'
            WHEN NOT (abs(usage_hours * accelerator_count) <= $max_quantity) THEN 'device_hours'
            WHEN NOT (abs(usage_hours * memory_gb) <= $max_quantity) THEN 'memory_gb_hours'
            WHEN NOT (abs(billed_cost) <= CAST($max_cost AS DECIMAL(38, 18))) THEN 'billed_cost'
            WHEN NOT (abs(effective_cost) <= CAST($max_cost AS DECIMAL(38, 18))) THEN 'effective_cost'
            WHEN NOT (abs(list_cost) <= CAST($max_cost AS DECIMAL(38, 18))) THEN 'list_cost'
        END AS failed_check
    FROM billing_line_items
    WHERE batch_id = $batch_id
)
SELECT source_row, failed_check, usage_quantity, usage_unit, usage_hours, consumed_quantity, consumed_unit,
       vcpu_count, memory_gb, accelerator_count, billed_cost, effective_cost, list_cost, billing_currency
FROM checked
WHERE failed_check IS NOT NULL
ORDER BY source_row
LIMIT 1;
