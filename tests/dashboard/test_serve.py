"""`footprint serve` starts the app with the project's `.streamlit/config.toml`, from any directory.

Streamlit reads its configuration from the working directory; started elsewhere, the app used to fall
back to Streamlit's defaults (a 200 MB upload limit instead of the configured one). The app runs as a
user starts it, from a scratch directory, and the Upload page, which states the limit the server
enforces, must state the configured one.
"""

from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from support import REPO, free_port, running_server

from footprint_cli.cmd_serve import app_path, config_dir, streamlit_command

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = os.environ.get("FOOTPRINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
CONFIG = REPO / ".streamlit" / "config.toml"


def test_the_app_is_configured_by_the_projects_config_file():
    assert config_dir(app_path()) == REPO
    cmd = streamlit_command(app_path(), 8600, module="dashboard.server")
    assert cmd[:5] == [sys.executable, "-m", "dashboard.server", "run", str(REPO / "dashboard" / "app.py")]


@pytest.fixture
def served(app_db: Path, tmp_path: Path) -> Iterator[str]:
    """`footprint serve` on the test's database, started from a directory with no .streamlit/."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    port = free_port()
    args = [sys.executable, "-c", "import sys; from footprint_cli.main import main; sys.exit(main())"]
    args += ["serve", "--db", str(app_db), "--port", str(port)]
    with running_server(args, port, cwd=elsewhere, log=tmp_path / "serve.log") as url:
        yield url


def test_served_from_elsewhere_the_upload_page_states_the_configured_limit(served: str):
    configured_mb = tomllib.loads(CONFIG.read_text(encoding="utf-8"))["server"]["maxUploadSize"]
    assert configured_mb != 200, "Streamlit's default: the test could not tell the config from no config"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (`make browser`)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{served}/upload")
        expect(page.get_by_text(f"Largest file accepted: {configured_mb:,} MB per file")).to_be_visible(
            timeout=60_000
        )
        browser.close()
