"""Repository functions for what each person shares with their referent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.sharing import Area, Grant, decode_areas, encode_areas
from storage.models import Person, SharingGrant


def grant_of(row: SharingGrant | None) -> Grant | None:
    return None if row is None else Grant(decode_areas(row.areas), row.expires_at)


async def find(session: AsyncSession, person_id: int) -> SharingGrant | None:
    return await session.scalar(select(SharingGrant).where(SharingGrant.person_id == person_id))


async def put(
    session: AsyncSession,
    person_id: int,
    areas: frozenset[Area],
    expires_at: datetime | None,
    now: datetime,
) -> None:
    """The person's one grant, replaced (and its end-of-sharing reminder re-armed)."""
    row = await find(session, person_id)
    if row is None:
        row = SharingGrant(person_id=person_id, areas="none", granted_at=now)
        session.add(row)
    row.areas, row.granted_at, row.expires_at, row.reminded_at = (
        encode_areas(areas),
        now,
        expires_at,
        None,
    )


async def ending_unreminded(
    session: AsyncSession, after: datetime, until: datetime
) -> list[tuple[SharingGrant, Person]]:
    """Grants ending between `after` and `until` whose person was not reminded yet."""
    rows = await session.execute(
        select(SharingGrant, Person)
        .join(Person, Person.id == SharingGrant.person_id)
        .where(
            SharingGrant.reminded_at.is_(None),
            SharingGrant.expires_at > after,
            SharingGrant.expires_at <= until,
        )
    )
    return [(grant, person) for grant, person in rows]
