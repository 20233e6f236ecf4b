"""`footprint serve`: start the dashboard (Streamlit) on a database.

The app reads its database from FOOTPRINT_DB, which this command sets. On a fresh clone the default
database does not exist yet; then the demo database is built first, so `make run` opens on a whole demo
organisation instead of an empty page. A database named with --db (or FOOTPRINT_DB) is never built
implicitly: pointing at a missing file is more likely a typo than a wish for demo data.

Streamlit reads `.streamlit/config.toml` from the working directory, so the server is started in the
directory that holds the app's configuration (the upload size limit, the theme), wherever the command
was typed; and through `dashboard.server`, which imports the pages' modules before the first visit.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from footprint.settings import DEFAULT_DB_PATH
from footprint_cli.cmd_demo import build_demo
from footprint_cli.common import add_db_option, settings_from
from footprint_cli.main import CliError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="start the dashboard (builds the demo database on first run)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument(
        "--open", dest="open_browser", action="store_true",
        help="also open the dashboard in this machine's web browser (default: only print its address)",
    )
    add_db_option(p)
    p.set_defaults(func=run)


def app_path() -> Path:
    """dashboard/app.py of the installed package (found without importing the UI)."""
    spec = importlib.util.find_spec("dashboard")
    if spec is None or not spec.submodule_search_locations:
        raise CliError("the dashboard package is not installed")
    app = Path(next(iter(spec.submodule_search_locations))) / "app.py"
    if not app.is_file():
        raise CliError(f"{app}: missing, so there is no dashboard to start")
    return app


def config_dir(app: Path) -> Path | None:
    """The directory whose `.streamlit/config.toml` configures the app (the project root), if present."""
    root = app.resolve().parent.parent
    return root if (root / ".streamlit" / "config.toml").is_file() else None


def needs_demo(db_flag: Path | None, db: Path, default: Path = DEFAULT_DB_PATH) -> bool:
    """Build the demo first only when no database was named and the default one does not exist yet."""
    return db_flag is None and Path(db).resolve() == Path(default).resolve() and not Path(db).exists()


def streamlit_command(app: Path, port: int, *, open_browser: bool = False, module: str = "streamlit") -> list[str]:
    """The command line that starts the app; usage statistics off, as nothing may leave the machine.

    The server runs headless (it prints its address) unless open_browser is set. Streamlit asks for an
    e-mail address on its first non-headless start on a machine, a prompt that ends the server when no
    one answers (make run in a script, a fresh machine): that prompt is always off.

    module is `streamlit` or `dashboard.server` (the same command line, with the pages' imports done
    before the server listens)."""
    return [
        sys.executable, "-m", module, "run", str(app),
        "--server.port", str(port),
        "--server.headless", "false" if open_browser else "true",
        "--server.showEmailPrompt", "false",
        "--browser.gatherUsageStats", "false",
    ]


def run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    db = Path(os.path.abspath(settings.db))  # the server runs in the configuration's directory
    if not 0 < args.port < 65536:
        raise CliError(f"--port {args.port} is not a TCP port (1-65535)")
    app = app_path()
    if needs_demo(args.db, db):
        print(f"{db} does not exist yet: building the demo database first", flush=True)
        result = build_demo(db, wait_s=settings.lock_wait_s)
        if result.errors:
            raise CliError(
                f"the demo database could not be built ({result.errors} file(s) failed, see above); "
                "`footprint demo` retries the files that are missing"
            )
    elif not db.exists():
        print(f"note: {db} does not exist yet; the dashboard starts empty until you upload a file", flush=True)
    env = {**os.environ, "FOOTPRINT_DB": str(db)}
    print(f"starting the dashboard on http://localhost:{args.port} (database {db})", flush=True)
    cmd = streamlit_command(app, args.port, open_browser=args.open_browser, module="dashboard.server")
    config = config_dir(app)
    if config is None:
        print(f"note: no .streamlit/config.toml beside {app.parent}; Streamlit's defaults apply", flush=True)
    else:
        os.chdir(config)
    if os.name == "posix":  # become the server, so Ctrl+C and a supervisor's SIGTERM reach it directly
        os.execve(cmd[0], cmd, env)
    return subprocess.call(cmd, env=env)
