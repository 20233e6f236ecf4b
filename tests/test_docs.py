"""Documentation keeps up with the code: a setting, format or command that README does not name fails."""

from __future__ import annotations

import re

import pytest
from support import REPO

from footprint.settings import Settings
from footprint_cli.main import COMMANDS
from ingest.registry import readers

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str):
    assert f"`FOOTPRINT_{name.upper()}`" in README


@pytest.mark.parametrize("format_id", sorted(r.format_id for r in readers()))
def test_every_input_format_is_documented(format_id: str):
    assert f"`{format_id}`" in README


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented(command: str):
    assert f"`footprint {command}" in README


def test_quick_start_has_exactly_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block is not None
    commands = [line for line in block.group(1).splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make run", "make test"]


def test_docs_named_in_readme_exist():
    for path in set(re.findall(r"`((?:docs|sample_data|footprint)/[\w./-]+\.md)`", README)):
        assert (REPO / path).is_file(), path
