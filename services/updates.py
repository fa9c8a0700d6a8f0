"""Forgetting handled update ids once Telegram can no longer redeliver them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import updates as update_store
from storage.db import SessionFactory

# Telegram keeps an undelivered update for at most 24 hours; two days is a safe margin.
REMEMBER_UPDATES_FOR = timedelta(days=2)


async def forget_old_updates(db: SessionFactory, now: datetime) -> int:
    async with db.begin() as session:
        return await update_store.forget_updates_before(session, now - REMEMBER_UPDATES_FOR)


async def forget_all_updates(db: SessionFactory) -> int:
    """For the demo: its fresh in-process Bot API numbers updates from 1 again."""
    async with db.begin() as session:
        return await update_store.forget_updates_before(session, datetime.max.replace(tzinfo=UTC))
