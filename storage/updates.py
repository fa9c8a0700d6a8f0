"""Processed update ids: a redelivered update (webhook retry, restart) is handled once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


async def claim_update(session: AsyncSession, update_id: int, now: datetime) -> bool:
    """Record the update id; False when it was already recorded."""
    values = {"update_id": update_id, "processed_at": now}
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedUpdate)
        .values(values)
        .on_conflict_do_nothing()
        .returning(ProcessedUpdate.update_id)
    )
    return (await session.scalar(statement)) is not None


async def forget_updates_before(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(
        delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before)
    )
    return int(getattr(result, "rowcount", 0))
