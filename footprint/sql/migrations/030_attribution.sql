-- Attribution: the rules files users load, which rules produced the current attribution, the matching
-- helpers the generated attribution SQL uses, and v_line_items with the attribution joined in.

-- Every rules file a user loaded (kept after reset, for provenance). The shipped default is never stored:
-- it ships with the code and is used whenever no user file is active.
CREATE TABLE attribution_rule_sets (
    rule_set_id    INTEGER PRIMARY KEY,
    file_name      VARCHAR NOT NULL,
    file_sha256    VARCHAR NOT NULL,
    rules_version  VARCHAR NOT NULL,
    rules_toml     VARCHAR NOT NULL,   -- the file as loaded
    loaded_at      TIMESTAMP NOT NULL, -- UTC
    retired_at     TIMESTAMP           -- UTC; set when reset or replaced. The active set has NULL.
);

-- The rules behind the current line_item_attribution (one row after the first refresh).
CREATE TABLE attribution_state (
    rules_source     VARCHAR NOT NULL,  -- default | user
    rule_set_id      INTEGER,           -- attribution_rule_sets id when rules_source = 'user'
    file_name        VARCHAR NOT NULL,
    file_sha256      VARCHAR NOT NULL,
    rules_version    VARCHAR NOT NULL,
    refreshed_at     TIMESTAMP NOT NULL, -- UTC
    rows_attributed  BIGINT NOT NULL
);

-- Text compared for matching: lower case, letters and digits only ('ML-Model' = 'ml_model' = 'mlModel').
CREATE MACRO fp_attr_match(s) AS regexp_replace(lower(s), '[^\p{L}\p{N}]+', '', 'g');

-- Tag key compared for matching: provider prefixes dropped ('user:team', 'resourceTags/user:team',
-- 'resource_tags_user_team', 'tag:team', 'labels.team' all become 'team'), then as fp_attr_match.
CREATE MACRO fp_attr_key(k) AS fp_attr_match(regexp_replace(
    lower(trim(k)), '^(?:resource_?tags[/_.:]+(?:user[:_])?|user:|tags?[:.]|labels?[:.])', ''));

-- Value written as a slug: lower case, runs of spaces and '_' as one '-', no '-' at either end.
CREATE MACRO fp_attr_slug(s) AS nullif(trim(regexp_replace(lower(trim(s)), '[\s_-]+', '-', 'g'), '-'), '');

-- Line items with their attribution. Rows the attribution step has not yet seen (ingested, not refreshed)
-- read as unattributed rather than disappearing.
CREATE OR REPLACE VIEW v_line_items AS
SELECT
    b.*,
    coalesce(a.team, 'unattributed') AS team,
    coalesce(a.model, 'unattributed') AS model,
    coalesce(a.workload, 'unknown') AS workload,
    a.workload_detail,
    a.project,
    a.rule_id AS attribution_rule
FROM billing_line_items b
JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL
LEFT JOIN line_item_attribution a ON a.row_id = b.row_id;
