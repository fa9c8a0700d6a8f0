"""Repository functions for help requests: the "help requested" event, until routed."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.engine import HelpRequested
from storage.models import HelpRequest


class HelpStatus(StrEnum):
    PENDING = "pending"  # waiting for the hand-off feature to route it


async def add(session: AsyncSession, person_id: int, request: HelpRequested, now: datetime) -> None:
    session.add(
        HelpRequest(
            person_id=person_id,
            flow_id=request.flow_id,
            step_id=request.step_id,
            step_kind=request.step_kind.value,
            who=request.who.value,
            reason=request.reason.value,
            created_at=now,
            status=HelpStatus.PENDING.value,
        )
    )


async def of_person(session: AsyncSession, person_id: int) -> list[HelpRequest]:
    return list(
        await session.scalars(
            select(HelpRequest)
            .where(HelpRequest.person_id == person_id)
            .order_by(HelpRequest.created_at, HelpRequest.id)
        )
    )
