"""Repository functions for the anonymous funnel: where people enter, finish and get stuck."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StepEvent


class FunnelEvent(StrEnum):
    ENTERED = "entered"
    DONE = "done"
    STUCK = "stuck"
    ABANDONED = "abandoned"


@dataclass(frozen=True)
class FunnelCount:
    flow_id: str
    step_id: str
    event: FunnelEvent
    count: int


async def record(
    session: AsyncSession,
    flow_id: str,
    flow_version: int,
    step_id: str,
    event: FunnelEvent,
    on: date,
) -> None:
    session.add(
        StepEvent(
            flow_id=flow_id, flow_version=flow_version, step_id=step_id, event=event.value, on=on
        )
    )


async def counts(session: AsyncSession) -> list[FunnelCount]:
    rows = await session.execute(
        select(StepEvent.flow_id, StepEvent.step_id, StepEvent.event, func.count()).group_by(
            StepEvent.flow_id, StepEvent.step_id, StepEvent.event
        )
    )
    return [
        FunnelCount(flow_id, step_id, FunnelEvent(event), int(n))
        for flow_id, step_id, event, n in rows
        if event in FunnelEvent._value2member_map_
    ]
