-- nvidia-smi readings (_tl_raw joined to their GPU in _tl_ids) in the staged device shape (_tl_staged),
-- with the reason a well-formed row is still not used.
-- Values: placeholders ('[N/A]', any '[...]') are NULL, never 0; a value may carry the column's unit;
-- fp_tel_num fails the file for unreadable values and foreign units. Time stamps: host-local time in $tz
-- unless they carry an offset. Per GPU, a row whose time stamp is not after every earlier row's (file
-- order) is skipped: equal = duplicate_timestamp, earlier = clock_backwards.
-- Parameters: $tz, $i_ts (NULL: no timestamp column), $c_* (column names for messages).
CREATE OR REPLACE TEMP TABLE _tl_staged AS
WITH v AS (
    SELECT r.source_row, i.device_no,
           r.ts_text, r.pw, r.pwa, r.pwi, r.util, r.mem
    FROM _tl_raw r
    JOIN _tl_ids i
      ON  i.host_text IS NOT DISTINCT FROM r.host_text
      AND i.uuid_text IS NOT DISTINCT FROM r.uuid_text
      AND i.ord_text IS NOT DISTINCT FROM r.ord_text
      AND i.bus_text IS NOT DISTINCT FROM r.bus_text
      AND i.name_text IS NOT DISTINCT FROM r.name_text
    WHERE r.skip_reason IS NULL
),
-- Fast path: nvidia-smi's own time stamp format; a plain number, or a number followed by ' <unit>'
-- (casts allow surrounding blanks). Anything else goes through fp_tel_ts / fp_tel_num.
n AS (
    SELECT v.*,
        CASE WHEN $tz = 'UTC' THEN try_strptime(ts_text, '%Y/%m/%d %H:%M:%S.%f') END AS ts_n,
        TRY_CAST(CASE WHEN suffix(pw, ' W') THEN left(pw, length(pw) - 2) ELSE pw END AS DOUBLE) AS pw_n,
        TRY_CAST(CASE WHEN suffix(util, ' %') THEN left(util, length(util) - 2) ELSE util END AS DOUBLE) AS util_n,
        TRY_CAST(CASE WHEN suffix(mem, ' MiB') THEN left(mem, length(mem) - 4) ELSE mem END AS DOUBLE) AS mem_n
    FROM v
),
p AS (
    SELECT
        source_row, device_no,
        CASE WHEN $i_ts IS NULL THEN NULL
             WHEN ts_n IS NOT NULL THEN ts_n
             WHEN fp_tel_blank(ts_text) THEN fp_fail(source_row, $c_ts, 'missing time stamp')
             WHEN fp_tel_ts(ts_text, $tz) IS NULL
                 THEN fp_fail(source_row, $c_ts, 'cannot read ''' || trim(ts_text) || ''' as a time stamp')
             ELSE fp_tel_ts(ts_text, $tz) END AS ts,
        CASE WHEN isfinite(pw_n) THEN pw_n
             ELSE coalesce(fp_tel_num(pw, source_row, $c_pw, 'W'), fp_tel_num(pwa, source_row, $c_pwa, 'W'),
                           fp_tel_num(pwi, source_row, $c_pwi, 'W')) END AS power_w,
        CASE WHEN isfinite(util_n) THEN util_n ELSE fp_tel_num(util, source_row, $c_util, '%') END
            AS utilisation_pct,
        CASE WHEN isfinite(mem_n) THEN mem_n ELSE fp_tel_num(mem, source_row, $c_mem, 'MiB') END
            AS memory_used_mib
    FROM n
)
SELECT
    source_row, device_no, ts,
    CASE WHEN power_w < 0 THEN fp_fail(source_row, $c_pw, 'negative power draw ' || power_w || ' W')
         ELSE power_w END AS power_w,
    CAST(NULL AS DOUBLE) AS energy_counter_mj,
    utilisation_pct, memory_used_mib,
    CASE WHEN ts IS NULL THEN NULL
         WHEN ts < max(ts) OVER w THEN 'clock_backwards'
         WHEN ts = max(ts) OVER w THEN 'duplicate_timestamp'
    END AS skip_reason
FROM p
WINDOW w AS (PARTITION BY device_no ORDER BY source_row ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);
