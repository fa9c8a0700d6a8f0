"""Repository functions for meetings: the types a site offers, its places, the staff's
availability, the meetings and the quarter-hour cells that keep two of them apart."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.meetings import TAKES_TIME, MeetingStatus, RequestStatus
from storage.models import (
    Availability,
    Meeting,
    MeetingCell,
    MeetingPlace,
    MeetingRequest,
    MeetingType,
    OutboxMessage,
    StaffMember,
    StaffRole,
    WaitingEntry,
    Workshop,
)
from storage.outbox import Status

WEEKLY = "weekly"
OPENING = "opening"
ABSENCE = "absence"
BOOKED = MeetingStatus.BOOKED.value
HOLD = MeetingStatus.HOLD.value
_LONGEST = timedelta(hours=8)  # no meeting is longer (the availability file checks): the
# index range scan of `busy_of` starts this far before the window


async def kinds_of_site(session: AsyncSession, site_id: int) -> list[MeetingType]:
    query = (
        select(MeetingType)
        .where(MeetingType.site_id == site_id, MeetingType.active.is_(True))
        .order_by(MeetingType.id)
    )
    return list(await session.scalars(query))


async def places_of_site(session: AsyncSession, site_id: int) -> list[MeetingPlace]:
    query = select(MeetingPlace).where(MeetingPlace.site_id == site_id).order_by(MeetingPlace.id)
    return list(await session.scalars(query))


async def get_kind(session: AsyncSession, kind_id: int) -> MeetingType | None:
    return await session.get(MeetingType, kind_id)


async def get_place(session: AsyncSession, place_id: int) -> MeetingPlace | None:
    return await session.get(MeetingPlace, place_id)


async def get_meeting(session: AsyncSession, meeting_id: int) -> Meeting | None:
    return await session.get(Meeting, meeting_id)


async def availability_of(
    session: AsyncSession, staff_ids: Collection[int], start: datetime, end: datetime
) -> list[Availability]:
    """Weekly windows, and the openings and absences that overlap [start, end)."""
    query = select(Availability).where(
        Availability.staff_id.in_(staff_ids),
        or_(
            Availability.kind == WEEKLY,
            (Availability.starts_at < end) & (Availability.ends_at > start),
        ),
    )
    return list(await session.scalars(query))


async def busy_of(
    session: AsyncSession, staff_ids: Collection[int], start: datetime, end: datetime
) -> list[tuple[int, datetime, datetime]]:
    """(staff id, start, end) of every meeting not cancelled that overlaps [start, end):
    a range scan of the (staff, start) index, whatever the size of the history."""
    query = select(Meeting.staff_id, Meeting.starts_at, Meeting.ends_at).where(
        Meeting.staff_id.in_(staff_ids),
        Meeting.starts_at < end,
        Meeting.starts_at > start - _LONGEST,
        Meeting.ends_at > start,
        Meeting.status.in_([status.value for status in TAKES_TIME]),
    )
    return [(s, a, b) for s, a, b in (await session.execute(query)).all() if s is not None]


async def places_with_availability(session: AsyncSession, staff_ids: Collection[int]) -> set[int]:
    """Places where one of these staff members has a weekly window or an opening."""
    query = select(Availability.place_id).where(
        Availability.staff_id.in_(staff_ids),
        Availability.kind.in_((WEEKLY, OPENING)),
        Availability.place_id.is_not(None),
    )
    return {p for p in await session.scalars(query) if p is not None}


async def staff_receiving(session: AsyncSession, site_id: int) -> list[int]:
    """Staff of the site who have weekly windows or openings at one of its places."""
    query = (
        select(Availability.staff_id)
        .join(MeetingPlace, MeetingPlace.id == Availability.place_id)
        .join(StaffRole, StaffRole.staff_id == Availability.staff_id)
        .where(MeetingPlace.site_id == site_id, StaffRole.site_id == site_id)
        .distinct()
    )
    return sorted(await session.scalars(query))


async def add_meeting(session: AsyncSession, meeting: Meeting, cells: Sequence[datetime]) -> bool:
    """Book: the meeting and its cells, or nothing if another booking holds one of the
    cells (False). A savepoint keeps the caller's transaction usable either way."""
    try:
        async with session.begin_nested():
            session.add(meeting)
            await session.flush()
            session.add_all(
                MeetingCell(staff_id=meeting.staff_id, starts_at=cell, meeting_id=meeting.id)
                for cell in cells
            )
            await session.flush()
    except IntegrityError:
        return False
    return True


async def move_cells(
    session: AsyncSession, meeting: Meeting, staff_id: int, cells: Sequence[datetime]
) -> bool:
    """Take the new cells for a moved meeting and give back the old ones, or change
    nothing (False) if another booking holds one of the new cells."""
    try:
        async with session.begin_nested():
            await session.execute(delete(MeetingCell).where(MeetingCell.meeting_id == meeting.id))
            session.add_all(
                MeetingCell(staff_id=staff_id, starts_at=cell, meeting_id=meeting.id)
                for cell in cells
            )
            await session.flush()
    except IntegrityError:
        return False
    return True


async def free_cells(session: AsyncSession, meeting_id: int) -> None:
    await session.execute(delete(MeetingCell).where(MeetingCell.meeting_id == meeting_id))


async def drop_pending_messages(
    session: AsyncSession, meeting_id: int, kinds: Collection[str]
) -> None:
    """Messages about the meeting not sent yet (its reminders) go with a change that makes
    them wrong: cancelled in the change's own transaction."""
    await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.meeting_id == meeting_id,
            OutboxMessage.kind.in_(kinds),
            OutboxMessage.status == Status.PENDING.value,
        )
        .values(status=Status.DROPPED.value)
    )


async def messages_about(session: AsyncSession, meeting_id: int) -> list[OutboxMessage]:
    """The meeting's message log: what was sent about it, to whom, and what happened."""
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.meeting_id == meeting_id)
        .order_by(OutboxMessage.created_at, OutboxMessage.id)
    )
    return list(await session.scalars(query))


async def upcoming_of_person(session: AsyncSession, person_id: int, now: datetime) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(Meeting.person_id == person_id, Meeting.ends_at > now, Meeting.status == BOOKED)
        .order_by(Meeting.starts_at)
    )
    return list(await session.scalars(query))


async def of_staff_between(
    session: AsyncSession, staff_id: int, start: datetime, end: datetime
) -> list[Meeting]:
    """Their meetings (not the times held for someone of the waiting list)."""
    query = (
        select(Meeting)
        .where(
            Meeting.staff_id == staff_id,
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Meeting.status != HOLD,
        )
        .order_by(Meeting.starts_at)
    )
    return list(await session.scalars(query))


async def of_sites_between(
    session: AsyncSession, site_ids: Collection[int], start: datetime, end: datetime
) -> list[Meeting]:
    query = (
        select(Meeting)
        .where(
            Meeting.site_id.in_(site_ids),
            Meeting.starts_at >= start,
            Meeting.starts_at < end,
            Meeting.status != HOLD,
        )
        .order_by(Meeting.starts_at)
    )
    return list(await session.scalars(query))


async def of_person(session: AsyncSession, person_id: int) -> list[Meeting]:
    query = select(Meeting).where(Meeting.person_id == person_id).order_by(Meeting.starts_at)
    return list(await session.scalars(query))


async def of_person_with_staff(
    session: AsyncSession, person_id: int
) -> list[tuple[Meeting, str | None]]:
    """The person's meetings with their staff member's name (their data export)."""
    query = (
        select(Meeting, StaffMember.display_name)
        .outerjoin(StaffMember, StaffMember.id == Meeting.staff_id)
        .where(Meeting.person_id == person_id, Meeting.status != HOLD)
        .order_by(Meeting.starts_at)
    )
    return [(meeting, name) for meeting, name in (await session.execute(query)).all()]


async def created_since(session: AsyncSession, person_id: int, since: datetime) -> bool:
    query = select(Meeting.id).where(
        Meeting.person_id == person_id, Meeting.created_at >= since, Meeting.status != HOLD
    )
    return await session.scalar(query.limit(1)) is not None


async def pending_requests_by_staff(session: AsyncSession) -> list[tuple[int, int, int]]:
    """(staff id, type id, how many) of the persons' own days still waiting for an answer."""
    query = (
        select(MeetingRequest.staff_id, MeetingRequest.type_id, func.count())
        .where(
            MeetingRequest.status == RequestStatus.PENDING.value,
            MeetingRequest.staff_id.is_not(None),
        )
        .group_by(MeetingRequest.staff_id, MeetingRequest.type_id)
    )
    return [(s, k, n) for s, k, n in (await session.execute(query)).all() if s is not None]


async def add_request(session: AsyncSession, request: MeetingRequest) -> None:
    session.add(request)
    await session.flush()


async def get_request(session: AsyncSession, request_id: int) -> MeetingRequest | None:
    return await session.get(MeetingRequest, request_id)


async def waiting_of(session: AsyncSession, meeting_id: int) -> WaitingEntry | None:
    return await session.scalar(select(WaitingEntry).where(WaitingEntry.meeting_id == meeting_id))


async def get_waiting(session: AsyncSession, entry_id: int) -> WaitingEntry | None:
    return await session.get(WaitingEntry, entry_id)


async def waiting_for(
    session: AsyncSession, staff_id: int, type_id: int, after: datetime
) -> list[tuple[WaitingEntry, Meeting]]:
    """Who waits for an earlier time with this staff member and this type (their meeting
    is after `after`), in the order they joined, none holding a time already."""
    query = (
        select(WaitingEntry, Meeting)
        .join(Meeting, Meeting.id == WaitingEntry.meeting_id)
        .where(
            Meeting.staff_id == staff_id,
            Meeting.type_id == type_id,
            Meeting.status == BOOKED,
            Meeting.starts_at > after,
            WaitingEntry.hold_id.is_(None),
        )
        .order_by(WaitingEntry.joined_at, WaitingEntry.id)
    )
    return [(entry, meeting) for entry, meeting in (await session.execute(query)).all()]


async def holds_ended(session: AsyncSession, now: datetime) -> list[WaitingEntry]:
    query = (
        select(WaitingEntry).where(WaitingEntry.hold_until <= now).with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))


async def upcoming_workshops(session: AsyncSession, site_id: int, now: datetime) -> list[Workshop]:
    query = (
        select(Workshop)
        .where(Workshop.site_id == site_id, Workshop.active.is_(True), Workshop.starts_at > now)
        .order_by(Workshop.starts_at)
    )
    return list(await session.scalars(query))


async def get_workshop(session: AsyncSession, workshop_id: int) -> Workshop | None:
    return await session.get(Workshop, workshop_id)


async def seats_taken(session: AsyncSession, workshop_id: int) -> set[int]:
    query = select(Meeting.seat).where(
        Meeting.workshop_id == workshop_id, Meeting.seat.is_not(None)
    )
    return {seat for seat in await session.scalars(query) if seat is not None}


async def seat_of(session: AsyncSession, workshop_id: int, person_id: int) -> Meeting | None:
    query = select(Meeting).where(
        Meeting.workshop_id == workshop_id,
        Meeting.person_id == person_id,
        Meeting.status == BOOKED,
    )
    return await session.scalar(query)


async def take_seat(session: AsyncSession, seat: Meeting, capacity: int) -> bool:
    """The lowest free seat number, or False when the workshop is full. The unique
    (workshop, seat) refuses one seat too many when two persons take the last at once."""
    if seat.workshop_id is None:
        return False
    taken = await seats_taken(session, seat.workshop_id)  # read once, not per number
    for number in range(1, capacity + 1):
        if number in taken:
            continue
        try:
            async with session.begin_nested():
                seat.seat = number
                session.add(seat)
                await session.flush()
        except IntegrityError:  # taken in the same moment: the savepoint let the seat go
            continue
        return True
    return False


async def workshop_by_key(session: AsyncSession, site_id: int, key: str) -> Workshop | None:
    query = select(Workshop).where(Workshop.site_id == site_id, Workshop.key == key)
    return await session.scalar(query)


async def workshops_of_site(session: AsyncSession, site_id: int) -> list[Workshop]:
    return list(await session.scalars(select(Workshop).where(Workshop.site_id == site_id)))


# The availability file (`bot.py dispos import`): places and types by key, availability
# replaced per staff member.


async def place_by_key(session: AsyncSession, site_id: int, key: str) -> MeetingPlace | None:
    query = select(MeetingPlace).where(MeetingPlace.site_id == site_id, MeetingPlace.key == key)
    return await session.scalar(query)


async def kind_by_key(session: AsyncSession, site_id: int, key: str) -> MeetingType | None:
    query = select(MeetingType).where(MeetingType.site_id == site_id, MeetingType.key == key)
    return await session.scalar(query)


async def remove_availability(session: AsyncSession, staff_id: int, row_id: int) -> None:
    await session.execute(
        delete(Availability).where(Availability.id == row_id, Availability.staff_id == staff_id)
    )


async def replace_availability(
    session: AsyncSession, staff_id: int, rows: Sequence[Availability]
) -> None:
    await session.execute(delete(Availability).where(Availability.staff_id == staff_id))
    session.add_all(rows)
    await session.flush()
