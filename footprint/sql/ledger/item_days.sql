-- Every footprint item spread over the UTC days it covers, with the share of the item in each day
-- (time overlap / item duration; an item without duration counts whole on its first day), and its team,
-- model and workload written the way attribution writes them: names normalised and aliased as the rules
-- file says ($team_mode, $model_mode; temp tables _ledger_aliases and _ledger_workload_values), so a
-- model reported by telemetry and the same model on the bill are one model.
CREATE OR REPLACE TEMP TABLE _ledger_item_days AS
WITH items AS (
    SELECT
        f.item_id,
        f.charge_period_start AS t0,
        f.charge_period_end AS t1,
        coalesce(fp_attr_norm(a_team.canonical, $team_mode), fp_attr_norm(f.team, $team_mode), 'unattributed') AS team,
        coalesce(fp_attr_norm(a_model.canonical, $model_mode), fp_attr_norm(f.model, $model_mode), 'unattributed') AS model,
        CASE WHEN f.workload IN ('training', 'inference', 'development', 'data_processing', 'unknown')
             THEN f.workload ELSE coalesce(wv.workload, 'unknown') END AS workload,
        CASE WHEN f.workload IN ('training', 'inference', 'development', 'data_processing', 'unknown')
             THEN f.workload_detail ELSE wv.workload_detail END AS workload_detail
    FROM footprint_items f
    LEFT JOIN _ledger_aliases a_team ON a_team.dimension = 'team' AND a_team.variant_match = fp_attr_match(f.team)
    LEFT JOIN _ledger_aliases a_model ON a_model.dimension = 'model' AND a_model.variant_match = fp_attr_match(f.model)
    LEFT JOIN _ledger_workload_values wv ON wv.value_match = fp_attr_match(f.workload)
),
spread AS (
    SELECT *, unnest(generate_series(
        date_trunc('day', t0),
        CASE WHEN t1 > t0 THEN t1 - INTERVAL 1 MICROSECOND ELSE t0 END,
        INTERVAL 1 DAY)) AS day_start
    FROM items
)
SELECT
    item_id,
    CAST(day_start AS DATE) AS day,
    team, model, workload, workload_detail,
    CASE WHEN t1 <= t0 THEN 1.0
         ELSE epoch(least(t1, day_start + INTERVAL 1 DAY) - greatest(t0, day_start)) / epoch(t1 - t0) END AS share
FROM spread;
