-- The GPUs of an nvidia-smi log (_tl_ids: each distinct identity text with its device number, and
-- _tl_devices: one row per GPU). A log repeats a GPU's identity on every row, so identity is read once per
-- distinct text. A GPU is its UUID, else its index, else its PCI bus id, on its host (the hostname field,
-- else --host). Parameters: $opt_host, $c_ord.
CREATE OR REPLACE TEMP TABLE _tl_ids AS
WITH ids AS (
    SELECT host_text, uuid_text, ord_text, bus_text, name_text, min(source_row) AS first_row
    FROM _tl_raw WHERE skip_reason IS NULL GROUP BY ALL
),
n AS (
    SELECT ids.*,
        coalesce(CASE WHEN fp_tel_blank(host_text) THEN NULL ELSE trim(host_text) END, $opt_host) AS host,
        CASE WHEN fp_tel_blank(ord_text) THEN NULL
             WHEN TRY_CAST(trim(ord_text) AS INTEGER) IS NULL
                 THEN fp_fail(first_row, $c_ord, 'cannot read ''' || trim(ord_text) || ''' as a GPU index')
             ELSE TRY_CAST(trim(ord_text) AS INTEGER) END AS gpu_index,
        CASE WHEN fp_tel_blank(uuid_text) THEN NULL ELSE fp_gpu_uuid(uuid_text) END AS gpu_uuid,
        CASE WHEN fp_tel_blank(name_text) THEN NULL ELSE trim(name_text) END AS gpu_name,
        CASE WHEN fp_tel_blank(bus_text) THEN NULL ELSE trim(bus_text) END AS bus_id
    FROM ids
),
k AS (
    SELECT *,
        coalesce(gpu_uuid, 'index:' || gpu_index, 'bus:' || bus_id,
                 fp_fail(first_row, $c_ord, 'no GPU index, uuid or PCI bus id in this row')) AS device_key
    FROM n
)
SELECT *, dense_rank() OVER (ORDER BY host NULLS FIRST, device_key) AS device_no FROM k;
