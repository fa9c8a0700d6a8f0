"""Migrations and repositories, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from services import updates as update_service
from services.accounts import begin_update
from storage.db import create_engine, create_session_factory
from storage.migrate import alembic_config, current_revision, upgrade_to_head
from storage.models import Base

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def test_upgrade_from_empty_to_head_matches_the_models(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert await current_revision(engine) == head

    def differences(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == [], "run alembic revision --autogenerate"


async def test_downgrade_to_base_and_up_again(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)

    def down(connection: Connection) -> set[str]:
        command.downgrade(alembic_config(connection), "base")
        return set(inspect(connection).get_table_names())

    async with engine.begin() as connection:
        assert await connection.run_sync(down) <= {"alembic_version"}
    await upgrade_to_head(engine)
    assert await current_revision(engine) is not None


async def test_an_update_is_claimed_once_and_forgotten_later(engine: AsyncEngine) -> None:
    await upgrade_to_head(engine)
    db = create_session_factory(engine)
    assert await begin_update(db, 42, None, NOW) is not None
    assert await begin_update(db, 42, None, NOW + timedelta(minutes=1)) is None
    assert await update_service.forget_old_updates(db, NOW + timedelta(days=1)) == 0
    assert await update_service.forget_old_updates(db, NOW + timedelta(days=3)) == 1
    assert await begin_update(db, 42, None, NOW + timedelta(days=3)) is not None


async def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'pragmas.db'}")
    try:
        async with engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
            assert (await connection.exec_driver_sql("PRAGMA synchronous")).scalar() == 1
    finally:
        await engine.dispose()
