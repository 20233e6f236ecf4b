-- Derivations shared by the billing readers: where each provider hides the instance type and the kind of
-- ML work a row is. Kept in SQL so they run inside the bulk insert.

-- AWS usage type 'USE1-BoxUsage:p5.48xlarge', 'SpotUsage:g5.2xlarge', 'USE1-Train:ml.g5.2xlarge',
-- 'InstanceUsage:db.r5.large': the instance type after the colon, for usage types that bill instance time.
-- Surcharges that merely mention an instance ('EBSOptimized:m4.xlarge') and unused reservations
-- ('UnusedBox:') are not instance usage and yield NULL.
CREATE MACRO fp_aws_instance(ut) AS nullif(regexp_extract(
    ut,
    '(?:^|-)(?:BoxUsage|SpotUsage|DedicatedUsage|HostUsage|SchedUsage|Train|Training|Host|Hosting|AsyncInf|Transform|Processing|Notebk|Studio[A-Za-z]*|InstanceUsage|Multi-AZUsage|NodeUsage|ESInstance|ServerlessInf)(?:[A-Za-z0-9-]*)?:((?:ml\.|db\.|cache\.)?[a-z][a-z0-9-]*\.[a-z0-9-]+)$',
    1), '');

-- Instance type named in a charge description: '$1.624 per On Demand Linux g5.4xlarge Instance Hour'.
CREATE MACRO fp_desc_instance(d) AS nullif(regexp_extract(
    d, '\b((?:ml\.)?[a-z][a-z0-9]*[0-9][a-z0-9-]*\.(?:nano|micro|small|medium|large|metal|[0-9]*xlarge)(?:-[0-9a-z]+)?)\b', 1), '');

-- Kind of ML work told by an AWS usage type alone (SageMaker, Bedrock).
CREATE MACRO fp_aws_workload(ut) AS CASE
    WHEN regexp_matches(ut, '(?:^|-)(?:Train|Training)[A-Za-z]*:') THEN 'training'
    WHEN regexp_matches(ut, '(?:^|-)(?:Host|Hosting|AsyncInf|ServerlessInf)[A-Za-z]*:') THEN 'inference'
    WHEN regexp_matches(ut, '(?:^|-)Transform[A-Za-z]*:') THEN 'inference'
    WHEN regexp_matches(ut, '(?:^|-)(?:Notebk|Studio)[A-Za-z]*:') THEN 'development'
    WHEN regexp_matches(ut, '(?:^|-)Processing[A-Za-z]*:') THEN 'data_processing'
    WHEN regexp_matches(ut, '(?i)(?:input|output)-?tokens?|TokenCount') THEN 'inference'
    ELSE NULL END;

-- Azure ARM size from a meter name: 'NC24ads A100 v4' -> 'Standard_NC24ads_A100_v4',
-- 'D2 v2/DS2 v2' -> 'Standard_D2_v2', 'NC8as T4 v3 Spot' -> 'Standard_NC8as_T4_v3'.
CREATE MACRO fp_azure_size_from_meter(m) AS CASE
    WHEN m IS NULL OR trim(m) = '' THEN NULL
    WHEN regexp_matches(m, '^(?i)standard_') THEN regexp_replace(trim(m), '\s+', '_', 'g')
    ELSE 'Standard_' || regexp_replace(
        regexp_replace(trim(split_part(m, '/', 1)), '(?i)\s+(spot|low priority)$', ''),
        '\s+', '_', 'g')
    END;
