-- Dashboard aggregates: small tables the dashboard pages read instead of the line items, rebuilt by
-- footprint.aggregates.refresh(con) as the last refresh step (footprint/pipeline.py). Their metric columns
-- follow footprint/metrics.py, so the refresh (re)creates them (sql/aggregates/*.sql); this table records
-- what the current ones were built from, so a front end can tell when they are missing or stale.
CREATE TABLE agg_meta (
    built_at          TIMESTAMP NOT NULL,  -- UTC
    metrics_signature VARCHAR NOT NULL,    -- hash of the metric definitions and table SQL they were built with
    batches_signature VARCHAR NOT NULL,    -- live batches (id list) the tables cover
    source_rows       BIGINT NOT NULL      -- rows of v_footprint aggregated
);
