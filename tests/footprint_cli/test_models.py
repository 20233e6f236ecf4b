"""`footprint models` and `footprint rules` end to end: ingest real files, refresh, print, reload rules.

Expected figures are re-summed in Python from footprint_items (the estimation's output, which the ledger
aggregates) and from the request-count fixture read with the csv module.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from footprint.store import connection
from footprint_cli.main import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "attribution"
BILL = FIXTURES / "aws_focus_sagemaker_bedrock.csv"
REQUESTS = FIXTURES / "requests_support_bot.csv"
RULES = FIXTURES / "rules_merge_fine_tune.toml"
HEADLINE = [
    "model",
    "training_energy_kwh",
    "inference_energy_kwh",
    "training_kgco2e_location",
    "inference_kgco2e_location",
    "training_kgco2e_market",
    "inference_kgco2e_market",
    "requests",
    "energy_kwh_per_1k_inferences",
    "break_even",
    "sci_kgco2e_per_1k_requests",
]


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out = capsys.readouterr()
    return status, out.out, out.err


@pytest.fixture
def loaded(db_path, capsys):
    status, out, err = _run(capsys, "ingest", str(BILL), str(REQUESTS), "--db", str(db_path))
    assert status == 0, out + err
    return db_path


def _items_by_model(db_path) -> dict[str, dict[str, float]]:
    """IT energy and location-based kgCO2e per model and workload, summed in Python."""
    with connection(db_path, read_only=True) as con:
        rows = con.execute(
            "SELECT model, workload, energy_kwh, location_kgco2e FROM footprint_items"
        ).fetchall()
    out: dict[str, dict[str, float]] = {}
    for model, workload, kwh, kg in rows:
        m = out.setdefault(model, {})
        m[f"{workload}_kwh"] = m.get(f"{workload}_kwh", 0.0) + (kwh or 0.0)
        m[f"{workload}_kg"] = m.get(f"{workload}_kg", 0.0) + (kg or 0.0)
    return out


def _requests_by_model() -> dict[str, int]:
    with REQUESTS.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out: dict[str, int] = {}
    for row in rows:
        model = row["model"].lower()
        out[model] = out.get(model, 0) + int(row["requests"])
    return out


def test_models_json_lists_every_model_with_the_headline_fields(loaded, capsys):
    status, out, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    assert status == 0
    result = json.loads(out)
    by_model = {m["model"]: m for m in result}
    assert all(list(m)[: len(HEADLINE)] == HEADLINE for m in result)
    expected = _items_by_model(loaded)
    assert set(by_model) == set(expected) | set(_requests_by_model())
    assert "unattributed" in by_model
    for model, sums in expected.items():
        m = by_model[model]
        assert m["training_energy_kwh"] == pytest.approx(sums.get("training_kwh", 0.0))
        assert m["inference_energy_kwh"] == pytest.approx(sums.get("inference_kwh", 0.0))
        assert m["training_kgco2e_location"] == pytest.approx(sums.get("training_kg", 0.0))
        assert m["inference_kgco2e_location"] == pytest.approx(sums.get("inference_kg", 0.0))
    bot = by_model["support-bot-llama3-8b"]
    assert bot["requests"] == 3600
    assert bot["energy_kwh_per_1k_inferences"] == pytest.approx(
        expected["support-bot-llama3-8b"]["inference_kwh"] / 3.6
    )
    assert bot["energy_kwh_per_1m_tokens"] == pytest.approx(
        expected["support-bot-llama3-8b"]["inference_kwh"] / 2.52
    )  # 1,800,000 + 720,000 tokens
    assert bot["sci_kgco2e_per_1k_requests"] == pytest.approx(
        expected["support-bot-llama3-8b"]["inference_kg"] / 3.6
    )
    assert bot["break_even"] is None and bot["break_even_status"] == "no_training"


def test_team_and_date_filters(loaded, capsys):
    _, out, _ = _run(capsys, "models", "--json", "--team", "nlp", "--db", str(loaded))
    nlp = {m["model"]: m for m in json.loads(out)}
    # only the fine-tuning job is tagged team=nlp; request counts that name no team still count
    assert nlp["support-bot-llama3-8b-ft"]["training_energy_kwh"] > 0
    assert "ranker-v2" not in nlp
    _, out, _ = _run(
        capsys, "models", "--json", "--since", "2024-05-09", "--until", "2024-05-10", "--db", str(loaded)
    )
    window = {m["model"] for m in json.loads(out)}
    # rows 9 and 10 of the fixture fall on May 9 and 10
    assert window == {"ranker-v3", "ranker-v2"}


def test_rules_load_show_and_reset_change_the_ledger(loaded, capsys, tmp_path):
    status, out, _ = _run(capsys, "rules", "load", str(RULES), "--db", str(loaded))
    assert status == 0 and "rules_merge_fine_tune.toml (version acme-2024.05)" in out
    _, out, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    by_model = {m["model"]: m for m in json.loads(out)}
    assert "support-bot-llama3-8b-ft" not in by_model
    bot = by_model["support-bot-llama3-8b"]
    assert bot["training_energy_kwh"] > 0 and bot["inference_energy_kwh"] > 0
    assert bot["break_even_status"] in {"projected", "not_serving"}
    _, out, _ = _run(capsys, "rules", "show", "--db", str(loaded))
    assert out.startswith(f"# rules in force: {RULES} (loaded ")
    assert 'rules_version = "acme-2024.05"' in out
    _, out, _ = _run(capsys, "rules", "show", "--json", "--db", str(loaded))
    shown = json.loads(out)
    assert shown["source"] == "user" and shown["rules"]["aliases"]["model"] == {
        "support-bot-llama3-8b": ["support-bot-llama3-8b-ft"]
    }
    status, out, _ = _run(capsys, "rules", "reset", "--db", str(loaded))
    assert status == 0 and "attribution_rules.toml" in out
    _, out, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    assert "support-bot-llama3-8b-ft" in {m["model"] for m in json.loads(out)}


def test_a_bad_rules_file_is_one_line_and_changes_nothing(loaded, capsys, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\nrules_version = "x"\n[[usage_rules]]\nid = "a"\nmatch = { usage_typ = "x" }\n'
    )
    _, before, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    status, out, err = _run(capsys, "rules", "load", str(bad), "--db", str(loaded))
    assert status == 2 and out == ""
    assert err.strip().count("\n") == 0
    assert err.startswith(f"error: {bad}, line 5 (usage_rules[0].match): cannot match on 'usage_typ'")
    status, _, err = _run(capsys, "rules", "load", "--check", str(bad))
    assert status == 2 and "cannot match on 'usage_typ'" in err
    _, after, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    assert after == before
    status, out, _ = _run(capsys, "rules", "load", "--check", str(RULES))
    assert status == 0 and "valid rules (version acme-2024.05" in out
    status, _, err = _run(capsys, "rules", "load", str(tmp_path / "missing.toml"), "--db", str(loaded))
    assert status == 2 and "cannot read the rules file" in err


def test_models_text_output(loaded, capsys):
    status, out, _ = _run(capsys, "models", "--db", str(loaded))
    assert status == 0
    lines = out.splitlines()
    assert lines[0].split()[0] == "model" and any(line.startswith("unattributed") for line in lines)


def test_a_missing_database_is_one_line(tmp_path, capsys):
    missing = tmp_path / "none.duckdb"
    for argv in (["models", "--json"], ["rules", "show"]):
        status, out, err = _run(capsys, *argv, "--db", str(missing))
        assert (status, out) == (2, "")
        assert err == f"error: {missing}: no such database (ingest a file or run `footprint demo` first)\n"


def test_models_json_carries_the_ranges_summed_from_the_items(loaded, capsys):
    _, out, _ = _run(capsys, "models", "--json", "--db", str(loaded))
    by_model = {m["model"]: m for m in json.loads(out)}
    with connection(loaded, read_only=True) as con:
        rows = con.execute(
            "SELECT model, workload, energy_kwh_low, energy_kwh_high, location_kgco2e_low, "
            "location_kgco2e_high, market_kgco2e_low, market_kgco2e_high FROM footprint_items"
        ).fetchall()
    expected: dict[tuple[str, str], float] = {}
    for model, workload, *values in rows:
        group = workload if workload in ("training", "inference") else "other"
        for name, value in zip(
            ["energy_kwh_low", "energy_kwh_high", "kgco2e_location_low", "kgco2e_location_high"]
            + ["kgco2e_market_low", "kgco2e_market_high"],
            values,
            strict=True,
        ):
            key = (model, f"{group}_{name}")
            expected[key] = expected.get(key, 0.0) + (value or 0.0)
    assert expected
    for (model, column), value in expected.items():
        assert by_model[model][column] == pytest.approx(value), (model, column)
    for m in by_model.values():
        for column in [k.removesuffix("_low") for k in m if k.endswith("_low")]:
            if m[column] is not None:
                assert m[f"{column}_low"] <= m[column] <= m[f"{column}_high"], (m["model"], column)
    bot = by_model["support-bot-llama3-8b"]
    assert bot["energy_kwh_per_1k_inferences_high"] == pytest.approx(
        expected[("support-bot-llama3-8b", "inference_energy_kwh_high")] / 3.6
    )
    assert bot["sci_kgco2e_per_1k_requests_low"] == pytest.approx(
        expected[("support-bot-llama3-8b", "inference_kgco2e_location_low")] / 3.6
    )
