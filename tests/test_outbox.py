"""The outbox's contract, on SQLite and PostgreSQL: a queued message is claimed by one
sender at a time, its result recorded once, failures retried then parked, and a message
whose reason has gone is dropped instead of sent."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from core.delivery import BACKOFF, MAX_ATTEMPTS, Failure, GiveUp, Park, RetryAt, after_failure
from core.notices import (
    PersonUnreachable,
    RetentionErased,
    SharingEnds,
    ToFormerPerson,
    ToPerson,
    ToStaff,
)
from flows.engine import PendingCheck, Progress, progress_to_data
from flows.engine import Status as ProgressStatus
from services import outbox
from services.outbox import LEASE, DueReminder, Failed, Sent
from storage import persons as person_store
from storage import staff as staff_store
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from storage.models import FlowProgress, OutboxMessage, Person, Reminder
from storage.outbox import Status
from storage.reminders import ReminderKind

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def a_person(db: SessionFactory, telegram_id: int, referent_id: int | None = None) -> int:
    async with db.begin() as session:
        person = await person_store.add_person(session, telegram_id, "fr", "ready", NOW)
        person.referent_id = referent_id
        return person.id


async def a_referent(db: SessionFactory, telegram_id: int) -> int:
    async with db.begin() as session:
        return (await staff_store.add_staff(session, telegram_id, "Marie", "fr", NOW)).id


async def queued(db: SessionFactory, *notices: object) -> None:
    async with db.begin() as session:
        await outbox.queue(session, notices, NOW)  # type: ignore[arg-type]


async def statuses(db: SessionFactory) -> list[tuple[str, int]]:
    async with db.begin() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.status, row.attempts) for row in rows]


async def test_a_message_is_claimed_once_and_its_result_recorded(db: SessionFactory) -> None:
    person = await a_person(db, 501)
    await queued(db, SharingEnds(ToPerson(person)))

    (delivery,) = await outbox.claim(db, NOW)
    assert delivery.chat_id == 501 and delivery.language == "fr"
    assert delivery.message == SharingEnds(ToPerson(person))
    assert await outbox.claim(db, NOW) == [], "a claimed message is nobody else's"

    await outbox.record(db, [Sent(delivery, 77)], NOW)
    assert await statuses(db) == [(Status.SENT, 1)]
    assert await outbox.claim(db, NOW + LEASE * 2) == [], "sent once, never again"


async def test_a_sender_that_died_leaves_the_message_to_another_after_its_lease(
    db: SessionFactory,
) -> None:
    """At least once: the crash window between Telegram's answer and the stored result."""
    person = await a_person(db, 502)
    await queued(db, SharingEnds(ToPerson(person)))
    (first,) = await outbox.claim(db, NOW)  # … and the process is killed here
    assert await outbox.claim(db, NOW + LEASE - timedelta(seconds=1)) == []
    (again,) = await outbox.claim(db, NOW + LEASE + timedelta(seconds=1))
    assert again.id == first.id


async def test_network_failures_are_retried_with_backoff_then_parked(db: SessionFactory) -> None:
    person = await a_person(db, 503)
    await queued(db, SharingEnds(ToPerson(person)))
    at = NOW
    for attempt in range(1, MAX_ATTEMPTS + 1):
        (delivery,) = await outbox.claim(db, at)
        await outbox.record(db, [Failed(delivery, Failure.NETWORK)], at)
        if attempt < MAX_ATTEMPTS:
            delay = BACKOFF[min(attempt, len(BACKOFF)) - 1]
            assert await outbox.claim(db, at + delay - timedelta(seconds=1)) == [], attempt
            at += delay
    assert await statuses(db) == [(Status.PARKED, MAX_ATTEMPTS)]
    assert await outbox.claim(db, at + timedelta(days=1)) == [], "parked: not retried by itself"


async def test_flood_control_is_waited_out_as_telegram_asks(db: SessionFactory) -> None:
    person = await a_person(db, 504)
    await queued(db, SharingEnds(ToPerson(person)))
    (delivery,) = await outbox.claim(db, NOW)
    await outbox.record(db, [Failed(delivery, Failure.FLOOD, 42)], NOW)
    assert await outbox.claim(db, NOW + timedelta(seconds=41)) == []
    assert len(await outbox.claim(db, NOW + timedelta(seconds=42))) == 1


async def test_a_person_who_blocked_the_bot_is_unreachable_and_their_referent_told_once(
    db: SessionFactory,
) -> None:
    referent = await a_referent(db, 601)
    person = await a_person(db, 505, referent_id=referent)
    await queued(db, SharingEnds(ToPerson(person)), SharingEnds(ToPerson(person)))
    first, second = await outbox.claim(db, NOW)
    await outbox.record(db, [Failed(first, Failure.BLOCKED)], NOW)
    await outbox.record(db, [Failed(second, Failure.BLOCKED)], NOW)

    (told,) = await outbox.claim(db, NOW)
    assert told.chat_id == 601 and told.message == PersonUnreachable(ToStaff(referent), person)
    async with db.begin() as session:
        row = await session.get(Person, person)
        assert row is not None and row.unreachable_at == NOW
    assert [status for status, _ in await statuses(db)][:2] == [Status.FAILED, Status.FAILED]


async def test_a_message_whose_reason_has_gone_is_dropped_not_sent(db: SessionFactory) -> None:
    referent = await a_referent(db, 602)
    person = await a_person(db, 506, referent_id=referent)
    async with db.begin() as session:
        cancelled = Reminder(
            person_id=person, key="later:x", kind="later", flow_id="demande-rsa", due_at=NOW
        )
        past = Reminder(
            person_id=person,
            key="deadline:x",
            kind="deadline",
            flow_id="demande-rsa",
            deadline_id="d",
            deadline_on=date(2026, 11, 30),
            due_at=NOW,
        )
        kept = Reminder(
            person_id=person, key="check:x", kind="check", flow_id="f", step_id="s", due_at=NOW
        )
        answered = Reminder(
            person_id=person, key="check:y", kind="check", flow_id="f", step_id="t", due_at=NOW
        )
        session.add_all([cancelled, past, kept, answered, _waiting_for_check(person, "f", "s")])
        await session.flush()
        reminders = [(person, r.id) for r in (cancelled, past, kept, answered)]
        await outbox.queue_reminders(session, reminders, NOW)
        cancelled.cancelled_at = NOW
    await queued(db, PersonUnreachable(ToStaff(referent), person))
    async with db.begin() as session:
        member = await staff_store.get_staff(session, referent)
        assert member is not None
        member.deactivated_at = NOW

    (delivery,) = await outbox.claim(db, NOW)
    assert delivery.message == DueReminder(ReminderKind.CHECK, "f", "s", None, None)
    assert [status for status, _ in await statuses(db)] == [
        Status.DROPPED,  # its reminder was cancelled
        Status.DROPPED,  # the date it announces is past
        Status.SENDING,
        Status.DROPPED,  # "did it work?" about a step whose answer was given since
        Status.DROPPED,  # no longer staff
    ]


def _waiting_for_check(person_id: int, flow_id: str, step_id: str) -> FlowProgress:
    """The person's progress in a flow, with "did it work?" pending on one step."""
    progress = Progress(
        flow_id=flow_id,
        flow_version=1,
        current=step_id,
        history=(),
        done=((step_id, NOW.date()),),
        answers={},
        ticked=frozenset(),
        mode=None,
        status=ProgressStatus.WAITING_CHECK,
        pending_checks=(PendingCheck(step_id, NOW.date()),),
        started_on=NOW.date(),
        updated_on=NOW.date(),
    )
    return FlowProgress(
        person_id=person_id,
        flow_id=flow_id,
        flow_version=1,
        status=progress.status.value,
        state=json.dumps(progress_to_data(progress)),
        started_at=NOW,
        updated_at=NOW,
    )


async def test_erasure_takes_the_persons_messages_but_the_goodbye_which_keeps_no_address(
    db: SessionFactory,
) -> None:
    person = await a_person(db, 507)
    await queued(db, SharingEnds(ToPerson(person)))
    async with db.begin() as session:
        await person_store.delete_person(session, person)
        await outbox.queue(session, [RetentionErased(ToFormerPerson(507, "uk"))], NOW)
    (goodbye,) = await outbox.claim(db, NOW)
    assert goodbye.chat_id == 507 and goodbye.language == "uk"
    await outbox.record(db, [Sent(goodbye, 9)], NOW)
    async with db.begin() as session:
        rows = list(await session.scalars(select(OutboxMessage)))
    assert len(rows) == 1 and rows[0].chat_id is None and rows[0].status == Status.SENT


def test_what_to_do_after_a_failure() -> None:
    assert after_failure(Failure.BLOCKED, 1, NOW) == GiveUp()
    assert after_failure(Failure.REJECTED, 1, NOW) == GiveUp()
    assert after_failure(Failure.NETWORK, 1, NOW) == RetryAt(NOW + BACKOFF[0])
    assert after_failure(Failure.SERVER, 9, NOW) == Park()
    assert after_failure(Failure.FLOOD, 1, NOW, retry_after=3) == RetryAt(
        NOW + timedelta(seconds=3)
    )
    assert after_failure(Failure.FLOOD, 1, NOW, retry_after=10**7) == RetryAt(
        NOW + timedelta(hours=1)
    ), "a wild retry_after is capped"


async def test_a_sender_whose_claim_ended_does_not_overwrite_another_senders_result(
    db: SessionFactory,
) -> None:
    person = await a_person(db, 508)
    await queued(db, SharingEnds(ToPerson(person)))
    (slow,) = await outbox.claim(db, NOW)  # a sender stuck past its lease …
    later = NOW + LEASE + timedelta(seconds=1)
    (quick,) = await outbox.claim(db, later)  # … another takes the message and sends it
    await outbox.record(db, [Sent(quick, 10)], later)
    await outbox.record(db, [Failed(slow, Failure.NETWORK)], later)  # the stuck one's late result
    assert await statuses(db) == [(Status.SENT, 1)], "not set back to pending, not resent"
    assert not slow.may_send(NOW + LEASE), "a claim about to end is not used to send"


async def test_a_goodbye_that_cannot_be_delivered_keeps_no_address(db: SessionFactory) -> None:
    await queued(db, RetentionErased(ToFormerPerson(509, "fr")))
    (goodbye,) = await outbox.claim(db, NOW)
    await outbox.record(db, [Failed(goodbye, Failure.BLOCKED)], NOW)
    async with db.begin() as session:
        row = (await session.scalars(select(OutboxMessage))).one()
    assert row.status == Status.FAILED and row.chat_id is None and row.language is None


def test_a_follow_up_is_useful_only_while_its_step_waits_for_it() -> None:
    from dataclasses import replace

    waiting = Progress(
        flow_id="f",
        flow_version=1,
        current="b",
        history=("a",),
        done=(),
        answers={},
        ticked=frozenset(),
        mode=None,
        status=ProgressStatus.ACTIVE,
        pending_checks=(PendingCheck("a", date(2026, 12, 3)),),
        started_on=date(2026, 11, 25),
        updated_on=date(2026, 11, 25),
    )
    done = replace(waiting, done=(("a", date(2026, 11, 26)),), pending_checks=())
    finished = replace(waiting, status=ProgressStatus.FINISHED)
    assert outbox.still_useful(ReminderKind.LATER, "a", waiting)
    assert not outbox.still_useful(ReminderKind.LATER, "a", done)
    assert not outbox.still_useful(ReminderKind.LATER, "a", finished)
    assert not outbox.still_useful(ReminderKind.LATER, "a", None), "the procedure erased"
    assert outbox.still_useful(ReminderKind.CHECK, "a", waiting)
    assert not outbox.still_useful(ReminderKind.CHECK, "a", done), "answered since"
    assert outbox.still_useful(ReminderKind.DEADLINE, None, None)
