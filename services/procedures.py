"""Guided procedures: progress kept in the database, the pure engine deciding each step.

Each use case loads the person's progress, applies one engine event, stores the new
progress and turns the engine's effects into rows: reminders, help requests and the
anonymous funnel. Nothing here knows Telegram, button data or SQL.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.handoffs import Reason as HandoffReason
from core.handoffs import Who as HandoffWho
from core.intents import AwaitDate, Name, encode
from core.reminders import due_at
from core.sites import Contact
from flows import deadlines as deadline_rules
from flows import engine
from flows.catalog import FlowCatalog
from flows.dates import parse_typed_date
from flows.engine import (
    DeadlinesChanged,
    EngineError,
    Event,
    FollowUp,
    HelpRequested,
    Progress,
    ScheduleFollowUp,
    Status,
    StepDone,
    StepEntered,
)
from flows.model import Ending, Flow, Step
from services import handoffs
from services.handoffs import Nobody, Waiting
from services.onboarding import Visitor
from services.sites import contact_of
from storage import funnel, rounds
from storage import persons as person_store
from storage import progress as progress_store
from storage import reminders as reminder_store
from storage import sites as site_store
from storage.db import SessionFactory
from storage.funnel import FunnelEvent
from storage.models import FlowProgress, Person
from storage.reminders import ReminderKind

# A tap on a paused flow's step resumes it first, except for what makes sense while paused.
_KEPT_PAUSED = (engine.Resume, engine.Stuck, engine.ChooseMode, engine.CheckResult)


class StepProblem(StrEnum):
    """Why a tap or a typed answer was not applied, besides the engine's own refusals."""

    OLD_BUTTON = "old_button"  # a button of a step the person has left
    NOT_STARTED = "not_started"  # a button of a flow the person has not started (or erased)
    FLOW_CHANGED = "flow_changed"  # the flow was updated and the person's step is gone
    INVALID_DATE = "invalid_date"  # a typed date that could not be read


Problem = EngineError | StepProblem


@dataclass(frozen=True)
class StepView:
    """A step as the person is on it; `dates` are the flow's named dates (answers and
    deadlines) its text may show, `today` where the person lives ("tomorrow")."""

    flow: Flow
    step: Step
    progress: Progress
    number: int
    total: int
    today: date
    dates: Mapping[str, date] = field(default_factory=dict)
    followed: bool = False  # the person has a referent: "with my referent" is offered


@dataclass(frozen=True)
class RestartOffer:
    """The flow changed under the person and their step is gone."""

    flow: Flow


@dataclass(frozen=True)
class Acted:
    """What came of a tap or a typed answer: the step to show (None when there is no step
    to show, see `error`), why it was refused, and what else to tell the person."""

    flow: Flow
    view: StepView | None
    error: Problem | None = None
    help_requested: HelpRequested | None = None
    handoff: Waiting | Nobody | None = None  # the human flagged, or whom to call
    follow_up: date | None = None
    finished: Ending | None = None  # the flow ended with this tap: how
    contact: Contact = field(default_factory=Contact)  # whom to reach, said with help


@dataclass(frozen=True)
class InProgress:
    flow: Flow
    number: int
    total: int
    status: Status


@dataclass(frozen=True)
class Finished:
    flow: Flow
    day: date
    ending: Ending


@dataclass(frozen=True)
class DoneBefore:
    """The flow was opened after the person finished it: do it again, or not."""

    last: Finished


@dataclass(frozen=True)
class Upcoming:
    flow: Flow
    text: str  # the deadline's source text, with a `{date}` placeholder
    day: date


@dataclass(frozen=True)
class Journey:
    finished: list[Finished] = field(default_factory=list)
    ongoing: list[InProgress] = field(default_factory=list)
    steps_done: int = 0
    upcoming: list[Upcoming] = field(default_factory=list)


async def ongoing(db: SessionFactory, catalog: FlowCatalog, visitor: Visitor) -> list[InProgress]:
    """Flows in progress, most recent first, for the menu's "Continue" entries."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        rows = await progress_store.of_person(session, person.id) if person else []
    found = []
    for row in rows:
        flow = catalog.registry.get(row.flow_id)
        progress = _current(flow, row) if flow is not None else None
        if flow is not None and progress is not None and progress.status is not Status.FINISHED:
            number, total = engine.position(flow, progress)
            found.append(InProgress(flow, number, total, progress.status))
    return found


async def open_flow(
    db: SessionFactory,
    visitor: Visitor,
    flow: Flow,
    now: datetime,
    default_zone: ZoneInfo,
    *,
    next_round: bool = False,
) -> StepView | RestartOffer | DoneBefore | None:
    """Start the flow, or resume it exactly where the person left it, months later too.
    A flow finished before is offered again (`DoneBefore`), or started again at once when
    its reminder says a new round is due (`next_round`); earlier rounds stay in Mon
    parcours."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        row = await progress_store.find(session, person.id, flow.id)
        if row is None:
            return await _start(session, person, flow, None, now, today)
        stored = progress_store.read(row)
        if stored is not None and stored.status is Status.FINISHED:
            if next_round:
                return await _start(session, person, flow, row, now, today)
            ending = ending_of(flow, stored.current)
            return DoneBefore(Finished(flow, stored.updated_on, ending))
        kept = _current(flow, row)
        if kept is None:
            return RestartOffer(flow)
        if kept.status is Status.PAUSED:
            kept = engine.apply(flow, kept, engine.Resume(), today).progress
        await _save(session, person, row, kept, now)
        return _view(flow, kept, today, await _followed(session, person))


async def restart(
    db: SessionFactory, visitor: Visitor, flow: Flow, now: datetime, default_zone: ZoneInfo
) -> StepView | None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        row = await progress_store.find(session, person.id, flow.id)
        old = progress_store.read(row) if row is not None else None
        if old is not None and old.status is not Status.FINISHED:  # a new round abandons none
            await _funnel(session, flow, old.current, FunnelEvent.ABANDONED, today)
        return await _start(session, person, flow, row, now, today)


async def act(
    db: SessionFactory,
    visitor: Visitor,
    flow: Flow,
    on_step: str | None,
    event: Event,
    now: datetime,
    default_zone: ZoneInfo,
) -> Acted:
    """Apply what the person pressed, if it is about the step they are on (`on_step`, the
    step whose button was tapped; None for the step they are on, whichever it is)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        return await _act(session, person, flow, on_step, event, now, default_zone)


async def answer_typed_date(
    db: SessionFactory,
    visitor: Visitor,
    asked: AwaitDate,
    flow: Flow,
    text: str,
    months: Mapping[str, int],
    now: datetime,
    default_zone: ZoneInfo,
) -> Acted:
    """The date the person typed for the step they are on, in numbers or in words (with
    the month names of their language, `months`); asked again when unreadable."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        parsed = parse_typed_date(text, months)
        if isinstance(parsed, date):
            if person is not None:
                person.awaiting = None
            event = engine.AnswerDate(parsed)
            return await _act(session, person, flow, None, event, now, default_zone)
        if person is None:
            return Acted(flow, None, StepProblem.NOT_STARTED)
        person.awaiting = encode(asked)
        row = await progress_store.find(session, person.id, flow.id)
        progress = _current(flow, row) if row is not None else None
        if progress is None:
            return Acted(flow, None, StepProblem.NOT_STARTED)
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        view = _view(flow, progress, today, await _followed(session, person))
        return Acted(flow, view, StepProblem.INVALID_DATE)


async def _act(
    session: AsyncSession,
    person: Person | None,
    flow: Flow,
    on_step: str | None,
    event: Event,
    now: datetime,
    default_zone: ZoneInfo,
) -> Acted:
    row = await progress_store.find(session, person.id, flow.id) if person else None
    if person is None or row is None:
        return Acted(flow, None, StepProblem.NOT_STARTED)
    progress = _current(flow, row)
    if progress is None:
        return Acted(flow, None, StepProblem.FLOW_CHANGED)
    zone = await _zone_of(session, person, default_zone)
    today = now.astimezone(zone).date()
    is_check = isinstance(event, engine.CheckResult)
    if not is_check and on_step not in {None, progress.current}:
        followed = await _followed(session, person)
        return Acted(flow, _view(flow, progress, today, followed), StepProblem.OLD_BUTTON)
    if progress.status is Status.PAUSED and not isinstance(event, _KEPT_PAUSED):
        progress = engine.apply(flow, progress, engine.Resume(), today).progress  # back to it
    outcome = engine.apply(flow, progress, event, today)
    if outcome.error is not None:
        followed = await _followed(session, person)
        return Acted(flow, _view(flow, outcome.progress, today, followed), outcome.error)
    await _save(session, person, row, outcome.progress, now)
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
    handoff: Waiting | Nobody | None = None
    for effect in effects:
        if isinstance(effect, StepEntered):
            await _funnel(session, flow, effect.step_id, FunnelEvent.ENTERED, today)
            person.cannot_step = None  # moved on: "I can't" counts again from zero
        elif isinstance(effect, StepDone):
            await _funnel(session, flow, effect.step_id, FunnelEvent.DONE, today)
            # "Remind me later" of a step now done would be a false alarm.
            later = follow_up_key(FollowUp.LATER, flow.id, effect.step_id)
            await reminder_store.cancel_unsent(session, person.id, f"{later}:", now)
        elif isinstance(effect, HelpRequested):
            help_requested = effect
            handoff = await _hand_off(session, person, flow, effect, now)
        elif isinstance(effect, ScheduleFollowUp):
            follow_up = effect.due if effect.kind is FollowUp.LATER else follow_up
            await _schedule_follow_up(session, person, flow, effect, zone)
        elif isinstance(effect, DeadlinesChanged):
            await _reschedule_deadlines(session, person, flow, after, today, zone)
    if help_requested is not None and help_requested.reason is engine.Reason.STUCK:
        await _funnel(session, flow, before.current, FunnelEvent.STUCK, today)
    finished = None
    if after.status is Status.FINISHED and before.status is not Status.FINISHED:
        finished = ending_of(flow, after.current)
        await rounds.add(
            session, person.id, flow.id, finished.value, after.started_on, after.updated_on
        )
    site, referent = await person_store.site_and_referent(session, person)
    return Acted(
        flow,
        _view(flow, after, today, referent is not None),
        help_requested=help_requested,
        handoff=handoff,
        follow_up=follow_up,
        finished=finished,
        contact=contact_of(site, referent),
    )


async def _hand_off(
    session: AsyncSession, person: Person, flow: Flow, asked: HelpRequested, now: datetime
) -> Waiting | Nobody | None:
    """ "Je bloque" and "Non, ça n'a pas marché" alert a human at once (the person can
    change who or cancel); "Je n'y arrive pas" offers one the first time and flags one
    the second time on the same step. None: only offered."""
    reason: HandoffReason
    match asked.reason:
        case engine.Reason.CANNOT:
            step = f"{flow.id}:{asked.step_id}"
            if person.cannot_step != step:
                person.cannot_step = step
                return None
            person.cannot_step, reason = None, HandoffReason.CANNOT
        case engine.Reason.CHECK_FAILED:
            reason = HandoffReason.CHECK_FAILED
        case engine.Reason.STUCK | engine.Reason.MODE:
            reason = HandoffReason.ASKED
    who = HandoffWho.REFERENT if asked.who is engine.Who.REFERENT else None
    return await handoffs.open_for(
        session, person, reason, now, who=who, flow_id=flow.id, step_id=asked.step_id
    )


def ending_of(flow: Flow, step_id: str) -> Ending:
    """How the flow ended at this step; a step gone from a newer version of the flow was
    an ending of an older one, which had no outcomes yet: done, as it was shown then."""
    step = flow.step(step_id)
    return step.ending if step is not None and step.ending is not None else Ending.DONE


async def journey(
    db: SessionFactory, catalog: FlowCatalog, visitor: Visitor, now: datetime
) -> Journey:
    """ "Mon parcours": what the person achieved, and what comes next."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return Journey()
        rows = await progress_store.of_person(session, person.id)
        done_rounds = await rounds.of_person(session, person.id)
        deadlines = await reminder_store.upcoming_deadlines(session, person.id, now.date())
    finished = [
        Finished(flow, done.finished_on, Ending(done.ending))
        for done in done_rounds
        if (flow := catalog.registry.get(done.flow_id)) is not None
    ]
    going: list[InProgress] = []
    steps_done = 0
    for row in rows:
        flow = catalog.registry.get(row.flow_id)
        progress = progress_store.read(row)
        if progress is None:
            continue
        steps_done += len(progress.done)
        if flow is None:
            continue
        if progress.status is Status.FINISHED:
            continue  # its rounds are above
        if (current := _migrated(flow, progress)) is not None:
            number, total = engine.position(flow, current)
            going.append(InProgress(flow, number, total, current.status))
    upcoming: list[Upcoming] = []
    for flow_id, deadline_id, day in deadlines:
        deadline_flow = catalog.registry.get(flow_id)
        rule = (
            next((d for d in deadline_flow.deadlines if d.id == deadline_id), None)
            if deadline_flow
            else None
        )
        if deadline_flow is not None and rule is not None and rule.text is not None:
            upcoming.append(Upcoming(deadline_flow, rule.text, day))
    return Journey(finished, going, steps_done, upcoming[:5])


async def current_view(
    db: SessionFactory,
    visitor: Visitor,
    flow: Flow,
    on_step: str,
    now: datetime,
    default_zone: ZoneInfo,
) -> tuple[StepView, date] | None:
    """The person's current step of `flow` if it is `on_step` (else the button is old),
    and today's date where the person lives (date pickers offer days from it)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        row = await progress_store.find(session, person.id, flow.id) if person else None
        progress = _current(flow, row) if row else None
        if person is None or progress is None or progress.current != on_step:
            return None
        today = now.astimezone(await _zone_of(session, person, default_zone)).date()
        followed = await _followed(session, person)
    return _view(flow, progress, today, followed), today


async def await_typed_date(db: SessionFactory, visitor: Visitor, flow: Flow) -> None:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = encode(AwaitDate(Name(flow.id)))


async def await_nothing(db: SessionFactory, visitor: Visitor) -> None:
    """The date asked for can no longer be answered (its flow was taken out of service)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.awaiting = None


async def _start(
    session: AsyncSession,
    person: Person,
    flow: Flow,
    row: FlowProgress | None,
    now: datetime,
    today: date,
) -> StepView:
    earlier = progress_store.read(row) if row is not None else None
    # A new round or a restart keeps the way chosen before: it is asked once.
    progress = engine.start(flow, today, earlier.mode if earlier is not None else None)
    await _save(session, person, row, progress, now)
    await _funnel(session, flow, progress.current, FunnelEvent.ENTERED, today)
    return _view(flow, progress, today, await _followed(session, person))


async def _zone_of(session: AsyncSession, person: Person, default: ZoneInfo) -> ZoneInfo:
    """The person's site's time zone (overseas sites exist), else the bot's."""
    zone = await site_store.timezone_of(session, person.site_id)
    return ZoneInfo(zone) if zone else default


def _view(flow: Flow, progress: Progress, today: date, followed: bool) -> StepView:
    step = flow.step(progress.current)
    assert step is not None
    number, total = engine.position(flow, progress)
    dates = deadline_rules.named_dates(flow, progress.answers, today)
    return StepView(flow, step, progress, number, total, today, dates, followed)


async def _followed(session: AsyncSession, person: Person) -> bool:
    """Whether someone follows the person (a deactivated referent follows nobody)."""
    _, referent = await person_store.site_and_referent(session, person)
    return referent is not None


def _current(flow: Flow, row: FlowProgress) -> Progress | None:
    """The stored progress, carried over to the flow's version in service (None: gone)."""
    progress = progress_store.read(row)
    return None if progress is None else _migrated(flow, progress)


def _migrated(flow: Flow, progress: Progress) -> Progress | None:
    if progress.flow_version == flow.version:
        return progress
    return engine.migrate(flow, progress)


async def _save(
    session: AsyncSession,
    person: Person,
    row: FlowProgress | None,
    progress: Progress,
    now: datetime,
) -> None:
    await progress_store.save(session, person.id, row, progress, now)
    person.last_seen_at = now


async def _funnel(
    session: AsyncSession, flow: Flow, step_id: str, event: FunnelEvent, today: date
) -> None:
    await funnel.record(session, flow.id, flow.version, step_id, event, today)


async def _schedule_follow_up(
    session: AsyncSession, person: Person, flow: Flow, effect: ScheduleFollowUp, zone: ZoneInfo
) -> None:
    """One follow-up per step and kind: a new one replaces the one not sent yet. Choosing
    the same date again (or undoing and redoing a step) brings the same reminder back."""
    key = follow_up_key(effect.kind, flow.id, effect.step_id)
    when = due_at(effect.due, zone)
    await reminder_store.cancel_unsent(session, person.id, f"{key}:", when)
    dated = f"{key}:{effect.due.isoformat()}"
    existing = await reminder_store.find_by_key(session, person.id, dated)
    if existing is not None:
        existing.cancelled_at, existing.sent_at, existing.due_at = None, None, when
        return
    await reminder_store.add(
        session,
        person_id=person.id,
        key=dated,
        kind=ReminderKind(effect.kind.value),
        flow_id=flow.id,
        step_id=effect.step_id,
        due_at=when,
    )


def follow_up_key(kind: FollowUp, flow_id: str, step_id: str) -> str:
    """What a step's follow-up reminders are filed under (then `:<date>`)."""
    return f"{kind.value}:{flow_id}:{step_id}"


async def _reschedule_deadlines(
    session: AsyncSession,
    person: Person,
    flow: Flow,
    progress: Progress,
    today: date,
    zone: ZoneInfo,
) -> None:
    """A new date answer replaces the flow's future deadline reminders."""
    await reminder_store.cancel_deadlines(session, person.id, flow.id, due_at(today, zone))
    for reminder in deadline_rules.reminder_dates(flow, progress.answers, today):
        when = f"{reminder.deadline_date}:{reminder.remind_on}"
        key = f"deadline:{flow.id}:{reminder.deadline_id}:{when}"
        existing = await reminder_store.find_by_key(session, person.id, key)
        if existing is not None:
            existing.cancelled_at = None if existing.sent_at is None else existing.cancelled_at
            continue
        await reminder_store.add(
            session,
            person_id=person.id,
            key=key,
            kind=ReminderKind.DEADLINE,
            flow_id=flow.id,
            deadline_id=reminder.deadline_id,
            deadline_on=reminder.deadline_date,
            due_at=due_at(reminder.remind_on, zone),
        )
