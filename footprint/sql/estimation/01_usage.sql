-- Step 1 of the estimation: what each billing row consumed and its IT energy (kWh, PUE not applied),
-- low / central / high, with measured accelerator energy substituted where telemetry matched the row;
-- then telemetry activity that no bill covers. Formulas: formulas.sql; method: docs/methodology.md.

-- Billing rows of current batches with their attribution and the instance catalog as it is now (a
-- catalog extended after ingest still applies), classified by what their quantity measures.
CREATE OR REPLACE TEMP TABLE _fp_billing AS
WITH b AS (
    SELECT
        b.row_id, b.batch_id, b.source_row, b.charge_period_start, b.charge_period_end, b.provider,
        b.region_id, b.service_name, b.sub_account_id, b.billing_account_id, b.charge_category,
        b.usage_type, b.resource_id, b.instance_type, b.usage_quantity, b.usage_unit, b.usage_hours,
        b.consumed_unit, b.billing_currency, b.billed_cost, b.effective_cost, b.carries_usage,
        b.workload_hint,
        coalesce(b.vcpu_count, it.vcpu_count) AS vcpu_count,
        coalesce(b.memory_gb, it.memory_gb) AS memory_gb,
        coalesce(b.accelerator_model, it.accelerator_model) AS accelerator_model,
        coalesce(b.accelerator_count, it.accelerator_count) AS accelerator_count,
        nullif(it.cpu_microarchitecture, '') AS cpu_microarchitecture,
        concat_ws(' ', b.service_name, b.service_category, b.usage_type, b.charge_description, b.sku_id,
                  b.consumed_unit) AS usage_text,
        b.service_category
    FROM billing_line_items b
    JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL
    LEFT JOIN ref_instance_types it
           ON it.provider = b.provider AND it.instance_key = fp_instance_key(b.instance_type)
)
SELECT
    b.*,
    coalesce(a.team, 'unattributed') AS team,
    coalesce(a.model, 'unattributed') AS model,
    coalesce(a.workload, b.workload_hint, 'unknown') AS workload,
    a.workload_detail,
    a.rule_id AS attribution_rule_id,
    CASE
        WHEN NOT b.carries_usage THEN 'none'
        WHEN b.usage_unit = 'hour' AND b.instance_type IS NOT NULL
             AND (b.vcpu_count IS NOT NULL OR b.accelerator_model IS NOT NULL) THEN 'instance'
        WHEN b.usage_unit = 'hour' AND b.instance_type IS NULL AND b.accelerator_model IS NOT NULL THEN 'accelerator'
        WHEN b.usage_unit = 'hour' AND b.instance_type IS NULL
             AND (b.vcpu_count IS NOT NULL OR regexp_matches(b.usage_text, '(?i)\b(vcpus?|cores?)\b')) THEN 'vcpu'
        WHEN b.usage_unit = 'gb_hour' AND regexp_matches(b.usage_text, '(?i)\bram\b|memory') THEN 'memory'
        WHEN b.usage_unit IN ('gb_hour', 'gb_month') THEN 'storage'
        WHEN b.usage_unit = 'gb' AND (b.service_category = 'Networking' OR regexp_matches(b.usage_text,
             '(?i)data ?transfer|egress|ingress|-out-bytes|-in-bytes|regional-bytes|inter-?region|internet|bandwidth|network'))
            THEN 'network'
        ELSE 'unmodelled'
    END AS usage_kind
FROM b
LEFT JOIN line_item_attribution a ON a.row_id = b.row_id;

-- CPU power per vCPU for each microarchitecture set in use ('Skylake|Broadwell': mean of the families,
-- as Cloud Carbon Footprint does); the provider fallback when none is known.
CREATE OR REPLACE TEMP TABLE _fp_cpu AS
WITH keys AS (
    SELECT DISTINCT provider, cpu_microarchitecture AS micro FROM _fp_billing WHERE usage_kind IN ('instance', 'vcpu')
), parts AS (
    SELECT provider, micro, unnest(string_split(micro, '|')) AS family FROM keys WHERE micro IS NOT NULL
), fam AS (
    SELECT p.provider, p.micro,
           avg(c.min_power_w_per_vcpu) AS min_w, avg(c.max_power_w_per_vcpu) AS max_w,
           avg(c.memory_baseline_gb_per_vcpu) AS baseline_gb,
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

-- Utilisation levels and device power per accelerator and workload (a small table: the curve is
-- evaluated once per pair, not once per row).
CREATE OR REPLACE TEMP TABLE _fp_accel AS
WITH pairs AS (
    SELECT DISTINCT accelerator_model, workload FROM _fp_billing WHERE accelerator_model IS NOT NULL
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
FROM (SELECT DISTINCT workload FROM _fp_billing) w;

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

-- Storage rows: media (first matching pattern) and replication factor (first matching pattern of the
-- row's provider, else the catch-all row). Patterns are matched once per distinct text, not per row.
CREATE OR REPLACE TEMP TABLE _fp_storage AS
WITH keys AS (
    SELECT DISTINCT provider, usage_text FROM _fp_billing WHERE usage_kind = 'storage'
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
), matched AS (
    SELECT k.provider, k.usage_text, coalesce(media.media, 'unknown') AS media, rf.replication_factor,
           rf.replication_id
    FROM keys k
    LEFT JOIN media ON media.provider = k.provider AND media.usage_text = k.usage_text
    LEFT JOIN rf ON rf.provider = k.provider AND rf.usage_text = k.usage_text
)
SELECT b.row_id, m.media, m.replication_factor, m.replication_id
FROM _fp_billing b
JOIN matched m ON m.provider = b.provider AND m.usage_text = b.usage_text
WHERE b.usage_kind = 'storage';

-- Measured accelerator energy per billing row (the telemetry step may report a row more than once).
CREATE OR REPLACE TEMP TABLE _fp_measured AS
SELECT row_id, sum(measured_accelerator_energy_kwh) AS energy_kwh,
       sum(measured_device_hours) AS device_hours,
       string_agg(DISTINCT telemetry_batches, ',') AS batches
FROM line_item_measured
GROUP BY row_id;

-- IT energy per billing row, each component at low / central / high.
CREATE OR REPLACE TEMP TABLE _fp_usage AS
WITH q AS (
    SELECT
        b.*,
        c.min_w, c.max_w, c.baseline_gb, c.ids AS cpu_ids,
        cu.u_low AS cpu_u_low, cu.u AS cpu_u, cu.u_high AS cpu_u_high,
        ac.has_power, ac.power_w_low AS acc_w_low, ac.power_w AS acc_w, ac.power_w_high AS acc_w_high,
        ac.u AS acc_u, ac.ids AS acc_ids,
        st.media, st.replication_factor, st.replication_id,
        m.energy_kwh AS m_kwh, m.device_hours AS m_device_hours, m.batches AS m_batches,
        -- vCPU-hours and usable memory: a whole instance carries SPECpower's baseline memory inside its
        -- CPU coefficient; split CPU/RAM billing (GCP cores, Fargate) counts all RAM on the RAM rows, so
        -- the vCPU coefficient there excludes the baseline memory's power.
        CASE b.usage_kind WHEN 'instance' THEN b.usage_hours * b.vcpu_count
                          WHEN 'vcpu' THEN b.usage_hours * coalesce(b.vcpu_count, 1) END AS vcpu_hours,
        CASE WHEN b.usage_kind = 'vcpu'
             THEN greatest(c.min_w, c.max_w - c.baseline_gb * k.mem * 1000) ELSE c.max_w END AS max_w_eff,
        CASE b.usage_kind
            WHEN 'instance' THEN b.usage_hours * greatest(0, b.memory_gb - b.vcpu_count * c.baseline_gb)
            WHEN 'memory' THEN b.usage_quantity END AS memory_gb_hours,
        CASE WHEN b.usage_kind IN ('instance', 'accelerator') AND b.accelerator_model IS NOT NULL
             THEN b.usage_hours * coalesce(b.accelerator_count,
                                           CASE WHEN b.usage_kind = 'accelerator' THEN 1 END) END AS device_hours,
        CASE b.usage_unit WHEN 'gb_month' THEN b.usage_quantity * k.hours_per_month / 1000.0
                          WHEN 'gb_hour' THEN b.usage_quantity / 1000.0 END AS tb_hours,
        k.*
    FROM _fp_billing b
    CROSS JOIN _fp_coef k
    LEFT JOIN _fp_cpu c ON c.provider = b.provider AND c.micro IS NOT DISTINCT FROM b.cpu_microarchitecture
                       AND b.usage_kind IN ('instance', 'vcpu')
    LEFT JOIN _fp_cpu_util cu ON cu.workload = b.workload
    LEFT JOIN _fp_accel ac ON ac.accelerator_model = b.accelerator_model AND ac.workload = b.workload
    LEFT JOIN _fp_storage st ON st.row_id = b.row_id
    LEFT JOIN _fp_measured m ON m.row_id = b.row_id
), e AS (
    SELECT q.*,
        fp_energy_kwh(fp_vcpu_power_w(min_w, max_w_eff, cpu_u_low), vcpu_hours) AS cpu_low,
        fp_energy_kwh(fp_vcpu_power_w(min_w, max_w_eff, cpu_u), vcpu_hours) AS cpu,
        fp_energy_kwh(fp_vcpu_power_w(min_w, max_w_eff, cpu_u_high), vcpu_hours) AS cpu_high,
        memory_gb_hours * mem_low AS mem_kwh_low,
        memory_gb_hours * mem AS mem_kwh,
        memory_gb_hours * mem_high AS mem_kwh_high,
        CASE WHEN usage_kind = 'storage' THEN tb_hours * replication_factor
             * CASE media WHEN 'ssd' THEN ssd ELSE hdd END END AS sto_low,
        CASE WHEN usage_kind = 'storage' THEN tb_hours * replication_factor
             * CASE media WHEN 'ssd' THEN ssd ELSE hdd END END AS sto,
        CASE WHEN usage_kind = 'storage' THEN tb_hours * replication_factor
             * CASE media WHEN 'hdd' THEN hdd ELSE ssd END END AS sto_high,
        CASE WHEN usage_kind = 'network' THEN usage_quantity * net_low END AS net_kwh_low,
        CASE WHEN usage_kind = 'network' THEN usage_quantity * net END AS net_kwh,
        CASE WHEN usage_kind = 'network' THEN usage_quantity * net_high END AS net_kwh_high,
        fp_energy_kwh(acc_w_low, device_hours) AS acc_mod_low,
        fp_energy_kwh(acc_w, device_hours) AS acc_mod,
        fp_energy_kwh(acc_w_high, device_hours) AS acc_mod_high,
        -- Measured substitution: measured device-hours replace the same device-hours of the model; only
        -- device-hours the telemetry did not cover stay modelled.
        greatest(0, coalesce(device_hours, 0) - coalesce(m_device_hours, 0)) AS unmeasured_device_hours,
        accelerator_model IS NOT NULL AND NOT coalesce(has_power, false) AS accel_unpowered
    FROM q
), f AS (
    SELECT e.*,
        CASE WHEN m_kwh IS NULL THEN acc_mod_low
             ELSE m_kwh + coalesce(fp_energy_kwh(acc_w_low, unmeasured_device_hours), 0) END AS acc_low,
        CASE WHEN m_kwh IS NULL THEN acc_mod
             ELSE m_kwh + coalesce(fp_energy_kwh(acc_w, unmeasured_device_hours), 0) END AS acc,
        CASE WHEN m_kwh IS NULL THEN acc_mod_high
             ELSE m_kwh + coalesce(fp_energy_kwh(acc_w_high, unmeasured_device_hours), 0) END AS acc_high,
        CASE
            WHEN usage_kind = 'none' THEN 'none'
            WHEN m_kwh IS NOT NULL THEN 'measured'
            WHEN usage_kind = 'unmodelled' OR accel_unpowered THEN 'spend_based'
            WHEN usage_kind IN ('instance', 'vcpu') AND vcpu_hours IS NULL AND device_hours IS NULL THEN 'spend_based'
            WHEN usage_kind = 'storage' AND tb_hours IS NULL THEN 'spend_based'
            ELSE 'modelled'
        END AS method,
        CASE
            WHEN usage_kind = 'none' THEN 'not usage (' || coalesce(charge_category, '?') || ')'
            WHEN m_kwh IS NOT NULL AND accel_unpowered AND unmeasured_device_hours > 0
                THEN 'no published power figure for ' || accelerator_model
                     || '; device-hours without telemetry not counted'
            WHEN m_kwh IS NOT NULL THEN NULL
            WHEN accel_unpowered THEN 'no published power figure for accelerator ' || accelerator_model
            WHEN usage_kind = 'unmodelled' AND usage_unit = 'hour' AND instance_type IS NOT NULL
                THEN 'instance type not in catalog: ' || instance_type
            WHEN usage_kind = 'unmodelled' AND usage_unit IS NULL THEN 'no usage quantity'
            WHEN usage_kind = 'unmodelled'
                THEN 'no energy coefficient for usage in ' || coalesce(consumed_unit, usage_unit)
            WHEN usage_kind IN ('instance', 'vcpu') AND vcpu_hours IS NULL AND device_hours IS NULL
                THEN 'no vCPU or accelerator count'
        END AS not_modelled_reason
    FROM e
)
SELECT
    'b:' || row_id AS item_id, 'billing' AS source, row_id, CAST(NULL AS BIGINT) AS activity_id, batch_id,
    source_row, charge_period_start, charge_period_end, provider, region_id,
    CAST(NULL AS VARCHAR) AS country_hint, service_name, sub_account_id, billing_account_id,
    charge_category, usage_type, resource_id, team, model, workload, workload_detail, attribution_rule_id,
    instance_type, cpu_microarchitecture, vcpu_count, memory_gb, accelerator_model, accelerator_count,
    usage_kind, usage_quantity, usage_unit, usage_hours, device_hours, billing_currency, billed_cost,
    effective_cost, carries_usage,
    -- Usage cost: the amortised (effective) cost where positive (usage under commitments bills 0), else
    -- the billed cost.
    CASE WHEN carries_usage THEN CASE WHEN effective_cost > 0 THEN effective_cost ELSE billed_cost END END
        AS usage_cost,
    CASE WHEN method IN ('modelled', 'measured') THEN cpu END AS cpu_energy_kwh,
    CASE WHEN method IN ('modelled', 'measured') THEN mem_kwh END AS memory_energy_kwh,
    CASE WHEN method IN ('modelled', 'measured') THEN sto END AS storage_energy_kwh,
    CASE WHEN method IN ('modelled', 'measured') THEN net_kwh END AS network_energy_kwh,
    CASE WHEN method IN ('modelled', 'measured') THEN acc END AS accelerator_energy_kwh,
    acc_mod AS modelled_accelerator_energy_kwh,
    -- A reversal (negative usage quantity) nets against the usage it reverses; its range is ordered so
    -- low <= central <= high holds for every row.
    CASE WHEN method IN ('modelled', 'measured') THEN least(
        coalesce(cpu_low, 0) + coalesce(mem_kwh_low, 0) + coalesce(sto_low, 0) + coalesce(net_kwh_low, 0)
        + coalesce(acc_low, 0),
        coalesce(cpu_high, 0) + coalesce(mem_kwh_high, 0) + coalesce(sto_high, 0) + coalesce(net_kwh_high, 0)
        + coalesce(acc_high, 0)) END AS energy_kwh_low,
    CASE WHEN method IN ('modelled', 'measured') THEN
        coalesce(cpu, 0) + coalesce(mem_kwh, 0) + coalesce(sto, 0) + coalesce(net_kwh, 0)
        + coalesce(acc, 0) END AS energy_kwh,
    CASE WHEN method IN ('modelled', 'measured') THEN greatest(
        coalesce(cpu_low, 0) + coalesce(mem_kwh_low, 0) + coalesce(sto_low, 0) + coalesce(net_kwh_low, 0)
        + coalesce(acc_low, 0),
        coalesce(cpu_high, 0) + coalesce(mem_kwh_high, 0) + coalesce(sto_high, 0) + coalesce(net_kwh_high, 0)
        + coalesce(acc_high, 0)) END AS energy_kwh_high,
    coalesce(m_kwh, 0) AS measured_energy_kwh,
    m_device_hours AS measured_device_hours,
    m_batches AS telemetry_batches,
    method,
    CASE WHEN method IN ('modelled', 'measured') THEN usage_kind || '_v1' END AS formula_id,
    CASE WHEN method IN ('modelled', 'measured') THEN nullif(concat_ws(';',
        CASE WHEN vcpu_hours IS NOT NULL THEN cpu_ids || ';utilization:cpu:' || workload END,
        CASE WHEN memory_gb_hours IS NOT NULL THEN 'memory_energy' END,
        CASE WHEN usage_kind = 'storage' THEN CASE media WHEN 'ssd' THEN 'ssd_energy' WHEN 'hdd' THEN 'hdd_energy'
             ELSE 'hdd_energy;ssd_energy' END || ';replication:' || replication_id
             || CASE WHEN usage_unit = 'gb_month' THEN ';hours_per_month' ELSE '' END END,
        CASE WHEN usage_kind = 'network' THEN 'network_energy' END,
        CASE WHEN device_hours IS NOT NULL AND has_power THEN acc_ids END,
        CASE WHEN m_kwh IS NOT NULL THEN 'measured:line_item_measured' END), '') END AS coefficient_ids,
    CASE WHEN vcpu_hours IS NOT NULL THEN cpu_u END AS cpu_utilization,
    CASE WHEN device_hours IS NOT NULL THEN acc_u END AS accelerator_utilization,
    not_modelled_reason,
    FALSE AS pue_included, CAST(NULL AS DOUBLE) AS pue_in_source
FROM f

UNION ALL BY NAME

-- Measured energy no bill covers: IT energy as measured, with a PUE already applied by the source
-- (CodeCarbon) divided out so the facility PUE is applied exactly once.
SELECT
    't:' || t.activity_id AS item_id, 'telemetry' AS source, NULL AS row_id, t.activity_id, t.batch_id,
    NULL AS source_row, t.period_start AS charge_period_start, t.period_end AS charge_period_end,
    coalesce(t.provider, 'unknown') AS provider, t.region_id, t.country_iso2 AS country_hint,
    NULL AS service_name, NULL AS sub_account_id, NULL AS billing_account_id, NULL AS charge_category,
    t.source_format AS usage_type, t.host AS resource_id, t.team, t.model, t.workload,
    NULL AS workload_detail, NULL AS attribution_rule_id, NULL AS instance_type,
    NULL AS cpu_microarchitecture, NULL AS vcpu_count, NULL AS memory_gb, t.accelerator_model,
    t.device_count AS accelerator_count, 'telemetry' AS usage_kind, t.energy_kwh AS usage_quantity,
    'kwh' AS usage_unit, epoch(t.period_end - t.period_start) / 3600.0 AS usage_hours,
    t.device_count * epoch(t.period_end - t.period_start) / 3600.0 AS device_hours,
    NULL AS billing_currency, NULL AS billed_cost, NULL AS effective_cost, TRUE AS carries_usage,
    NULL AS usage_cost, NULL AS cpu_energy_kwh, NULL AS memory_energy_kwh, NULL AS storage_energy_kwh,
    NULL AS network_energy_kwh, it.kwh AS accelerator_energy_kwh, NULL AS modelled_accelerator_energy_kwh,
    it.kwh AS energy_kwh_low, it.kwh AS energy_kwh, it.kwh AS energy_kwh_high,
    it.kwh AS measured_energy_kwh, t.device_count * epoch(t.period_end - t.period_start) / 3600.0
        AS measured_device_hours,
    CAST(t.batch_id AS VARCHAR) AS telemetry_batches, 'measured' AS method, 'telemetry_v1' AS formula_id,
    'measured:telemetry_activity' AS coefficient_ids, NULL AS cpu_utilization,
    NULL AS accelerator_utilization, NULL AS not_modelled_reason,
    t.pue_included, t.pue_in_source
FROM telemetry_activity t,
LATERAL (SELECT CASE WHEN t.pue_included AND t.pue_in_source > 0 THEN t.energy_kwh / t.pue_in_source
                     ELSE t.energy_kwh END AS kwh) it;
