"""The PostgreSQL benchmarks' own database, on this machine's server."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVER = "postgres://postgres@127.0.0.1:5432"


def use_database(name: str, data: str, *, keep: bool, **settings: str) -> None:
    """Point this process and its children at database ``name`` (dropped
    and made again unless ``keep``), with the data folder var/``data`` and
    any more ``BROADSHEET_`` settings."""
    os.environ.update(
        DATABASE_URL=f"{SERVER}/{name}",
        DJANGO_SETTINGS_MODULE="broadsheet.settings.base",
        BROADSHEET_DATA_DIR=str(ROOT / "var" / data),
        BROADSHEET_ALLOWED_HOSTS="testserver,localhost,127.0.0.1",
        **settings,
    )
    (ROOT / "var" / data).mkdir(parents=True, exist_ok=True)
    if not keep:
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", f"{SERVER}/postgres", "-qc", sql], check=True)
