"""The waiting list: a person whose meeting is more than a week away may ask to come
earlier. A freed time is offered to one of them at a time, in the order they joined, and
kept for them for two hours (`core.meetings.HOLD_FOR`); then it goes to the next. At most
three offers a person, one a day (`core.meetings.may_be_offered`).

The freeing side lives with cancelling and moving (`services.meetings.offer_freed`); here
are the person's answers and the scheduled release of holds nobody answered.
"""

from __future__ import annotations

from datetime import datetime

from core.meetings import MeetingStatus, cells
from core.notices import MeetingBooked, ToStaff
from services import outbox
from services.booking import (
    REMINDER_KINDS,
    Booked,
    Freed,
    MeetingView,
    NoBooking,
    meeting_facts,
    meeting_view,
    offer_freed,
    plan_reminders,
    release_hold,
)
from services.onboarding import Visitor
from storage import meetings as meeting_store
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import WaitingEntry


async def join(
    db: SessionFactory, visitor: Visitor, meeting_id: int, on: bool, now: datetime
) -> MeetingView | NoBooking:
    """On (or off) the waiting list for an earlier time than this meeting."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        meeting = await meeting_store.get_meeting(session, meeting_id)
        if person is None or meeting is None or meeting.person_id != person.id:
            return NoBooking.GONE
        entry = await meeting_store.waiting_of(session, meeting.id)
        view = await meeting_view(session, meeting, now)
        if on and entry is None and view.may_wait:
            session.add(
                WaitingEntry(meeting_id=meeting.id, person_id=person.id, joined_at=now, offers=0)
            )
        elif not on and entry is not None:
            await release_hold(session, entry, now)
            await session.delete(entry)
        await session.flush()
        return await meeting_view(session, meeting, now)


async def take_earlier(
    db: SessionFactory, visitor: Visitor, entry_id: int, now: datetime
) -> Booked | NoBooking:
    """The held time becomes the meeting's (moved: a new calendar file, new reminders,
    the staff member told); the time it leaves goes to the next person waiting."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        entry = await meeting_store.get_waiting(session, entry_id)
        if person is None or entry is None or entry.person_id != person.id:
            return NoBooking.GONE
        hold = await meeting_store.get_meeting(session, entry.hold_id) if entry.hold_id else None
        meeting = await meeting_store.get_meeting(session, entry.meeting_id)
        held = entry.hold_until is not None and now < entry.hold_until
        if hold is None or meeting is None or not held or hold.status != MeetingStatus.HOLD:
            return NoBooking.GONE
        freed = Freed.of(meeting)
        await meeting_store.free_cells(session, hold.id)
        if not await meeting_store.move_cells(
            session, meeting, hold.staff_id or 0, cells(hold.starts_at, hold.ends_at)
        ):
            return NoBooking.GONE
        await meeting_store.drop_pending_messages(session, meeting.id, REMINDER_KINDS)
        meeting.starts_at, meeting.ends_at = hold.starts_at, hold.ends_at
        meeting.place_id, meeting.place_label, meeting.mode = (
            hold.place_id,
            hold.place_label,
            hold.mode,
        )
        meeting.timezone, meeting.sequence, meeting.updated_at = (
            hold.timezone,
            meeting.sequence + 1,
            now,
        )
        await session.delete(entry)
        await session.delete(hold)
        await session.flush()
        await plan_reminders(session, meeting, person, now)
        if meeting.staff_id is not None:
            facts = await meeting_facts(session, meeting, person)
            await outbox.queue(
                session, [MeetingBooked(ToStaff(meeting.staff_id), facts, True)], now
            )
        await offer_freed(session, freed, now)
        return Booked(await meeting_view(session, meeting, now), moved=True)


async def skip_earlier(
    db: SessionFactory, visitor: Visitor, entry_id: int, now: datetime
) -> MeetingView | NoBooking:
    """No thanks: the person keeps their time (and their place on the list); the held
    time goes to the next person at once."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        entry = await meeting_store.get_waiting(session, entry_id)
        if person is None or entry is None or entry.person_id != person.id:
            return NoBooking.GONE
        await release_hold(session, entry, now)
        meeting = await meeting_store.get_meeting(session, entry.meeting_id)
        if meeting is None:
            return NoBooking.GONE
        return await meeting_view(session, meeting, now)


async def release_ended_holds(db: SessionFactory, now: datetime) -> int:
    """Scheduled: holds nobody answered in time go to the next person. Returns how many."""
    async with db.begin() as session:
        ended = await meeting_store.holds_ended(session, now)
        for entry in ended:
            await release_hold(session, entry, now)
        return len(ended)
