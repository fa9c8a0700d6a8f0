"""`bot.py db backup PATH` and `bot.py db restore PATH`.

SQLite: SQLite's online backup (safe while the bot runs: a consistent copy, never a
half-written file). PostgreSQL: `pg_dump` in its custom format, restored with
`pg_restore` (both from the PostgreSQL client tools), as PostgreSQL documents.
A restore replaces the database's content: stop the bot first.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from app.settings import ConfigError


def backup(database_url: str, target: Path) -> str:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(Path(url.database or ""), target)
        return f"backup written to {target}"
    _run(database_url, "pg_dump", "--format=custom", f"--file={target}", "--no-owner")
    return f"backup written to {target} (pg_dump, custom format)"


def restore(database_url: str, source: Path) -> str:
    if not source.is_file():
        raise ConfigError(f"{source}: no such backup file")
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _sqlite_copy(source, Path(url.database or ""))
        return f"database restored from {source}"
    _run(database_url, "pg_restore", "--clean", "--if-exists", "--no-owner", str(source))
    return f"database restored from {source} (pg_restore)"


def _sqlite_copy(source: Path, target: Path) -> None:
    if not source.is_file():
        raise ConfigError(f"{source}: no such SQLite database")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as origin, sqlite3.connect(target) as copy:
        origin.backup(copy)
    origin.close()
    copy.close()


def _run(database_url: str, program: str, *arguments: str) -> None:
    """The password goes to the tool through its environment, never its command line
    (which `ps` shows to every user of the machine)."""
    path = shutil.which(program)
    if path is None:
        raise ConfigError(f"{program} is not installed (PostgreSQL client tools)")
    url = make_url(database_url)
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    dbname = url.set(drivername="postgresql", password=None).render_as_string()
    command = [path, *arguments, f"--dbname={dbname}"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if done.returncode != 0:
        raise ConfigError(f"{program} failed: {done.stderr.strip().splitlines()[-1:]}")
