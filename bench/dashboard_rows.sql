-- Synthetic bill for the dashboard benchmark: $n_resources resources billed hourly, $n_rows rows in all,
-- straight into billing_line_items as one batch. Resources have a fixed provider, region, instance type
-- (from ref_instance_types), team, model and workload, like the resources of a real organisation; about
-- one in ten carries no tags (the unattributed bucket). Parameters: $batch_id, $n_rows, $n_resources and
-- $first_hour (hours after 2025-01-01 UTC of the batch's first charge hour: a later bill starts where the
-- earlier one ended).

CREATE OR REPLACE TEMP TABLE bench_instances AS
SELECT provider, instance_type, vcpu_count, memory_gb, accelerator_model, accelerator_count,
       accelerator_model IS NOT NULL AS gpu,
       row_number() OVER (PARTITION BY provider, accelerator_model IS NOT NULL ORDER BY instance_type) - 1 AS k,
       count(*) OVER (PARTITION BY provider, accelerator_model IS NOT NULL) AS n
FROM ref_instance_types
WHERE provider IN ('aws', 'azure', 'gcp');

CREATE OR REPLACE TEMP TABLE bench_resources AS
WITH r AS (
    SELECT range AS rid,
           CAST(hash(range, 'provider') % 100 AS BIGINT) AS p,
           CAST(hash(range, 'gpu') % 100 AS BIGINT) < 30 AS gpu,
           CAST(hash(range, 'storage') % 100 AS BIGINT) < 12 AS storage,
           CAST(hash(range, 'team') % 8 AS BIGINT) AS t,
           CAST(hash(range, 'model') % 12 AS BIGINT) AS m,
           CAST(hash(range, 'tagged') % 100 AS BIGINT) >= 10 AS tagged,
           CAST(hash(range, 'region') % 3 AS BIGINT) AS g,
           CAST(hash(range, 'instance') % 1000003 AS BIGINT) AS h
    FROM range($n_resources)
), p AS (
    SELECT *, CASE WHEN p < 60 THEN 'aws' WHEN p < 85 THEN 'azure' ELSE 'gcp' END AS provider FROM r
)
SELECT p.rid, p.provider, p.storage, p.tagged,
       CASE p.provider
           WHEN 'aws' THEN ['us-east-1', 'us-west-2', 'eu-west-1'][p.g + 1]
           WHEN 'azure' THEN ['eastus', 'westeurope', 'northeurope'][p.g + 1]
           ELSE ['us-central1', 'europe-west4', 'asia-east1'][p.g + 1] END AS region_id,
       ['research', 'search', 'ads', 'vision', 'speech', 'platform', 'recsys', 'nlp'][p.t + 1] AS team,
       ['llama-ft', 'ranker', 'clip-vit', 'whisper-s', 'bert-base', 'gpt-small', 'detr', 'two-tower',
        'sd-xl', 'mistral-7b', 't5-large', 'resnet-50'][p.m + 1] AS model,
       CASE WHEN p.storage THEN 'data_processing'
            WHEN p.gpu AND CAST(hash(p.rid, 'wl') % 100 AS BIGINT) < 40 THEN 'training'
            WHEN p.gpu THEN 'inference'
            ELSE ['inference', 'development', 'data_processing'][CAST(hash(p.rid, 'wl') % 3 AS BIGINT) + 1] END AS workload,
       i.instance_type, i.vcpu_count, i.memory_gb, i.accelerator_model, i.accelerator_count
FROM p
LEFT JOIN bench_instances i
  ON NOT p.storage AND i.provider = p.provider AND i.gpu = p.gpu AND i.k = p.h % i.n;

INSERT INTO billing_line_items (
    row_id, batch_id, source_row, source_format, provider, billing_account_id, sub_account_id,
    billing_period_start, charge_period_start, charge_period_end, charge_category, line_item_type,
    pricing_category, service_name, service_category, sku_id, usage_type, resource_id, resource_name,
    region_id, consumed_quantity, consumed_unit, usage_quantity, usage_unit, usage_hours, billed_cost,
    effective_cost, list_cost, billing_currency, carries_usage, tags, instance_type, vcpu_count, memory_gb,
    accelerator_model, accelerator_count, workload_hint)
SELECT
    CAST($batch_id AS BIGINT) * 4294967296 + x.i + 1,
    $batch_id,
    x.i + 1,
    'bench',
    r.provider,
    'bench-account',
    'bench-sub-' || (r.rid % 20),
    date_trunc('month', x.ts),
    x.ts,
    x.ts + INTERVAL 1 HOUR,
    'Usage',
    'Usage',
    'Standard',
    CASE WHEN r.storage THEN (CASE r.provider WHEN 'aws' THEN 'Amazon Simple Storage Service'
                                              WHEN 'azure' THEN 'Storage' ELSE 'Cloud Storage' END)
         ELSE (CASE r.provider WHEN 'aws' THEN 'Amazon Elastic Compute Cloud'
                               WHEN 'azure' THEN 'Virtual Machines' ELSE 'Compute Engine' END) END,
    CASE WHEN r.storage THEN 'Storage' ELSE 'Compute' END,
    'sku-' || coalesce(r.instance_type, 'storage'),
    CASE WHEN r.storage THEN 'TimedStorage-ByteHrs' ELSE 'BoxUsage:' || r.instance_type END,
    r.provider || '-res-' || r.rid,
    CASE WHEN r.storage THEN 'bucket-' || r.rid ELSE 'node-' || r.rid END,
    r.region_id,
    CASE WHEN r.storage THEN 1000.0 / 730 ELSE 1.0 END,
    CASE WHEN r.storage THEN 'GB-Mo' ELSE 'Hrs' END,
    CASE WHEN r.storage THEN 1000.0 / 730 ELSE 1.0 END,
    CASE WHEN r.storage THEN 'gb_month' ELSE 'hour' END,
    CASE WHEN r.storage THEN NULL ELSE 1.0 END,
    x.cost,
    x.cost,
    x.cost,
    'USD',
    TRUE,
    CASE WHEN r.tagged THEN json_object('team', r.team, 'model', r.model, 'workload', r.workload) END,
    r.instance_type,
    r.vcpu_count,
    r.memory_gb,
    r.accelerator_model,
    r.accelerator_count,
    CASE WHEN r.workload IN ('training', 'inference') THEN r.workload END
FROM (
    SELECT range AS i,
           TIMESTAMP '2025-01-01' + to_hours(CAST($first_hour + range // $n_resources AS BIGINT)) AS ts,
           CAST(0.05 + (CAST(hash(range) % 4000 AS BIGINT)) / 1000.0 AS DECIMAL(38, 18)) AS cost
    FROM range($n_rows)
) x
JOIN bench_resources r ON r.rid = x.i % $n_resources;
