-- Rules the Azure cost details readers (EA, MCA/CSP and legacy pay-as-you-go usage) apply to every line
-- item. The readers create these as temporary macros and views on the loading connection before their bulk
-- insert, so the rules live in one place, in SQL, and the store's schema is untouched. The lookups read the
-- shipped tables derived from Microsoft's FinOps toolkit open data (ref_azure_pricing_units,
-- ref_azure_regions, ref_azure_services; sources in footprint/data/SOURCES.md).

-- Azure writes Tags (and, in some exports, AdditionalInfo) as the inside of a JSON object without the outer
-- braces: '"env": "prod","org": "trey"'. Wrap such text so it parses; text that already has braces is kept.
CREATE OR REPLACE TEMP MACRO fp_azure_json_text(s) AS CASE
    WHEN nullif(trim(s), '') IS NULL THEN NULL
    WHEN starts_with(trim(s), '{') THEN trim(s)
    ELSE '{' || trim(s) || '}' END;

-- True when the (wrapped) text is a JSON object.
CREATE OR REPLACE TEMP MACRO fp_azure_is_object(s) AS
    CASE WHEN json_valid(s) THEN json_type(s) = 'OBJECT' ELSE false END;

-- ARM resource type from a resource id, the way Microsoft's FOCUS conversion splits ids:
-- '/subscriptions/x/resourceGroups/rg/providers/Microsoft.Sql/servers/s/databases/d' -> 'microsoft.sql/servers/databases'.
-- The part after the last '/providers/' wins (extension resources), with every name dropped; NULL when the id
-- names no provider.
CREATE OR REPLACE TEMP MACRO fp_azure_resource_type(rid) AS CASE
    WHEN NOT contains(lower(rid), '/providers/') THEN NULL
    ELSE nullif(regexp_replace(rtrim(string_split(lower(rid), '/providers/')[-1], '/'), '(/[^/]+)/[^/]+', '\1', 'g'), '')
    END;

-- FOCUS ChargeCategory for an Azure ChargeType, as Microsoft's FOCUS conversion maps it: unused
-- reservation and savings plan hours are (unused) usage, a refund is a corrected purchase, a rounding
-- adjustment is an adjustment. NULL for a type Azure has not documented, which the reader turns into an
-- error naming the row: a new type must be classified, never guessed.
CREATE OR REPLACE TEMP MACRO fp_azure_charge_category(t) AS CASE lower(t)
    WHEN 'usage' THEN 'Usage'
    WHEN 'unusedreservation' THEN 'Usage'
    WHEN 'unusedsavingsplan' THEN 'Usage'
    WHEN 'purchase' THEN 'Purchase'
    WHEN 'refund' THEN 'Purchase'
    WHEN 'tax' THEN 'Tax'
    WHEN 'credit' THEN 'Credit'
    WHEN 'roundingadjustment' THEN 'Adjustment'
    WHEN 'adjustment' THEN 'Adjustment'
    END;

-- FOCUS PricingCategory for an Azure PricingModel; NULL when blank, 'Other' for a model FOCUS has no
-- category for (the raw value stays in x_details.PricingModel).
CREATE OR REPLACE TEMP MACRO fp_azure_pricing_category(pm) AS CASE
    WHEN nullif(trim(pm), '') IS NULL THEN NULL
    WHEN lower(pm) = 'ondemand' THEN 'Standard'
    WHEN lower(pm) = 'spot' THEN 'Dynamic'
    WHEN lower(pm) IN ('reservation', 'savingsplan', 'savings plan') THEN 'Committed'
    ELSE 'Other' END;

-- Whether a row belongs to a commitment (reservation or savings plan): Microsoft's ConvertTo-FinOpsSchema
-- test, i.e. the commitment services, a commitment pricing model, or a reservation / benefit id.
CREATE OR REPLACE TEMP MACRO fp_azure_is_commitment(consumed_service, pricing_model, reservation_id, benefit_id) AS
    lower(coalesce(consumed_service, '')) IN ('microsoft.billingbenefits', 'microsoft.capacity')
    OR lower(coalesce(pricing_model, '')) IN ('reservation', 'savingsplan', 'savings plan')
    OR reservation_id IS NOT NULL
    OR benefit_id IS NOT NULL;

-- FOCUS CommitmentDiscountType from the benefit id (as Microsoft maps it), else from the pricing model.
CREATE OR REPLACE TEMP MACRO fp_azure_commitment_type(benefit_id, pricing_model, reservation_id) AS CASE
    WHEN contains(lower(benefit_id), '/microsoft.capacity/') THEN 'Reservation'
    WHEN contains(lower(benefit_id), '/microsoft.billingbenefits/') THEN 'Savings Plan'
    WHEN lower(pricing_model) = 'reservation' THEN 'Reservation'
    WHEN lower(pricing_model) IN ('savingsplan', 'savings plan') THEN 'Savings Plan'
    WHEN reservation_id IS NOT NULL THEN 'Reservation'
    END;

-- A VM size as AdditionalInfo.ServiceType carries it ('Standard_NC24ads_A100_v4'); other ServiceType
-- values ('SQLThreatDetection', 'DataAnalysis') are not sizes and give NULL.
CREATE OR REPLACE TEMP MACRO fp_azure_vm_size(service_type) AS CASE
    WHEN regexp_matches(trim(service_type), '^(?i)(standard|basic)_[a-z][a-z0-9_]*$') THEN trim(service_type)
    END;

-- Service name and category by ARM resource type alone, where Microsoft's services table gives one answer
-- for the type (used when the consumed service and type pair is not listed).
CREATE OR REPLACE TEMP VIEW fp_azure_services_by_type AS
SELECT resource_type, any_value(service_name) AS service_name, any_value(service_category) AS service_category
FROM ref_azure_services
WHERE resource_type IS NOT NULL
GROUP BY resource_type
HAVING count(DISTINCT (service_name, service_category)) = 1;

-- The same by consumed service alone (e.g. microsoft.machinelearningservices -> Azure Machine Learning).
CREATE OR REPLACE TEMP VIEW fp_azure_services_by_service AS
SELECT consumed_service, any_value(service_name) AS service_name, any_value(service_category) AS service_category
FROM ref_azure_services
WHERE consumed_service IS NOT NULL
GROUP BY consumed_service
HAVING count(DISTINCT (service_name, service_category)) = 1;
