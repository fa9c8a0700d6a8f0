"""Mediators' tools: where people stop in each flow, and reloading the flows safely."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from core.access import StaffAction, Target
from flows.model import Flow, FlowError
from flows.registry import FlowRegistry
from services.procedures import FlowCatalog
from services.staff import authorise
from storage.db import SessionFactory
from storage.models import StepEvent

Loader = Callable[[], tuple[FlowRegistry | None, list[FlowError]]]


@dataclass(frozen=True)
class FlowFunnel:
    flow: Flow
    started: int
    finished: int
    stuck_at: list[tuple[str, int]]  # step id, times someone said they were stuck there


async def funnels(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, now: datetime
) -> list[FlowFunnel]:
    async with db.begin() as session:
        await authorise(session, telegram_user_id, StaffAction.MANAGE_FLOWS, Target(), now)
        rows = await session.execute(
            select(StepEvent.flow_id, StepEvent.step_id, StepEvent.event, func.count()).group_by(
                StepEvent.flow_id, StepEvent.step_id, StepEvent.event
            )
        )
        counts = [(flow_id, step_id, event, int(n)) for flow_id, step_id, event, n in rows]
    result = []
    for flow in catalog.registry.all():
        ends = {s.id for s in flow.steps if s.kind == "end"}
        mine = [(step, event, n) for flow_id, step, event, n in counts if flow_id == flow.id]
        started = sum(n for step, event, n in mine if event == "entered" and step == flow.start)
        finished = sum(n for step, event, n in mine if event == "entered" and step in ends)
        stuck = sorted(
            ((step, n) for step, event, n in mine if event == "stuck"), key=lambda x: -x[1]
        )
        result.append(FlowFunnel(flow, started, finished, stuck[:3]))
    return result


async def reload(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, now: datetime, loader: Loader
) -> list[FlowError]:
    """Validate first; on any error the flows in service stay as they were."""
    async with db.begin() as session:
        await authorise(session, telegram_user_id, StaffAction.MANAGE_FLOWS, Target(), now)
    registry, errors = loader()
    if registry is not None:
        catalog.replace(registry)
    return errors
