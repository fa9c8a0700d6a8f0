"""The inbox's use cases: receive an update before Telegram is told, finish it once
handled, find what a stopped process left, forget ids Telegram can no longer redeliver."""

from __future__ import annotations

from datetime import datetime, timedelta

from storage import inbox as inbox_store
from storage import jobs
from storage.db import SessionFactory

# Telegram keeps an undelivered update for at most 24 hours; two days is a safe margin.
REMEMBER_UPDATES_FOR = timedelta(days=2)


async def receive(db: SessionFactory, update_id: int, payload: str, now: datetime) -> bool:
    """Store a new update. True when it is to be handled: new, or received before and
    still not done (stored by a commit whose answer was lost, or left by a stopped
    process); False for a redelivery of an update done."""
    async with db.begin() as session:
        if await inbox_store.store(session, update_id, payload, now):
            return True
        return await inbox_store.is_open(session, update_id)


async def receive_as_job(
    db: SessionFactory, update_id: int, payload: str, now: datetime, task: str, lock: str
) -> bool:
    """Store a new update and queue the job that handles it, in one transaction: no job
    for an update not stored, no update stored without its job. False for a redelivery
    (its job was queued with it)."""
    async with db.begin() as session:
        if not await inbox_store.store(session, update_id, payload, now):
            return False
        await jobs.defer(session, task, {"update_id": update_id}, lock)
        return True


async def open_payload(db: SessionFactory, update_id: int) -> str | None:
    """The update as received, while it is not done."""
    async with db.begin() as session:
        return await inbox_store.open_payload(session, update_id)


async def finish(db: SessionFactory, update_id: int, now: datetime) -> None:
    async with db.begin() as session:
        await inbox_store.finish(session, update_id, now)


async def unfinished(db: SessionFactory) -> list[tuple[int, str]]:
    async with db.begin() as session:
        return await inbox_store.unfinished(session)


async def forget_old(db: SessionFactory, now: datetime) -> int:
    async with db.begin() as session:
        return await inbox_store.forget_done_before(session, now - REMEMBER_UPDATES_FOR)


async def forget_all(db: SessionFactory) -> None:
    """For the demo: its fresh in-process Bot API numbers updates from 1 again."""
    async with db.begin() as session:
        await inbox_store.forget_all(session)
