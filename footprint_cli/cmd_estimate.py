"""`footprint estimate`: energy and emissions of one job from device-hours, without any bill.

    footprint estimate --accelerator H100-80GB --count 8 --hours 72 --region aws:us-east-1 --json

Uses the same coefficient tables and formulas as the estimation of bills (footprint.estimation.calculator);
the database is a private in-memory one, so nothing is read from or written to the user's store.
"""

from __future__ import annotations

import argparse
import json

from footprint.estimation.calculator import CalculatorError, Job, estimate_job
from footprint.store import open_db
from footprint_cli.main import CliError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("estimate", help="energy and kg CO2e of one job (device-hours, power, PUE, grid)")
    p.add_argument("--accelerator", required=True, metavar="NAME", help="accelerator id, e.g. H100-80GB, A100, L4")
    p.add_argument("--count", required=True, type=float, metavar="N", help="number of devices")
    p.add_argument("--hours", required=True, type=float, metavar="H", help="wall-clock hours per device")
    power = p.add_mutually_exclusive_group()
    power.add_argument("--avg-power-w", type=float, metavar="W", help="measured average draw per device (W)")
    power.add_argument("--utilization", type=float, metavar="U", help="average utilisation, 0 to 1")
    p.add_argument(
        "--workload", default="training", help="training | inference | ... (picks the utilisation assumption)"
    )
    p.add_argument("--pue", type=float, metavar="P", help="data-centre PUE (default: published for the provider)")
    grid = p.add_mutually_exclusive_group()
    grid.add_argument("--grid-g-per-kwh", type=float, metavar="G", help="grid intensity, g CO2e per kWh")
    grid.add_argument("--region", metavar="PROVIDER:REGION", help="cloud region, e.g. aws:us-east-1")
    p.add_argument("--year", type=int, metavar="Y", help="year of the job (picks PUE and grid factor)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    job = Job(
        accelerator=args.accelerator,
        count=args.count,
        hours=args.hours,
        avg_power_w=args.avg_power_w,
        utilization=args.utilization,
        workload=args.workload,
        pue=args.pue,
        grid_g_per_kwh=args.grid_g_per_kwh,
        region=args.region,
        year=args.year,
    )
    con = open_db(":memory:")
    try:
        result = estimate_job(con, job)
    except CalculatorError as exc:
        raise CliError(str(exc)) from exc
    finally:
        con.close()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    a = result["assumptions"]
    print(f"{result['accelerator']} x {result['count']:g} for {result['hours']:,g} h "
          f"({result['device_hours']:,g} device-hours)")
    print(f"  power per device   {a['power_w_per_device']:,.1f} W  ({a['power_basis']})")
    print(f"  IT energy          {result['energy_kwh']:,.1f} kWh  "
          f"(range {result['energy_kwh_low']:,.1f} - {result['energy_kwh_high']:,.1f})")
    print(f"  PUE                {a['pue']:.3f}  ({a['pue_source']})")
    print(f"  facility energy    {result['facility_energy_kwh']:,.1f} kWh")
    print(f"  grid               {a['grid_g_per_kwh']:,.1f} g CO2e/kWh  ({a['grid_source']})")
    print(f"  emissions          {result['kgco2e']:,.1f} kg CO2e  "
          f"(range {result['kgco2e_low']:,.1f} - {result['kgco2e_high']:,.1f})")
    return 0
