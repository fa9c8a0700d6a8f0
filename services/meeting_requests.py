"""None of the proposed times fit: the person's own days and part of the day, and the
staff member's answer (a time among them booked, another time offered, or no).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import StaffAction, Target
from core.meetings import (
    GRID,
    MeetingStatus,
    Mode,
    PartOfDay,
    RequestStatus,
    Slot,
    fits,
    proposable_days,
)
from core.notices import (
    BookedForYou,
    MeetingFacts,
    TimeOffered,
    TimesDeclined,
    TimesProposed,
    ToPerson,
    ToStaff,
)
from core.sites import first_name
from core.slots import free_slots, holidays_of
from services import outbox
from services.authorisation import authorise, staff_transaction
from services.booking import (
    Booked,
    BookOutcome,
    NoBooking,
    Taken,
    calendar_of,
    free_times,
    kind_for,
    kind_rules,
    latest_meeting,
    meeting_facts,
    meeting_view,
    own_meeting,
    person_label,
    place_choice,
    places_for_kind,
    staff_for,
    take_slot,
    without_meeting,
)
from services.onboarding import Visitor
from storage import meetings as meeting_store
from storage import persons as person_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Meeting, MeetingRequest, MeetingType, Person

OFFERED = 6  # times shown to the staff member at once


@dataclass(frozen=True)
class TimesSent:
    with_name: str | None  # who will answer (None: the team)


@dataclass(frozen=True)
class RequestCard:
    """A person's own days, as the staff member sees them, with their free times there."""

    id: int
    person_label: str
    kind_name: str
    days: tuple[date, ...]
    part: PartOfDay
    status: RequestStatus
    fitting: tuple[Slot, ...]  # the staff member's free times inside the person's days
    others: tuple[Slot, ...]  # their next free times, to offer another one


async def days_to_propose(
    db: SessionFactory, visitor: Visitor, kind_id: int, base: date
) -> list[date] | NoBooking:
    """The days a person may tick after `base` (the day the question was first shown, so
    that each tick means the same day until they send): no Sunday, no public holiday."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        kind = await kind_for(session, person, kind_id)
        site = await site_store.get_site(session, kind.site_id) if kind else None
        if site is None:
            return NoBooking.GONE
        holidays = holidays_of(site.holiday_region, base, base + timedelta(days=31))
        return proposable_days(base, holidays)


async def send_times(
    db: SessionFactory,
    visitor: Visitor,
    kind_id: int,
    place_id: int,
    days: list[date],
    part: PartOfDay,
    moving: int,
    now: datetime,
) -> TimesSent | NoBooking:
    """The person's days go to the staff member, who answers from the bot."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        kind = await kind_for(session, person, kind_id)
        if person is None or kind is None or not days:
            return NoBooking.GONE
        places = await places_for_kind(session, person, kind)
        staff = await staff_for(session, person, kind)
        if place_id not in {p.id for p in places} or not staff:
            return NoBooking.GONE
        chosen = person.referent_id if person.referent_id in staff else staff[0]
        old = await own_meeting(session, person, moving) if moving else None
        request = MeetingRequest(
            person_id=person.id,
            staff_id=chosen,
            type_id=kind.id,
            place_id=place_id,
            moving_id=old.id if old is not None else None,
            days=",".join(day.isoformat() for day in sorted(days)),
            part_of_day=part.value,
            status=RequestStatus.PENDING.value,
            created_at=now,
        )
        await meeting_store.add_request(session, request)
        notice = TimesProposed(
            ToStaff(chosen), request.id, person_label(person), kind.name, request.days, part.value
        )
        await outbox.queue(session, [notice], now)
        member = await staff_store.get_staff(session, chosen)
        return TimesSent(first_name(member.display_name) if member else None)


async def request_card(
    db: SessionFactory,
    telegram_user_id: int,
    request_id: int,
    now: datetime,
    after: datetime | None = None,
) -> RequestCard | NoBooking:
    """The person's days and the staff member's free times there, and their next free
    times (after `after`) to offer another one."""
    async with staff_transaction(db) as session:
        found = await _managed_request(session, telegram_user_id, request_id, now)
        if found is None:
            return NoBooking.GONE
        request, kind, person = found
        return await _card(session, request, kind, person, now, after=after)


async def accept_request(
    db: SessionFactory, telegram_user_id: int, request_id: int, start: datetime, now: datetime
) -> RequestCard | NoBooking:
    """A time among the person's days: booked for them, and they are told (with the
    calendar file)."""
    async with staff_transaction(db) as session:
        found = await _managed_request(session, telegram_user_id, request_id, now)
        if found is None or found[0].status != RequestStatus.PENDING:
            return NoBooking.GONE
        request, kind, person = found
        meeting = await _book_for(session, request, kind, person, start, now)
        if meeting is None:
            return await _card(session, request, kind, person, now, after=None)
        request.status, request.answered_at = RequestStatus.BOOKED.value, now
        request.meeting_id = meeting.id
        facts = await meeting_facts(session, meeting, person)
        notice = BookedForYou(ToPerson(person.id), facts, meeting.sequence)
        await outbox.queue(session, [notice], now)
        return await _card(session, request, kind, person, now, after=None)


async def offer_time(
    db: SessionFactory, telegram_user_id: int, request_id: int, start: datetime, now: datetime
) -> RequestCard | NoBooking:
    """Another time than the person's days: offered; the person takes it or not."""
    async with staff_transaction(db) as session:
        found = await _managed_request(session, telegram_user_id, request_id, now)
        if found is None or found[0].status not in (RequestStatus.PENDING, RequestStatus.OFFERED):
            return NoBooking.GONE
        request, kind, person = found
        slot = await _staff_slot(session, request, kind, start, now)
        if slot is None:
            return await _card(session, request, kind, person, now, after=None)
        request.status, request.answered_at = RequestStatus.OFFERED.value, now
        request.offered_at = slot.start
        facts = await _offer_facts(session, request, kind, person, slot)
        await outbox.queue(session, [TimeOffered(ToPerson(person.id), request.id, facts)], now)
        return await _card(session, request, kind, person, now, after=None)


async def decline_request(
    db: SessionFactory, telegram_user_id: int, request_id: int, now: datetime
) -> RequestCard | NoBooking:
    async with staff_transaction(db) as session:
        found = await _managed_request(session, telegram_user_id, request_id, now)
        if found is None or found[0].status != RequestStatus.PENDING:
            return NoBooking.GONE
        request, kind, person = found
        request.status, request.answered_at = RequestStatus.DECLINED.value, now
        member = (
            await staff_store.get_staff(session, request.staff_id) if request.staff_id else None
        )
        name = first_name(member.display_name) if member else None
        await outbox.queue(session, [TimesDeclined(ToPerson(person.id), name)], now)
        return await _card(session, request, kind, person, now, after=None)


async def take_offer(
    db: SessionFactory, visitor: Visitor, request_id: int, now: datetime
) -> BookOutcome:
    """The person takes the offered time, if it is still free."""
    async with db.begin() as session:
        person = await person_store.find_person(session, visitor.telegram_user_id)
        request = await meeting_store.get_request(session, request_id)
        if person is None or request is None or request.person_id != person.id:
            return NoBooking.GONE
        kind = await meeting_store.get_kind(session, request.type_id)
        if kind is None or request.status != RequestStatus.OFFERED or request.offered_at is None:
            return NoBooking.GONE
        meeting = await _book_for(session, request, kind, person, request.offered_at, now)
        if meeting is None:
            place = await place_choice(session, request.place_id)
            if place is None:
                return NoBooking.GONE
            return Taken(await free_times(session, person, kind, place, now, None, 0))
        request.status, request.meeting_id = RequestStatus.TAKEN.value, meeting.id
        return Booked(
            await meeting_view(session, meeting, now), moved=request.moving_id is not None
        )


async def _managed_request(
    session: AsyncSession, telegram_user_id: int, request_id: int, now: datetime
) -> tuple[MeetingRequest, MeetingType, Person] | None:
    """The request, if the staff member may answer it (theirs, or their site's as admin)."""
    request = await meeting_store.get_request(session, request_id)
    if request is None:
        return None
    kind = await meeting_store.get_kind(session, request.type_id)
    person = await person_store.get_person(session, request.person_id)
    if kind is None or person is None:
        return None
    target = Target(kind.site_id, staff_id=request.staff_id)
    await authorise(
        session, telegram_user_id, StaffAction.MANAGE_MEETING, target, now, person_id=person.id
    )
    return request, kind, person


async def _card(
    session: AsyncSession,
    request: MeetingRequest,
    kind: MeetingType,
    person: Person,
    now: datetime,
    after: datetime | None,
) -> RequestCard:
    days = tuple(date.fromisoformat(day) for day in request.days.split(","))
    part = PartOfDay(request.part_of_day)
    free = await _staff_free(session, request, kind, now, after, limit=200)
    fitting = tuple(s for s in free if fits(s, frozenset(days), part))[:OFFERED]
    return RequestCard(
        request.id,
        person_label(person),
        kind.name,
        days,
        part,
        RequestStatus(request.status),
        fitting,
        tuple(free[:OFFERED]),
    )


async def _staff_free(
    session: AsyncSession,
    request: MeetingRequest,
    kind: MeetingType,
    now: datetime,
    after: datetime | None,
    limit: int,
) -> list[Slot]:
    """The staff member's free times at the request's place. The type's notice is the
    person's rule, not theirs: they may fit someone in sooner."""
    if request.staff_id is None:
        return []
    rules = replace(kind_rules(kind), notice=timedelta(0))
    calendar = await calendar_of(session, kind, [request.staff_id], now)
    moving = (
        await meeting_store.get_meeting(session, request.moving_id) if request.moving_id else None
    )
    if moving is not None:
        calendar = without_meeting(calendar, moving)
    return free_slots(
        rules,
        calendar,
        now,
        staff_ids=[request.staff_id],
        place_ids=[request.place_id],
        after=after,
        limit=limit,
    )


async def _staff_slot(
    session: AsyncSession,
    request: MeetingRequest,
    kind: MeetingType,
    start: datetime,
    now: datetime,
) -> Slot | None:
    free = await _staff_free(session, request, kind, now, start - GRID, limit=1)
    return free[0] if free and free[0].start == start else None


async def _book_for(
    session: AsyncSession,
    request: MeetingRequest,
    kind: MeetingType,
    person: Person,
    start: datetime,
    now: datetime,
) -> Meeting | None:
    """Book the request's time for the person (moving their meeting if they asked to
    move one); None if it is no longer free."""
    slot = await _staff_slot(session, request, kind, start, now)
    place = await place_choice(session, request.place_id)
    old = await meeting_store.get_meeting(session, request.moving_id) if request.moving_id else None
    if old is not None and old.status != MeetingStatus.BOOKED:
        old = None
    if slot is None or place is None:
        return None
    if not await take_slot(session, person, kind, place, slot, now, old, tell_staff=False):
        return None
    return old if old is not None else await latest_meeting(session, person)


async def _offer_facts(
    session: AsyncSession, request: MeetingRequest, kind: MeetingType, person: Person, slot: Slot
) -> MeetingFacts:
    place = await place_choice(session, request.place_id)
    member = await staff_store.get_staff(session, slot.staff_id)
    return MeetingFacts(
        meeting_id=0,
        starts_at=slot.start.astimezone(UTC).isoformat(),
        ends_at=slot.end.astimezone(UTC).isoformat(),
        zone=slot.start.tzinfo.key if isinstance(slot.start.tzinfo, ZoneInfo) else "UTC",
        kind_name=kind.name,
        mode=place.mode.value if place else Mode.OFFICE.value,
        place=place.label if place else "",
        with_name=first_name(member.display_name) if member else None,
        person_label=person_label(person),
    )
