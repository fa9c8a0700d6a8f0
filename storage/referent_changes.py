"""Repository functions for requests to change referent (the site's admins decide)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Person, ReferentChangeRequest


async def pending_of(session: AsyncSession, person_id: int) -> ReferentChangeRequest | None:
    return await session.scalar(
        select(ReferentChangeRequest).where(
            ReferentChangeRequest.person_id == person_id,
            ReferentChangeRequest.handled_at.is_(None),
        )
    )


async def add(session: AsyncSession, person_id: int, site_id: int, now: datetime) -> None:
    session.add(ReferentChangeRequest(person_id=person_id, site_id=site_id, requested_at=now))


async def get(session: AsyncSession, request_id: int) -> ReferentChangeRequest | None:
    return await session.get(ReferentChangeRequest, request_id)


async def pending_on_site(
    session: AsyncSession, site_id: int
) -> list[tuple[ReferentChangeRequest, int | None]]:
    """Open requests of the site, oldest first, with each person's current referent id."""
    rows = await session.execute(
        select(ReferentChangeRequest, Person.referent_id)
        .join(Person, Person.id == ReferentChangeRequest.person_id)
        .where(ReferentChangeRequest.site_id == site_id, ReferentChangeRequest.handled_at.is_(None))
        .order_by(ReferentChangeRequest.requested_at)
    )
    return [(request, referent_id) for request, referent_id in rows]


async def of_person(session: AsyncSession, person_id: int) -> list[ReferentChangeRequest]:
    return list(
        await session.scalars(
            select(ReferentChangeRequest)
            .where(ReferentChangeRequest.person_id == person_id)
            .order_by(ReferentChangeRequest.requested_at)
        )
    )
