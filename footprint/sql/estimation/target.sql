-- The billing rows the estimation writes: rows of live batches that @@scope@@ selects (from code: every
-- row in a full refresh; the rows of added batches, and rows whose measured energy changed, in an
-- incremental one), with the text their usage is classified by (service, category, usage type,
-- description, SKU, unit). Created as a view (full) or a table (incremental) by estimation/__init__.py.
SELECT b.*,
       concat_ws(' ', b.service_name, b.service_category, b.usage_type, b.charge_description, b.sku_id,
                 b.consumed_unit) AS usage_text
FROM billing_line_items b
JOIN ingest_batches ib ON ib.batch_id = b.batch_id AND ib.superseded_by IS NULL
WHERE @@scope@@
