"""Pure core of the AI footprint product.

Canonical schema, units, coefficients and factors, the estimation SQL and the query functions that every
front end (dashboard, CLI, reports) shares. Nothing here imports Streamlit, plotly or the ingest layer.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Bumped whenever a formula, coefficient table or fallback rule changes, so every estimate and report can
# say which methodology produced it.
METHODOLOGY_VERSION = "2026.11-1"
