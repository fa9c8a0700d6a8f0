"""Mediators' tools: where people stop in each flow, and reloading the flows safely."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.access import StaffAction, Target
from flows.catalog import FlowCatalog
from flows.model import Ending, Flow, FlowError, StepKind
from services.authorisation import authorise, staff_transaction
from storage import funnel
from storage.db import SessionFactory
from storage.funnel import FunnelEvent


@dataclass(frozen=True)
class FlowFunnel:
    flow: Flow
    started: int
    finished: int  # reached an ending with the procedure done (with help or not)
    not_yet: int  # reached an ending where it could not be done yet
    stuck_at: list[tuple[str, int]]  # step id, times someone said they were stuck there
    # (screens name the step by its text: `screens.procedures.step_summary`)


async def funnels(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, now: datetime
) -> list[FlowFunnel]:
    async with staff_transaction(db) as session:
        await authorise(session, telegram_user_id, StaffAction.MANAGE_FLOWS, Target(), now)
        counts = await funnel.counts(session)
    result = []
    for flow in catalog.registry.all():
        ends = {s.id: s.ending for s in flow.steps if s.kind is StepKind.END}
        mine = [c for c in counts if c.flow_id == flow.id]
        entered = [c for c in mine if c.event is FunnelEvent.ENTERED]
        started = sum(c.count for c in entered if c.step_id == flow.start)
        ended = [(ends[c.step_id], c.count) for c in entered if c.step_id in ends]
        finished = sum(count for ending, count in ended if ending is not Ending.NOT_YET)
        not_yet = sum(count for ending, count in ended if ending is Ending.NOT_YET)
        stuck = sorted(
            ((c.step_id, c.count) for c in mine if c.event is FunnelEvent.STUCK),
            key=lambda pair: -pair[1],
        )
        result.append(FlowFunnel(flow, started, finished, not_yet, stuck[:3]))
    return result


async def may_reload(db: SessionFactory, telegram_user_id: int, now: datetime) -> None:
    """Checked before the confirm question too: nobody else is even asked."""
    async with staff_transaction(db) as session:
        await authorise(session, telegram_user_id, StaffAction.MANAGE_FLOWS, Target(), now)


async def reload(
    db: SessionFactory, catalog: FlowCatalog, telegram_user_id: int, now: datetime
) -> list[FlowError]:
    """Validate first; on any error the flows in service stay as they were."""
    async with staff_transaction(db) as session:
        await authorise(session, telegram_user_id, StaffAction.MANAGE_FLOWS, Target(), now)
    return catalog.reload(now.date())
