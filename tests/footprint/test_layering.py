"""The core never imports a front end or the ingest layer; ingest never imports the UI.

Checked in a fresh interpreter so that nothing imported by other tests hides a violation.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE_MODULES = [
    "footprint",
    "footprint.settings",
    "footprint.store",
    "footprint.queries",
    "footprint.metrics",
    "footprint.reference",
    "footprint.pipeline",
]


def _imported_after(modules: list[str]) -> set[str]:
    code = (
        "import importlib, pkgutil, sys\n"
        f"mods = {modules!r}\n"
        "import footprint\n"
        "for m in pkgutil.walk_packages(footprint.__path__, 'footprint.'):\n"
        "    mods.append(m.name)\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_no_ui_and_no_ingest():
    loaded = _imported_after(CORE_MODULES)
    for forbidden in ("streamlit", "plotly", "ingest", "dashboard", "footprint_cli"):
        assert not any(m == forbidden or m.startswith(forbidden + ".") for m in loaded), forbidden


@pytest.mark.parametrize("package", ["ingest"])
def test_ingest_imports_no_ui(package: str):
    code = (
        "import importlib, pkgutil, sys\n"
        f"import {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = set(out.stdout.split())
    for forbidden in ("streamlit", "plotly", "dashboard", "footprint_cli"):
        assert not any(m == forbidden or m.startswith(forbidden + ".") for m in loaded), forbidden
