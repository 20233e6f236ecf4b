-- Contractual instruments that covered facility energy in a report's period and scope, with the energy
-- each one covered there. A footprint row lists the instruments it used with each one's share of the row,
-- rounded for display ('REC-1 (eac, 58.86%); GO-2 (eac, 20.0%)'); the row's exact covered share is
-- instrument_share, so each instrument is given that share in proportion to its listed share (exact when
-- one instrument covers the row, as is usual). The instrument's own details come from the loaded
-- instrument files (input_instruments; an id loaded in several files is one line, its volumes added).
-- Sums run in item order, so the same data gives the same figures to the last bit however DuckDB
-- parallelises the unnest. {where} is a footprint.queries.Filters condition over v_footprint (values are
-- parameters).
WITH used AS (
    SELECT item_id, facility_energy_kwh, instrument_share,
           unnest(string_split(instrument_ids, '; ')) AS part
    FROM v_footprint
    WHERE ({where}) AND instrument_ids IS NOT NULL AND instrument_share > 0
), parsed AS (
    SELECT item_id, facility_energy_kwh, instrument_share,
           regexp_extract(part, '^(.*) \(([^,()]*), ([0-9.eE+-]+)%\)$', 1) AS instrument_id,
           TRY_CAST(regexp_extract(part, '^(.*) \(([^,()]*), ([0-9.eE+-]+)%\)$', 3) AS DOUBLE) AS listed_pct
    FROM used
), shares AS (
    SELECT *, sum(listed_pct) OVER (PARTITION BY item_id ORDER BY instrument_id
                                    ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS row_pct
    FROM parsed
), covered AS (
    SELECT instrument_id,
           count(*) AS line_items,
           sum(facility_energy_kwh * instrument_share * listed_pct / nullif(row_pct, 0) ORDER BY item_id)
               AS covered_kwh,
           sum(facility_energy_kwh ORDER BY item_id) AS eligible_facility_energy_kwh
    FROM shares
    GROUP BY instrument_id
), loaded AS (
    SELECT instrument_id,
           string_agg(DISTINCT instrument_type, ', ' ORDER BY instrument_type) AS instrument_type,
           string_agg(DISTINCT zone, ', ' ORDER BY zone) AS zone,
           string_agg(DISTINCT provider, ', ' ORDER BY provider) AS provider,
           string_agg(DISTINCT region_id, ', ' ORDER BY region_id) AS region_id,
           min(period_start) AS period_start,
           max(period_end) AS period_end,
           sum(covered_mwh ORDER BY batch_id, source_row) AS covered_mwh,
           max(covered_share) AS covered_share,
           max(factor_g_per_kwh) AS factor_g_per_kwh,
           string_agg(DISTINCT certification, '; ' ORDER BY certification) AS certification
    FROM input_instruments
    GROUP BY instrument_id
)
SELECT c.instrument_id, l.instrument_type, l.zone, l.provider, l.region_id, l.period_start, l.period_end,
       l.covered_mwh, l.covered_share, l.factor_g_per_kwh, l.certification,
       c.line_items, c.covered_kwh, c.eligible_facility_energy_kwh
FROM covered c
LEFT JOIN loaded l USING (instrument_id)
ORDER BY c.covered_kwh DESC, c.instrument_id
