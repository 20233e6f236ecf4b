-- SageMaker hosting is 'Host:ml.<type>'; EC2 Dedicated Hosts bill 'HostUsage:<family>', which is not
-- inference. Only a Host/Hosting usage type on an ml. instance is read as serving.
CREATE OR REPLACE MACRO fp_aws_workload(ut) AS CASE
    WHEN regexp_matches(ut, '(?:^|-)(?:Train|Training)[A-Za-z]*:') THEN 'training'
    WHEN regexp_matches(ut, '(?:^|-)(?:Host|Hosting):ml\.') THEN 'inference'
    WHEN regexp_matches(ut, '(?:^|-)(?:AsyncInf|ServerlessInf)[A-Za-z0-9-]*:') THEN 'inference'
    WHEN regexp_matches(ut, '(?:^|-)Transform[A-Za-z]*:') THEN 'inference'
    WHEN regexp_matches(ut, '(?:^|-)(?:Notebk|Studio)[A-Za-z]*:') THEN 'development'
    WHEN regexp_matches(ut, '(?:^|-)Processing[A-Za-z]*:') THEN 'data_processing'
    WHEN regexp_matches(ut, '(?i)(?:input|output)-?tokens?|TokenCount') THEN 'inference'
    ELSE NULL END;
