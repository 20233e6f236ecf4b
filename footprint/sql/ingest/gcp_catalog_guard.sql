-- GCP bills a VM's GPUs and TPUs as their own SKUs, so a core, RAM or disk row that names its machine
-- type (a3-highgpu-8g) must not inherit the machine's accelerators from the instance catalog. The GCP
-- mapping gives such rows an explicit accelerator_count of 0, which the shared insert keeps; the shared
-- insert still fills the model name from the catalog, and this clears it again for the batch just
-- loaded. Parameter: batch_id.
UPDATE billing_line_items
SET accelerator_model = NULL
WHERE batch_id = $1
  AND provider = 'gcp'
  AND accelerator_count = 0
  AND accelerator_model IS NOT NULL;
