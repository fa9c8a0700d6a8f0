"""The person's side of meetings: booking, moving, cancelling, answering a reminder,
discreet mode and Telegram calls (📅 Rendez-vous, /rdv).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from core.meetings import (
    CancelledBy,
    MeetingStatus,
    ReminderAnswer,
    may_cancel,
)
from core.notices import (
    MeetingCancelled,
    ToStaff,
)
from services import outbox
from services.booking import (
    Booked,
    BookOutcome,
    Cancelled,
    CancelOutcome,
    KindChoice,
    MeetingView,
    NoBooking,
    PlaceChoice,
    Proposal,
    Taken,
    TooLate,
    bookable_kinds,
    cancel_meeting,
    free_times,
    kind_choice,
    kind_for,
    kind_of,
    latest_meeting,
    meeting_facts,
    meeting_view,
    own_meeting,
    places_for_kind,
    still_free,
    take_slot,
    tell_staff,
)
from services.onboarding import Visitor
from storage import meetings as meeting_store
from storage import persons as person_store
from storage import sites as site_store
from storage.db import SessionFactory


@dataclass(frozen=True)
class Booking:
    """The person's meetings page: what is booked, what they may book, discreet or not."""

    upcoming: tuple[MeetingView, ...]
    kinds: tuple[KindChoice, ...]
    discreet: bool
    workshops: int = 0  # upcoming collective workshops of the site


async def booking(db: SessionFactory, visitor: Visitor, now: datetime) -> Booking | NoBooking:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.site_id is None:
            return NoBooking.NO_SITE
        upcoming = await meeting_store.upcoming_of_person(session, person.id, now)
        views = tuple([await meeting_view(session, m, now) for m in upcoming])
        kinds = tuple(kind_choice(k) for k in await bookable_kinds(session, person))
        workshops = len(await meeting_store.upcoming_workshops(session, person.site_id, now))
        if not kinds and not views and not workshops:
            return NoBooking.NOTHING_OFFERED
        return Booking(views, kinds, person.discreet, workshops)


async def set_discreet(
    db: SessionFactory, visitor: Visitor, on: bool, now: datetime
) -> Booking | NoBooking:
    """Discreet mode on or off; the messages already planned follow it (read at send time)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is not None:
            person.discreet = on
    return await booking(db, visitor, now)


async def places_for(
    db: SessionFactory, visitor: Visitor, kind_id: int
) -> tuple[KindChoice, tuple[PlaceChoice, ...]] | NoBooking:
    """Where (or how) a meeting of this type can happen, among the site's places."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        found = await kind_for(session, person, kind_id)
        if person is None or found is None:
            return NoBooking.GONE
        places = await places_for_kind(session, person, found)
        return kind_choice(found), tuple(places)


async def may_call(db: SessionFactory, visitor: Visitor, accept: bool = False) -> bool:
    """Whether the person agreed to be called on Telegram (agreeing now if `accept`)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None:
            return False
        if accept:
            person.accepts_calls = True
        return person.accepts_calls


async def propose(
    db: SessionFactory,
    visitor: Visitor,
    kind_id: int,
    place_id: int,
    now: datetime,
    after: datetime | None = None,
    moving: int = 0,
) -> Proposal | NoBooking:
    """The soonest free times (after `after` for "other days")."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        found = await kind_for(session, person, kind_id)
        if person is None or found is None:
            return NoBooking.GONE
        place = next(
            (p for p in await places_for_kind(session, person, found) if p.id == place_id), None
        )
        if place is None:
            return NoBooking.GONE
        return await free_times(session, person, found, place, now, after, moving)


async def book(
    db: SessionFactory,
    visitor: Visitor,
    kind_id: int,
    place_id: int,
    staff_id: int,
    start: datetime,
    now: datetime,
    moving: int = 0,
) -> BookOutcome:
    """Book (or move a meeting to) a proposed time, if it is still free. Whatever the
    button says is checked again here: the time must be one the rules propose now."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        found = await kind_for(session, person, kind_id)
        if person is None or found is None:
            return NoBooking.GONE
        place = next(
            (p for p in await places_for_kind(session, person, found) if p.id == place_id), None
        )
        old = await own_meeting(session, person, moving) if moving else None
        if place is None or (moving and (old is None or old.status != MeetingStatus.BOOKED)):
            return NoBooking.GONE
        slot = await still_free(session, person, found, place, staff_id, start, now, old)
        if slot is None or not await take_slot(session, person, found, place, slot, now, old):
            proposal = await free_times(session, person, found, place, now, None, moving)
            return Taken(proposal)
        meeting = old if old is not None else await latest_meeting(session, person)
        return Booked(await meeting_view(session, meeting, now), moved=old is not None)


async def my_meeting(
    db: SessionFactory, visitor: Visitor, meeting_id: int, now: datetime
) -> MeetingView | NoBooking:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        meeting = await own_meeting(session, person, meeting_id) if person else None
        if meeting is None:
            return NoBooking.GONE
        return await meeting_view(session, meeting, now)


async def cancel(
    db: SessionFactory, visitor: Visitor, meeting_id: int, now: datetime
) -> CancelOutcome:
    """The person cancels; too close to the start, the staff member is told instead (the
    person is never stuck: the screen says whom to call)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        meeting = await own_meeting(session, person, meeting_id) if person else None
        if person is None or meeting is None or meeting.status != MeetingStatus.BOOKED:
            return NoBooking.GONE
        kind = await kind_of(session, meeting)
        if not may_cancel(kind, meeting.starts_at, now):
            await tell_staff(session, meeting, person, ReminderAnswer.CANCEL_LATE, now)
            return TooLate(await meeting_view(session, meeting, now))
        await cancel_meeting(session, meeting, CancelledBy.PERSON, now)
        facts = await meeting_facts(session, meeting, person)
        if meeting.staff_id is not None:
            notice = MeetingCancelled(ToStaff(meeting.staff_id), facts, meeting.sequence)
            await outbox.queue(session, [notice], now)
        return Cancelled(await meeting_view(session, meeting, now))


async def ask_to_move(
    db: SessionFactory, visitor: Visitor, meeting_id: int, now: datetime
) -> MeetingView | TooLate | NoBooking:
    """Moving by a tap closes `move_until` before the start; after that, the staff member
    is told the person must change, and will propose another time."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        meeting = await own_meeting(session, person, meeting_id) if person else None
        if person is None or meeting is None or meeting.status != MeetingStatus.BOOKED:
            return NoBooking.GONE
        view = await meeting_view(session, meeting, now)
        if view.can_move:
            return view
        await tell_staff(session, meeting, person, ReminderAnswer.CHANGE, now)
        return TooLate(view)


async def answer_reminder(
    db: SessionFactory, visitor: Visitor, meeting_id: int, answer: ReminderAnswer, now: datetime
) -> MeetingView | NoBooking:
    """ "I'll be there", "I'll be late", "I need to change": each reaches the staff member."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        meeting = await own_meeting(session, person, meeting_id) if person else None
        if person is None or meeting is None or meeting.status != MeetingStatus.BOOKED:
            return NoBooking.GONE
        await tell_staff(session, meeting, person, answer, now)
        return await meeting_view(session, meeting, now)


async def today_at(db: SessionFactory, visitor: Visitor, now: datetime) -> date:
    """The person's site's date now (the first day they may not propose)."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        site = (
            await site_store.get_site(session, person.site_id)
            if person and person.site_id
            else None
        )
        zone = ZoneInfo(site.timezone) if site is not None else UTC
        return now.astimezone(zone).date()
