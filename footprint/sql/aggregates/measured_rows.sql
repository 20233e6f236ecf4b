-- Every footprint row that carries measured energy, with how it entered the footprint and which kind of
-- telemetry measured it: a bill row's measured_energy_kwh is accelerator energy that replaced the modelled
-- figure (line_item_measured), a telemetry row's is measured energy no bill covers (telemetry_activity).
-- telemetry_batches names the batches behind a row; a batch in codecarbon_runs is CodeCarbon, any other
-- telemetry batch is device telemetry (nvidia-smi, DCGM).
-- Read as a FROM item (footprint/aggregates/telemetry.py measured_sources): the rows, and the list of
-- CodeCarbon batches beside each.
(
    SELECT f.*, CAST(string_split(f.telemetry_batches, ',') AS INTEGER[]) AS measured_batch_ids
    FROM v_footprint f
    WHERE f.measured_energy_kwh <> 0
) AS measured, (SELECT coalesce(list(DISTINCT batch_id), []) AS codecarbon_batch_ids FROM codecarbon_runs) AS cc
