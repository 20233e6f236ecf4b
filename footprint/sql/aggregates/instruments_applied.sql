-- Contractual instruments that covered energy in the filtered scope, with their details and the energy
-- they covered. {inner} groups the provenance aggregate by instrument_ids: the instruments a footprint row
-- used, in the order they were applied, separated by '; '. The estimation writes each with its share of
-- the row ('REC-1 (eac, 58.86%); GO-2 (eac, 20.0%)'); the aggregate may keep that form or only the ids.
-- Each part is read the way report/instruments.sql reads it (the id is what precedes ' (type, share%)';
-- a part without that suffix is an id already), so an id containing spaces or brackets still matches.
-- An instrument's details come from the loaded instrument files (input_instruments; an id loaded from
-- several files is one instrument, as in the report). When several instruments covered the same rows,
-- the row is that set: their details listed in the order applied, the energy they covered together
-- (the aggregate does not keep each one's share of a row, so it is not split between them).
WITH used AS ({inner}),
parts AS (
    SELECT instrument_ids AS raw,
           generate_subscripts(string_split(instrument_ids, '; '), 1) AS position,
           unnest(string_split(instrument_ids, '; ')) AS part
    FROM used
),
ids AS (
    SELECT raw, position,
           coalesce(nullif(regexp_extract(part, '^(.*) \(([^,()]*), ([0-9.eE+-]+)%\)$', 1), ''), part)
               AS instrument_id
    FROM parts
),
sets AS (SELECT raw, string_agg(instrument_id, '; ' ORDER BY position) AS instrument_ids FROM ids GROUP BY raw),
-- the same set written with other shares is the same set: its energy is added up
energy AS (
    SELECT s.instrument_ids, sum(u.instrument_covered_kwh) AS instrument_covered_kwh,
           sum(u.facility_energy_kwh) AS facility_energy_kwh
    FROM used u JOIN sets s ON s.raw = u.instrument_ids
    GROUP BY s.instrument_ids
),
members AS (SELECT DISTINCT s.instrument_ids, i.position, i.instrument_id FROM sets s JOIN ids i USING (raw)),
loaded AS (
    SELECT instrument_id,
           string_agg(DISTINCT instrument_type, ', ' ORDER BY instrument_type) AS instrument_type,
           string_agg(DISTINCT scope, ', ' ORDER BY scope) AS zone_or_region,
           min(period_start) AS period_start,
           max(period_end) AS period_end,
           max(factor_g_per_kwh) AS factor_g_per_kwh,
           string_agg(DISTINCT certification, '; ' ORDER BY certification) AS certification
    FROM (
        -- where it applies: a grid zone, a provider region, or a zone within a provider region
        SELECT *, CASE WHEN zone IS NOT NULL AND coalesce(provider, region_id) IS NOT NULL
                           THEN zone || ' (' || concat_ws(' ', provider, region_id) || ')'
                       ELSE coalesce(zone, concat_ws(' ', provider, region_id)) END AS scope
        FROM input_instruments
    )
    GROUP BY instrument_id
)
SELECT
    m.instrument_ids,
    string_agg(coalesce(l.instrument_type, 'not in the loaded instrument files'), '; ' ORDER BY m.position)
        AS instrument_type,
    string_agg(l.zone_or_region, '; ' ORDER BY m.position) AS zone_or_region,
    min(l.period_start) AS period_start,
    max(l.period_end) AS period_end,
    max(l.factor_g_per_kwh) AS factor_g_per_kwh,
    string_agg(l.certification, '; ' ORDER BY m.position) AS certification,
    any_value(e.instrument_covered_kwh) AS instrument_covered_kwh,
    any_value(e.facility_energy_kwh) AS facility_energy_kwh
FROM members m
JOIN energy e USING (instrument_ids)
LEFT JOIN loaded l USING (instrument_id)
GROUP BY m.instrument_ids
ORDER BY instrument_covered_kwh DESC, m.instrument_ids
