-- Contractual instruments that covered energy in the filtered scope. {inner} groups agg_provenance_day by
-- the instrument ids a row used (';'-separated) with the energy covered; the instruments themselves come
-- from the loaded input_instruments (type, zone, period, certification). When several instruments covered
-- the same rows together, the energy they covered is shown for the set, not split between them.
-- instrument_ids lists ids separated by '; ' (agg_provenance_day keeps the ids, not each row's shares).
WITH used AS ({inner})
SELECT
    u.instrument_ids,
    string_agg(DISTINCT i.instrument_type, ', ') AS instrument_type,
    string_agg(DISTINCT coalesce(i.zone, i.provider || ':' || i.region_id), ', ') AS zone_or_region,
    min(i.period_start) AS period_start,
    max(i.period_end) AS period_end,
    min(i.factor_g_per_kwh) AS factor_g_per_kwh,
    string_agg(DISTINCT i.certification, ', ') AS certification,
    any_value(u.instrument_covered_kwh) AS instrument_covered_kwh,
    any_value(u.facility_energy_kwh) AS facility_energy_kwh
FROM used u
LEFT JOIN input_instruments i ON list_contains(string_split(u.instrument_ids, '; '), i.instrument_id)
GROUP BY u.instrument_ids
ORDER BY instrument_covered_kwh DESC;
