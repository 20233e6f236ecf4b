"""Precedence conflicts, user rules (order, aliases, exact keys, captures) and hostile values, on rows
inserted straight into billing_line_items with hand-written expectations."""

from __future__ import annotations

import json

import pytest

from footprint import attribution
from footprint.attribution import parse_rules
from footprint.attribution.loader import default_rules_text


def _add(con, row_id: int, provider: str = "aws", tags: dict | None = None, **cols) -> None:
    con.execute(
        "INSERT OR IGNORE INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) "
        "VALUES (1, 't.csv', 'x', 1, 'billing', 'test', 1, 1, 0, TIMESTAMP '2024-05-01')"
    )
    names = [
        "row_id",
        "batch_id",
        "source_row",
        "source_format",
        "provider",
        "charge_period_start",
        "charge_period_end",
        "charge_category",
        "billed_cost",
        "billing_currency",
        "carries_usage",
        "tags",
    ]
    values = [
        row_id,
        1,
        row_id,
        "test",
        provider,
        "2024-05-01 00:00:00",
        "2024-05-01 01:00:00",
        "Usage",
        1,
        "USD",
        True,
        json.dumps(tags) if tags is not None else None,
    ]
    names += list(cols)
    values += list(cols.values())
    con.execute(
        f"INSERT INTO billing_line_items ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
        values,
    )


def _get(con, row_id: int) -> tuple:
    return con.execute(
        "SELECT team, model, workload, workload_detail, project, rule_id FROM line_item_attribution WHERE row_id = ?",
        [row_id],
    ).fetchone()


def _rules(extra: str, *, precedence: str | None = None):
    text = default_rules_text()
    if precedence:
        text = text.replace('order = ["tags", "resource_rules", "usage_rules", "ingest_hint"]', precedence)
    return parse_rules(text + "\n" + extra, "custom.toml")


ARN = "arn:aws:sagemaker:us-east-1:111122223333:"


def test_default_precedence_tags_then_resource_then_usage_then_ingest_hint(con):
    # usage type says hosting, resource says training job, tag says batch inference: the tag wins
    _add(
        con,
        1,
        tags={"workload": "batch_inference"},
        usage_type="USE1-Host:ml.g5.xlarge",
        resource_id=ARN + "training-job/churn-2024-01-01-00-00-00",
    )
    # no tag: the resource wins over the usage type
    _add(
        con,
        2,
        usage_type="USE1-Host:ml.g5.xlarge",
        resource_id=ARN + "training-job/churn-2024-01-01-00-00-00",
    )
    # only the ingest hint knows (a usage type no usage rule covers)
    _add(con, 3, usage_type="USE1-Something:ml.g5.xlarge", workload_hint="notebook")
    attribution.refresh(con)
    assert _get(con, 1) == (
        "unattributed",
        "churn",
        "inference",
        "batch",
        None,
        "model=resource:sagemaker-training-job-arn;workload=tag:workload",
    )
    assert _get(con, 2) == (
        "unattributed",
        "churn",
        "training",
        None,
        None,
        "model=resource:sagemaker-training-job-arn;workload=resource:sagemaker-training-job-arn",
    )
    assert _get(con, 3) == (
        "unattributed",
        "unattributed",
        "development",
        None,
        None,
        "workload=ingest:workload_hint",
    )


def test_a_user_file_can_put_usage_types_before_tags(con):
    _add(con, 1, tags={"workload": "training"}, usage_type="USE1-Host:ml.g5.xlarge")
    rules = _rules("", precedence='order = ["usage_rules", "tags", "resource_rules"]')
    attribution.refresh(con, rules)
    assert _get(con, 1)[2:4] == ("inference", "online")
    attribution.refresh(con)
    assert _get(con, 1)[2:4] == ("training", None)


def test_per_dimension_precedence_and_detail_from_an_agreeing_source(con):
    # tag says inference (no detail); transform usage type agrees and adds 'batch'
    _add(
        con,
        1,
        tags={"workload": "inference", "team": "search"},
        usage_type="Transform:ml.g4dn.xlarge",
        resource_id=ARN + "endpoint/ranker-prod",
    )
    rules = _rules(
        "",
        precedence='order = ["tags", "resource_rules", "usage_rules", "ingest_hint"]\n'
        'model = ["usage_rules"]',
    )
    attribution.refresh(con, rules)
    # model may come only from usage rules, and no usage rule names a model here
    # the detail comes from the next source that agrees on the class: the endpoint ARN ('online') ranks
    # before the transform usage type ('batch')
    assert _get(con, 1) == (
        "search",
        "unattributed",
        "inference",
        "online",
        None,
        "team=tag:team;workload=tag:workload",
    )
    _add(con, 2, tags={"workload": "inference"}, usage_type="Transform:ml.g4dn.xlarge")
    attribution.refresh(con, rules)
    assert _get(con, 2)[2:4] == ("inference", "batch")


def test_provider_keys_rank_before_generic_keys_and_ignored_values_fall_through(con):
    _add(con, 1, provider="azure", tags={"department": "generic", "ms:Department": "Specific"})
    _add(con, 2, tags={"team": "n/a", "business_unit": "Finance"})
    _add(con, 3, provider="gcp", tags={"team": "Unknown"})
    attribution.refresh(con)
    assert _get(con, 1)[0] == "specific"  # azure keys ('ms:Department') before keys for any provider
    assert _get(con, 2)[0] == "finance"
    assert _get(con, 3)[0] == "unattributed"


def test_exact_key_matching_only_matches_keys_as_written(con):
    _add(con, 1, tags={"ML_MODEL": "x-net"})
    normalised = _rules("")
    exact = parse_rules(
        default_rules_text().replace('key_matching = "normalised"', 'key_matching = "exact"'), "e.toml"
    )
    attribution.refresh(con, normalised)
    assert _get(con, 1)[1] == "x-net"
    attribution.refresh(con, exact)
    assert _get(con, 1)[1] == "unattributed"


def test_aliases_merge_spellings_after_normalisation(con):
    _add(con, 1, tags={"model": "Llama3 8B"})
    _add(con, 2, tags={"model": "meta-llama-3-8b"})
    _add(con, 3, tags={"model": "llama-3-8b"})
    rules = parse_rules(
        default_rules_text().replace(
            "\n[aliases.model]\n",
            '\n[aliases.model]\n"Llama-3-8B" = ["llama3 8b", "Llama3_8B", "Meta-Llama-3-8B"]\n',
        ),
        "a.toml",
    )
    attribution.refresh(con, rules)
    assert {_get(con, i)[1] for i in (1, 2, 3)} == {"llama-3-8b"}
    # two variants that normalise alike must not duplicate a row
    assert con.execute("SELECT count(*) FROM line_item_attribution").fetchone()[0] == 3


def test_a_resource_rule_can_name_team_and_project_from_an_account_name(con):
    _add(con, 1, sub_account_name="ml-research-prod", usage_type="BoxUsage:p5.48xlarge")
    _add(con, 2, sub_account_name="ml-research-prod", tags={"team": "Vision"})
    rules = _rules("""
[[resource_rules]]
id = "account-team"
match = { sub_account_name = '^ml-(?P<team>[a-z]+)-' }
project = "Platform"
""")
    attribution.refresh(con, rules)
    assert _get(con, 1) == (
        "research",
        "unattributed",
        "unknown",
        None,
        "platform",
        "team=resource:account-team;project=resource:account-team",
    )
    assert _get(con, 2)[0] == "vision"


def test_quotes_and_sql_in_values_are_data(con):
    hostile = "x'; DROP TABLE billing_line_items; --"
    _add(con, 1, tags={"team": "O'Brien", hostile: "v", "model": hostile})
    rules = _rules(f'''
[[usage_rules]]
id = "hostile"
match = {{ usage_type = "{hostile}" }}
team = "it's"
''')
    _add(con, 2, usage_type=hostile)
    attribution.refresh(con, rules)
    assert _get(con, 1)[:2] == ("o'brien", "x';-drop-table-billing-line-items;")
    assert _get(con, 2)[0] == "it's"
    assert con.execute("SELECT count(*) FROM billing_line_items").fetchone()[0] == 2


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("Fine-Tuning", ("training", "fine_tuning")),
        ("BATCH_PREDICTION", ("inference", "batch")),
        ("real time", ("inference", "online")),
        ("ETL", ("data_processing", None)),
        ("jupyter", ("development", None)),
        ("pre-training", ("training", "pretraining")),
    ],
)
def test_workload_tag_values_are_matched_ignoring_case_and_punctuation(con, value, label):
    _add(con, 1, tags={"workload": value})
    attribution.refresh(con)
    assert _get(con, 1)[2:4] == label


def test_an_unrecognised_workload_tag_falls_through_to_the_usage_type(con):
    _add(con, 1, tags={"workload": "prod"}, usage_type="USE1-Train:ml.p4d.24xlarge")
    attribution.refresh(con)
    assert _get(con, 1)[2:] == ("training", None, None, "workload=usage:sagemaker-training")


def test_a_file_extending_the_defaults_goes_first_and_a_standalone_file_replaces_them(con):
    _add(con, 1, usage_type="USE1-Train:ml.p4d.24xlarge", tags={"owner": "Vision"})
    _add(con, 2, usage_type="USE1-Host:ml.g5.xlarge", tags={"workload": "batch", "team": "search"})
    user = (
        'schema_version = 1\nrules_version = "u"\nextends = "default"\n'
        '[tag_keys.any]\nteam = ["owner"]\n[workload_values]\nbatch_inference = ["batch"]\n'
    )
    attribution.refresh(con, parse_rules(user, "u.toml"))
    assert _get(con, 1) == (
        "vision",
        "unattributed",
        "training",
        None,
        None,
        "team=tag:owner;workload=usage:sagemaker-training",
    )
    assert _get(con, 2)[0] == "search"  # the default team keys are still there, after the user's
    assert _get(con, 2)[2:4] == ("inference", "batch")  # a value the defaults do not know
    standalone = 'schema_version = 1\nrules_version = "s"\n[tag_keys.any]\nteam = ["owner"]\n'
    attribution.refresh(con, parse_rules(standalone, "s.toml"))
    assert _get(con, 1) == ("vision", "unattributed", "unknown", None, None, "team=tag:owner")
    assert _get(con, 2)[0] == "unattributed"


@pytest.mark.parametrize(
    "key", ["user_team", "user:team", "resourceTags/user:team", "resource_tags_user_team", "TEAM "]
)
def test_tag_key_spellings_of_cur_and_cur2_match_the_team_key(con, key):
    # CUR 2.0's resource_tags map writes the cost allocation tag 'user:team' as 'user_team'
    _add(con, 1, tags={key: "Search"})
    attribution.refresh(con)
    assert _get(con, 1)[0] == "search"
