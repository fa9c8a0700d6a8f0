"""Repository functions for the outbox: messages the bot initiates, and what became of them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, Person, StaffRole

REMINDER = "reminder"


class Status(StrEnum):
    PENDING = "pending"  # waiting for its (next) try
    SENDING = "sending"  # claimed by a sender until `claimed_until`
    SENT = "sent"
    FAILED = "failed"  # final: blocked, or refused as it is
    PARKED = "parked"  # tried too often: shown to the site's admins
    DROPPED = "dropped"  # its reason went away before it was sent


def _new(now: datetime, **columns: object) -> dict[str, object]:
    """A message waiting for its first try: the columns every new row shares."""
    return {
        "status": Status.PENDING.value,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        **columns,
    }


async def add(session: AsyncSession, now: datetime, **columns: object) -> None:
    """One message (kind, payload and its recipient's columns)."""
    await session.execute(insert(OutboxMessage), [_new(now, **columns)])


async def add_reminders(
    session: AsyncSession, reminders: list[tuple[int, int]], now: datetime
) -> None:
    """One message per (person id, reminder id), in one statement (a 9:00 wave is large)."""
    if reminders:
        await session.execute(
            insert(OutboxMessage),
            [
                _new(now, person_id=person, reminder_id=reminder, kind=REMINDER, payload="{}")
                for person, reminder in reminders
            ],
        )


async def claim(
    session: AsyncSession, now: datetime, until: datetime, limit: int
) -> list[OutboxMessage]:
    """Due messages, and those a crashed sender held past its lease, taken until `until`;
    locked on PostgreSQL so that another worker skips them."""
    query = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status == Status.PENDING.value)
                & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == Status.SENDING.value)
                & (OutboxMessage.claimed_until < now),
            )
        )
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(await session.scalars(query))
    for row in rows:
        row.status, row.claimed_until = Status.SENDING.value, until
    return rows


async def release_claims(session: AsyncSession) -> int:
    """Every claimed message back to waiting (its claim's sender is known to be gone)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == Status.SENDING.value)
        .values(status=Status.PENDING.value, claimed_until=None)
    )
    return int(getattr(result, "rowcount", 0))


async def get(session: AsyncSession, message_id: int) -> OutboxMessage | None:
    return await session.get(OutboxMessage, message_id)


async def undelivered_on_site(
    session: AsyncSession, site_id: int, limit: int = 30
) -> list[OutboxMessage]:
    """Parked and failed messages to the site's persons and staff, newest first."""
    staff_ids = select(StaffRole.staff_id).where(StaffRole.site_id == site_id)
    person_ids = select(Person.id).where(Person.site_id == site_id)
    return list(
        await session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.status.in_([Status.PARKED.value, Status.FAILED.value]),
                or_(
                    OutboxMessage.person_id.in_(person_ids),
                    OutboxMessage.staff_id.in_(staff_ids),
                ),
            )
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


async def waiting(session: AsyncSession) -> tuple[int, datetime | None, int]:
    """Messages waiting (pending or being sent), the earliest due among them, and how many
    are parked."""
    count, earliest = (
        await session.execute(
            select(func.count(), func.min(OutboxMessage.next_attempt_at)).where(
                OutboxMessage.status.in_([Status.PENDING.value, Status.SENDING.value])
            )
        )
    ).one()
    parked = await session.scalar(
        select(func.count()).where(OutboxMessage.status == Status.PARKED.value)
    )
    return int(count), earliest, int(parked or 0)


async def forget_settled_before(session: AsyncSession, before: datetime) -> None:
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status.in_(
                [Status.SENT.value, Status.FAILED.value, Status.PARKED.value, Status.DROPPED.value]
            ),
            OutboxMessage.created_at < before,
        )
    )
