"""The estimation formulas (footprint/sql/estimation/formulas.sql) against hand-computed values and their
physical and algebraic properties.

Expected values are written out from the shipped tables: the Teads GPU curve (dynamic fraction 0.22398 at
10 %, 0.70492 at 50 %), H100 idle 69.85 W / full load 631.95 W (nvidia-smi capture), A100 idle 46.45 W /
limit 400 W (Teads p4d idle 371.6 W / 8).
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from footprint.estimation import install_formulas
from footprint.store import open_db


@pytest.fixture(scope="module")
def db():
    con = open_db(":memory:")
    install_formulas(con)
    yield con
    con.close()


def one(con, query: str, params: list | None = None):
    return con.execute(query, params or []).fetchone()[0]


ACCELERATORS = [
    "H100-80GB", "H100-94GB", "H200-141GB", "A100-40GB", "A100-80GB", "A10G", "A10", "L4", "L40S", "T4",
    "V100-16GB", "V100-32GB", "M60", "K80", "P100", "P40", "P4",
]


@pytest.mark.parametrize(
    "u, expected",
    [
        (0.0, 0.0),
        (0.1, 0.22398),
        (0.5, 0.70492),
        (1.0, 1.0),
        # Between measured points the curve is piecewise linear: 30 % is halfway from 10 % to 50 %.
        (0.3, (0.22398 + 0.70492) / 2),
        (0.8, 0.70492 + (0.8 - 0.5) / 0.5 * (1.0 - 0.70492)),
    ],
)
def test_teads_curve_fraction(db, u, expected):
    assert one(db, "SELECT fp_curve_fraction('teads_gpu', ?)", [u]) == pytest.approx(expected, abs=1e-12)


def test_curve_rejects_utilisation_outside_0_1(db):
    assert one(db, "SELECT fp_curve_fraction('teads_gpu', 1.2)") is None
    assert one(db, "SELECT fp_curve_fraction('teads_gpu', -0.1)") is None


def test_a100_at_50_percent_follows_the_measured_curve_not_a_straight_line(db):
    # Teads measured 300.9 W per A100 at 50 %; CCF's straight line from 46 to 407 W gives 226.5 W. Our A100
    # (idle 46.45 W, capped at its 400 W limit): 46.45 + 0.70492 * (400 - 46.45) = 295.674466 W.
    watts = one(db, "SELECT fp_accelerator_power_w('A100-40GB', 0.5)")
    assert watts == pytest.approx(46.45 + 0.70492 * (400 - 46.45), abs=1e-9)
    linear = 46.45 + 0.5 * (400 - 46.45)
    assert watts > linear + 60
    assert watts / 300.9 == pytest.approx(1.0, abs=0.02)  # within 2 % of the measured 300.9 W


def test_h100_power_at_assumed_utilisations(db):
    # Measured idle 69.85 W and gpu-burn 631.95 W; training central utilisation 80 %.
    frac_80 = 0.70492 + 0.6 * (1 - 0.70492)
    assert one(db, "SELECT fp_accelerator_power_w('H100-80GB', 0.8)") == pytest.approx(
        69.85 + frac_80 * (631.95 - 69.85), abs=1e-9)
    assert one(db, "SELECT fp_accelerator_power_w('H100-80GB', 0.0)") == pytest.approx(69.85)
    assert one(db, "SELECT fp_accelerator_power_w('H100-80GB', 1.0)") == pytest.approx(631.95)


def test_unknown_accelerator_has_no_power(db):
    assert one(db, "SELECT fp_accelerator_power_w('TPU-v4', 0.5)") is None


def test_vcpu_energy_cascade_lake(db):
    # 4 vCPU Cascade Lake (0.6903 / 4.0632 W per vCPU) at 50 % for 10 h = 4 * 2.37675 W * 10 h = 0.09507 kWh.
    kwh = one(db, "SELECT fp_energy_kwh(4 * fp_vcpu_power_w(0.6903, 4.0632, 0.5), 10)")
    assert kwh == pytest.approx(4 * (0.6903 + 0.5 * (4.0632 - 0.6903)) * 10 / 1000, abs=1e-12)


def test_facility_and_emissions(db):
    assert one(db, "SELECT fp_facility_kwh(100.0, 1.15)") == pytest.approx(115.0)
    assert one(db, "SELECT fp_co2e_kg(115.0, 283.892)") == pytest.approx(115.0 * 283.892 / 1000)


def test_utilisation_assumptions(db):
    assert one(db, "SELECT fp_utilization('accelerator', 'training', 'central')") == 0.8
    assert one(db, "SELECT fp_utilization('accelerator', 'training', 'low')") == 0.5
    assert one(db, "SELECT fp_utilization('accelerator', 'inference', 'central')") == 0.5
    assert one(db, "SELECT fp_utilization('accelerator', 'data_processing', 'low')") == 0.1  # '*' row
    assert one(db, "SELECT fp_utilization('cpu', 'training', 'central')") == 0.5
    assert one(db, "SELECT fp_utilization('cpu', 'unknown', 'high')") == 1.0


@pytest.mark.parametrize("model", ACCELERATORS)
def test_every_accelerator_stays_between_idle_and_its_power_limit(db, model):
    limit, idle, full = db.execute(
        "SELECT power_limit_w, idle_power_w, full_load_power_w FROM ref_accelerator_power "
        "WHERE accelerator_model = ?", [model]).fetchone()
    assert 0 < idle < full <= limit
    for u in [i / 20 for i in range(21)]:
        watts = one(db, "SELECT fp_accelerator_power_w(?, ?)", [model, u])
        assert idle - 1e-9 <= watts <= limit + 1e-9, (model, u, watts)


@settings(max_examples=60, deadline=None)
@given(
    model=st.sampled_from(ACCELERATORS),
    u=st.floats(0, 1),
    hours=st.floats(0.001, 1e5),
    count=st.integers(1, 16),
    pue=st.floats(1.0, 2.0),
)
def test_accelerator_hour_never_above_limit_times_pue_nor_below_idle(db, model, u, hours, count, pue):
    limit, idle = db.execute(
        "SELECT power_limit_w, idle_power_w FROM ref_accelerator_power WHERE accelerator_model = ?", [model]
    ).fetchone()
    facility = one(db, "SELECT fp_facility_kwh(fp_energy_kwh(? * fp_accelerator_power_w(?, ?), ?), ?)",
                   [count, model, u, hours, pue])
    per_device_hour_kwh = facility / (count * hours)
    assert per_device_hour_kwh <= limit * pue / 1000 * (1 + 1e-9)
    assert per_device_hour_kwh >= idle / 1000 * (1 - 1e-9)


@settings(max_examples=60, deadline=None)
@given(model=st.sampled_from(ACCELERATORS), u=st.floats(0, 1), hours=st.floats(0.01, 1e4), k=st.floats(0.1, 50))
def test_energy_is_linear_in_hours(db, model, u, hours, k):
    e1 = one(db, "SELECT fp_energy_kwh(fp_accelerator_power_w(?, ?), ?)", [model, u, hours])
    ek = one(db, "SELECT fp_energy_kwh(fp_accelerator_power_w(?, ?), ?)", [model, u, hours * k])
    assert ek == pytest.approx(e1 * k, rel=1e-9)
    assert e1 >= 0


@settings(max_examples=60, deadline=None)
@given(model=st.sampled_from(ACCELERATORS), u1=st.floats(0, 1), u2=st.floats(0, 1))
def test_power_is_monotone_in_utilisation(db, model, u1, u2):
    lo, hi = sorted((u1, u2))
    p_lo = one(db, "SELECT fp_accelerator_power_w(?, ?)", [model, lo])
    p_hi = one(db, "SELECT fp_accelerator_power_w(?, ?)", [model, hi])
    assert p_lo <= p_hi + 1e-9


@settings(max_examples=60, deadline=None)
@given(min_w=st.floats(0.1, 3), span=st.floats(0, 8), u1=st.floats(0, 1), u2=st.floats(0, 1),
       pue1=st.floats(1, 3), pue2=st.floats(1, 3), hours=st.floats(0, 1e4))
def test_cpu_energy_monotone_in_utilisation_and_facility_monotone_in_pue(db, min_w, span, u1, u2, pue1, pue2, hours):
    lo, hi = sorted((u1, u2))
    e_lo = one(db, "SELECT fp_energy_kwh(fp_vcpu_power_w(?, ?, ?), ?)", [min_w, min_w + span, lo, hours])
    e_hi = one(db, "SELECT fp_energy_kwh(fp_vcpu_power_w(?, ?, ?), ?)", [min_w, min_w + span, hi, hours])
    assert 0 <= e_lo <= e_hi + 1e-12
    p_lo, p_hi = sorted((pue1, pue2))
    assert one(db, "SELECT fp_facility_kwh(?, ?)", [e_hi, p_lo]) <= one(db, "SELECT fp_facility_kwh(?, ?)", [e_hi, p_hi]) + 1e-12


def test_low_central_high_order_for_every_accelerator_and_workload(db):
    rows = db.execute(
        "SELECT a.accelerator_model, w.workload, "
        "fp_accelerator_power_w(a.accelerator_model, fp_utilization('accelerator', w.workload, 'low')), "
        "fp_accelerator_power_w(a.accelerator_model, fp_utilization('accelerator', w.workload, 'central')), "
        "fp_accelerator_power_w(a.accelerator_model, fp_utilization('accelerator', w.workload, 'high')) "
        "FROM ref_accelerator_power a, (VALUES ('training'), ('inference'), ('unknown')) w(workload)"
    ).fetchall()
    assert len(rows) == 3 * len(ACCELERATORS)
    for model, workload, low, central, high in rows:
        assert low <= central <= high, (model, workload)
        assert not math.isnan(central)
