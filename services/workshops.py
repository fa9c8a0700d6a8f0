"""Collective workshops: a site lists them, a person takes a seat or leaves it.

A seat is a meeting of the person's (its reminders, calendar file and leaving are those
of any meeting), numbered: the database refuses one seat too many. Persons never see
who else comes; only the person concerned is told anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.meetings import MeetingStatus, Mode
from services.booking import Booked, NoBooking, meeting_view, plan_reminders
from services.onboarding import Visitor
from storage import meetings as meeting_store
from storage import persons as person_store
from storage.db import SessionFactory
from storage.models import Meeting, Person, Workshop


@dataclass(frozen=True)
class WorkshopLine:
    id: int
    name: str
    start: datetime  # in the workshop's zone
    end: datetime
    mode: Mode
    place: str
    seats_left: int
    seat_meeting: int | None  # the person's seat (a meeting id), if they have one


async def workshops_for(
    db: SessionFactory, visitor: Visitor, now: datetime
) -> list[WorkshopLine] | NoBooking:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        if person is None or person.site_id is None:
            return NoBooking.NO_SITE
        return [
            await _line(session, workshop, person.id)
            for workshop in await meeting_store.upcoming_workshops(session, person.site_id, now)
        ]


async def workshop(
    db: SessionFactory, visitor: Visitor, workshop_id: int, now: datetime
) -> WorkshopLine | NoBooking:
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        found = await _open_workshop(session, person, workshop_id, now)
        if person is None or found is None:
            return NoBooking.GONE
        return await _line(session, found, person.id)


async def join(
    db: SessionFactory, visitor: Visitor, workshop_id: int, now: datetime
) -> Booked | WorkshopLine | NoBooking:
    """A seat, with its confirmation and reminders; the workshop as it is when full."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        found = await _open_workshop(session, person, workshop_id, now)
        if person is None or found is None:
            return NoBooking.GONE
        mine = await meeting_store.seat_of(session, found.id, person.id)
        if mine is None:
            seat = _seat(found, person.id, now)
            if not await meeting_store.take_seat(session, seat, found.capacity):
                return await _line(session, found, person.id)
            await plan_reminders(session, seat, person, now)
            mine = seat
        return Booked(await meeting_view(session, mine, now), moved=False)


async def _open_workshop(
    session: AsyncSession, person: Person | None, workshop_id: int, now: datetime
) -> Workshop | None:
    """The workshop, if it is the person's site's, still offered and still to come."""
    found = await meeting_store.get_workshop(session, workshop_id)
    if person is None or found is None or not found.active or found.site_id != person.site_id:
        return None
    return found if found.starts_at > now else None


async def _line(session: AsyncSession, workshop: Workshop, person_id: int) -> WorkshopLine:
    zone = ZoneInfo(workshop.timezone)
    taken = await meeting_store.seats_taken(session, workshop.id)
    mine = await meeting_store.seat_of(session, workshop.id, person_id)
    return WorkshopLine(
        workshop.id,
        workshop.name,
        workshop.starts_at.astimezone(zone),
        workshop.ends_at.astimezone(zone),
        Mode(workshop.mode),
        workshop.place_label,
        max(workshop.capacity - len(taken), 0),
        mine.id if mine is not None else None,
    )


def _seat(workshop: Workshop, person_id: int, now: datetime) -> Meeting:
    return Meeting(
        site_id=workshop.site_id,
        person_id=person_id,
        staff_id=None,
        type_id=None,
        type_name=workshop.name,
        mode=workshop.mode,
        place_id=workshop.place_id,
        place_label=workshop.place_label,
        timezone=workshop.timezone,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        status=MeetingStatus.BOOKED.value,
        sequence=0,
        workshop_id=workshop.id,
        created_at=now,
        updated_at=now,
    )
