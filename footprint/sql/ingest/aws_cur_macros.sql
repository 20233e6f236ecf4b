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
-- (The CASE keeps the regular expression off the rows whose usage type cannot match it.)
CREATE OR REPLACE TEMP MACRO fp_aws_carries_usage(t, ut, capacity_status) AS
    t IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
    AND CASE WHEN contains(ut, 'Unused') THEN NOT regexp_matches(ut, '(?:^|-)Unused(?:Box|Ded|Host)[A-Za-z]*:')
             ELSE true END
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
    WHEN t IS DISTINCT FROM 'Usage' THEN NULL
    WHEN contains(ut, 'SpotUsage') THEN 'Dynamic'
    WHEN lower(term) = 'spot' THEN 'Dynamic'
    ELSE 'Standard' END;

-- The instance type of a row. Product columns (product/instanceType) name it on instance-hour rows, else
-- the usage type does (ut_instance: fp_aws_instance of the usage type, which the caller computes in a
-- projection of its own: inside a CASE, DuckDB would evaluate its regular expression twice per row). A
-- usage type that names an instance after its colon without billing that instance's time
-- ('EBSOptimized:m4.xlarge', 'UnusedBox:p5.48xlarge') yields none: the product columns of such rows
-- describe the instance, but taking them would count it a second time.
CREATE OR REPLACE TEMP MACRO fp_aws_instance_type(ut, ut_instance, product_instance) AS CASE
    WHEN ut_instance IS NOT NULL THEN coalesce(product_instance, ut_instance)
    WHEN product_instance IS NULL THEN NULL
    WHEN CASE WHEN contains(ut, ':') THEN regexp_matches(ut, ':(?:ml\.|db\.|cache\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+$') END
        THEN NULL
    ELSE product_instance END;

-- The kind of ML work a row is (fp_aws_workload), asked only of the rows that can be ML work: SageMaker
-- usage and token-metered model inference (Bedrock, also through Marketplace). This keeps its regular
-- expressions off every other row, and keeps EC2 Dedicated Host usage ('HostUsage:mac1.metal') from
-- reading as SageMaker hosting.
CREATE OR REPLACE TEMP MACRO fp_aws_workload_hint(ut, product_code) AS CASE
    WHEN product_code = 'AmazonSageMaker' OR contains(lower(ut), 'token') THEN fp_aws_workload(ut) END;

-- Memory of an instance from product/memory ('16 GiB', '2,048 GiB'); the number as AWS publishes it,
-- as in ref_instance_types. NULL for 'NA' and other text without a size.
CREATE OR REPLACE TEMP MACRO fp_aws_memory(m) AS CASE
    WHEN suffix(rtrim(m), ' GiB') THEN fp_num(left(rtrim(m), -4)) END;

-- FOCUS ServiceCategory for the product codes that matter here; NULL for the rest (not guessed). A plain
-- CASE rather than IN lists: DuckDB turns an IN list of five or more values into a join, and a join
-- would cost the insert its file order (see BillingReader.load).
CREATE OR REPLACE TEMP MACRO fp_aws_service_category(code) AS CASE code
    WHEN 'AmazonSageMaker' THEN 'AI and Machine Learning'
    WHEN 'AmazonBedrock' THEN 'AI and Machine Learning'
    WHEN 'AmazonRekognition' THEN 'AI and Machine Learning'
    WHEN 'AmazonComprehend' THEN 'AI and Machine Learning'
    WHEN 'AmazonTextract' THEN 'AI and Machine Learning'
    WHEN 'AmazonPolly' THEN 'AI and Machine Learning'
    WHEN 'transcribe' THEN 'AI and Machine Learning'
    WHEN 'AmazonTranslate' THEN 'AI and Machine Learning'
    WHEN 'AmazonKendra' THEN 'AI and Machine Learning'
    WHEN 'AmazonLex' THEN 'AI and Machine Learning'
    WHEN 'AmazonQ' THEN 'AI and Machine Learning'
    WHEN 'AmazonPersonalize' THEN 'AI and Machine Learning'
    WHEN 'AmazonForecast' THEN 'AI and Machine Learning'
    WHEN 'AmazonEC2' THEN 'Compute'
    WHEN 'AWSLambda' THEN 'Compute'
    WHEN 'AmazonECS' THEN 'Compute'
    WHEN 'AmazonEKS' THEN 'Compute'
    WHEN 'AWSBatch' THEN 'Compute'
    WHEN 'AmazonLightsail' THEN 'Compute'
    WHEN 'AWSElasticBeanstalk' THEN 'Compute'
    WHEN 'AmazonAppStream' THEN 'Compute'
    WHEN 'AWSOutposts' THEN 'Compute'
    WHEN 'AmazonS3' THEN 'Storage'
    WHEN 'AmazonS3GlacierDeepArchive' THEN 'Storage'
    WHEN 'AmazonGlacier' THEN 'Storage'
    WHEN 'AmazonEFS' THEN 'Storage'
    WHEN 'AmazonFSx' THEN 'Storage'
    WHEN 'AWSBackup' THEN 'Storage'
    WHEN 'AWSStorageGateway' THEN 'Storage'
    WHEN 'AmazonRDS' THEN 'Databases'
    WHEN 'AmazonDynamoDB' THEN 'Databases'
    WHEN 'AmazonElastiCache' THEN 'Databases'
    WHEN 'AmazonRedshift' THEN 'Databases'
    WHEN 'AmazonDocDB' THEN 'Databases'
    WHEN 'AmazonNeptune' THEN 'Databases'
    WHEN 'AmazonMemoryDB' THEN 'Databases'
    WHEN 'AmazonTimestream' THEN 'Databases'
    WHEN 'AmazonKeyspaces' THEN 'Databases'
    WHEN 'AWSGlue' THEN 'Analytics'
    WHEN 'AmazonAthena' THEN 'Analytics'
    WHEN 'ElasticMapReduce' THEN 'Analytics'
    WHEN 'AmazonKinesis' THEN 'Analytics'
    WHEN 'AmazonKinesisFirehose' THEN 'Analytics'
    WHEN 'AmazonES' THEN 'Analytics'
    WHEN 'AmazonQuickSight' THEN 'Analytics'
    WHEN 'AmazonMSK' THEN 'Analytics'
    WHEN 'AWSDataTransfer' THEN 'Networking'
    WHEN 'AmazonVPC' THEN 'Networking'
    WHEN 'AmazonCloudFront' THEN 'Networking'
    WHEN 'AmazonRoute53' THEN 'Networking'
    WHEN 'AWSDirectConnect' THEN 'Networking'
    WHEN 'AWSELB' THEN 'Networking'
    WHEN 'AmazonApiGateway' THEN 'Networking'
    WHEN 'AWSGlobalAccelerator' THEN 'Networking'
    WHEN 'AmazonSNS' THEN 'Integration'
    WHEN 'AWSQueueService' THEN 'Integration'
    WHEN 'AWSEvents' THEN 'Integration'
    WHEN 'AmazonMQ' THEN 'Integration'
    WHEN 'AWSStepFunctions' THEN 'Integration'
    WHEN 'AmazonCloudWatch' THEN 'Management and Governance'
    WHEN 'AWSCloudTrail' THEN 'Management and Governance'
    WHEN 'AWSConfig' THEN 'Management and Governance'
    WHEN 'AWSCloudFormation' THEN 'Management and Governance'
    WHEN 'AWSSystemsManager' THEN 'Management and Governance'
    WHEN 'AWSCostExplorer' THEN 'Management and Governance'
    WHEN 'awskms' THEN 'Security'
    WHEN 'AWSSecretsManager' THEN 'Security'
    WHEN 'AmazonGuardDuty' THEN 'Security'
    WHEN 'AWSShield' THEN 'Security'
    WHEN 'awswaf' THEN 'Security'
    WHEN 'AWSSecurityHub' THEN 'Security'
    WHEN 'AmazonInspectorV2' THEN 'Security'
    WHEN 'AmazonCognito' THEN 'Security'
    WHEN 'AWSCloudShell' THEN 'Developer Tools'
    WHEN 'AWSCodeArtifact' THEN 'Developer Tools'
    WHEN 'AWSCodeCommit' THEN 'Developer Tools'
    WHEN 'CodeBuild' THEN 'Developer Tools'
    WHEN 'AWSCodePipeline' THEN 'Developer Tools'
    WHEN 'AWSXRay' THEN 'Developer Tools'
    WHEN 'AWSIoT' THEN 'Internet of Things'
    WHEN 'AWSMigrationHubRefactorSpaces' THEN 'Migration'
    WHEN 'AWSDatabaseMigrationSvc' THEN 'Migration'
    END;
