"""A rules file that cannot be used gets one line naming the file, the line and the key, and changes nothing."""

from __future__ import annotations

import pytest

from footprint import attribution
from footprint.attribution import RulesError, active_rules, load_rules, parse_rules
from footprint.attribution.locate import line_of

BASE = 'schema_version = 1\nrules_version = "t"\n'


def _error(text: str | bytes) -> RulesError:
    with pytest.raises(RulesError) as info:
        parse_rules(text, "bad.toml")
    message = str(info.value)
    assert "\n" not in message and message.startswith("bad.toml")
    return info.value


def test_toml_syntax_error_names_the_line():
    err = _error(BASE + "[matching\nkey_matching = 'exact'\n")
    assert err.line == 3
    assert str(err).startswith("bad.toml, line 3: not valid TOML: ")


def test_unknown_top_level_key():
    err = _error(BASE + "\ncolour = 'blue'\n")
    assert (err.line, err.key) == (4, "colour")
    assert "unknown key" in err.message


def test_unknown_key_inside_a_rule_points_at_that_key():
    err = _error(
        BASE
        + """
[[usage_rules]]
id = "a"
match = { usage_type = 'x' }
workload = "training"
colour = "x"
"""
    )
    assert (err.line, err.key) == (8, "usage_rules[0].colour")


def test_invalid_regular_expression_in_the_second_rule():
    err = _error(
        BASE
        + """
[[resource_rules]]
id = "ok"
match = { resource_id = 'a' }
model = "m"

[[resource_rules]]
id = "broken"
match = { resource_id = '(unclosed' }
model = "m"
"""
    )
    assert (err.line, err.key) == (11, "resource_rules[1].match")
    assert "invalid regular expression '(unclosed'" in err.message and "missing )" in err.message


def test_workload_label_must_be_one_of_the_classes():
    err = _error(BASE + "\n[[usage_rules]]\nid = 'a'\nmatch = { usage_type = 'x' }\nworkload = 'serving'\n")
    assert (err.line, err.key) == (7, "usage_rules[0].workload")
    assert "'online_inference'" in err.message and "got 'serving'" in err.message


def test_named_groups_other_than_team_model_project_are_refused():
    err = _error(BASE + "\n[[usage_rules]]\nid = 'a'\nmatch = { usage_type = '(?P<owner>x)' }\n")
    assert err.line == 6 and "named group 'owner'" in err.message


def test_a_resource_rule_cannot_test_usage_fields():
    err = _error(BASE + "\n[[resource_rules]]\nid = 'a'\nmatch = { usage_type = 'x' }\nmodel = 'm'\n")
    assert err.line == 6
    assert "cannot match on 'usage_type'; fields: resource_id, resource_name" in err.message


def test_a_rule_that_sets_nothing_points_at_its_header():
    err = _error(BASE + "\n[[usage_rules]]\nid = 'idle'\nmatch = { usage_type = 'x' }\n")
    assert (err.line, err.key) == (4, "usage_rules[0]")
    assert "rule 'idle' sets nothing" in err.message


def test_setting_a_value_twice_is_refused():
    err = _error(BASE + "\n[[usage_rules]]\nid = 'a'\nmatch = { usage_type = '(?P<model>x)' }\nmodel = 'm'\n")
    assert "sets model both as a value and through a (?P<model>...) group" in err.message


def test_duplicate_rule_id_points_at_the_second_definition():
    err = _error(
        BASE
        + """
[[usage_rules]]
id = "same"
match = { usage_type = 'x' }
workload = "training"

[[usage_rules]]
id = "same"
match = { usage_type = 'y' }
workload = "training"
"""
    )
    assert err.line == 10 and "rule id 'same' is used twice" in err.message


def test_a_workload_value_under_two_labels():
    err = _error(BASE + '\n[workload_values]\ntraining = ["train"]\ninference = ["Train"]\n')
    assert err.line == 4 and "'Train' is listed under both 'training' and 'inference'" in err.message


def test_schema_version_missing_or_unknown():
    assert "missing schema_version" in _error('rules_version = "t"\n').message
    err = _error('schema_version = 2\nrules_version = "t"\n')
    assert (err.line, err.key) == (1, "schema_version")


def test_not_utf8():
    assert "is not UTF-8 text" in _error(b"schema_version = 1\n\xff\xfe").message


def test_precedence_and_normalise_values():
    err = _error(BASE + '\n[precedence]\norder = ["tags", "tags"]\n')
    assert err.line == 5 and "source 'tags' is listed twice" in err.message
    err = _error(BASE + '\n[normalise]\nmodel = "upper"\n')
    assert (err.line, err.key) == (5, "normalise.model")


def test_line_after_a_multiline_array_is_found():
    text = BASE + '\n[tag_keys.any]\nteam = [\n  "team",\n  "squad",\n]\nmodel = [1]\n'
    err = _error(text)
    assert (err.line, err.key) == (9, "tag_keys.any.model[0]")
    assert line_of(text, ("tag_keys", "any", "team", 1)) == 5


def test_a_bad_file_leaves_the_store_untouched(con):
    con.execute(
        "INSERT INTO ingest_batches (batch_id, file_name, file_sha256, file_size_bytes, source_kind, "
        "detected_format, rows_read, rows_loaded, rows_skipped, ingested_at) "
        "VALUES (1, 't.csv', 'x', 1, 'billing', 'test', 1, 1, 0, TIMESTAMP '2024-05-01')"
    )
    con.execute(
        "INSERT INTO billing_line_items (row_id, batch_id, source_row, source_format, provider, "
        "charge_period_start, charge_period_end, charge_category, billed_cost, billing_currency, carries_usage, tags) "
        "VALUES (1, 1, 1, 'test', 'aws', TIMESTAMP '2024-05-01', TIMESTAMP '2024-05-01 01:00', 'Usage', 1, 'USD', "
        'true, \'{"team": "A"}\')'
    )
    attribution.refresh(con)
    before = con.execute("SELECT * FROM line_item_attribution").fetchall()
    with pytest.raises(RulesError):
        load_rules(
            con, BASE + "[[usage_rules]]\nid = 'x'\nmatch = { usage_type = '(' }\nteam = 'b'\n", "bad.toml"
        )
    assert con.execute("SELECT count(*) FROM attribution_rule_sets").fetchone()[0] == 0
    assert (
        con.execute("SELECT * FROM line_item_attribution").fetchall()
        == before
        == [(1, "a", "unattributed", "unknown", None, None, "team=tag:team")]
    )
    assert active_rules(con).source == "default"
