"""Alembic, driven from Python: `bot.py db upgrade`, start-up and the tests share this."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


JOB_QUEUE_PREFIXES = ("procrastinate_", "idx_procrastinate_")


def ours(name: str | None, _type: str, _parents: object) -> bool:
    """Autogenerate compares our models only: the job queue's tables (migration 0008)
    are procrastinate's, applied as it ships them."""
    return name is None or not name.startswith(JOB_QUEUE_PREFIXES)


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


async def upgrade_to_head(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)


async def current_revision(engine: AsyncEngine) -> str | None:
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def _upgrade(connection: Connection) -> None:
    command.upgrade(alembic_config(connection), "head")
