"""Repository functions for finished rounds: each time a person reached a flow's end."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import FinishedRound


async def add(
    session: AsyncSession,
    person_id: int,
    flow_id: str,
    ending: str,
    started_on: date,
    finished_on: date,
) -> None:
    session.add(
        FinishedRound(
            person_id=person_id,
            flow_id=flow_id,
            ending=ending,
            started_on=started_on,
            finished_on=finished_on,
        )
    )


async def of_person(session: AsyncSession, person_id: int) -> list[FinishedRound]:
    """Most recent first."""
    rows = await session.scalars(
        select(FinishedRound)
        .where(FinishedRound.person_id == person_id)
        .order_by(FinishedRound.finished_on.desc(), FinishedRound.id.desc())
    )
    return list(rows)
