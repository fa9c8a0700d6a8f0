"""Repository functions for reminders: the schedule of what the bot will send on its own."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Reminder


class ReminderKind(StrEnum):
    DEADLINE = "deadline"  # a date the flow computed from the person's answers
    LATER = "later"  # "remind me later" on an action step
    CHECK = "check"  # "did it work?" some days after an action


async def add(
    session: AsyncSession,
    *,
    person_id: int,
    key: str,
    kind: ReminderKind,
    flow_id: str,
    due_at: datetime,
    step_id: str | None = None,
    deadline_id: str | None = None,
    deadline_on: date | None = None,
) -> None:
    session.add(
        Reminder(
            person_id=person_id,
            key=key,
            kind=kind.value,
            flow_id=flow_id,
            step_id=step_id,
            deadline_id=deadline_id,
            deadline_on=deadline_on,
            due_at=due_at,
        )
    )


async def find_by_key(session: AsyncSession, person_id: int, key: str) -> Reminder | None:
    return await session.scalar(
        select(Reminder).where(Reminder.person_id == person_id, Reminder.key == key)
    )


async def cancel_unsent(
    session: AsyncSession, person_id: int, key_prefix: str, at: datetime
) -> None:
    """Cancel the reminders not sent yet whose key starts with `key_prefix`."""
    await session.execute(
        update(Reminder)
        .where(
            Reminder.person_id == person_id,
            Reminder.key.startswith(key_prefix),
            Reminder.sent_at.is_(None),
        )
        .values(cancelled_at=at)
    )


async def cancel_deadlines(
    session: AsyncSession, person_id: int, flow_id: str, at: datetime
) -> None:
    """Cancel the flow's deadline reminders still to come (new answers replace them)."""
    await session.execute(
        update(Reminder)
        .where(
            Reminder.person_id == person_id,
            Reminder.flow_id == flow_id,
            Reminder.kind == ReminderKind.DEADLINE.value,
            Reminder.sent_at.is_(None),
            Reminder.cancelled_at.is_(None),
        )
        .values(cancelled_at=at)
    )
    await session.flush()


async def upcoming_deadlines(
    session: AsyncSession, person_id: int, from_day: date
) -> list[tuple[str, str, date]]:
    """(flow id, deadline id, date) of the person's deadlines from `from_day` on, soonest first."""
    rows = await session.execute(
        select(Reminder.flow_id, Reminder.deadline_id, Reminder.deadline_on)
        .where(
            Reminder.person_id == person_id,
            Reminder.kind == ReminderKind.DEADLINE.value,
            Reminder.cancelled_at.is_(None),
            Reminder.deadline_on >= from_day,
        )
        .distinct()
        .order_by(Reminder.deadline_on)
    )
    return [
        (flow_id, deadline_id, day)
        for flow_id, deadline_id, day in rows
        if deadline_id is not None and day is not None
    ]


async def to_come(session: AsyncSession, person_id: int) -> list[Reminder]:
    return list(
        await session.scalars(
            select(Reminder)
            .where(
                Reminder.person_id == person_id,
                Reminder.sent_at.is_(None),
                Reminder.cancelled_at.is_(None),
            )
            .order_by(Reminder.due_at)
        )
    )


async def due(session: AsyncSession, now: datetime, limit: int) -> list[Reminder]:
    """Reminders due and not yet claimed, locked (PostgreSQL) so another worker skips them;
    the first `limit`, a person's together and in order."""
    query = select(Reminder).where(
        Reminder.due_at <= now, Reminder.sent_at.is_(None), Reminder.cancelled_at.is_(None)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    query = query.order_by(Reminder.person_id, Reminder.due_at).limit(limit)
    return list(await session.scalars(query))


async def sent_since(
    session: AsyncSession, person_ids: Sequence[int], since: datetime
) -> dict[int, list[datetime]]:
    """When each person was last written to, for pacing (quiet hours, daily and weekly caps)."""
    rows = await session.execute(
        select(Reminder.person_id, Reminder.sent_at).where(
            Reminder.person_id.in_(person_ids), Reminder.sent_at > since
        )
    )
    sent: dict[int, list[datetime]] = {}
    for person_id, sent_at in rows:
        if sent_at is not None:
            sent.setdefault(person_id, []).append(sent_at)
    return sent


async def with_ids(session: AsyncSession, reminder_ids: Sequence[int]) -> list[Reminder]:
    return list(await session.scalars(select(Reminder).where(Reminder.id.in_(reminder_ids))))


async def get(session: AsyncSession, reminder_id: int) -> Reminder | None:
    return await session.get(Reminder, reminder_id)
