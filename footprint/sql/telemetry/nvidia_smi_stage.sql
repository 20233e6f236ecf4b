-- nvidia-smi --query-gpu rows (from _tl_rows) read into the staged device shape (_tl_staged), with the
-- reason a well-formed row is still not used. Field positions ($i_*) and column names ($c_*, for
-- messages) come from the header; a position is NULL when the file lacks the column.
-- Values: placeholders ('[N/A]', any '[...]') are NULL, never 0; units must match the column's.
-- Time stamps: host-local time in $tz unless they carry an offset.
-- A GPU is its UUID, else its index, else its PCI bus id; identity text is read once per distinct value
-- (a log repeats it on every row). Per GPU, a row whose time stamp is not after every earlier row's
-- (file order) is skipped: equal = duplicate_timestamp, earlier = clock_backwards.
CREATE OR REPLACE TEMP TABLE _tl_staged AS
WITH v AS (
    SELECT source_row,
           trim(f[$i_ts]) AS ts_text,
           trim(f[$i_host]) AS host_text,
           trim(f[$i_uuid]) AS uuid_text,
           trim(f[$i_ord]) AS ord_text,
           trim(f[$i_bus]) AS bus_text,
           trim(f[$i_name]) AS name_text,
           trim(f[$i_pw]) AS pw, trim(f[$i_pwa]) AS pwa, trim(f[$i_pwi]) AS pwi,
           trim(f[$i_util]) AS util, trim(f[$i_mem]) AS mem
    FROM _tl_rows
    WHERE skip_reason IS NULL
),
ids AS (
    SELECT host_text, uuid_text, ord_text, bus_text, name_text, min(source_row) AS first_row
    FROM v GROUP BY ALL
),
idn AS (
    SELECT ids.*,
        coalesce(CASE WHEN fp_tel_blank(host_text) THEN NULL ELSE host_text END, $opt_host) AS host,
        CASE WHEN fp_tel_blank(ord_text) THEN NULL
             WHEN TRY_CAST(ord_text AS INTEGER) IS NULL
                 THEN fp_fail(first_row, $c_ord, 'cannot read ''' || ord_text || ''' as a GPU index')
             ELSE TRY_CAST(ord_text AS INTEGER) END AS gpu_index,
        CASE WHEN fp_tel_blank(uuid_text) THEN NULL ELSE fp_gpu_uuid(uuid_text) END AS gpu_uuid,
        CASE WHEN fp_tel_blank(name_text) THEN NULL ELSE name_text END AS gpu_name,
        CASE WHEN fp_tel_blank(bus_text) THEN NULL ELSE bus_text END AS bus_id
    FROM ids
),
idk AS (
    SELECT *,
        coalesce(gpu_uuid, 'index:' || gpu_index, 'bus:' || bus_id,
                 fp_fail(first_row, $c_ord, 'no GPU index, uuid or PCI bus id in this row')) AS device_key
    FROM idn
),
-- Fast path: a plain number, or a number followed by ' <unit>'; anything else goes through fp_tel_num,
-- which returns NULL for placeholders and fails the file for unreadable values or foreign units.
n AS (
    SELECT v.*,
        TRY_CAST(CASE WHEN suffix(pw, ' W') THEN left(pw, length(pw) - 2) ELSE pw END AS DOUBLE) AS pw_n,
        TRY_CAST(CASE WHEN suffix(util, ' %') THEN left(util, length(util) - 2) ELSE util END AS DOUBLE) AS util_n,
        TRY_CAST(CASE WHEN suffix(mem, ' MiB') THEN left(mem, length(mem) - 4) ELSE mem END AS DOUBLE) AS mem_n
    FROM v
),
p AS (
    SELECT
        n.source_row,
        n.host_text, n.uuid_text, n.ord_text, n.bus_text, n.name_text,
        CASE WHEN $i_ts IS NULL THEN NULL
             WHEN fp_tel_blank(ts_text) THEN fp_fail(source_row, $c_ts, 'missing time stamp')
             WHEN fp_tel_ts(ts_text, $tz) IS NULL
                 THEN fp_fail(source_row, $c_ts, 'cannot read ''' || ts_text || ''' as a time stamp')
             ELSE fp_tel_ts(ts_text, $tz) END AS ts,
        CASE WHEN isfinite(pw_n) THEN pw_n
             ELSE coalesce(fp_tel_num(pw, source_row, $c_pw, 'W'), fp_tel_num(pwa, source_row, $c_pwa, 'W'),
                           fp_tel_num(pwi, source_row, $c_pwi, 'W')) END AS power_w,
        CASE WHEN isfinite(util_n) THEN util_n ELSE fp_tel_num(util, source_row, $c_util, '%') END
            AS utilisation_pct,
        CASE WHEN isfinite(mem_n) THEN mem_n ELSE fp_tel_num(mem, source_row, $c_mem, 'MiB') END
            AS memory_used_mib
    FROM n
),
k AS (
    SELECT p.source_row, idk.host, idk.device_key, idk.gpu_index, idk.gpu_uuid, idk.gpu_name, p.ts,
           CASE WHEN p.power_w < 0 THEN fp_fail(p.source_row, $c_pw, 'negative power draw ' || p.power_w || ' W')
                ELSE p.power_w END AS power_w,
           p.utilisation_pct, p.memory_used_mib
    FROM p
    JOIN idk
      ON  idk.host_text IS NOT DISTINCT FROM p.host_text
      AND idk.uuid_text IS NOT DISTINCT FROM p.uuid_text
      AND idk.ord_text IS NOT DISTINCT FROM p.ord_text
      AND idk.bus_text IS NOT DISTINCT FROM p.bus_text
      AND idk.name_text IS NOT DISTINCT FROM p.name_text
)
SELECT
    source_row, host, device_key, gpu_index, gpu_uuid, gpu_name,
    CAST(NULL AS VARCHAR) AS mig_instance,
    CAST(NULL AS VARCHAR) AS pod, CAST(NULL AS VARCHAR) AS namespace, CAST(NULL AS VARCHAR) AS container,
    CAST(NULL AS VARCHAR) AS label_team, CAST(NULL AS VARCHAR) AS label_model,
    CAST(NULL AS VARCHAR) AS label_workload, CAST(NULL AS VARCHAR) AS label_job,
    CAST(NULL AS JSON) AS labels,
    ts, power_w,
    CAST(NULL AS DOUBLE) AS energy_counter_mj,
    utilisation_pct, memory_used_mib,
    CASE WHEN ts IS NULL THEN NULL
         WHEN ts < max(ts) OVER w THEN 'clock_backwards'
         WHEN ts = max(ts) OVER w THEN 'duplicate_timestamp'
    END AS skip_reason
FROM k
WINDOW w AS (PARTITION BY host, device_key ORDER BY source_row ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING);
