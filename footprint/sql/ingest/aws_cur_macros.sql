-- Rules the AWS Cost and Usage Report readers (legacy CUR with slash headers, its Athena/Parquet snake_case
-- form, and CUR 2.0 from Data Exports) apply to every line item. The readers create these as temporary
-- macros on the loading connection before their bulk insert, so the rules live in one place, in SQL, and
-- the store's schema is untouched. Every macro takes already-validated values (text trimmed, amounts as
-- DECIMAL) and is pure.

-- FOCUS ChargeCategory for a CUR lineItem/LineItemType; NULL for a type these readers do not know, which
-- the reader turns into an error naming the row (a new type must be classified, never guessed).
-- SavingsPlanNegation stays in Usage: it cancels the on-demand cost of SavingsPlanCoveredUsage in the
-- same category, so Usage totals equal what usage is billed. Negotiated discounts shown as their own
-- line items (EdpDiscount, PrivateRateDiscount, BundledDiscount, ...) reduce usage charges, as FOCUS
-- BilledCost of usage includes negotiated discounts. A Refund reverses an earlier charge of any kind,
-- so it is an Adjustment.
CREATE OR REPLACE TEMP MACRO fp_aws_charge_category(t) AS CASE t
    WHEN 'Usage' THEN 'Usage'
    WHEN 'DiscountedUsage' THEN 'Usage'
    WHEN 'SavingsPlanCoveredUsage' THEN 'Usage'
    WHEN 'SavingsPlanNegation' THEN 'Usage'
    WHEN 'EdpDiscount' THEN 'Usage'
    WHEN 'PrivateRateDiscount' THEN 'Usage'
    WHEN 'BundledDiscount' THEN 'Usage'
    WHEN 'Discount' THEN 'Usage'
    WHEN 'SppDiscount' THEN 'Usage'
    WHEN 'DistributorDiscount' THEN 'Usage'
    WHEN 'Fee' THEN 'Purchase'
    WHEN 'RIFee' THEN 'Purchase'
    WHEN 'SavingsPlanUpfrontFee' THEN 'Purchase'
    WHEN 'SavingsPlanRecurringFee' THEN 'Purchase'
    WHEN 'Tax' THEN 'Tax'
    WHEN 'Credit' THEN 'Credit'
    WHEN 'Refund' THEN 'Adjustment'
    END;

-- Whether the row's usage amount is consumption that ran (the energy basis). Only on-demand or spot usage,
-- reservation-covered usage and Savings-Plan-covered usage qualify; negations, fees, discounts, tax,
-- credits and refunds never do, nor does an unused On-Demand Capacity Reservation ('UnusedBox:' usage
-- types, product/capacitystatus 'UnusedCapacityReservation'), which bills hours on which nothing ran.
CREATE OR REPLACE TEMP MACRO fp_aws_carries_usage(t, ut, capacity_status) AS
    t IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
    AND NOT coalesce(regexp_matches(ut, '(?:^|-)Unused(?:Box|Ded|Host)[A-Za-z]*:'), false)
    AND coalesce(capacity_status, '') <> 'UnusedCapacityReservation';

-- FOCUS EffectiveCost (amortised) per line item type, as the FinOps Foundation's CUR conversion defines it:
-- covered usage costs its amortised commitment share, negations and upfront fees cost nothing (their
-- amount is already spread over covered usage), a recurring commitment fee costs only its unused part.
CREATE OR REPLACE TEMP MACRO fp_aws_effective_cost(t, cost, ri_effective, ri_unused_upfront, ri_unused_recurring,
                                                   sp_effective, sp_total_commitment, sp_used_commitment,
                                                   reservation_arn) AS CASE
    WHEN t = 'SavingsPlanCoveredUsage' THEN sp_effective
    WHEN t = 'SavingsPlanRecurringFee' THEN coalesce(sp_total_commitment, 0) - coalesce(sp_used_commitment, 0)
    WHEN t IN ('SavingsPlanNegation', 'SavingsPlanUpfrontFee') THEN 0
    WHEN t = 'DiscountedUsage' THEN ri_effective
    WHEN t = 'RIFee' THEN coalesce(ri_unused_upfront, 0) + coalesce(ri_unused_recurring, 0)
    WHEN t = 'Fee' AND reservation_arn IS NOT NULL THEN 0
    ELSE cost END;

-- FOCUS PricingCategory: Committed for reservation and Savings Plan coverage, Dynamic for spot, Standard
-- for other usage; NULL for rows that are not priced usage.
CREATE OR REPLACE TEMP MACRO fp_aws_pricing_category(t, ut, term) AS CASE
    WHEN t IN ('DiscountedUsage', 'SavingsPlanCoveredUsage') THEN 'Committed'
    WHEN t = 'Usage' AND (lower(coalesce(term, '')) = 'spot' OR coalesce(contains(ut, 'SpotUsage'), false)) THEN 'Dynamic'
    WHEN t = 'Usage' THEN 'Standard'
    END;

-- A usage type that names an instance after its colon without billing that instance's time
-- ('EBSOptimized:m4.xlarge', 'UnusedBox:p5.48xlarge', 'Reservation:...'): the product columns of such
-- rows describe the instance, but taking them would count the instance a second time.
CREATE OR REPLACE TEMP MACRO fp_aws_instance_surcharge(ut) AS
    fp_aws_instance(ut) IS NULL
    AND coalesce(regexp_matches(ut, ':(?:ml\.|db\.|cache\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+$'), false);

-- Memory of an instance from product/memory ('16 GiB', '2,048 GiB'); the number as AWS publishes it,
-- as in ref_instance_types. NULL for 'NA' and other text without a size.
CREATE OR REPLACE TEMP MACRO fp_aws_memory(m) AS
    fp_num(nullif(regexp_extract(m, '^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*GiB\s*$', 1), ''));

-- FOCUS ServiceCategory for the product codes that matter here; NULL for the rest (not guessed).
CREATE OR REPLACE TEMP MACRO fp_aws_service_category(code) AS CASE
    WHEN code IN ('AmazonSageMaker', 'AmazonBedrock', 'AmazonRekognition', 'AmazonComprehend', 'AmazonTextract',
                  'AmazonPolly', 'transcribe', 'AmazonTranslate', 'AmazonKendra', 'AmazonLex', 'AmazonQ',
                  'AmazonPersonalize', 'AmazonForecast') THEN 'AI and Machine Learning'
    WHEN code IN ('AmazonEC2', 'AWSLambda', 'AmazonECS', 'AmazonEKS', 'AWSBatch', 'AmazonLightsail',
                  'AWSElasticBeanstalk', 'AmazonAppStream', 'AWSOutposts') THEN 'Compute'
    WHEN code IN ('AmazonS3', 'AmazonS3GlacierDeepArchive', 'AmazonGlacier', 'AmazonEFS', 'AmazonFSx',
                  'AWSBackup', 'AWSStorageGateway') THEN 'Storage'
    WHEN code IN ('AmazonRDS', 'AmazonDynamoDB', 'AmazonElastiCache', 'AmazonRedshift', 'AmazonDocDB',
                  'AmazonNeptune', 'AmazonMemoryDB', 'AmazonTimestream', 'AmazonKeyspaces') THEN 'Databases'
    WHEN code IN ('AWSGlue', 'AmazonAthena', 'ElasticMapReduce', 'AmazonKinesis', 'AmazonKinesisFirehose',
                  'AmazonES', 'AmazonQuickSight', 'AmazonMSK') THEN 'Analytics'
    WHEN code IN ('AWSDataTransfer', 'AmazonVPC', 'AmazonCloudFront', 'AmazonRoute53', 'AWSDirectConnect', 'AWSELB',
                  'AmazonApiGateway', 'AWSGlobalAccelerator') THEN 'Networking'
    WHEN code IN ('AmazonSNS', 'AWSQueueService', 'AWSEvents', 'AmazonMQ', 'AWSStepFunctions') THEN 'Integration'
    WHEN code IN ('AmazonCloudWatch', 'AWSCloudTrail', 'AWSConfig', 'AWSCloudFormation', 'AWSSystemsManager',
                  'AWSCostExplorer') THEN 'Management and Governance'
    WHEN code IN ('awskms', 'AWSSecretsManager', 'AmazonGuardDuty', 'AWSShield', 'awswaf', 'AWSSecurityHub',
                  'AmazonInspectorV2', 'AmazonCognito') THEN 'Security'
    WHEN code IN ('AWSCloudShell', 'AWSCodeArtifact', 'AWSCodeCommit', 'CodeBuild', 'AWSCodePipeline',
                  'AWSXRay') THEN 'Developer Tools'
    WHEN code IN ('AWSIoT') THEN 'Internet of Things'
    WHEN code IN ('AWSMigrationHubRefactorSpaces', 'AWSDatabaseMigrationSvc') THEN 'Migration'
    END;
