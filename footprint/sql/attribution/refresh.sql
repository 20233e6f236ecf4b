-- Fills line_item_attribution with one row per billing line item in _attr_keys (keys.sql): team, model,
-- workload (+ detail), project, and which rule decided each of them.
--
-- A template: footprint/attribution/compile.py replaces every @@slot@@ with SQL generated from the
-- validated rules file. Each value from the file (tag keys, patterns, names) arrives as a named
-- parameter; identifiers (billing column names) come only from code.
--
-- Everything below runs once per distinct combination of the fields attribution reads (key_id of
-- _attr_keys), never once per row; the last SELECT hands each combination's result to its rows.
--
-- Sources, each computed for every combination, then combined in the precedence order of the rules file:
--   tags            the first configured tag key present, per dimension
--   resource_rules  the first matching rule on resource ids / names that sets the dimension
--   usage_rules     the first matching rule on usage type / SKU / service that sets the dimension
--   ingest_hint     billing_line_items.workload_hint (workload only)
INSERT INTO line_item_attribution (row_id, team, model, workload, workload_detail, project, rule_id)
WITH
tag_keys AS (@@tag_keys@@),
workload_values AS (@@workload_values@@),
aliases AS (@@aliases@@),
ignored AS (SELECT @@ignored@@ AS value_matches),
tag_pairs AS (
    SELECT b.key_id, b.provider, e.key AS tag_key,
           nullif(trim(json_extract_string(e.value, '$')), '') AS tag_value
    FROM _attr_keys b, json_each(b.tags) e
    WHERE b.tags IS NOT NULL AND json_type(b.tags) = 'OBJECT'
),
-- Keys and values are matched once per distinct text, not once per row.
-- rank_no orders the keys found for one provider and dimension: configured order, then key text.
key_hits AS (
    SELECT *, row_number() OVER (PARTITION BY provider, dimension ORDER BY key_rank, tag_key) AS rank_no
    FROM (
        SELECT d.provider, d.tag_key, k.dimension, min(k.key_rank) AS key_rank
        FROM (SELECT DISTINCT provider, tag_key FROM tag_pairs) d
        JOIN tag_keys k ON k.key_match = @@key_fn@@(d.tag_key) AND k.provider IN ('*', d.provider)
        GROUP BY ALL
    )
),
value_checks AS (
    SELECT v.tag_value, @@tag_value_kept@@ AS kept, w.workload, w.workload_detail
    FROM (SELECT DISTINCT tag_value FROM tag_pairs WHERE tag_value IS NOT NULL) v
    CROSS JOIN ignored ig
    LEFT JOIN workload_values w ON w.value_match = fp_attr_match(v.tag_value)
),
tag_hits AS (
    SELECT p.key_id, k.dimension, k.rank_no AS rank_key, p.tag_key, p.tag_value,
           c.workload, c.workload_detail
    FROM tag_pairs p
    JOIN key_hits k ON k.provider = p.provider AND k.tag_key = p.tag_key
    JOIN value_checks c ON c.tag_value = p.tag_value
    WHERE c.kept AND (k.dimension <> 'workload' OR c.workload IS NOT NULL)
),
-- Per combination and dimension, the hit with the lowest rank_no.
tags AS (
    SELECT key_id,
        arg_min(tag_value, rank_key) FILTER (WHERE dimension = 'team') AS tags_team,
        arg_min('tag:' || tag_key, rank_key) FILTER (WHERE dimension = 'team') AS tags_team_rule,
        arg_min(tag_value, rank_key) FILTER (WHERE dimension = 'model') AS tags_model,
        arg_min('tag:' || tag_key, rank_key) FILTER (WHERE dimension = 'model') AS tags_model_rule,
        arg_min(tag_value, rank_key) FILTER (WHERE dimension = 'project') AS tags_project,
        arg_min('tag:' || tag_key, rank_key) FILTER (WHERE dimension = 'project') AS tags_project_rule,
        arg_min(workload, rank_key) FILTER (WHERE dimension = 'workload') AS tags_workload,
        arg_min(workload_detail, rank_key) FILTER (WHERE dimension = 'workload') AS tags_workload_detail,
        arg_min('tag:' || tag_key, rank_key) FILTER (WHERE dimension = 'workload') AS tags_workload_rule
    FROM tag_hits
    GROUP BY key_id
),
-- Each rule list runs once per distinct combination of the fields it reads.
resource_keys AS (SELECT DISTINCT provider, @@resource_fields@@ FROM _attr_keys),
resource_hits AS (
    SELECT *,
        @@resource_hits@@
    FROM resource_keys
),
resource_captures AS (
    SELECT *,
        @@resource_captures@@
    FROM resource_hits
),
resource_values AS (
    SELECT c.*,
        @@resource_values@@
    FROM resource_captures c
    CROSS JOIN ignored ig
),
resource_tier AS (
    SELECT provider, @@resource_fields@@,
        @@resource_tier@@
    FROM resource_values
),
usage_keys AS (SELECT DISTINCT provider, @@usage_fields@@ FROM _attr_keys),
usage_hits AS (
    SELECT *,
        @@usage_hits@@
    FROM usage_keys
),
usage_captures AS (
    SELECT *,
        @@usage_captures@@
    FROM usage_hits
),
usage_values AS (
    SELECT c.*,
        @@usage_values@@
    FROM usage_captures c
    CROSS JOIN ignored ig
),
usage_tier AS (
    SELECT provider, @@usage_fields@@,
        @@usage_tier@@
    FROM usage_values
),
tiers AS (
    SELECT b.key_id,
        CASE b.workload_hint
            WHEN 'training' THEN 'training'
            WHEN 'inference' THEN 'inference'
            WHEN 'development' THEN 'development'
            WHEN 'notebook' THEN 'development'
            WHEN 'data_processing' THEN 'data_processing'
            WHEN 'processing' THEN 'data_processing'
        END AS ingest_hint_workload,
        CAST(NULL AS VARCHAR) AS ingest_hint_workload_detail,
        'ingest:workload_hint' AS ingest_hint_workload_rule,
        r.* EXCLUDE (provider, @@resource_fields@@),
        u.* EXCLUDE (provider, @@usage_fields@@)
    FROM _attr_keys b
    JOIN resource_tier r ON r.provider = b.provider AND @@resource_join@@
    JOIN usage_tier u ON u.provider = b.provider AND @@usage_join@@
),
picked AS (
    SELECT t.key_id,
        @@picked@@
    FROM tiers t
    LEFT JOIN tags g ON g.key_id = t.key_id
),
final AS (
    SELECT
        p.key_id,
        @@final@@,
        nullif(concat_ws(';', 'team=' || p.team_rule, 'model=' || p.model_rule,
                         'workload=' || p.workload_rule, 'project=' || p.project_rule), '') AS rule_id
    FROM picked p
    LEFT JOIN aliases al_team ON al_team.dimension = 'team' AND al_team.variant_match = fp_attr_match(p.team)
    LEFT JOIN aliases al_model ON al_model.dimension = 'model' AND al_model.variant_match = fp_attr_match(p.model)
    LEFT JOIN aliases al_project
           ON al_project.dimension = 'project' AND al_project.variant_match = fp_attr_match(p.project)
)
SELECT unnest(k.row_ids) AS row_id, f.team, f.model, f.workload, f.workload_detail, f.project, f.rule_id
FROM final f
JOIN _attr_keys k USING (key_id)
