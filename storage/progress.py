"""Repository functions for a person's progress in each flow (the engine's state as JSON).

The one serialiser is the engine's (`progress_to_data` / `progress_from_data`): this module
only turns it into a column and back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from flows.engine import Progress, progress_from_data, progress_to_data
from storage.models import FlowProgress


def read(row: FlowProgress) -> Progress | None:
    """The stored progress, or None when the row holds something unreadable."""
    try:
        data = json.loads(row.state)
    except ValueError:
        return None
    return progress_from_data(data) if isinstance(data, dict) else None


async def of_person(session: AsyncSession, person_id: int) -> list[FlowProgress]:
    """Every flow the person started, the most recently touched first."""
    return list(
        await session.scalars(
            select(FlowProgress)
            .where(FlowProgress.person_id == person_id)
            .order_by(FlowProgress.updated_at.desc(), FlowProgress.id.desc())
        )
    )


async def of_persons(session: AsyncSession, person_ids: Sequence[int]) -> list[FlowProgress]:
    """Every flow these persons started, in one query (the sender's batch)."""
    if not person_ids:
        return []
    return list(
        await session.scalars(select(FlowProgress).where(FlowProgress.person_id.in_(person_ids)))
    )


async def of_flows(session: AsyncSession, flow_ids: Sequence[str]) -> list[FlowProgress]:
    """Everyone's progress in these flows (the hourly deadline watch)."""
    if not flow_ids:
        return []
    return list(
        await session.scalars(
            select(FlowProgress).where(FlowProgress.flow_id.in_(flow_ids)).order_by(FlowProgress.id)
        )
    )


async def find(session: AsyncSession, person_id: int, flow_id: str) -> FlowProgress | None:
    return await session.scalar(
        select(FlowProgress).where(
            FlowProgress.person_id == person_id, FlowProgress.flow_id == flow_id
        )
    )


async def save(
    session: AsyncSession,
    person_id: int,
    row: FlowProgress | None,
    progress: Progress,
    now: datetime,
) -> FlowProgress:
    """Write the progress into its row (a new row for a flow started now)."""
    if row is None:
        row = FlowProgress(person_id=person_id, flow_id=progress.flow_id, started_at=now)
        session.add(row)
    row.flow_version = progress.flow_version
    row.status = progress.status.value
    row.state = json.dumps(progress_to_data(progress), sort_keys=True)
    row.updated_at = now
    return row
