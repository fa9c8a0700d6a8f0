"""The outbox: every message the bot initiates is a row written with the change that
causes it, then delivered by the sender (`handlers/notify.py`), which records each result.

Delivery is at least once: a sender that dies after Telegram accepted a message and before
its result is stored leaves the row claimed; when the claim's lease ends, another try
sends it again (see docs/reliability.md). Everything else is exactly once: a row is
claimed by one sender at a time, and its result is stored in one transaction.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.delivery import Failure, GiveUp, Park, RetryAt, after_failure
from core.handoffs import Status as HandoffStatus
from core.meetings import MeetingStatus, NotifyLevel, reminder_still_due, staff_wants
from core.notices import (
    BookingInvitation,
    HandoffAlert,
    HandoffClaimed,
    InvitationUnused,
    MeetingReminder,
    Notice,
    PersonUnreachable,
    Recipient,
    Relayed,
    ToFormerPerson,
    ToPerson,
    ToStaff,
    ToTeam,
    discreetly,
    from_payload,
    meeting_of,
    to_payload,
    waits_for_staff,
)
from core.relay import RelayCopy
from core.reminders import outdated
from flows.engine import Progress
from flows.engine import Status as ProgressStatus
from storage import handoffs as handoff_store
from storage import meetings as meeting_store
from storage import outbox as outbox_store
from storage import persons as person_store
from storage import progress as progress_store
from storage import reminders as reminder_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import OutboxMessage, Person
from storage.outbox import REMINDER, Status
from storage.reminders import ReminderKind

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)  # a claimed message not settled by then is tried again
BATCH = 30  # about one second of Telegram's budget
SEND_MARGIN = timedelta(seconds=30)  # a claim this close to its end is left, not sent
KEEP_SETTLED = timedelta(days=30)  # delivery records are kept this long, then forgotten

UTC_ZONE = ZoneInfo("UTC")  # a recipient without a site


@dataclass(frozen=True)
class DueReminder:
    """A reminder to render at send time, from the flow as it is then."""

    kind: ReminderKind
    flow_id: str
    step_id: str | None
    deadline_id: str | None
    deadline_on: date | None


@dataclass(frozen=True)
class Topic:
    """Where in the team group: the hand-off's topic (None: not made yet) and the name to
    give it when it must be made (first message, or deleted by mistake)."""

    handoff_id: int
    thread_id: int | None
    name: str


@dataclass(frozen=True)
class Delivery:
    """One claimed message, with its recipient's address and language as they are now."""

    id: int
    chat_id: int
    language: str
    zone: ZoneInfo | None  # the recipient's site's zone, if any
    message: Notice | DueReminder | RelayCopy
    lease: datetime  # the claim: results are recorded only while it holds
    topic: Topic | None = None  # to the team group: the hand-off's topic

    def may_send(self, now: datetime) -> bool:
        """Not when the claim is about to end: another sender may take it then."""
        return now < self.lease - SEND_MARGIN


async def queue(
    session: AsyncSession,
    notices: Iterable[Notice],
    now: datetime,
    at: datetime | None = None,
    handoff_id: int | None = None,
) -> None:
    """Write notices to the outbox, inside the caller's transaction; sent from `at` (a
    meeting's reminder) or as soon as possible. A notice about a meeting names it in its
    row: the meeting's message log, and what its cancellation drops; one about a hand-off
    names it too (an alert is not sent once claimed)."""
    for notice in notices:
        kind, data = to_payload(notice)
        payload = json.dumps(data, ensure_ascii=False, sort_keys=True)
        about = meeting_of(notice)
        team = notice.to.handoff_id if isinstance(notice.to, ToTeam) else None
        await outbox_store.add(
            session,
            now,
            kind=kind,
            payload=payload,
            meeting_id=about.meeting_id if about and about.meeting_id else None,
            handoff_id=handoff_id or team,
            next_attempt_at=at or now,
            **_columns(notice.to),
        )


async def release_claims(db: SessionFactory) -> int:
    """When the only sender starts (SQLite: the one process; the job queue: the one
    `send_outbox` job at a time), what a dead one had claimed is sent now rather than when
    its lease ends: a message Telegram had taken just before that sender died goes twice
    (docs/reliability.md), none is late."""
    async with db.begin() as session:
        return await outbox_store.release_claims(session)


async def queue_reminders(
    session: AsyncSession, reminders: list[tuple[int, int]], now: datetime
) -> None:
    """Due reminders, as (person id, reminder id): rendered when they are sent."""
    await outbox_store.add_reminders(session, reminders, now)


def _columns(to: Recipient) -> dict[str, object]:
    """Where a recipient is kept in a row (`_recipient` reads it back)."""
    match to:
        case ToPerson(person_id=person_id):
            return {"person_id": person_id}
        case ToStaff(staff_id=staff_id):
            return {"staff_id": staff_id}
        case ToFormerPerson(telegram_user_id=chat_id, language=language):
            return {"chat_id": chat_id, "language": language}
        case ToTeam():
            return {}  # the row's hand-off names the site, hence its group and topic


async def claim(db: SessionFactory, now: datetime, limit: int = BATCH) -> list[Delivery]:
    """Messages to send now. One whose reason has gone (a cancelled reminder, a deadline
    passed, a recipient erased or no longer staff) is dropped here, not sent."""
    async with db.begin() as session:
        deliveries = []
        rows = await outbox_store.claim(session, now, now + LEASE, limit)
        progress = await _prefetch(session, rows)
        for row in rows:
            delivery = await _delivery(session, row, now, now + LEASE, progress)
            if delivery is None:
                _settle(row, Status.DROPPED)
            else:
                deliveries.append(delivery)
        return deliveries


@dataclass(frozen=True)
class Sent:
    delivery: Delivery
    telegram_message_id: int
    thread_id: int | None = None  # the topic it went to (made, or made again)


@dataclass(frozen=True)
class Failed:
    delivery: Delivery
    failure: Failure
    retry_after: float | None = None  # seconds Telegram asked to wait


Result = Sent | Failed


Progresses = dict[tuple[int, str], Progress]  # (person id, flow id): where they stand


async def _prefetch(session: AsyncSession, rows: list[OutboxMessage]) -> Progresses:
    """Load the batch's persons, their sites, reminders and procedures in four queries:
    reading each message's own (`session.get`) then finds them in the session instead of
    asking the database 120 times for a batch of 30 while people wait for their answers."""
    person_ids = [r.person_id for r in rows if r.person_id]
    persons = await person_store.with_ids(session, person_ids)
    await site_store.with_ids(session, {p.site_id for p in persons if p.site_id is not None})
    await reminder_store.with_ids(session, [r.reminder_id for r in rows if r.reminder_id])
    reminded = [r.person_id for r in rows if r.person_id and r.kind == REMINDER]
    found: Progresses = {}
    for row in await progress_store.of_persons(session, reminded):
        if (progress := progress_store.read(row)) is not None:
            found[row.person_id, row.flow_id] = progress
    return found


async def record(db: SessionFactory, results: list[Result], now: datetime) -> None:
    """Several results in one transaction (the sender's group commit, `handlers/notify`)."""
    async with db.begin() as session:
        for result in results:
            match result:
                case Sent(delivery=delivery, telegram_message_id=message_id, thread_id=thread):
                    await _sent(session, delivery, message_id, now, thread)
                case Failed(delivery=delivery, failure=failure, retry_after=wait):
                    await _failed(session, delivery, failure, now, wait)


class GroupCommit:
    """Results recorded as they come, in one transaction for all those that arrived while
    the previous one was being written. The window in which a stopped process forgets
    that Telegram took a message, and sends it again once its claim's lease ends, stays
    about one commit long, while a wave of 30 messages a second costs a handful of
    transactions a second instead of 30 (the database is the conversations' too)."""

    def __init__(self, db: SessionFactory, clock: Callable[[], datetime]) -> None:
        self._db, self._clock = db, clock
        self._pending: list[Result] = []
        self._writer: asyncio.Task[None] | None = None
        self.sent = 0

    def add(self, result: Result) -> None:
        self._pending.append(result)
        self.sent += isinstance(result, Sent)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write())

    async def written(self) -> None:
        while self._writer is not None and not self._writer.done():
            await self._writer

    async def _write(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await record(self._db, batch, self._clock())
            except Exception:
                log.exception("%s delivery results not recorded; sent again later", len(batch))


async def _sent(
    session: AsyncSession,
    delivery: Delivery,
    telegram_message_id: int,
    now: datetime,
    thread_id: int | None = None,
) -> None:
    row = await _held(session, delivery)
    if row is None:
        return
    _settle(row, Status.SENT)
    row.sent_at, row.attempts = now, row.attempts + 1
    row.telegram_message_id = telegram_message_id
    message = delivery.message
    if isinstance(message, RelayCopy) and message.edit_of is None:
        await handoff_store.set_copy_id(session, message.relayed_id, telegram_message_id)
    topic = delivery.topic
    if topic is not None and thread_id is not None and thread_id != topic.thread_id:
        await handoff_store.set_topic(session, topic.handoff_id, thread_id)


def _settle(row: OutboxMessage, status: Status) -> None:
    """A final status: the claim ends, and an erased person's address is not kept."""
    row.status, row.claimed_until = status.value, None
    row.chat_id = row.language = None


async def _held(session: AsyncSession, delivery: Delivery) -> OutboxMessage | None:
    """The message, if this sender's claim still holds (else another sender has it)."""
    row = await outbox_store.get(session, delivery.id)
    if row is None or row.status != Status.SENDING or row.claimed_until != delivery.lease:
        log.warning("outbox message %s: claim lost; its result is not recorded", delivery.id)
        return None
    return row


async def _failed(
    session: AsyncSession,
    delivery: Delivery,
    failure: Failure,
    now: datetime,
    retry_after: float | None,
) -> None:
    """Record a failed try and decide: retry later, park, or give up. A person who blocked
    the bot is marked unreachable, and their referent is told (once)."""
    row = await _held(session, delivery)
    if row is None:
        return
    row.attempts += 1
    row.last_error = failure.value
    match after_failure(failure, row.attempts, now, retry_after):
        case RetryAt(at=at):
            row.status, row.next_attempt_at = Status.PENDING.value, at
            row.claimed_until = None
        case Park():
            _settle(row, Status.PARKED)
        case GiveUp():
            _settle(row, Status.FAILED)
    if failure is Failure.BLOCKED and row.person_id is not None:
        await _unreachable(session, row.person_id, now)
    if failure is Failure.BLOCKED and row.handoff_id and isinstance(delivery.message, HandoffAlert):
        await _alert_bounced(session, row.handoff_id, now)


async def _alert_bounced(session: AsyncSession, handoff_id: int, now: datetime) -> None:
    """An alert to a staff member who blocked the bot: the next in the chain now."""
    from services.handoffs import alert_unreachable  # the hand-offs queue through here

    await alert_unreachable(session, handoff_id, now)


async def _unreachable(session: AsyncSession, person_id: int, now: datetime) -> None:
    person = await person_store.get_person(session, person_id)
    if person is not None:
        await mark_unreachable(session, person, now)


async def mark_unreachable(session: AsyncSession, person: Person, now: datetime) -> None:
    """The person blocked the bot (a refused message, or Telegram's `my_chat_member`,
    whichever comes first): marked so, and their referent told, once."""
    if person.unreachable_at is not None:
        return
    person.unreachable_at = now
    if person.referent_id is not None:
        await queue(session, [PersonUnreachable(ToStaff(person.referent_id), person.id)], now)


async def _delivery(
    session: AsyncSession, row: OutboxMessage, now: datetime, lease: datetime, progress: Progresses
) -> Delivery | None:
    address = await _address(session, row)
    if address is None:
        return None
    chat_id, language, zone = address.chat_id, address.language, address.zone
    message: Notice | DueReminder | RelayCopy | None
    if row.kind == REMINDER:
        message = await _due_reminder(session, row, now, zone, progress)
    elif row.kind == Relayed.__name__:
        message = await _relay_copy(session, row, chat_id, language)
    else:
        message = from_payload(
            row.kind, json.loads(row.payload), _recipient(row, chat_id, language)
        )
        message = discreetly(message, address.discreet) if message is not None else None
        if message is not None and not _staff_wants(address, message, now):
            return None
    if message is None:
        return None
    if isinstance(message, MeetingReminder) and not await _meeting_still_due(session, message, now):
        return None
    if await _invitation_answered(session, message):
        return None
    if not await _still_wanted(session, message):
        return None
    return Delivery(row.id, chat_id, language, zone, message, lease, address.topic)


async def _relay_copy(
    session: AsyncSession, row: OutboxMessage, chat_id: int, language: str
) -> RelayCopy | None:
    from services.relay import copy_of  # the relay queues through here

    notice = from_payload(row.kind, json.loads(row.payload), _recipient(row, chat_id, language))
    if not isinstance(notice, Relayed):
        return None
    return await copy_of(session, row, notice, chat_id)


async def _still_wanted(session: AsyncSession, message: Notice | DueReminder | RelayCopy) -> bool:
    """A staff member's alert is pointless once someone claimed the hand-off, or it was
    closed (the card in the team's topic stays: it opens the conversation there); "X
    answers you here" once it was closed again."""
    match message:
        case HandoffAlert(to=ToStaff(), handoff_id=handoff_id):
            wanted = HandoffStatus.OPEN
        case HandoffClaimed(handoff_id=handoff_id):
            wanted = HandoffStatus.HELD
        case _:
            return True
    handoff = await handoff_store.get(session, handoff_id)
    return handoff is not None and handoff.status == wanted


async def _invitation_answered(
    session: AsyncSession, message: Notice | DueReminder | RelayCopy
) -> bool:
    """An invitation's follow-ups are pointless once the person booked a meeting."""
    match message:
        case BookingInvitation(to=ToPerson(person_id=person_id), since=since, follow_up=True):
            return await meeting_store.created_since(
                session, person_id, datetime.fromisoformat(since)
            )
        case InvitationUnused(person_id=person_id, since=since):
            return await meeting_store.created_since(
                session, person_id, datetime.fromisoformat(since)
            )
        case _:
            return False


async def _meeting_still_due(
    session: AsyncSession, message: MeetingReminder, now: datetime
) -> bool:
    """A meeting's reminder, re-checked just before it goes: the meeting stands, at the
    announced time, and has not started."""
    meeting = await meeting_store.get_meeting(session, message.meeting.meeting_id)
    if meeting is None:
        return False
    announced = datetime.fromisoformat(message.meeting.starts_at)
    return reminder_still_due(MeetingStatus(meeting.status), meeting.starts_at, announced, now)


def _recipient(row: OutboxMessage, chat_id: int, language: str) -> Recipient:
    if row.person_id is not None:
        return ToPerson(row.person_id)
    if row.staff_id is not None:
        return ToStaff(row.staff_id)
    if row.chat_id is None and row.handoff_id is not None:
        return ToTeam(row.handoff_id)
    return ToFormerPerson(chat_id, language)


@dataclass(frozen=True)
class _Address:
    """Where a message goes and how it is said: the language, the zone, the person's
    discreet mode, the staff member's notification level."""

    chat_id: int
    language: str
    zone: ZoneInfo | None
    discreet: bool = False
    level: NotifyLevel = NotifyLevel.ALL
    topic: Topic | None = None


async def _address(session: AsyncSession, row: OutboxMessage) -> _Address | None:
    if row.person_id is not None:
        person = await person_store.get_person(session, row.person_id)
        if person is None:
            return None
        zone = await site_store.timezone_of(session, person.site_id)
        where = ZoneInfo(zone) if zone else None
        return _Address(person.telegram_user_id, person.language, where, person.discreet)
    if row.staff_id is not None:
        member = await staff_store.get_staff(session, row.staff_id)
        if member is None or member.deactivated_at is not None:
            return None
        level = NotifyLevel(member.notify_level)
        return _Address(member.telegram_user_id, member.language, None, level=level)
    if row.chat_id is not None and row.language is not None:
        return _Address(row.chat_id, row.language, None)
    if row.handoff_id is not None:
        return await _team_address(session, row.handoff_id)
    return None


TEAM_LANGUAGE = "fr"  # the team group is shared: its messages are in the source language


async def _team_address(session: AsyncSession, handoff_id: int) -> _Address | None:
    """The hand-off's topic in its site's team group, if the site linked one."""
    handoff = await handoff_store.get(session, handoff_id)
    site = (
        await site_store.get_site(session, handoff.site_id) if handoff and handoff.site_id else None
    )
    if handoff is None or site is None or site.team_chat_id is None:
        return None
    person = await person_store.get_person(session, handoff.person_id)
    name = person.referent_note if person and person.referent_note else f"n°{handoff.person_id}"
    topic = Topic(handoff.id, handoff.topic_id, f"🙋 {name} · {handoff.id}")
    return _Address(site.team_chat_id, TEAM_LANGUAGE, ZoneInfo(site.timezone), topic=topic)


def _staff_wants(address: _Address, message: Notice, now: datetime) -> bool:
    """A staff member's notification level, applied to messages about meetings."""
    facts = meeting_of(message)
    if facts is None:
        return True
    start = datetime.fromisoformat(facts.starts_at)
    return staff_wants(address.level, waits_for_staff(message), start, now, ZoneInfo(facts.zone))


async def _due_reminder(
    session: AsyncSession,
    row: OutboxMessage,
    now: datetime,
    zone: ZoneInfo | None,
    progress: Progresses,
) -> DueReminder | None:
    """The reminder, if it still makes sense just before it is sent: not cancelled, not
    about a date already past, not "remind me later" of a step done since, not "did it
    work?" about a step whose answer was given since."""
    reminder = await reminder_store.get(session, row.reminder_id) if row.reminder_id else None
    if reminder is None or reminder.cancelled_at is not None:
        return None
    if outdated(reminder.deadline_on, now, zone or UTC_ZONE):
        return None  # never a reminder of a date already past (queued, then held up)
    where = progress.get((reminder.person_id, reminder.flow_id))
    if not still_useful(ReminderKind(reminder.kind), reminder.step_id, where):
        return None
    return DueReminder(
        ReminderKind(reminder.kind),
        reminder.flow_id,
        reminder.step_id,
        reminder.deadline_id,
        reminder.deadline_on,
    )


def still_useful(kind: ReminderKind, step_id: str | None, progress: Progress | None) -> bool:
    """A step's follow-up is pointless once the step is done (later) or its result was
    told (check); a deadline stands whatever the person's progress."""
    match kind:
        case ReminderKind.DEADLINE:
            return True
        case ReminderKind.LATER:
            return (
                progress is not None
                and progress.status is not ProgressStatus.FINISHED
                and all(done != step_id for done, _ in progress.done)
            )
        case ReminderKind.CHECK:
            return progress is not None and any(
                check.step_id == step_id for check in progress.pending_checks
            )


async def forget_settled(session: AsyncSession, now: datetime) -> None:
    """Delivery records older than `KEEP_SETTLED` (sent, failed, parked, dropped) go."""
    await outbox_store.forget_settled_before(session, now - KEEP_SETTLED)
