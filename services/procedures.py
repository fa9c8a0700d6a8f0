"""Guided procedures: progress kept in the database, the pure engine deciding each step.

Each use case loads the person's progress, applies one engine event, stores the new
progress and turns the engine's effects into rows: reminders, help requests and the
anonymous funnel. Nothing here knows Telegram.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.reminders import due_at
from flows import deadlines as deadline_rules
from flows import engine
from flows.engine import (
    DeadlinesChanged,
    Event,
    FollowUp,
    HelpRequested,
    Mode,
    PendingCheck,
    Progress,
    ScheduleFollowUp,
    Status,
    StepDone,
    StepEntered,
)
from flows.model import Flow, Step
from flows.registry import FlowRegistry
from services.onboarding import Visitor
from storage import persons as person_store
from storage import sites as site_store
from storage.db import SessionFactory
from storage.models import FlowProgress, HelpRequest, Person, Reminder, StepEvent


class FlowCatalog:
    """The flows in service. A reload swaps the whole registry at once, so a person never
    sees half of an old flow and half of a new one."""

    def __init__(self, registry: FlowRegistry) -> None:
        self.registry = registry

    def replace(self, registry: FlowRegistry) -> None:
        self.registry = registry

    def by_ref(self, ref: str) -> Flow | None:
        return next((f for f in self.registry.all() if short_ref(f.id) == ref), None)


def short_ref(text: str, length: int = 6) -> str:
    """A short, stable reference for button data (64 bytes at most): ids can be long."""
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:length]


def step_by_ref(flow: Flow, ref: str) -> Step | None:
    return next((s for s in flow.steps if short_ref(s.id, 4) == ref), None)


@dataclass(frozen=True)
class StepView:
    flow: Flow
    step: Step
    progress: Progress
    number: int
    total: int


@dataclass(frozen=True)
class RestartOffer:
    """The flow changed under the person and their step is gone."""

    flow: Flow


@dataclass(frozen=True)
class Acted:
    view: StepView | None
    error: str | None = None
    help_requested: HelpRequested | None = None
    follow_up: date | None = None
    finished: bool = False
    referent_name: str | None = None
    site_name: str | None = None


@dataclass(frozen=True)
class InProgress:
    flow: Flow
    number: int
    total: int
    status: Status


@dataclass(frozen=True)
class Journey:
    finished: list[tuple[Flow, date]] = field(default_factory=list)
    ongoing: list[InProgress] = field(default_factory=list)
    steps_done: int = 0
    upcoming: list[tuple[Flow, str, date]] = field(
        default_factory=list
    )  # flow, deadline text, date


async def ongoing(db: SessionFactory, catalog: FlowCatalog, visitor: Visitor) -> list[InProgress]:
    """Flows in progress, most recent first, for the menu's "Continue" entries."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return []
        rows = await _progress_rows(session, person.id)
    found = []
    for row in rows:
        flow = catalog.registry.get(row.flow_id)
        if flow is None or row.status == Status.FINISHED:
            continue
        progress = _migrated(flow, from_json(row.state))
        if progress is not None:
            number, total = engine.position(flow, progress)
            found.append(InProgress(flow, number, total, progress.status))
    return found


async def open_flow(
    db: SessionFactory,
    catalog: FlowCatalog,
    visitor: Visitor,
    flow: Flow,
    now: datetime,
    default_zone: ZoneInfo,
) -> StepView | RestartOffer | None:
    """Start the flow, or resume it exactly where the person left it, months later too."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        row = await _progress_row(session, person.id, flow.id)
        if row is None:
            progress = engine.start(flow, today)
            await _save(session, person, flow, None, progress, now)
            await _funnel(session, flow, progress.current, "entered", today)
            return _view(flow, progress)
        kept = _migrated(flow, from_json(row.state))
        if kept is None:
            return RestartOffer(flow)
        if kept.status is Status.PAUSED:
            kept = engine.apply(flow, kept, engine.Resume(), today).progress
        await _save(session, person, flow, row, kept, now)
        return _view(flow, kept)


async def restart(
    db: SessionFactory,
    catalog: FlowCatalog,
    visitor: Visitor,
    flow: Flow,
    now: datetime,
    default_zone: ZoneInfo,
) -> StepView | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        row = await _progress_row(session, person.id, flow.id)
        if row is not None:
            old = from_json(row.state)
            await _funnel(session, flow, old.current, "abandoned", today)
        progress = engine.start(flow, today)
        await _save(session, person, flow, row, progress, now)
        await _funnel(session, flow, progress.current, "entered", today)
        return _view(flow, progress)


async def act(
    db: SessionFactory,
    visitor: Visitor,
    flow: Flow,
    step_ref: str | None,
    event: Event,
    now: datetime,
    default_zone: ZoneInfo,
) -> Acted:
    """Apply what the person pressed or typed, if it is about the step they are on
    (`step_ref` None: the step they are on, for an answer they typed)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        row = await _progress_row(session, person.id, flow.id) if person else None
        if person is None or row is None:
            return Acted(None, "not_started")
        progress = _migrated(flow, from_json(row.state))
        if progress is None:
            return Acted(None, "flow_changed")
        is_check = isinstance(event, engine.CheckResult)
        if not is_check and step_ref not in {None, short_ref(progress.current, 4)}:
            return Acted(_view(flow, progress), "old_button")
        zone = await _zone_of(session, person, default_zone)
        today = now.astimezone(zone).date()
        outcome = engine.apply(flow, progress, event, today)
        if outcome.error is not None:
            return Acted(_view(flow, outcome.progress), outcome.error.value)
        await _save(session, person, flow, row, outcome.progress, now)
        return await _effects(
            session, person, flow, progress, outcome.progress, outcome.effects, now, zone
        )


async def _effects(
    session: AsyncSession,
    person: Person,
    flow: Flow,
    before: Progress,
    after: Progress,
    effects: tuple[engine.Effect, ...],
    now: datetime,
    zone: ZoneInfo,
) -> Acted:
    today = now.astimezone(zone).date()
    help_requested, follow_up = None, None
    for effect in effects:
        if isinstance(effect, StepEntered):
            await _funnel(session, flow, effect.step_id, "entered", today)
        elif isinstance(effect, StepDone):
            await _funnel(session, flow, effect.step_id, "done", today)
        elif isinstance(effect, HelpRequested):
            help_requested = effect
            await _record_help(session, person, effect, now)
        elif isinstance(effect, ScheduleFollowUp):
            follow_up = effect.due if effect.kind is FollowUp.LATER else follow_up
            await _schedule_follow_up(session, person, flow, effect, zone)
        elif isinstance(effect, DeadlinesChanged):
            await _reschedule_deadlines(session, person, flow, after, today, zone)
    if help_requested is not None and help_requested.reason == "stuck":
        await _funnel(session, flow, before.current, "stuck", today)
    referent, site = await _who_helps(session, person)
    return Acted(
        _view(flow, after),
        help_requested=help_requested,
        follow_up=follow_up,
        finished=after.status is Status.FINISHED and before.status is not Status.FINISHED,
        referent_name=referent,
        site_name=site,
    )


async def journey(
    db: SessionFactory, catalog: FlowCatalog, visitor: Visitor, now: datetime
) -> Journey:
    """ "Mon parcours": what the person achieved, and what comes next."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return Journey()
        rows = await _progress_rows(session, person.id)
        upcoming_rows = await session.execute(
            select(Reminder.flow_id, Reminder.deadline_id, Reminder.deadline_on)
            .where(
                Reminder.person_id == person.id,
                Reminder.kind == "deadline",
                Reminder.cancelled_at.is_(None),
                Reminder.deadline_on >= now.date(),
            )
            .distinct()
            .order_by(Reminder.deadline_on)
        )
        upcoming_list = list(upcoming_rows)
    finished: list[tuple[Flow, date]] = []
    going: list[InProgress] = []
    steps_done = 0
    for row in rows:
        flow = catalog.registry.get(row.flow_id)
        progress = from_json(row.state)
        steps_done += len(progress.done)
        if flow is None:
            continue
        if progress.status is Status.FINISHED:
            finished.append((flow, progress.updated_on))
        elif (current := _migrated(flow, progress)) is not None:
            number, total = engine.position(flow, current)
            going.append(InProgress(flow, number, total, current.status))
    upcoming: list[tuple[Flow, str, date]] = []
    for flow_id, deadline_id, deadline_on in upcoming_list:
        flow = catalog.registry.get(flow_id)
        rule = next((d for d in flow.deadlines if d.id == deadline_id), None) if flow else None
        if flow is not None and rule is not None and deadline_on is not None:
            upcoming.append((flow, rule.text, deadline_on))
    return Journey(finished, going, steps_done, upcoming[:5])


async def _zone_of(session: AsyncSession, person: Person, default: ZoneInfo) -> ZoneInfo:
    """The person's site's time zone (overseas sites exist), else the bot's."""
    site = await site_store.get_site(session, person.site_id) if person.site_id else None
    return ZoneInfo(site.timezone) if site else default


def _view(flow: Flow, progress: Progress) -> StepView:
    step = flow.step(progress.current)
    assert step is not None
    number, total = engine.position(flow, progress)
    return StepView(flow, step, progress, number, total)


def _migrated(flow: Flow, progress: Progress) -> Progress | None:
    if progress.flow_version == flow.version:
        return progress
    return engine.migrate(flow, progress)


async def _progress_rows(session: AsyncSession, person_id: int) -> list[FlowProgress]:
    return list(
        await session.scalars(
            select(FlowProgress)
            .where(FlowProgress.person_id == person_id)
            .order_by(FlowProgress.updated_at.desc(), FlowProgress.id.desc())
        )
    )


async def _progress_row(session: AsyncSession, person_id: int, flow_id: str) -> FlowProgress | None:
    return await session.scalar(
        select(FlowProgress).where(
            FlowProgress.person_id == person_id, FlowProgress.flow_id == flow_id
        )
    )


async def _save(
    session: AsyncSession,
    person: Person,
    flow: Flow,
    row: FlowProgress | None,
    progress: Progress,
    now: datetime,
) -> None:
    if row is None:
        row = FlowProgress(person_id=person.id, flow_id=flow.id, started_at=now)
        session.add(row)
    row.flow_version, row.status, row.state = (
        progress.flow_version,
        progress.status.value,
        to_json(progress),
    )
    row.updated_at = now
    person.last_seen_at = now


async def _funnel(session: AsyncSession, flow: Flow, step_id: str, event: str, today: date) -> None:
    session.add(
        StepEvent(
            flow_id=flow.id, flow_version=flow.version, step_id=step_id, event=event, on=today
        )
    )


async def _record_help(
    session: AsyncSession, person: Person, effect: HelpRequested, now: datetime
) -> None:
    session.add(
        HelpRequest(
            person_id=person.id,
            flow_id=effect.flow_id,
            step_id=effect.step_id,
            step_kind=effect.step_kind.value,
            who=effect.who.value,
            reason=effect.reason.value,
            created_at=now,
            status="pending",
        )
    )


async def _schedule_follow_up(
    session: AsyncSession, person: Person, flow: Flow, effect: ScheduleFollowUp, zone: ZoneInfo
) -> None:
    key = f"{effect.kind.value}:{flow.id}:{effect.step_id}"
    await session.execute(
        update(Reminder)
        .where(
            Reminder.person_id == person.id,
            Reminder.key.startswith(key),
            Reminder.sent_at.is_(None),
        )
        .values(cancelled_at=due_at(effect.due, zone))
    )
    session.add(
        Reminder(
            person_id=person.id,
            key=f"{key}:{effect.due.isoformat()}",
            kind=effect.kind.value,
            flow_id=flow.id,
            step_id=effect.step_id,
            due_at=due_at(effect.due, zone),
        )
    )


async def _reschedule_deadlines(
    session: AsyncSession,
    person: Person,
    flow: Flow,
    progress: Progress,
    today: date,
    zone: ZoneInfo,
) -> None:
    """A new date answer replaces the flow's future deadline reminders."""
    await session.execute(
        update(Reminder)
        .where(
            Reminder.person_id == person.id,
            Reminder.flow_id == flow.id,
            Reminder.kind == "deadline",
            Reminder.sent_at.is_(None),
            Reminder.cancelled_at.is_(None),
        )
        .values(cancelled_at=due_at(today, zone))
    )
    await session.flush()
    for reminder in deadline_rules.reminder_dates(flow, progress.answers, today):
        when = f"{reminder.deadline_date}:{reminder.remind_on}"
        key = f"deadline:{flow.id}:{reminder.deadline_id}:{when}"
        existing = await session.scalar(
            select(Reminder).where(Reminder.person_id == person.id, Reminder.key == key)
        )
        if existing is not None:
            existing.cancelled_at = None if existing.sent_at is None else existing.cancelled_at
            continue
        session.add(
            Reminder(
                person_id=person.id,
                key=key,
                kind="deadline",
                flow_id=flow.id,
                deadline_id=reminder.deadline_id,
                deadline_on=reminder.deadline_date,
                due_at=due_at(reminder.remind_on, zone),
            )
        )


async def _who_helps(session: AsyncSession, person: Person) -> tuple[str | None, str | None]:
    site, referent = await person_store.site_and_referent(session, person)
    return (referent.display_name if referent else None), (site.name if site else None)


def to_json(progress: Progress) -> str:
    return json.dumps(
        {
            "flow_id": progress.flow_id,
            "flow_version": progress.flow_version,
            "current": progress.current,
            "history": list(progress.history),
            "done": [[step, day.isoformat()] for step, day in progress.done],
            "answers": {key: day.isoformat() for key, day in progress.answers.items()},
            "ticked": sorted([step, item] for step, item in progress.ticked),
            "mode": progress.mode.value if progress.mode else None,
            "status": progress.status.value,
            "pending_checks": [[c.step_id, c.due.isoformat()] for c in progress.pending_checks],
            "started_on": progress.started_on.isoformat(),
            "updated_on": progress.updated_on.isoformat(),
        },
        sort_keys=True,
    )


def from_json(text: str) -> Progress:
    data: dict[str, Any] = json.loads(text)
    return Progress(
        flow_id=data["flow_id"],
        flow_version=data["flow_version"],
        current=data["current"],
        history=tuple(data["history"]),
        done=tuple((step, date.fromisoformat(day)) for step, day in data["done"]),
        answers={key: date.fromisoformat(day) for key, day in data["answers"].items()},
        ticked=frozenset((step, item) for step, item in data["ticked"]),
        mode=Mode(data["mode"]) if data["mode"] else None,
        status=Status(data["status"]),
        pending_checks=tuple(
            PendingCheck(step, date.fromisoformat(day)) for step, day in data["pending_checks"]
        ),
        started_on=date.fromisoformat(data["started_on"]),
        updated_on=date.fromisoformat(data["updated_on"]),
    )


async def current_view(
    db: SessionFactory,
    visitor: Visitor,
    flow: Flow,
    step_ref: str,
    now: datetime,
    default_zone: ZoneInfo,
) -> tuple[StepView, date] | None:
    """The person's current step of `flow` if `step_ref` names it (else the button is old),
    and today's date where the person lives (date pickers offer days from it)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        row = await _progress_row(session, person.id, flow.id) if person else None
        progress = _migrated(flow, from_json(row.state)) if row else None
        if person is None or progress is None or short_ref(progress.current, 4) != step_ref:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
    return _view(flow, progress), today


async def await_typed_date(db: SessionFactory, visitor: Visitor, flow: Flow) -> None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = f"date:{short_ref(flow.id)}"
