-- Inference requests and tokens per day and model, spread over the days each count covers like the
-- footprint items, with model and team names normalised the same way. Counts of superseded batches
-- are left out, as their billing rows are.
INSERT INTO ledger_requests_day
WITH r AS (
    SELECT
        q.period_start AS t0,
        q.period_end AS t1,
        coalesce(fp_attr_norm(a_model.canonical, $model_mode), fp_attr_norm(q.model, $model_mode), 'unattributed') AS model,
        coalesce(fp_attr_norm(a_team.canonical, $team_mode), fp_attr_norm(q.team, $team_mode)) AS team,
        q.requests, q.tokens, q.input_tokens, q.output_tokens
    FROM inference_requests q
    JOIN ingest_batches ib ON ib.batch_id = q.batch_id AND ib.superseded_by IS NULL
    LEFT JOIN _ledger_aliases a_team ON a_team.dimension = 'team' AND a_team.variant_match = fp_attr_match(q.team)
    LEFT JOIN _ledger_aliases a_model ON a_model.dimension = 'model' AND a_model.variant_match = fp_attr_match(q.model)
),
spread AS (
    SELECT *, unnest(generate_series(
        date_trunc('day', t0),
        CASE WHEN t1 > t0 THEN t1 - INTERVAL 1 MICROSECOND ELSE t0 END,
        INTERVAL 1 DAY)) AS day_start
    FROM r
),
shared AS (
    SELECT *, CASE WHEN t1 <= t0 THEN 1.0
                   ELSE epoch(least(t1, day_start + INTERVAL 1 DAY) - greatest(t0, day_start)) / epoch(t1 - t0)
              END AS share
    FROM spread
)
SELECT
    CAST(day_start AS DATE) AS day, model, team,
    fp_sum(requests * share) AS requests,
    fp_sum(tokens * share) AS tokens,
    fp_sum(input_tokens * share) AS input_tokens,
    fp_sum(output_tokens * share) AS output_tokens
FROM shared
GROUP BY ALL;
