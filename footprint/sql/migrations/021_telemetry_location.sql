-- Where measured hardware runs, for PUE and grid factors: CodeCarbon runs take the cloud provider and
-- region the file names (on_cloud = Y), else the ingest options; device series and runs take an ISO 3166
-- country from the ingest options (own sites), since the files do not carry one.
ALTER TABLE codecarbon_runs ADD COLUMN provider VARCHAR;
ALTER TABLE codecarbon_runs ADD COLUMN region_id VARCHAR;
ALTER TABLE codecarbon_runs ADD COLUMN country_iso2 VARCHAR;
ALTER TABLE telemetry_series ADD COLUMN country_iso2 VARCHAR;
