"""IT energy of each kind of billing row, measured substitution and unbilled telemetry, against values
computed by hand from the shipped tables (written out below), on real DuckDB tables.

Shipped figures used: AMD EPYC 3rd Gen 0.4556 / 1.9573 W per vCPU, 1.0714 GB baseline per vCPU; H100 idle
69.85 W, full load 631.95 W; Teads curve 0.22398 at 10 %, 0.70492 at 50 %; memory 0.000375 / 0.000392 /
0.0004083 kWh per GB-h; HDD 0.00065 and SSD 0.0012 kWh per TB-h; 730 h per month; S3 replication 6, EBS
volume 2; network 0.001 kWh per GB; AWS PUE 1.15 (2024); eGRID2022 SRVC 283.892 g/kWh.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from footprint.estimation import EstimationOptions, refresh

T0 = datetime(2024, 6, 1)
FRAC_50, FRAC_10 = 0.70492, 0.22398
FRAC_80 = FRAC_50 + (0.8 - 0.5) / 0.5 * (1 - FRAC_50)


def add_batch(con, batch_id: int, superseded_by: int | None = None) -> None:
    con.execute(
        "INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at, superseded_by) "
        "VALUES (?, ?, ?, 1, 'billing', 'test', 1, 1, 0, ?, ?)",
        [batch_id, f"bill{batch_id}.csv", f"sha{batch_id}", T0, superseded_by],
    )


def add_row(con, batch_id: int, source_row: int, **fields) -> int:
    """One canonical billing row (real table); returns its row_id."""
    row = {
        "row_id": (batch_id << 32) + source_row, "batch_id": batch_id, "source_row": source_row,
        "source_format": "test", "provider": "aws", "region_id": "us-east-1", "charge_category": "Usage",
        "charge_period_start": T0, "charge_period_end": T0 + timedelta(hours=1), "billed_cost": 1,
        "effective_cost": 1, "billing_currency": "USD", "carries_usage": True,
    }
    row.update(fields)
    cols = ", ".join(row)
    con.execute(f"INSERT INTO billing_line_items ({cols}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    return row["row_id"]


def item(con, row_id: int) -> dict:
    cur = con.execute("SELECT * FROM footprint_items WHERE row_id = ?", [row_id])
    names = [d[0] for d in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def run(con) -> None:
    refresh(con, EstimationOptions())


P5_CPU = (0.4556 + 0.5 * (1.9573 - 0.4556)) * 192 / 1000
P5_MEM_GB = 2048 - 192 * 1.0714
P5_ACC_W_50 = 69.85 + FRAC_50 * (631.95 - 69.85)


def test_p5_instance_hour(con):
    add_batch(con, 1)
    rid = add_row(con, 1, 1, instance_type="p5.48xlarge", usage_quantity=1.0, usage_unit="hour", usage_hours=1.0,
                  service_name="Amazon Elastic Compute Cloud")
    run(con)
    r = item(con, rid)
    assert (r["usage_kind"], r["method"], r["formula_id"]) == ("instance", "modelled", "instance_v1")
    assert (r["vcpu_count"], r["memory_gb"], r["accelerator_model"], r["accelerator_count"]) == (192, 2048, "H100-80GB", 8)
    assert r["cpu_energy_kwh"] == pytest.approx(P5_CPU, rel=1e-9)
    assert r["memory_energy_kwh"] == pytest.approx(P5_MEM_GB * 0.000392, rel=1e-9)
    assert r["accelerator_energy_kwh"] == pytest.approx(8 * P5_ACC_W_50 / 1000, rel=1e-9)
    central = P5_CPU + P5_MEM_GB * 0.000392 + 8 * P5_ACC_W_50 / 1000
    low = ((0.4556 + 0.1 * (1.9573 - 0.4556)) * 192 / 1000 + P5_MEM_GB * 0.000375
           + 8 * (69.85 + FRAC_10 * (631.95 - 69.85)) / 1000)
    high = 1.9573 * 192 / 1000 + P5_MEM_GB * 0.0004083 + 8 * 631.95 / 1000
    assert (r["energy_kwh_low"], r["energy_kwh"], r["energy_kwh_high"]) == pytest.approx((low, central, high), rel=1e-9)
    assert r["pue"] == 1.15 and r["pue_source"] == "ref_pue:aws_pue 2024"
    assert r["facility_energy_kwh"] == pytest.approx(central * 1.15, rel=1e-9)
    assert (r["grid_zone"], r["location_factor_g_per_kwh"], r["location_factor_year"]) == ("SRVC", 283.892, 2022)
    assert (r["location_factor_basis"], r["location_factor_fallback"]) == ("direct", "earlier_year")
    assert r["location_kgco2e"] == pytest.approx(central * 1.15 * 283.892 / 1000, rel=1e-9)
    assert r["market_method"] == "location_fallback" and r["market_kgco2e"] == pytest.approx(r["location_kgco2e"])
    assert r["coefficient_ids"].split(";") == [
        "cpu:AMD EPYC 3rd Gen", "utilization:cpu:unknown", "memory_energy", "accelerator:H100-80GB",
        "curve:teads_gpu", "utilization:accelerator:unknown"]
    assert (r["team"], r["model"], r["workload"]) == ("unattributed", "unattributed", "unknown")
    assert r["scope_label"] == "scope3_cat1" and r["measured_energy_kwh"] == 0


def test_attribution_sets_workload_and_training_utilisation(con):
    add_batch(con, 1)
    rid = add_row(con, 1, 1, instance_type="p5.48xlarge", usage_quantity=2.0, usage_unit="hour", usage_hours=2.0,
                  workload_hint="inference")
    hinted = add_row(con, 1, 2, instance_type="p5.48xlarge", usage_quantity=1.0, usage_unit="hour",
                     usage_hours=1.0, workload_hint="inference")
    con.execute("INSERT INTO line_item_attribution VALUES (?, 'vision', 'detr-l', 'training', 'fine_tuning', "
                "NULL, 'rule-7')", [rid])
    run(con)
    r = item(con, rid)
    assert (r["team"], r["model"], r["workload"], r["workload_detail"], r["attribution_rule_id"]) == (
        "vision", "detr-l", "training", "fine_tuning", "rule-7")
    assert r["accelerator_utilization"] == 0.8 and r["cpu_utilization"] == 0.5
    assert r["accelerator_energy_kwh"] == pytest.approx(2 * 8 * (69.85 + FRAC_80 * 562.1) / 1000, rel=1e-9)
    h = item(con, hinted)  # no attribution row: the usage type's hint, team/model unattributed
    assert (h["team"], h["workload"], h["accelerator_utilization"]) == ("unattributed", "inference", 0.5)


def test_measured_energy_replaces_the_modelled_device_hours_it_covers(con):
    add_batch(con, 1)
    full = add_row(con, 1, 1, instance_type="p5.48xlarge", usage_quantity=1.0, usage_unit="hour", usage_hours=1.0)
    part = add_row(con, 1, 2, instance_type="p5.48xlarge", usage_quantity=1.0, usage_unit="hour", usage_hours=1.0)
    con.execute("INSERT INTO line_item_measured VALUES (?, 4.8, 8.0, '7'), (?, 1.5, 3.0, '7'), (?, 0.5, 1.0, '8')",
                [full, part, part])
    run(con)
    f = item(con, full)
    assert f["method"] == "measured" and f["measured_energy_kwh"] == pytest.approx(4.8)
    assert f["accelerator_energy_kwh"] == pytest.approx(4.8)
    assert (f["energy_kwh_low"], f["energy_kwh_high"]) != (f["energy_kwh"], f["energy_kwh"])  # CPU/RAM still modelled
    assert f["energy_kwh"] == pytest.approx(P5_CPU + P5_MEM_GB * 0.000392 + 4.8, rel=1e-9)
    assert f["modelled_accelerator_energy_kwh"] == pytest.approx(8 * P5_ACC_W_50 / 1000, rel=1e-9)
    p = item(con, part)  # two telemetry rows: 2.0 kWh over 4 of 8 device-hours, the other 4 modelled
    assert p["measured_energy_kwh"] == pytest.approx(2.0) and p["measured_device_hours"] == 4.0
    assert p["accelerator_energy_kwh"] == pytest.approx(2.0 + 4 * P5_ACC_W_50 / 1000, rel=1e-9)
    assert sorted(p["telemetry_batches"].split(",")) == ["7", "8"]


def test_split_cpu_ram_and_gpu_sku_rows(con):
    add_batch(con, 1)
    core = add_row(con, 1, 1, provider="gcp", region_id="us-central1", usage_unit="hour", usage_quantity=10.0,
                   usage_hours=10.0, usage_type="N2 Instance Core running in Americas", service_name="Compute Engine")
    ram = add_row(con, 1, 2, provider="gcp", region_id="us-central1", usage_unit="gb_hour", usage_quantity=80.0,
                  usage_type="N2 Instance Ram running in Americas", service_name="Compute Engine")
    gpu = add_row(con, 1, 3, provider="gcp", region_id="us-central1", usage_unit="hour", usage_quantity=10.0,
                  usage_hours=10.0, usage_type="Nvidia L4 GPU running in Americas", accelerator_model="L4",
                  service_name="Compute Engine")
    run(con)
    # GCP fallback CPU (CCF median 0.68 / 4.11 W); the RAM is billed on its own row, so the vCPU maximum
    # leaves out the SPECpower baseline memory (1.2688 GB per vCPU x 0.392 W per GB).
    max_eff = 4.11 - 1.2688 * 0.392
    c = item(con, core)
    assert (c["usage_kind"], c["coefficient_ids"]) == ("vcpu", "cpu:fallback:gcp;utilization:cpu:unknown")
    assert c["energy_kwh"] == pytest.approx(10 * (0.68 + 0.5 * (max_eff - 0.68)) / 1000, rel=1e-9)
    assert item(con, ram)["energy_kwh"] == pytest.approx(80 * 0.000392, rel=1e-12)
    g = item(con, gpu)
    assert (g["usage_kind"], g["device_hours"]) == ("accelerator", 10.0)
    assert g["energy_kwh"] == pytest.approx(10 * (8.21 + FRAC_50 * (72 - 8.21)) / 1000, rel=1e-9)
    # GCP in 2024: fleet PUE 1.09 and Google's own us-central1 factor for 2024 (operational basis).
    assert g["pue"] == 1.09
    assert (g["location_factor_source"], g["location_factor_basis"], g["location_factor_fallback"]) == (
        "google_region_carbon us-central1 2024", "operational", "exact")


def test_storage_and_network_rows(con):
    add_batch(con, 1)
    s3 = add_row(con, 1, 1, usage_unit="gb_month", usage_quantity=100.0, service_name="Amazon Simple Storage Service",
                 usage_type="USE1-TimedStorage-ByteHrs")
    ebs = add_row(con, 1, 2, usage_unit="gb_month", usage_quantity=100.0,
                  service_name="Amazon Elastic Compute Cloud", usage_type="USE1-EBS:VolumeUsage.gp3")
    other = add_row(con, 1, 3, usage_unit="gb_month", usage_quantity=100.0, service_name="AmazonCloudWatch",
                    usage_type="USE1-TimedStorage-ByteHrs")
    net = add_row(con, 1, 4, usage_unit="gb", usage_quantity=50.0, service_name="Amazon Elastic Compute Cloud",
                  usage_type="USE1-DataTransfer-Out-Bytes")
    run(con)
    tb_h = 100 * 730 / 1000
    s = item(con, s3)
    assert s["energy_kwh"] == pytest.approx(tb_h * 6 * 0.00065, rel=1e-12)
    assert s["coefficient_ids"] == "hdd_energy;replication:REPLICATION_FACTORS.S3;hours_per_month"
    e = item(con, ebs)
    assert e["energy_kwh"] == pytest.approx(tb_h * 2 * 0.0012, rel=1e-12)
    o = item(con, other)  # media unknown: HDD central, SSD high bound; no replication
    assert (o["energy_kwh_low"], o["energy_kwh"], o["energy_kwh_high"]) == pytest.approx(
        (tb_h * 0.00065, tb_h * 0.00065, tb_h * 0.0012), rel=1e-12)
    assert item(con, net)["energy_kwh"] == pytest.approx(50 * 0.001, rel=1e-12)


def test_rows_that_cannot_be_modelled_get_a_separate_spend_based_estimate(con):
    add_batch(con, 1)
    known = add_row(con, 1, 1, usage_unit="gb", usage_quantity=1000.0, service_name="Amazon Simple Storage Service",
                    usage_type="USE1-DataTransfer-Out-Bytes", billed_cost=4, effective_cost=4)
    req = add_row(con, 1, 2, usage_unit="request", usage_quantity=1e6, service_name="Amazon Simple Storage Service",
                  usage_type="USE1-Requests-Tier1", billed_cost=2, effective_cost=0)
    inf2 = add_row(con, 1, 3, instance_type="inf2.xlarge", usage_unit="hour", usage_quantity=1.0, usage_hours=1.0,
                   service_name="Amazon Elastic Compute Cloud", billed_cost=0.76, effective_cost=0.76)
    credit = add_row(con, 1, 4, charge_category="Credit", carries_usage=False, billed_cost=-3, effective_cost=-3)
    run(con)
    k, r, i, c = (item(con, x) for x in (known, req, inf2, credit))
    assert k["method"] == "modelled" and k["energy_kwh"] == pytest.approx(1.0)
    # 1 kWh per 4 USD of modelled S3 usage; the request row's effective cost is 0, so its billed 2 USD counts.
    assert r["method"] == "spend_based" and r["energy_kwh"] is None
    assert r["spend_based_energy_kwh"] == pytest.approx(2 * 1.0 / 4)
    assert r["not_modelled_reason"] == "no energy coefficient for usage in request"
    assert i["method"] == "spend_based" and i["not_modelled_reason"] == "no published power figure for accelerator Inferentia2"
    assert i["spend_based_energy_kwh"] == pytest.approx(0.76 * 1.0 / 4)  # no modelled EC2 row: the provider ratio
    assert i["spend_based_basis"] == "kWh per USD of 1 modelled aws rows"
    assert (c["method"], c["usage_cost"], c["spend_based_energy_kwh"]) == ("none", None, None)
    assert (k["estimated_usage_cost"], r["estimated_usage_cost"]) == (4, None)


def test_telemetry_activity_divides_out_the_source_pue(con):
    con.execute(
        "INSERT INTO telemetry_activity (activity_id, batch_id, period_start, period_end, provider, region_id, "
        "country_iso2, host, accelerator_model, device_count, team, model, workload, energy_kwh, pue_included, "
        "pue_in_source, source_format) VALUES "
        "(1, 5, ?, ?, 'onprem', NULL, 'de', 'gpu-01', 'A100-80GB', 8, 'nlp', 'llm-7b', 'training', 11.5, true, 1.15, "
        "'codecarbon'), "
        "(2, 5, ?, ?, 'onprem', NULL, 'DE', 'gpu-02', 'A100-80GB', 8, 'nlp', 'llm-7b', 'training', 3.0, true, NULL, "
        "'codecarbon')",
        [T0, T0 + timedelta(hours=2), T0, T0 + timedelta(hours=2)])
    run(con)
    r = con.execute("SELECT energy_kwh, energy_kwh_low, energy_kwh_high, measured_energy_kwh, pue, facility_energy_kwh, "
                    "location_factor_g_per_kwh, location_factor_source, scope_label, method, source, line "
                    "FROM (SELECT *, activity_id AS line FROM footprint_items) ORDER BY activity_id").fetchall()
    first, second = r
    # 11.5 kWh measured with CodeCarbon's PUE 1.15 -> 10 kWh IT; own site: industry PUE 1.56 (2024); DE 2024.
    assert first[:4] == pytest.approx((10.0, 10.0, 10.0, 10.0))
    assert first[4] == 1.56 and first[5] == pytest.approx(15.6)
    assert (first[6], first[7]) == (336.38, "ember DE 2024")
    assert first[8:11] == ("scope2", "measured", "telemetry")
    # PUE already applied but not reported: the energy is kept as facility energy, PUE 1 applied here.
    assert second[4] == 1.0 and second[5] == pytest.approx(3.0)


def test_superseded_batches_are_left_out_and_empty_inputs_give_no_rows(con):
    run(con)
    assert con.execute("SELECT count(*) FROM footprint_items").fetchone()[0] == 0
    add_batch(con, 1, superseded_by=2)
    add_batch(con, 2)
    add_row(con, 1, 1, usage_unit="gb", usage_quantity=10.0, usage_type="DataTransfer-Out-Bytes")
    kept = add_row(con, 2, 1, usage_unit="gb", usage_quantity=10.0, usage_type="DataTransfer-Out-Bytes")
    run(con)
    assert con.execute("SELECT list(row_id) FROM footprint_items").fetchone()[0] == [kept]
    assert con.execute("SELECT count(*) FROM estimation_runs").fetchone()[0] == 2


def test_a_reversal_nets_and_keeps_its_range_ordered(con):
    add_batch(con, 1)
    rid = add_row(con, 1, 1, usage_unit="gb_month", usage_quantity=-10.0, service_name="AmazonCloudWatch",
                  usage_type="TimedStorage-ByteHrs", billed_cost=-0.1, effective_cost=-0.1)
    run(con)
    r = item(con, rid)
    assert r["energy_kwh"] == pytest.approx(-10 * 730 / 1000 * 0.00065)
    assert r["energy_kwh_low"] <= r["energy_kwh"] <= r["energy_kwh_high"]
