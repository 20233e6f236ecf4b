-- Billed cost per model and currency within [$since, $until] for the given teams and models.
SELECT model, workload, billing_currency, sum(billed_cost) AS billed_cost
FROM ledger_model_cost_day
WHERE (len(CAST($teams AS VARCHAR[])) = 0 OR list_contains(CAST($teams AS VARCHAR[]), team))
  AND (len(CAST($models AS VARCHAR[])) = 0 OR list_contains(CAST($models AS VARCHAR[]), model))
  AND (CAST($since AS DATE) IS NULL OR day >= CAST($since AS DATE))
  AND (CAST($until AS DATE) IS NULL OR day <= CAST($until AS DATE))
GROUP BY ALL
ORDER BY model, workload, billing_currency
