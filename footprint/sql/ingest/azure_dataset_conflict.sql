-- An earlier Azure batch, from the other cost dataset, covering a billing account and period that batch $1
-- also covers ($2 = LIKE pattern of the other dataset's format_detail, e.g. 'dataset=actual%').
-- The account is the billing account, else the subscription; the period is the billing period, else the
-- calendar month of the charge.
WITH keys AS (
    SELECT
        batch_id,
        coalesce(billing_account_id, 'subscription ' || sub_account_id) AS account,
        coalesce(billing_period_start, date_trunc('month', charge_period_start)) AS period
    FROM billing_line_items
    WHERE provider = 'azure'
),
mine AS (SELECT DISTINCT account, period FROM keys WHERE batch_id = $1),
theirs AS (
    SELECT DISTINCT k.batch_id, b.file_name, k.account, k.period
    FROM keys k
    JOIN ingest_batches b USING (batch_id)
    WHERE k.batch_id <> $1
      AND b.detected_format IN ('azure-ea', 'azure-mca', 'azure-payg')
      AND b.superseded_by IS NULL
      AND b.format_detail LIKE $2
)
SELECT t.batch_id, t.file_name, t.account, t.period
FROM mine m
JOIN theirs t ON t.account = m.account AND t.period = m.period
ORDER BY t.batch_id, t.period, t.account
LIMIT 1;
