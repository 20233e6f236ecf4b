"""`footprint demo` builds the demo database from sample_data/ and `footprint serve` starts the dashboard on it.

The demo is built once per module through the real command (real DuckDB file, real readers, real refresh);
expected row counts are recounted from the raw files with Python's csv/json modules, and the story the
demo claims (three clouds, models with training and serving, unattributed spend, unknown SKUs, requests,
telemetry) is asserted with SQL on the built database.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import json
import os
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from support import SAMPLE_DATA, free_port, running_server

from footprint_cli.cmd_demo import build_demo, demo_files, is_data_file, read_manifest
from footprint_cli.cmd_serve import needs_demo, streamlit_command
from footprint_cli.main import CliError, main

pytestmark = pytest.mark.xdist_group("demo")

GENERATED = SAMPLE_DATA / "generated"
SMOKE_INSTANCE = "i-0a7c4e19b35d28f60"  # the p5.48xlarge the nvidia-smi log was taken on


@dataclass
class Built:
    db: Path
    status: int
    output: str


def _run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(list(argv))
    return status, out.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Built:
    db = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    status, output = _run("demo", "--db", str(db))
    return Built(db, status, output)


@pytest.fixture(scope="module")
def demo_all(tmp_path_factory: pytest.TempPathFactory) -> Built:
    db = tmp_path_factory.mktemp("demo_all") / "demo.duckdb"
    status, output = _run("demo", "--db", str(db), "--with-real")
    return Built(db, status, output)


def _query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _raw_records(path: Path) -> int:
    """Data records in a file, counted without the readers: CSV rows, JSON lines, Prometheus samples."""
    data = path.read_bytes()
    text = (gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data).decode("utf-8-sig")
    if path.name.endswith((".jsonl", ".jsonl.gz")):
        return sum(1 for line in text.splitlines() if line.strip())
    if path.suffix == ".json":  # Prometheus query_range: one sample per [time, value] pair
        return sum(len(series["values"]) for series in json.loads(text)["data"]["result"])
    if path.suffix == ".txt":  # Prometheus text exposition: one sample per non-comment line
        return sum(1 for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return sum(1 for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)) - 1


# Rows a reader skips on purpose, per real file (documented in sample_data/real/SOURCES.md).
DOCUMENTED_SKIPS = {"real/telemetry/codecarbon/mlco2_codecarbon_examples_emissions.csv": {"energy_consumed_blank": 2}}


# --- every file loads, once -----------------------------------------------------------------------------


def test_demo_builds_without_errors(demo: Built) -> None:
    assert demo.status == 0, demo.output
    files = demo_files(SAMPLE_DATA)
    assert f"({len(files)} loaded, 0 already loaded, 0 failed" in demo.output
    assert "ERROR" not in demo.output


@pytest.mark.parametrize(
    "path", [p for p, _ in demo_files(SAMPLE_DATA, with_real=True)], ids=lambda p: p.relative_to(SAMPLE_DATA).as_posix()
)
def test_every_sample_file_loads_every_record(demo_all: Built, path: Path) -> None:
    rel = path.relative_to(SAMPLE_DATA).as_posix()
    rows = _query(
        demo_all.db,
        "SELECT rows_read, rows_loaded, skipped_reasons FROM ingest_batches WHERE file_name = ?",
        [path.name],
    )
    assert len(rows) == 1, f"{rel} not loaded:\n{demo_all.output}"
    rows_read, rows_loaded, skipped = rows[0]
    expected_skips = DOCUMENTED_SKIPS.get(rel, {})
    assert json.loads(skipped) == expected_skips
    assert rows_read == _raw_records(path)
    assert rows_loaded == rows_read - sum(expected_skips.values())


def test_a_second_run_reports_every_file_as_already_loaded(demo: Built) -> None:
    before = _query(demo.db, "SELECT count(*), sum(rows_loaded) FROM ingest_batches")
    status, output = _run("demo", "--db", str(demo.db))
    assert status == 0
    files = demo_files(SAMPLE_DATA)
    progress = [line for line in output.splitlines() if line.startswith("[")]
    assert len(progress) == len(files)
    assert all("already loaded as batch" in line for line in progress)
    assert f"(0 loaded, {len(files)} already loaded, 0 failed)" in output
    assert _query(demo.db, "SELECT count(*), sum(rows_loaded) FROM ingest_batches") == before


def test_force_rebuilds_from_scratch(tmp_path: Path) -> None:
    root = tmp_path / "sample_data"
    (root / "generated").mkdir(parents=True)
    reqs = "period_start,period_end,model,requests\n2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,m1,42\n"
    (root / "generated" / "requests.csv").write_text(reqs)
    db = tmp_path / "demo.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE leftover (x INTEGER)")
    con.close()
    lines: list[str] = []
    result = build_demo(db, force=True, root=root, echo=lines.append)
    assert result.errors == 0 and lines[0] == f"removed {db}"
    assert _query(db, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'leftover'") == [(0,)]
    assert _query(db, "SELECT batch_id, file_name FROM ingest_batches") == [(1, "requests.csv")]


# --- the story ---------------------------------------------------------------------------------------------


def test_three_clouds_and_on_prem_telemetry(demo: Built) -> None:
    providers = {r[0] for r in _query(demo.db, "SELECT DISTINCT provider FROM billing_line_items")}
    assert providers == {"aws", "azure", "gcp"}
    formats = {r[0] for r in _query(demo.db, "SELECT DISTINCT detected_format FROM ingest_batches")}
    assert {"aws-cur", "aws-cur2", "azure-ea", "azure-mca", "gcp-bq", "gcp-bq-resource"} <= formats
    assert any(f.startswith("focus-") for f in formats)


def test_telemetry_batches_cover_every_telemetry_format(demo: Built) -> None:
    rows = _query(demo.db, "SELECT detected_format, count(*) FROM ingest_batches WHERE source_kind = 'telemetry' GROUP BY 1")
    kinds = dict(rows)
    assert kinds.get("nvidia-smi") == 1 and kinds.get("codecarbon") == 1
    assert kinds.get("inference-requests") == 1 and kinds.get("telemetry-mapping") == 1
    assert sum(n for f, n in kinds.items() if f.startswith("prometheus")) == 2


def test_requests_per_model_equal_the_raw_file(demo: Built) -> None:
    path = GENERATED / "telemetry" / "requests" / "inference_requests_2026-04_2026-10.csv"
    expected: dict[str, int] = {}
    for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
        expected[row["model"]] = expected.get(row["model"], 0) + int(row["requests"])
    stored = dict(_query(demo.db, "SELECT model, sum(requests) FROM inference_requests GROUP BY 1"))
    assert stored == expected
    assert {"ranker-v3", "assistant-7b", "visionnet-l", "atlas-30b"} <= set(stored)


def test_unknown_skus_are_left_for_the_data_quality_view(demo: Built) -> None:
    # Hardware the shipped tables cannot model is listed with the reason, not silently given zero energy.
    unmodelled = _query(
        demo.db,
        "SELECT DISTINCT coalesce(instance_type, accelerator_model) FROM footprint_items "
        "WHERE carries_usage AND not_modelled_reason IS NOT NULL",
    )
    assert {"p6-b200.48xlarge", "inf2.xlarge", "TPU-v5p"} <= {r[0] for r in unmodelled}
    # An Azure size the instance catalogue does not list, and a GCP GPU SKU no accelerator pattern knows.
    assert _query(
        demo.db,
        "SELECT count(*) FROM ref_instance_types WHERE provider = 'azure' AND instance_key = ?",
        ["nd96isr_mi300x_v5"],
    ) == [(0,)]
    b200 = _query(
        demo.db,
        "SELECT count(*) FROM billing_line_items WHERE provider = 'gcp' AND usage_type LIKE '%B200%' "
        "AND accelerator_model IS NULL",
    )
    assert b200[0][0] > 0


def test_models_have_training_and_inference_and_some_spend_is_unattributed(demo: Built) -> None:
    both = _query(
        demo.db,
        "SELECT model FROM line_item_attribution GROUP BY model "
        "HAVING count(*) FILTER (WHERE workload = 'training') > 0 AND count(*) FILTER (WHERE workload = 'inference') > 0",
    )
    assert {"ranker-v3", "assistant-7b", "visionnet-l", "atlas-30b"} <= {r[0] for r in both}
    # The untagged GPU dev boxes (g5.xlarge) carry no team anywhere: all of their cost is unattributed.
    rows = _query(
        demo.db,
        "SELECT a.team, sum(b.billed_cost) FROM billing_line_items b JOIN line_item_attribution a USING (row_id) "
        "WHERE b.instance_type = 'g5.xlarge' GROUP BY 1",
    )
    assert [r[0] for r in rows] == ["unattributed"] and rows[0][1] > 0
    total, unattributed = _query(
        demo.db,
        "SELECT sum(b.billed_cost), sum(b.billed_cost) FILTER (WHERE a.team = 'unattributed') "
        "FROM billing_line_items b JOIN line_item_attribution a USING (row_id)",
    )[0]
    assert Decimal(0) < unattributed < total * Decimal("0.25")


def test_inference_overtakes_training_for_launched_models_only(demo: Built) -> None:
    status, output = _run("models", "--db", str(demo.db), "--json")
    assert status == 0
    models = {m["model"]: m for m in json.loads(output)}
    for launched in ("ranker-v3", "assistant-7b", "visionnet-l"):
        m = models[launched]
        assert m["inference_energy_kwh"] > m["training_energy_kwh"] > 0
        assert m["break_even"] is not None and "2026-05-01" <= m["break_even"] <= "2026-09-30"
        assert m["requests"] > 0 and m["energy_kwh_per_1k_inferences"] > 0
    atlas = models["atlas-30b"]
    assert atlas["training_energy_kwh"] > 20 * atlas["inference_energy_kwh"] and atlas["break_even"] is None


def test_the_smoke_run_is_measured_against_its_billing_row(demo: Built) -> None:
    rows = _query(
        demo.db,
        "SELECT b.usage_hours, m.measured_device_hours, m.measured_accelerator_energy_kwh "
        "FROM line_item_measured m JOIN billing_line_items b USING (row_id) WHERE b.resource_id = ?",
        [SMOKE_INSTANCE],
    )
    assert len(rows) == 1
    usage_hours, device_hours, energy_kwh = rows[0]
    assert usage_hours == 3.0
    assert 8 * 2.5 <= device_hours <= 8 * 3.0  # 8 GPUs, 3 h logged minus a 6-minute logger gap
    assert 8 * 2.5 * 0.3 < energy_kwh < 8 * 3.0 * 0.7  # H100s mostly near 640 W


# --- options, manifests and errors ---------------------------------------------------------------------------


def test_manifest_options_reach_the_files_that_need_them() -> None:
    options = dict((p.relative_to(GENERATED).as_posix(), o) for p, o in demo_files(SAMPLE_DATA))
    smoke = options["telemetry/nvidia-smi/atlas-30b-smoke_p5.48xlarge_2026-09-02.csv"]
    assert smoke["host"] == SMOKE_INSTANCE and smoke["model"] == "atlas-30b" and smoke["workload"] == "training"
    assert options["aws/legacy-cur/juniper-labs-cur-202604.csv.gz"] == {}


def test_real_files_only_with_the_flag() -> None:
    default = {p.relative_to(SAMPLE_DATA).parts[0] for p, _ in demo_files(SAMPLE_DATA)}
    everything = {p.relative_to(SAMPLE_DATA).parts[0] for p, _ in demo_files(SAMPLE_DATA, with_real=True)}
    assert default == {"generated"} and everything == {"generated", "real"}


def test_documentation_licences_and_manifests_are_not_loaded() -> None:
    assert not is_data_file(Path("README.md")) and not is_data_file(Path("manifest.toml"))
    assert not is_data_file(Path("LICENSES/mlco2_codecarbon.LICENSE"))
    assert is_data_file(Path("aws/cur2/BILLING_PERIOD=2026-05/x.csv.gz"))


def test_a_manifest_with_an_unknown_option_is_refused(tmp_path: Path) -> None:
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "a.csv").write_text("x\n1\n")
    (tmp_path / "generated" / "manifest.toml").write_text('[files."a.csv"]\nhots = "gpu-1"\n')
    with pytest.raises(CliError, match=r"manifest.toml: \[files.\"a.csv\"\] has unknown option\(s\) hots"):
        read_manifest(tmp_path / "generated")


def test_a_manifest_naming_a_missing_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "generated").mkdir()
    (tmp_path / "generated" / "manifest.toml").write_text('[files."gone.csv"]\nhost = "gpu-1"\n')
    with pytest.raises(CliError, match="names files that do not exist: gone.csv"):
        demo_files(tmp_path)


def test_a_bad_file_fails_the_command_with_one_line_and_loads_the_rest(tmp_path: Path) -> None:
    root = tmp_path / "sample_data"
    (root / "generated").mkdir(parents=True)
    (root / "generated" / "broken.csv").write_text("not,a,known,export\n1,2,3,4\n")
    reqs = "period_start,period_end,model,requests\n2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,m1,42\n"
    (root / "generated" / "requests.csv").write_text(reqs)
    lines: list[str] = []
    result = build_demo(tmp_path / "x.duckdb", root=root, echo=lines.append)
    assert result.errors == 1 and result.count("loaded") == 1
    errors = [line for line in lines if "ERROR" in line]
    assert len(errors) == 1 and "generated/broken.csv: not a recognised billing or telemetry export" in errors[0]
    assert _query(tmp_path / "x.duckdb", "SELECT sum(requests) FROM inference_requests") == [(42,)]


# --- serve ---------------------------------------------------------------------------------------------------


def test_serve_builds_the_demo_only_for_a_missing_default_database(tmp_path: Path) -> None:
    default = tmp_path / "data" / "footprint.duckdb"
    assert needs_demo(None, default, default) is True
    assert needs_demo(default, default, default) is False  # named explicitly: never built implicitly
    assert needs_demo(None, tmp_path / "other.duckdb", default) is False  # FOOTPRINT_DB points elsewhere
    default.parent.mkdir()
    default.write_bytes(b"")
    assert needs_demo(None, default, default) is False


def test_serve_command_runs_streamlit_without_usage_statistics() -> None:
    cmd = streamlit_command(Path("/x/dashboard/app.py"), 8600)
    assert cmd[:5] == [sys.executable, "-m", "streamlit", "run", "/x/dashboard/app.py"]
    args = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert args == {
        "--server.port": "8600",
        "--server.headless": "true",
        "--server.showEmailPrompt": "false",
        "--browser.gatherUsageStats": "false",
    }
    opened = dict(zip(*[iter(streamlit_command(Path("/x/app.py"), 8600, open_browser=True)[5:])] * 2, strict=True))
    # opening a browser never brings Streamlit's first-run e-mail prompt, which ends an unattended server
    assert opened["--server.headless"] == "false" and opened["--server.showEmailPrompt"] == "false"


def test_serve_rejects_a_port_out_of_range(demo: Built, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--db", str(demo.db), "--port", "70000"]) == 2
    assert capsys.readouterr().err == "error: --port 70000 is not a TCP port (1-65535)\n"


@pytest.mark.slow
def test_serve_starts_the_dashboard_on_the_database(demo: Built, tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "FOOTPRINT_DB": "/nonexistent/ignored.duckdb"}  # --db wins over the environment
    args = [sys.executable, "-c", "import sys; from footprint_cli.main import main; sys.exit(main())"]
    args += ["serve", "--db", str(demo.db), "--port", str(port)]
    log = tmp_path / "serve.log"
    with running_server(args, port, cwd=tmp_path, log=log, env=env, timeout_s=60):
        pass
    assert f"starting the dashboard on http://localhost:{port} (database {demo.db})" in log.read_text()
