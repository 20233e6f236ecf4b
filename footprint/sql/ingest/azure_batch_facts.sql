-- What an Azure cost details batch holds ($1 = batch_id), read back inside the loading transaction:
-- the commitment rows that tell Azure's actual and amortized datasets apart, and the units and locations
-- Microsoft's reference tables did not know (reported to the user as warnings).
-- Actual: commitment purchases and refunds, commitment usage at cost 0. Amortized: unused commitment rows
-- and commitment usage carrying an amortised cost above 0 (the test Microsoft's ConvertTo-FinOpsSchema uses).
WITH items AS (
    SELECT
        source_row,
        x_details->>'CommitmentCharge' AS commitment_charge,
        commitment_discount_status,
        -- commitment usage that ran (not the unused hours of a reservation or savings plan)
        coalesce(x_details->>'CommitmentCharge' = 'usage', false)
            AND commitment_discount_status IS DISTINCT FROM 'Unused' AS used_commitment,
        effective_cost,
        carries_usage,
        x_details->>'UnitOfMeasure' AS unit,
        x_details->>'PricingBlockSize' AS block,
        region_id,
        coalesce(x_details->>'ResourceLocation', x_details->>'Location', x_details->>'MeterRegion') AS location
    FROM billing_line_items
    WHERE batch_id = $1
)
SELECT
    count(*) FILTER (commitment_charge = 'purchase') AS purchases,
    min(source_row) FILTER (commitment_charge = 'purchase') AS first_purchase,
    count(*) FILTER (commitment_charge = 'usage' AND commitment_discount_status = 'Unused') AS unused,
    min(source_row) FILTER (commitment_charge = 'usage' AND commitment_discount_status = 'Unused') AS first_unused,
    count(*) FILTER (used_commitment AND effective_cost > 0) AS priced_usage,
    min(source_row) FILTER (used_commitment AND effective_cost > 0) AS first_priced_usage,
    count(*) FILTER (used_commitment AND effective_cost = 0) AS zero_usage,
    count(*) FILTER (carries_usage AND unit IS NOT NULL AND block IS NULL) AS unknown_unit_rows,
    list(DISTINCT unit ORDER BY unit) FILTER (carries_usage AND unit IS NOT NULL AND block IS NULL) AS unknown_units,
    count(*) FILTER (region_id IS NULL AND location IS NOT NULL) AS unknown_location_rows,
    list(DISTINCT location ORDER BY location) FILTER (region_id IS NULL AND location IS NOT NULL) AS unknown_locations
FROM items;
