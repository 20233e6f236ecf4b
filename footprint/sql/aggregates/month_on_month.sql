-- One metric per group in the last month of the filtered period and in the month before it, with the
-- change. {inner} is the grouped query (period, grp, value) over agg_footprint_day built in
-- footprint/aggregates.py; a group absent in one of the months counts 0 there.
WITH monthly AS ({inner}),
bounds AS (SELECT max(period) AS this_month FROM monthly)
SELECT
    m.grp,
    any_value(b.this_month) AS this_month,
    CAST(any_value(b.this_month) - INTERVAL 1 MONTH AS DATE) AS previous_month,
    coalesce(sum(m.value) FILTER (WHERE m.period = b.this_month), 0) AS current_value,
    coalesce(sum(m.value) FILTER (WHERE m.period = b.this_month - INTERVAL 1 MONTH), 0) AS previous_value,
    current_value - previous_value AS change,
    CASE WHEN previous_value > 0 THEN (current_value - previous_value) / previous_value END AS change_share
FROM monthly m, bounds b
WHERE m.period >= b.this_month - INTERVAL 1 MONTH
GROUP BY m.grp
ORDER BY current_value DESC, m.grp;
