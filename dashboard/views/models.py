"""Models: training vs inference per model, the break-even of serving against training, per-1,000 ratios.

Every figure comes from the per-model ledger (footprint.ledger), the same functions `footprint models`
and the reports call. The ledger spans every provider and region; dates, team and model filters apply.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import WORKLOAD_COLOURS, Measure
from footprint import units

f = components.page_start("Models")
ignored = data.ledger_ignores(f)
if ignored:
    st.info(
        f"The per-model ledger spans every provider, region and workload: the {', '.join(ignored)} "
        "filter does not apply on this page (dates, team and model do)."
    )

ledger = pd.DataFrame(data.ledger_query("models", f))
if ledger.empty:
    st.info(components.EMPTY_FILTERS)
    st.stop()

TRAINING = Measure("training_energy_kwh", "Training", "energy", colour=WORKLOAD_COLOURS["training"])
INFERENCE = Measure("inference_energy_kwh", "Inference", "energy", colour=WORKLOAD_COLOURS["inference"])
OTHER = Measure(
    "other_energy_kwh",
    "Other (development, data processing, unknown)",
    "energy",
    colour=WORKLOAD_COLOURS["unknown"],
)

total_training, total_inference = ledger["training_energy_kwh"].sum(), ledger["inference_energy_kwh"].sum()
cols = st.columns(3)
components.kpi(
    cols[0],
    "Training IT energy",
    units.energy(total_training),
    "incl. fine-tuning",
    "IT energy (PUE not applied) of line items and telemetry attributed to a training workload; the "
    "attribution rules are on the Methodology & data quality page.",
)
components.kpi(
    cols[1],
    "Inference IT energy",
    units.energy(total_inference),
    "online and batch serving",
    "IT energy (PUE not applied) of line items and telemetry attributed to serving.",
)
share = total_inference / (total_training + total_inference) if total_training + total_inference else None
components.kpi(cols[2], "Serving share", units.percent(share), "inference / (training + inference) IT energy")
components.methodology_link()

st.subheader("Training vs inference per model")
total_kwh = ledger[["training_energy_kwh", "inference_energy_kwh", "other_energy_kwh"]].fillna(0).sum(axis=1)
by_model = ledger.assign(total_kwh=total_kwh).sort_values("total_kwh", ascending=False)
components.chart(
    by_model[["model", "training_energy_kwh", "inference_energy_kwh", "other_energy_kwh"]],
    lambda d: charts.side_by_side(
        d,
        "model",
        [TRAINING, INFERENCE, OTHER],
        "IT energy per model: training vs inference",
        value_label="IT energy",
        dim_label="Model",
    ),
    name="models-training-vs-inference",
)

served = ledger[ledger["energy_kwh_per_1k_inferences"].notna()]
st.subheader("Per 1,000 inferences")
left, right = st.columns(2)
with left:
    components.chart(
        served,
        lambda d: charts.breakdown(
            d,
            "model",
            Measure("energy_kwh_per_1k_inferences", "IT energy per 1,000 inferences", "energy"),
            "IT energy per 1,000 inferences",
            dim_label="Model",
        ),
        name="models-energy-per-1k",
        download=served[["model", "energy_kwh_per_1k_inferences", "requests"]],
        empty="No model in this scope has inference request counts (upload a request-count file).",
    )
with right:
    components.chart(
        served[served["sci_kgco2e_per_1k_requests"].notna()],
        lambda d: charts.breakdown(
            d,
            "model",
            Measure("sci_kgco2e_per_1k_requests", "SCI per 1,000 requests", "co2e"),
            "Software Carbon Intensity per 1,000 requests",
            dim_label="Model",
        ),
        name="models-sci",
        download=served[["model", "sci_kgco2e_per_1k_requests", "requests"]],
        empty="No model in this scope has inference request counts (upload a request-count file).",
    )
st.caption(
    str(ledger["sci_note"].iloc[0]) + ". Ratios use only days with both request counts and inference energy."
)

st.subheader("Cumulative training vs inference")
candidates = by_model[(by_model["training_energy_kwh"] > 0) | (by_model["inference_energy_kwh"] > 0)][
    "model"
].tolist()
if not candidates:
    st.info("No model in this scope has training or inference energy.")
else:
    model = st.selectbox("Model", candidates, key="models-curve")
    row = ledger.set_index("model").loc[model]
    curve = pd.DataFrame(data.model_periods(f, model, grain="day"))
    markers = []
    if row["break_even"]:
        markers.append((row["break_even"], f"break-even {row['break_even']}"))
    elif row["break_even_projected"]:
        markers.append((row["break_even_projected"], f"projected break-even {row['break_even_projected']}"))
    cumulative = [
        Measure(
            "cumulative_training_facility_energy_kwh",
            "Training, cumulative",
            "energy",
            colour=WORKLOAD_COLOURS["training"],
        ),
        Measure(
            "cumulative_inference_facility_energy_kwh",
            "Inference, cumulative",
            "energy",
            colour=WORKLOAD_COLOURS["inference"],
        ),
    ]
    components.chart(
        curve[
            [
                "period_start",
                "cumulative_training_facility_energy_kwh",
                "cumulative_inference_facility_energy_kwh",
                "cumulative_requests",
            ]
        ]
        if not curve.empty
        else curve,
        lambda d: charts.lines(
            d,
            "period_start",
            cumulative,
            f"{model}: cumulative facility energy, training vs serving",
            x_label="Day (UTC)",
            value_label="Facility energy",
            markers=markers,
        ),
        name=f"models-cumulative-{model}",
    )
    status = {
        "reached": f"Serving overtook training on {row['break_even']}.",
        "projected": f"At the serving rate of the last 30 days, serving overtakes training around "
        f"{row['break_even_projected']}.",
        "not_serving": "This model is not served in this scope.",
    }.get(str(row["break_even_status"]), "")
    amortised = row.get("amortised_training_energy_kwh_per_1k_inferences")
    if status:
        st.caption(
            status
            + (
                f" Training amortised over the requests served so far: "
                f"{units.energy(amortised)} per 1,000 inferences."
                if pd.notna(amortised)
                else ""
            )
        )

st.subheader("Ledger")
table = ledger.assign(
    cost=ledger["cost"].map(units.money_by_currency),
    break_even=ledger["break_even"].fillna(units.EN_DASH),
    break_even_projected=ledger["break_even_projected"].fillna(units.EN_DASH),
)
components.table(
    table[
        [
            "model",
            "training_energy_kwh",
            "inference_energy_kwh",
            "other_energy_kwh",
            "training_kgco2e_location",
            "inference_kgco2e_location",
            "training_kgco2e_market",
            "inference_kgco2e_market",
            "requests",
            "energy_kwh_per_1k_inferences",
            "amortised_training_energy_kwh_per_1k_inferences",
            "sci_kgco2e_per_1k_requests",
            "break_even",
            "break_even_projected",
            "measured_share",
            "cost",
        ]
    ],
    name="models-ledger",
    column_config={
        "training_energy_kwh": components.number_column("Training IT energy (kWh)", 1),
        "inference_energy_kwh": components.number_column("Inference IT energy (kWh)", 1),
        "other_energy_kwh": components.number_column("Other IT energy (kWh)", 1),
        "training_kgco2e_location": components.number_column("Training, location-based (kg CO2e)", 1),
        "inference_kgco2e_location": components.number_column("Inference, location-based (kg CO2e)", 1),
        "training_kgco2e_market": components.number_column("Training, market-based (kg CO2e)", 1),
        "inference_kgco2e_market": components.number_column("Inference, market-based (kg CO2e)", 1),
        "requests": components.number_column("Requests", 0),
        "energy_kwh_per_1k_inferences": components.number_column("IT energy per 1,000 inferences (kWh)", 4),
        "amortised_training_energy_kwh_per_1k_inferences": components.number_column(
            "Training amortised per 1,000 inferences (kWh)", 4
        ),
        "sci_kgco2e_per_1k_requests": components.number_column("SCI (kg CO2e per 1,000 requests)", 4),
        "break_even": "Break-even (reached)",
        "break_even_projected": "Break-even (projected)",
        "measured_share": st.column_config.NumberColumn("Measured share", format="percent"),
        "cost": "Billed cost",
    },
)
