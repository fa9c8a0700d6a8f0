"""Throw-away databases for tests: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

POSTGRES_ENV = "ALLIANCE_TEST_POSTGRES_URL"
BACKENDS = ["sqlite", "postgresql"]
# The bot as several workers run it (ALLIANCE_QUEUE=procrastinate), on PostgreSQL: every
# test that runs the bot runs on it too; storage tests need not (same database).
SHARED = "postgresql-procrastinate"


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextmanager
def temporary_database(backend: str, tmp_path: Path) -> Iterator[str]:
    """Yield a SQLAlchemy URL to an empty database that is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'alliance.db'}"
        return
    assert backend in ("postgresql", SHARED)
    admin = postgres_admin_url()
    assert admin is not None
    name = f"alliance_test_{uuid.uuid4().hex[:12]}"
    url = make_url(admin)
    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as admin_connection:
        admin_connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as admin_connection:
            admin_connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
