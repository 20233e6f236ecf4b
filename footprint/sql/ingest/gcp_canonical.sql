-- GCP billing rows onto the canonical billing columns: one query for the BigQuery export (standard and
-- detailed), the Console cost table and the retired file export. It is a SELECT over `gcp_typed`, the
-- reader's rows already typed and validated (ingest/billing/gcp_common.py lists its columns).
--
-- What it decides, and why:
--   * Billed and effective cost are the row's cost plus its credits: GCP's `cost` leaves credits out, so
--     netting them is what makes a GCP total equal the invoice. Console credit rows arrive as their own
--     rows and keep their own amount.
--   * GPUs and TPUs bill as their own SKUs, one unit per device-hour. The accelerator comes from the SKU
--     text (gcp_device_model, built from ref_accelerator_sku_patterns: where several patterns match, the
--     longest, most specific one wins), never from the machine type's GPU count.
--   * Core SKUs are vCPU-hours (1 vCPU per unit) and RAM SKUs GiB-hours (1 GB per GB-hour). A row that
--     names its machine type gets explicit zeros for what it does not bill, so the instance catalog
--     cannot add the VM's GPUs, vCPUs or memory to a core, RAM or disk row.
--   * Commitment fees ('Commitment v1: ...') are purchases; management fees, licences and virtual
--     workstation surcharges ride on usage billed by another SKU. None of them carries usage.
SELECT
    source_row,
    'gcp' AS provider,
    billing_account_id,
    billing_account_name,
    project_id AS sub_account_id,
    project_name AS sub_account_name,
    billing_period_start,
    start_ts AS charge_period_start,
    end_ts AS charge_period_end,
    CASE
        WHEN credit_type IS NOT NULL THEN 'Credit'
        WHEN cost_type = 'regular' AND is_commitment THEN 'Purchase'
        WHEN cost_type = 'regular' THEN 'Usage'
        WHEN cost_type = 'tax' THEN 'Tax'
        WHEN cost_type = 'adjustment' AND NOT is_correction AND billed < 0 THEN 'Credit'
        ELSE 'Adjustment'
    END AS charge_category,
    CASE WHEN is_correction THEN 'Correction' END AS charge_class,
    sku AS charge_description,
    line_item_type,
    CASE
        WHEN cost_type <> 'regular' OR credit_type IS NOT NULL OR is_commitment THEN NULL
        WHEN is_spot THEN 'Dynamic'
        WHEN has_cud THEN 'Committed'
        ELSE 'Standard'
    END AS pricing_category,
    cud_id AS commitment_discount_id,
    CASE WHEN is_commitment OR has_cud OR credit_type LIKE 'COMMITTED_USAGE_DISCOUNT%'
         THEN 'Committed Use Discount' END AS commitment_discount_type,
    CASE WHEN has_cud AND NOT is_commitment THEN 'Used' END AS commitment_discount_status,
    service_name,
    CASE
        WHEN regexp_matches(service_name, '(?i)vertex ai|gemini|generative language|cloud tpu|ai platform|machine learning|notebooks')
            THEN 'AI and Machine Learning'
        WHEN regexp_matches(service_name, '(?i)compute engine|kubernetes|cloud run|app engine|cloud functions')
            THEN 'Compute'
        WHEN regexp_matches(service_name, '(?i)cloud storage|filestore') THEN 'Storage'
        WHEN regexp_matches(service_name, '(?i)bigquery|dataflow|dataproc|pub/sub') THEN 'Analytics'
        WHEN regexp_matches(service_name, '(?i)cloud sql|spanner|bigtable|firestore|datastore|memorystore|alloydb')
            THEN 'Databases'
        WHEN regexp_matches(service_name, '(?i)network|cloud cdn|cloud dns|load balanc|cloud nat|interconnect')
            THEN 'Networking'
    END AS service_category,
    sku_id,
    sku AS usage_type,
    resource_id,
    resource_name,
    region_id,
    region_name,
    zone AS availability_zone,
    quantity AS consumed_quantity,
    -- Token SKUs count tokens in the generic unit 'count'.
    CASE WHEN is_token_count THEN 'tokens' ELSE unit END AS consumed_unit,
    billed AS billed_cost,
    billed AS effective_cost,
    list_cost,
    currency AS billing_currency,
    (cost_type = 'regular' AND credit_type IS NULL AND NOT is_commitment AND NOT is_fee
        AND coalesce(quantity, 0) > 0) AS carries_usage,
    -- Project labels first, so a resource label with the same key wins.
    gcp_kv_json(gcp_kv_merge(project_label_entries, label_entries)) AS tags,
    instance_type,
    CASE WHEN is_core THEN 1 WHEN pinned THEN 0 END AS vcpu_count,
    CASE WHEN is_ram THEN 1 WHEN pinned THEN 0 END AS memory_gb,
    device_model AS accelerator_model,
    -- A device SKU no pattern names (a new GPU) still bills one device per hour; the catalog may name it.
    CASE WHEN device_sku AND unit_kind = 'hour' THEN 1 WHEN pinned THEN 0 END AS accelerator_count,
    CASE
        WHEN NOT is_ml THEN NULL
        WHEN regexp_matches(sku, '(?i)\btrain(ing)?\b|\btuning\b') THEN 'training'
        WHEN regexp_matches(sku, '(?i)predict|endpoint|serving|inference|\btokens?\b|generate[ _]content|embedding')
            THEN 'inference'
        WHEN regexp_matches(sku, '(?i)workbench|notebook') THEN 'development'
    END AS workload_hint,
    x_details
FROM (
    SELECT
        f.*,
        CASE WHEN f.device_sku THEN gcp_device_model(f.sku) END AS device_model,
        (NOT f.device_sku AND NOT f.is_fee AND f.unit_kind = 'hour'
            AND regexp_matches(f.sku, '(?i)\b(cores?|vcpus?|cpu)\b')) AS is_core,
        (NOT f.device_sku AND NOT f.is_fee AND f.unit_kind = 'gb_hour'
            AND regexp_matches(f.sku, '(?i)\b(ram|memory)\b')) AS is_ram
    FROM (
        SELECT
            g.*,
            g.cost + g.credits_total AS billed,
            coalesce(g.instance_type_hint, g.machine_spec) AS instance_type,
            g.bills_per_component AND coalesce(g.instance_type_hint, g.machine_spec) IS NOT NULL AS pinned,
            gcp_unit_kind(g.unit) AS unit_kind,
            regexp_matches(coalesce(g.sku, ''), '(?i)^\s*commitment\b') AS is_commitment,
            regexp_matches(coalesce(g.sku, ''), '(?i)management fee|licens|virtual workstation') AS is_fee,
            regexp_matches(coalesce(g.sku, ''), '(?i)\bspot\b|preemptible') AS is_spot,
            (regexp_matches(coalesce(g.sku, ''), '(?i)\bgpus?\b|\btpu')
                AND NOT regexp_matches(coalesce(g.sku, ''), '(?i)management fee|licens|virtual workstation'))
                AS device_sku,
            (regexp_matches(coalesce(g.sku, ''), '(?i)\btokens?\b')
                AND lower(trim(coalesce(g.unit, ''))) IN ('count', 'counts')) AS is_token_count,
            (regexp_matches(coalesce(g.service_name, ''), '(?i)vertex ai|gemini|generative language|ai platform|machine learning')
                OR regexp_matches(coalesce(g.sku, ''), '(?i)^vertex ai:')) AS is_ml,
            len(list_filter(gcp_credit_types(g.credits_json),
                            lambda t: t LIKE 'COMMITTED_USAGE_DISCOUNT%')) > 0 AS has_cud,
            list_filter(CAST(g.credits_json AS JSON[]),
                lambda c: (c->>'type') LIKE 'COMMITTED_USAGE_DISCOUNT%')[1]->>'id' AS cud_id
        FROM (
            SELECT t.*, gcp_kv_get(t.system_label_entries, 'compute.googleapis.com/machine_spec') AS machine_spec
            FROM gcp_typed t
        ) g
    ) f
) c
