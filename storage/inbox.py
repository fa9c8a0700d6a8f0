"""Repository functions for the inbox: updates stored on arrival, marked done once handled."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxUpdate

# An update whose handling was cut short this often is given up: a poison update that
# kills the process each time it runs. Counted per process death while it ran, so it is
# not 3: a burst of restarts (a deploy loop, the kill -9 run) cuts a backlog of people's
# taps short several times before it clears, and a tap given up is a tap lost.
MAX_ATTEMPTS = 5


class Turn(StrEnum):
    """What to do with an update about to be handled."""

    HANDLE = "handle"
    ALREADY_DONE = "done"  # a redelivery, or a replay of what was finished
    GIVEN_UP = "given_up"  # it kept breaking the process: not tried again


async def store(session: AsyncSession, update_id: int, payload: str, now: datetime) -> bool:
    """Keep a new update; False when it was received already (done or not)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(InboxUpdate)
        .values(update_id=update_id, payload=payload, received_at=now, attempts=0)
        .on_conflict_do_nothing()
        .returning(InboxUpdate.update_id)
    )
    return (await session.scalar(statement)) is not None


async def is_open(session: AsyncSession, update_id: int) -> bool:
    """Received, with its content, and not done."""
    row = await session.get(InboxUpdate, update_id)
    return row is not None and row.done_at is None and row.payload is not None


async def open_payload(session: AsyncSession, update_id: int) -> str | None:
    row = await session.get(InboxUpdate, update_id)
    return row.payload if row is not None and row.done_at is None else None


async def begin(session: AsyncSession, update_id: int, now: datetime) -> Turn:
    """Count a start of handling, unless the update is done or keeps failing."""
    row = await session.get(InboxUpdate, update_id, with_for_update=True)
    if row is None:  # handed to the bot some other way (tests, a future entry point)
        session.add(InboxUpdate(update_id=update_id, received_at=now, attempts=1))
        return Turn.HANDLE
    if row.done_at is not None:
        return Turn.ALREADY_DONE
    row.attempts += 1
    if row.attempts > MAX_ATTEMPTS:
        row.done_at, row.payload = now, None
        return Turn.GIVEN_UP
    return Turn.HANDLE


async def finish(session: AsyncSession, update_id: int, now: datetime) -> None:
    row = await session.get(InboxUpdate, update_id)
    if row is not None and row.done_at is None:
        row.done_at, row.payload = now, None


async def unfinished(session: AsyncSession) -> list[tuple[int, str]]:
    """Updates received but not done (the process stopped while they waited or ran)."""
    rows = await session.execute(
        select(InboxUpdate.update_id, InboxUpdate.payload)
        .where(InboxUpdate.done_at.is_(None), InboxUpdate.payload.is_not(None))
        .order_by(InboxUpdate.update_id)
    )
    return [(update_id, payload) for update_id, payload in rows if payload is not None]


async def forget_done_before(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(InboxUpdate).where(InboxUpdate.done_at < before))
    return int(getattr(result, "rowcount", 0))


async def forget_all(session: AsyncSession) -> None:
    await session.execute(delete(InboxUpdate))


async def waiting(session: AsyncSession) -> tuple[int, datetime | None]:
    """How many updates are not done, and when the oldest of them was received."""
    count, oldest = (
        await session.execute(
            select(func.count(), func.min(InboxUpdate.received_at)).where(
                InboxUpdate.done_at.is_(None)
            )
        )
    ).one()
    return int(count), oldest
