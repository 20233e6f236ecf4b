"""The sample-data generator behind scripts/generate_sample_data.py: the invented demo organisation
("Juniper Labs") and its exports in each provider's own schema, byte for byte the same every run.

Modules, in the order data flows: world (calendar, accounts, what a resource is) and organisation (who runs
what); aws + cur (legacy CUR and CUR 2.0), azure + azure_cost_details (EA and MCA) + focus (Microsoft's
FOCUS 1.0 export), gcp (BigQuery standard and detailed exports); telemetry (nvidia-smi, CodeCarbon) and
dcgm; inputs (request counts, host mapping, market-based reference inputs); build (file layout, manifest,
the seeded run). common holds what decides bytes everywhere: rounding, number spelling, ids, CSV and gzip.
"""

from __future__ import annotations

from .build import DEFAULT_OUT, generate

__all__ = ["DEFAULT_OUT", "generate"]
