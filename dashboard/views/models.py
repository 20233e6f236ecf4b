"""Models: training vs inference per model, the break-even of serving against training, per-1,000 ratios.

Every figure comes from the per-model ledger (footprint.ledger), the same functions `footprint models`
and the reports call. The ledger spans every provider and region; dates, team and model filters apply.
Cards and per-model bars show the ledger's low-high ranges (sums of the items' low and high estimates,
as on every other page); the cumulative curve and the break-even use central estimates. A projected break-even is a date beyond the data: it is stated in words with how it was
projected, never put on the time axis.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, components, data
from dashboard.charts import WORKLOAD_COLOURS, Measure
from footprint import units
from footprint.ledger import PROJECTION_WINDOW_DAYS


def _missing(value: object) -> bool:
    """True for None, NaN and NaT (a NaN is truthy, so `if value:` would take it for a date)."""
    return value is None or bool(pd.isna(value))


def _spread(values: pd.Series) -> float:
    """Largest over smallest positive value: how many times apart the bars of a chart are."""
    positive = values[values > 0]
    return float(positive.max() / positive.min()) if len(positive) else 1.0


def per_1k_chart(df: pd.DataFrame, m: Measure, title: str, name: str) -> None:
    """One ratio per model with its low-high range as error bars; the axis is logarithmic where the models
    are more than 100 times apart. Its CSV holds the model, the range, the value and the requests."""
    low, high = f"{m.column}_low", f"{m.column}_high"
    components.chart(
        df,
        lambda d: charts.breakdown(
            d, "model", m, title, low=low, high=high, dim_label="Model", log=_spread(d[m.column]) > 100
        ),
        name=name,
        download=df[["model", low, m.column, high, "requests"]],
        empty="No model in this scope has inference request counts (upload a request-count file).",
    )


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

WORKLOAD_COLUMNS = ["training_energy_kwh", "inference_energy_kwh", "other_energy_kwh"]
ERRORS = {c: (f"{c}_low", f"{c}_high") for c in WORKLOAD_COLUMNS}
EMISSION_COLUMNS = [f"{w}_kgco2e_{m}" for w in ("training", "inference") for m in ("location", "market")]
RANGED = [c for column in WORKLOAD_COLUMNS + EMISSION_COLUMNS for c in (column, *ERRORS.get(column, ()))]
RANGED += [f"{c}_{end}" for c in EMISSION_COLUMNS for end in ("low", "high")]
# Scope totals: the sum over models of each figure, its low and its high (the ranges add as the items' do).
totals = {c: float(ledger[c].fillna(0).sum()) for c in RANGED}
total_training, total_inference = totals["training_energy_kwh"], totals["inference_energy_kwh"]
card_scale = components.cards_scale(totals, ["training_energy_kwh", "inference_energy_kwh"], "energy")
cols = st.columns(3)
for col, label, column, note, help_text in (
    (
        cols[0],
        "Training IT energy",
        "training_energy_kwh",
        "incl. fine-tuning",
        "IT energy (PUE not applied) of line items and telemetry attributed to a training workload; the "
        "attribution rules are on the Methodology & data quality page.",
    ),
    (
        cols[1],
        "Inference IT energy",
        "inference_energy_kwh",
        "online and batch serving",
        "IT energy (PUE not applied) of line items and telemetry attributed to serving.",
    ),
):
    text, span = components.value_and_range(totals, column, "energy", card_scale)
    components.kpi(col, label, text, [line for line in (span, note) if line], help_text)
share = total_inference / (total_training + total_inference) if total_training + total_inference else None
components.kpi(
    cols[2], "Serving share", units.percent(share), "inference / (training + inference) IT energy, central"
)
cols = st.columns(3)
co2e_scale = components.cards_scale(totals, EMISSION_COLUMNS, "co2e")
for col, label, workload in (
    (cols[0], "Training emissions", "training"),
    (cols[1], "Inference emissions", "inference"),
):
    text, span = components.value_and_range(totals, f"{workload}_kgco2e_location", "co2e", co2e_scale)
    market, market_span = components.value_and_range(totals, f"{workload}_kgco2e_market", "co2e", co2e_scale)
    components.kpi(
        col,
        label,
        text,
        [line for line in (span, "location-based", f"market-based {market}", market_span) if line],
        "Scope 2 methods of the GHG Protocol: location-based uses the grid's average intensity, "
        "market-based the supplier's or residual-mix factor.",
    )
st.caption(
    "Cards and per-model bars show the central estimate with its low-high range (error bars on the "
    "charts); the cumulative curve, the break-even and the ledger table use central estimates. How the "
    "ranges are made is on the methodology page."
)
components.methodology_link()

st.subheader("Training vs inference per model")
total_kwh = ledger[["training_energy_kwh", "inference_energy_kwh", "other_energy_kwh"]].fillna(0).sum(axis=1)
by_model = ledger.assign(total_kwh=total_kwh).sort_values("total_kwh", ascending=False)
components.chart(
    by_model[["model", *[c for column, ends in ERRORS.items() for c in (column, *ends)]]],
    lambda d: charts.side_by_side(
        d,
        "model",
        [TRAINING, INFERENCE, OTHER],
        "IT energy per model: training vs inference",
        value_label="IT energy",
        dim_label="Model",
        errors=ERRORS,
    ),
    name="models-training-vs-inference",
)

served = ledger[ledger["energy_kwh_per_1k_inferences"].notna()]
sci = served[served["sci_kgco2e_per_1k_requests"].notna()]
st.subheader("Per 1,000 inferences")
st.caption(
    "Each bar is labelled with its value. Where the models are more than 100 times apart the axis is "
    "logarithmic (said in its title), so that the smallest bar stays visible."
)


left, right = st.columns(2)
with left:
    per_1k_chart(
        served,
        Measure("energy_kwh_per_1k_inferences", "IT energy per 1,000 inferences", "energy"),
        "IT energy per 1,000 inferences",
        "models-energy-per-1k",
    )
with right:
    per_1k_chart(
        sci,
        Measure("sci_kgco2e_per_1k_requests", "SCI per 1,000 requests", "co2e"),
        "Software Carbon Intensity per 1,000 requests",
        "models-sci",
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
    reached = None if _missing(row["break_even"]) else str(row["break_even"])
    shown = (curve["period_start"].min(), curve["period_start"].max()) if not curve.empty else None
    markers: list[tuple[object, str]] = []
    if reached and shown and shown[0] <= reached <= shown[1]:
        markers.append((reached, f"break-even {reached}"))
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
            grain="day",
        ),
        name=f"models-cumulative-{model}",
    )
    state = str(row["break_even_status"])
    if state == "reached" and reached:
        status = f"Serving overtook training on {reached}" + (
            "." if markers else " (outside the days shown, so not marked)."
        )
    elif state == "projected" and not _missing(row["break_even_projected"]):
        gap_kwh = (
            row["cumulative_training_facility_energy_kwh"] - row["cumulative_inference_facility_energy_kwh"]
        )
        status = (
            f"Break-even not reached: serving trails training by {units.energy(gap_kwh)} of facility energy. "
            f"Projected break-even around {row['break_even_projected']}: a straight-line projection at "
            f"{units.energy(row['serving_facility_energy_kwh_per_day'])} of facility energy per day, the "
            f"mean serving rate of the last {PROJECTION_WINDOW_DAYS} days of data (or of the days since "
            "serving began, if fewer), assuming that rate holds and no further training. The chart covers "
            "the data only, so the projected date is not drawn on it."
        )
    elif state == "not_serving":
        status = "Break-even not reached: this model is not served in this scope, so none can be projected."
    else:
        status = ""
    amortised = row.get("amortised_training_energy_kwh_per_1k_inferences")
    if status:
        st.caption(
            status
            + (
                f" Training amortised over the requests served so far: "
                f"{units.energy(amortised)} per 1,000 inferences."
                if not _missing(amortised)
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
