"""Quick calculator for one job (a training run from a paper, a planned fine-tune).

It shares everything with the estimation of bills: the device power comes from the same formula macros
and tables (formulas.sql, ref_accelerator_power, ref_power_curves, ref_utilization_assumptions), and PUE
and the grid factor are resolved by running the estimation SQL itself on the job, expressed as one
activity row in a private in-memory database. A figure therefore never differs between `footprint
estimate` and the dashboard for the same inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb

from footprint import METHODOLOGY_VERSION
from footprint.estimation import install_formulas, refresh
from footprint.estimation.options import EstimationOptions


class CalculatorError(ValueError):
    """An input the calculator cannot use; the message says which and why."""


@dataclass(frozen=True)
class Job:
    accelerator: str
    count: float
    hours: float
    avg_power_w: float | None = None
    utilization: float | None = None
    workload: str = "training"
    pue: float | None = None
    grid_g_per_kwh: float | None = None
    region: str | None = None  # provider:region, e.g. aws:us-east-1
    year: int | None = None


def resolve_accelerator(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
    """The accelerator row for a name ('H100-80GB', 'h100', 'L4'); None when unknown; error if ambiguous."""
    rows = con.execute(
        "SELECT accelerator_model, power_limit_w, idle_power_w, full_load_power_w, curve_id "
        "FROM ref_accelerator_power ORDER BY accelerator_model"
    ).fetchall()
    exact = [r for r in rows if r[0].lower() == name.strip().lower()]
    prefix = [r for r in rows if r[0].lower().startswith(name.strip().lower())]
    found = exact or prefix
    if len(found) > 1:
        raise CalculatorError(
            f"accelerator {name!r} is ambiguous: {', '.join(r[0] for r in found)}; give the full id"
        )
    if not found:
        return None
    r = found[0]
    return {"accelerator_model": r[0], "power_limit_w": r[1], "idle_power_w": r[2],
            "full_load_power_w": r[3], "curve_id": r[4]}


def _validate(job: Job) -> None:
    if not job.count > 0:
        raise CalculatorError(f"--count must be a positive number of devices, not {job.count}")
    if not job.hours > 0:
        raise CalculatorError(f"--hours must be positive, not {job.hours}")
    if job.avg_power_w is not None and job.utilization is not None:
        raise CalculatorError("give either --avg-power-w (measured) or --utilization, not both")
    if job.avg_power_w is not None and not job.avg_power_w > 0:
        raise CalculatorError(f"--avg-power-w must be positive, not {job.avg_power_w}")
    if job.utilization is not None and not 0 <= job.utilization <= 1:
        raise CalculatorError(f"--utilization is a share from 0 to 1, not {job.utilization}")
    if job.pue is not None and not 1.0 <= job.pue <= 3.0:
        raise CalculatorError(f"--pue must be from 1.0 to 3.0, not {job.pue}")
    if job.grid_g_per_kwh is not None and job.grid_g_per_kwh < 0:
        raise CalculatorError(f"--grid-g-per-kwh cannot be negative ({job.grid_g_per_kwh})")
    if job.grid_g_per_kwh is not None and job.region is not None:
        raise CalculatorError("give either --grid-g-per-kwh or --region, not both")
    if job.region is not None and ":" not in job.region:
        raise CalculatorError(f"--region must be PROVIDER:REGION (e.g. aws:us-east-1), not {job.region!r}")


def _power(con: duckdb.DuckDBPyConnection, job: Job, acc: dict[str, Any] | None) -> dict[str, Any]:
    """Per-device power (W) at low / central / high and how it was chosen."""
    if job.avg_power_w is not None:
        if acc and job.avg_power_w > acc["power_limit_w"]:
            raise CalculatorError(
                f"--avg-power-w {job.avg_power_w:g} W is above the {acc['accelerator_model']} power limit "
                f"of {acc['power_limit_w']} W"
            )
        w = float(job.avg_power_w)
        return {"power_w": (w, w, w), "utilization": None, "basis": "measured average power per device (given)"}
    if acc is None:
        raise CalculatorError(
            f"no published power figure for accelerator {job.accelerator!r}: give its measured average "
            f"draw with --avg-power-w, or one of {', '.join(_known(con))}"
        )
    if job.utilization is not None:
        levels = (job.utilization,) * 3
        basis = "utilisation given"
    else:
        levels = tuple(
            con.execute("SELECT fp_utilization('accelerator', ?, ?)", [job.workload, lvl]).fetchone()[0]  # type: ignore[index]
            for lvl in ("low", "central", "high")
        )
        basis = f"utilisation assumed for {job.workload} (ref_utilization_assumptions)"
    watts = tuple(
        con.execute("SELECT fp_accelerator_power_w(?, ?)", [acc["accelerator_model"], u]).fetchone()[0]  # type: ignore[index]
        for u in levels
    )
    return {"power_w": watts, "utilization": levels, "basis": f"{basis}; power curve {acc['curve_id']}"}


def _known(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT accelerator_model FROM ref_accelerator_power ORDER BY 1").fetchall()]


def estimate_job(con: duckdb.DuckDBPyConnection, job: Job) -> dict[str, Any]:
    """Energy, facility energy and kg CO2e of one job. `con` is a private, migrated in-memory database."""
    _validate(job)
    install_formulas(con)
    acc = resolve_accelerator(con, job.accelerator)
    power = _power(con, job, acc)
    device_hours = job.count * job.hours
    energy = [
        con.execute("SELECT fp_energy_kwh(?, ?)", [w, device_hours]).fetchone()[0]  # type: ignore[index]
        for w in power["power_w"]
    ]
    provider, _, region = (job.region or "unknown:").partition(":")
    year = job.year or datetime.now(UTC).year
    start = datetime(year, 1, 1)
    if provider not in ("aws", "gcp", "azure", "oracle", "onprem", "other", "unknown"):
        raise CalculatorError(f"--region provider must be aws, gcp, azure, oracle or onprem, not {provider!r}")
    if job.pue is not None and provider == "unknown":
        provider = "other"  # a given PUE needs a provider key to override; no region means no grid zone
    options = EstimationOptions(pue_overrides={provider: job.pue} if job.pue is not None else {})
    con.execute(
        "INSERT INTO telemetry_activity (activity_id, batch_id, period_start, period_end, provider, region_id, "
        "accelerator_model, device_count, team, model, workload, energy_kwh, pue_included, source_format) "
        "VALUES (1, 0, ?, ?, ?, ?, ?, ?, 'calculator', 'calculator', ?, ?, false, 'calculator')",
        [start, start + timedelta(hours=job.hours), provider, region or None,
         acc["accelerator_model"] if acc else job.accelerator, job.count, job.workload, energy[1]],
    )
    refresh(con, options)
    row = con.execute(
        "SELECT pue, pue_source, location_factor_g_per_kwh, location_factor_source, location_factor_basis, "
        "location_factor_year, location_factor_fallback, grid_zone FROM footprint_items WHERE item_id = 't:1'"
    ).fetchone()
    assert row is not None
    pue, pue_source, factor, f_source, f_basis, f_year, f_fallback, zone = row
    if job.pue is not None:
        pue_source = "given (--pue)"
    if job.grid_g_per_kwh is not None:
        factor, f_source, f_basis, f_year, f_fallback, zone = (
            float(job.grid_g_per_kwh), "given (--grid-g-per-kwh)", "as given", None, None, None)
    facility = [con.execute("SELECT fp_facility_kwh(?, ?)", [e, pue]).fetchone()[0] for e in energy]  # type: ignore[index]
    co2 = [con.execute("SELECT fp_co2e_kg(?, ?)", [f, factor]).fetchone()[0] for f in facility]  # type: ignore[index]
    return {
        "accelerator": acc["accelerator_model"] if acc else job.accelerator,
        "count": job.count,
        "hours": job.hours,
        "device_hours": device_hours,
        "energy_kwh": energy[1],
        "energy_kwh_low": energy[0],
        "energy_kwh_high": energy[2],
        "facility_energy_kwh": facility[1],
        "facility_energy_kwh_low": facility[0],
        "facility_energy_kwh_high": facility[2],
        "kgco2e": co2[1],
        "kgco2e_low": co2[0],
        "kgco2e_high": co2[2],
        "assumptions": {
            "power_w_per_device": power["power_w"][1],
            "power_w_per_device_low": power["power_w"][0],
            "power_w_per_device_high": power["power_w"][2],
            "power_basis": power["basis"],
            "utilization": power["utilization"][1] if power["utilization"] else None,
            "workload": job.workload,
            "pue": pue,
            "pue_source": pue_source,
            "grid_g_per_kwh": factor,
            "grid_source": f_source,
            "grid_basis": f_basis,
            "grid_year": f_year,
            "grid_fallback": f_fallback,
            "grid_zone": zone,
            "region": job.region,
            "year": year,
            "methodology_version": METHODOLOGY_VERSION,
        },
    }
