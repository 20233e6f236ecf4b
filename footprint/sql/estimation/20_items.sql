-- Step 2 of the estimation: footprint_items for every billing row and telemetry activity in scope, in one
-- pass each: what the row consumed, its IT energy (low / central / high, measured accelerator energy
-- substituted where telemetry matched it), PUE and facility energy, the location-based factor (hourly
-- where the user supplied a complete series, else annual with its fallbacks) and the market-based
-- factor without contractual instruments (residual mix, provider claim or location fallback; instruments
-- and the spend-based estimate are applied afterwards, 30_instruments.sql and 40_spend.sql). Each
-- statement ends in the text of emissions.sql, pasted in by footprint/estimation/__init__.py.
-- Parameters: $scope, $methodology_version. Formulas: formulas.sql; method: docs/methodology.md.

-- Billing rows: usage kind, then IT energy per component at low / central / high.
INSERT INTO footprint_items BY NAME
WITH b AS (
    SELECT
        b.row_id, b.batch_id, b.source_row, b.charge_period_start, b.charge_period_end, b.provider,
        b.region_id, b.service_name, b.sub_account_id, b.billing_account_id, b.charge_category,
        b.usage_type, b.resource_id, b.instance_type, b.usage_quantity, b.usage_unit, b.usage_hours,
        b.consumed_unit, b.billing_currency, b.billed_cost, b.effective_cost, b.carries_usage,
        b.service_category, year(b.charge_period_start) AS usage_year,
        coalesce(b.vcpu_count, it.vcpu_count) AS vcpu_count,
        coalesce(b.memory_gb, it.memory_gb) AS memory_gb,
        coalesce(b.accelerator_model, it.accelerator_model) AS accelerator_model,
        coalesce(b.accelerator_count, it.accelerator_count) AS accelerator_count,
        it.cpu_microarchitecture,
        coalesce(a.team, 'unattributed') AS team,
        coalesce(a.model, 'unattributed') AS model,
        coalesce(a.workload, b.workload_hint, 'unknown') AS workload,
        a.workload_detail,
        a.rule_id AS attribution_rule_id,
        tx.vcpu_text, tx.memory_text, tx.network_text, tx.media, tx.replication_factor, tx.replication_id
    FROM _fp_target b
    LEFT JOIN line_item_attribution a ON a.row_id = b.row_id
    LEFT JOIN _fp_instance it ON it.provider = b.provider AND it.instance_type = b.instance_type
    LEFT JOIN _fp_text tx ON tx.provider = b.provider AND tx.usage_text = b.usage_text
), k AS (
    SELECT b.*,
        CASE
            WHEN NOT b.carries_usage THEN 'none'
            WHEN b.usage_unit = 'hour' AND b.instance_type IS NOT NULL
                 AND (b.vcpu_count IS NOT NULL OR b.accelerator_model IS NOT NULL) THEN 'instance'
            WHEN b.usage_unit = 'hour' AND b.instance_type IS NULL AND b.accelerator_model IS NOT NULL THEN 'accelerator'
            WHEN b.usage_unit = 'hour' AND b.instance_type IS NULL
                 AND (b.vcpu_count IS NOT NULL OR b.vcpu_text) THEN 'vcpu'
            WHEN b.usage_unit = 'gb_hour' AND b.memory_text THEN 'memory'
            WHEN b.usage_unit IN ('gb_hour', 'gb_month') THEN 'storage'
            WHEN b.usage_unit = 'gb' AND (b.service_category = 'Networking' OR b.network_text) THEN 'network'
            ELSE 'unmodelled'
        END AS usage_kind
    FROM b
), q AS (
    SELECT
        k.*,
        c.min_w, c.max_w, c.baseline_gb, c.ids AS cpu_ids,
        cu.u_low AS cpu_u_low, cu.u AS cpu_u, cu.u_high AS cpu_u_high,
        ac.has_power, ac.power_w_low AS acc_w_low, ac.power_w AS acc_w, ac.power_w_high AS acc_w_high,
        ac.u AS acc_u, ac.ids AS acc_ids,
        m.energy_kwh AS m_kwh, m.device_hours AS m_device_hours, m.batches AS m_batches,
        -- vCPU-hours and usable memory: a whole instance carries SPECpower's baseline memory inside its
        -- CPU coefficient; split CPU/RAM billing (GCP cores, Fargate) counts all RAM on the RAM rows, so
        -- the vCPU coefficient there excludes the baseline memory's power.
        CASE k.usage_kind WHEN 'instance' THEN k.usage_hours * k.vcpu_count
                          WHEN 'vcpu' THEN k.usage_hours * coalesce(k.vcpu_count, 1) END AS vcpu_hours,
        CASE WHEN k.usage_kind = 'vcpu'
             THEN greatest(c.min_w, c.max_w - c.baseline_gb * cf.mem * 1000) ELSE c.max_w END AS max_w_eff,
        CASE k.usage_kind
            WHEN 'instance' THEN k.usage_hours * greatest(0, k.memory_gb - k.vcpu_count * c.baseline_gb)
            WHEN 'memory' THEN k.usage_quantity END AS memory_gb_hours,
        CASE WHEN k.usage_kind IN ('instance', 'accelerator') AND k.accelerator_model IS NOT NULL
             THEN k.usage_hours * coalesce(k.accelerator_count,
                                           CASE WHEN k.usage_kind = 'accelerator' THEN 1 END) END AS device_hours,
        CASE k.usage_unit WHEN 'gb_month' THEN k.usage_quantity * cf.hours_per_month / 1000.0
                          WHEN 'gb_hour' THEN k.usage_quantity / 1000.0 END AS tb_hours,
        cf.*
    FROM k
    CROSS JOIN _fp_coef cf
    LEFT JOIN _fp_cpu c ON c.provider = k.provider AND c.micro IS NOT DISTINCT FROM k.cpu_microarchitecture
                       AND k.usage_kind IN ('instance', 'vcpu')
    LEFT JOIN _fp_cpu_util cu ON cu.workload = k.workload
    LEFT JOIN _fp_accel ac ON ac.accelerator_model = k.accelerator_model AND ac.workload = k.workload
    LEFT JOIN _fp_measured m ON m.row_id = k.row_id
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
        END AS method
    FROM e
), it AS (
    SELECT
        'b:' || row_id AS item_id, 'billing' AS source, row_id, CAST(NULL AS BIGINT) AS activity_id, batch_id,
        source_row, charge_period_start, charge_period_end, usage_year, provider, region_id,
        CAST(NULL AS VARCHAR) AS country_hint, service_name, sub_account_id, billing_account_id,
        charge_category, usage_type, resource_id, team, model, workload, workload_detail, attribution_rule_id,
        instance_type, cpu_microarchitecture, vcpu_count, memory_gb, accelerator_model, accelerator_count,
        usage_kind, usage_quantity, usage_unit, usage_hours, device_hours, billing_currency, billed_cost,
        effective_cost, carries_usage,
        -- Usage cost: the amortised (effective) cost where positive (usage under commitments bills 0), else
        -- the billed cost.
        CASE WHEN carries_usage THEN CASE WHEN effective_cost > 0 THEN effective_cost ELSE billed_cost END END
            AS usage_cost,
        CASE WHEN method IN ('modelled', 'measured') AND carries_usage
             THEN CASE WHEN effective_cost > 0 THEN effective_cost ELSE billed_cost END END AS estimated_usage_cost,
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
        END AS not_modelled_reason,
        FALSE AS pue_included, CAST(NULL AS DOUBLE) AS pue_in_source
    FROM f
)
@@emissions@@;

-- Measured energy no bill covers: IT energy as measured, with a PUE already applied by the source
-- (CodeCarbon) divided out so the facility PUE is applied exactly once.
INSERT INTO footprint_items BY NAME
WITH it AS (
    SELECT
        't:' || t.activity_id AS item_id, 'telemetry' AS source, NULL AS row_id, t.activity_id, t.batch_id,
        NULL AS source_row, t.period_start AS charge_period_start, t.period_end AS charge_period_end,
        year(t.period_start) AS usage_year,
        coalesce(t.provider, 'unknown') AS provider, t.region_id, t.country_iso2 AS country_hint,
        NULL AS service_name, NULL AS sub_account_id, NULL AS billing_account_id, NULL AS charge_category,
        t.source_format AS usage_type, t.host AS resource_id, t.team, t.model, t.workload,
        NULL AS workload_detail, NULL AS attribution_rule_id, NULL AS instance_type,
        NULL AS cpu_microarchitecture, NULL AS vcpu_count, NULL AS memory_gb, t.accelerator_model,
        t.device_count AS accelerator_count, 'telemetry' AS usage_kind, t.energy_kwh AS usage_quantity,
        'kwh' AS usage_unit, epoch(t.period_end - t.period_start) / 3600.0 AS usage_hours,
        t.device_count * epoch(t.period_end - t.period_start) / 3600.0 AS device_hours,
        NULL AS billing_currency, NULL AS billed_cost, NULL AS effective_cost, TRUE AS carries_usage,
        NULL AS usage_cost, NULL AS estimated_usage_cost, NULL AS cpu_energy_kwh, NULL AS memory_energy_kwh, NULL AS storage_energy_kwh,
        NULL AS network_energy_kwh, x.kwh AS accelerator_energy_kwh, NULL AS modelled_accelerator_energy_kwh,
        x.kwh AS energy_kwh_low, x.kwh AS energy_kwh, x.kwh AS energy_kwh_high,
        x.kwh AS measured_energy_kwh, t.device_count * epoch(t.period_end - t.period_start) / 3600.0
            AS measured_device_hours,
        CAST(t.batch_id AS VARCHAR) AS telemetry_batches, 'measured' AS method, 'telemetry_v1' AS formula_id,
        'measured:telemetry_activity' AS coefficient_ids, NULL AS cpu_utilization,
        NULL AS accelerator_utilization, NULL AS not_modelled_reason,
        t.pue_included, t.pue_in_source
    FROM _fp_activity t,
    LATERAL (SELECT CASE WHEN t.pue_included AND t.pue_in_source > 0 THEN t.energy_kwh / t.pue_in_source
                         ELSE t.energy_kwh END AS kwh) x
)
@@emissions@@;
