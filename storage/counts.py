"""Anonymous counts that survive erasure, nothing else: persons erased, and staff accesses
to erased persons, per site and month (`docs/decisions/0008-privacy-minimisation.md`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AnonymousCount


async def increment(
    session: AsyncSession, key: str, site_id: int | None, period: str, by: int = 1
) -> None:
    row = await session.scalar(
        select(AnonymousCount).where(
            AnonymousCount.key == key,
            AnonymousCount.site_id.is_(None)
            if site_id is None
            else AnonymousCount.site_id == site_id,
            AnonymousCount.period == period,
        )
    )
    if row is None:
        session.add(AnonymousCount(key=key, site_id=site_id, period=period, count=by))
    else:
        row.count += by
