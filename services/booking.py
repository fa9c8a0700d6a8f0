"""What every meeting use case shares: the values screens show, the rules read from
the database, booking a time (its quarter-hour cells, reminders and message), cancelling,
and offering a freed time to the waiting list.

One transaction per use case (the caller's): the meeting, its cells, its reminders and
the messages to the other side are written together, so a crash leaves all or nothing,
and a cancellation drops the reminders it makes wrong in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.meetings import (
    GRID,
    HOLD_FOR,
    WAIT_AWAY,
    Absence,
    Busy,
    Calendar,
    CancelledBy,
    MeetingKind,
    MeetingStatus,
    Mode,
    Opening,
    Place,
    ReminderAnswer,
    Slot,
    Window,
    cells,
    may_be_offered,
    may_cancel,
    may_move,
    may_say_arrived,
    reminder_times,
)
from core.notices import (
    EarlierTime,
    MeetingAnswered,
    MeetingBooked,
    MeetingFacts,
    MeetingReminder,
    Notice,
    ToPerson,
    ToStaff,
)
from core.sites import first_name
from core.slots import free_slots, holidays_of
from services import outbox
from storage import meetings as meeting_store
from storage import persons as person_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.meetings import ABSENCE, OPENING, WEEKLY
from storage.models import Meeting, MeetingType, Person, WaitingEntry

PROPOSED = 5  # slots shown at once: enough to choose, few enough to read
FIRST_READ = timedelta(weeks=6)  # of one staff member's time: the meetings read first
REMINDER_KINDS = (MeetingReminder.__name__,)


class NoBooking(StrEnum):
    """Why the person cannot book by themselves here (the screen says whom to call)."""

    NO_SITE = "no_site"  # not linked to a site yet
    NOTHING_OFFERED = "nothing"  # the site offers no meeting the person may book
    GONE = "gone"  # the type, place or meeting tapped no longer exists


@dataclass(frozen=True)
class KindChoice:
    id: int
    name: str
    minutes: int
    before_text: str | None


@dataclass(frozen=True)
class PlaceChoice:
    id: int
    mode: Mode
    label: str
    zone: ZoneInfo


@dataclass(frozen=True)
class MeetingView:
    """A meeting as the person sees it (times in the meeting's own zone)."""

    id: int
    kind_id: int | None  # None: the type was removed since (the meeting stands)
    kind_name: str
    mode: Mode
    place: str
    start: datetime
    end: datetime
    with_name: str | None
    status: MeetingStatus
    can_cancel: bool
    can_move: bool
    after_text: str | None
    sequence: int
    discreet: bool  # the person's discreet mode: no place, no reason, no file unless asked
    waiting: bool = False  # on the waiting list for an earlier time
    may_wait: bool = False  # far enough away to join it
    may_arrive: bool = False  # "I have arrived" (at the office, around its time)
    workshop: bool = False  # a seat at a collective workshop (no time to change)


@dataclass(frozen=True)
class Proposal:
    kind: KindChoice
    place: PlaceChoice
    slots: tuple[Slot, ...]
    moving: int  # the meeting being moved, 0 for a new booking


@dataclass(frozen=True)
class Booked:
    meeting: MeetingView
    moved: bool


@dataclass(frozen=True)
class Taken:
    """Someone else booked that time a moment before: the next free times instead."""

    proposal: Proposal


@dataclass(frozen=True)
class Cancelled:
    meeting: MeetingView


@dataclass(frozen=True)
class TooLate:
    """Too close to cancel or move by a tap: the staff member was told instead."""

    meeting: MeetingView


BookOutcome = Booked | Taken | NoBooking
CancelOutcome = Cancelled | TooLate | NoBooking


async def bookable_kinds(session: AsyncSession, person: Person) -> list[MeetingType]:
    """Types the person may book: "with my referent" ones only if they have one."""
    if person.site_id is None:
        return []
    kinds = await meeting_store.kinds_of_site(session, person.site_id)
    return [k for k in kinds if not k.referent_only or person.referent_id is not None]


async def kind_for(
    session: AsyncSession, person: Person | None, kind_id: int
) -> MeetingType | None:
    if person is None:
        return None
    return next((k for k in await bookable_kinds(session, person) if k.id == kind_id), None)


async def places_for_kind(
    session: AsyncSession, person: Person, kind: MeetingType
) -> list[PlaceChoice]:
    """The site's places that offer one of the type's modes and where someone the person
    may meet receives (a place with nobody there is not shown)."""
    modes = kind_modes(kind)
    staff = await staff_for(session, person, kind)
    receiving = await meeting_store.places_with_availability(session, staff)
    places = await meeting_store.places_of_site(session, kind.site_id)
    return [
        PlaceChoice(p.id, Mode(p.kind), p.label, ZoneInfo(p.timezone))
        for p in places
        if p.kind in modes and p.id in receiving
    ]


async def staff_for(session: AsyncSession, person: Person, kind: MeetingType) -> list[int]:
    if kind.referent_only:
        return [person.referent_id] if person.referent_id is not None else []
    return await meeting_store.staff_receiving(session, kind.site_id)


async def free_times(
    session: AsyncSession,
    person: Person,
    kind: MeetingType,
    place: PlaceChoice,
    now: datetime,
    after: datetime | None,
    moving: int,
) -> Proposal:
    """The staff's meetings are read from where the search starts, first over
    `FIRST_READ` shared by the staff members (a day for forty, six weeks for one), then
    to the end of the horizon only if that holds fewer than five free times: with many
    staff members, the horizon's meetings are thousands of rows, and the soonest free
    times are in the first days."""
    rules = kind_rules(kind)
    staff = await staff_for(session, person, kind)
    begin = max(now + rules.notice, after or now)
    latest = now + rules.horizon
    first = min(begin + FIRST_READ / max(1, len(staff)), latest)
    found: list[Slot] = []
    for until in sorted({first, latest}):
        # what a slot starting by `until` may meet: meetings up to its end and buffer
        busy = (begin - rules.buffer, until + rules.length + rules.buffer)
        calendar = await calendar_of(session, kind, staff, now, busy)
        found = free_slots(
            replace(rules, horizon=until - now),
            calendar,
            now,
            staff_ids=staff,
            place_ids=[place.id],
            after=after,
            limit=PROPOSED,
        )
        if len(found) == PROPOSED:
            break
    return Proposal(kind_choice(kind), place, tuple(found), moving)


async def calendar_of(
    session: AsyncSession,
    kind: MeetingType,
    staff: list[int],
    now: datetime,
    busy_between: tuple[datetime, datetime] | None = None,
) -> Calendar:
    """The staff members' windows and absences over the type's horizon, and their meetings
    over it too, or only those that overlap `busy_between`."""
    end = now + timedelta(days=kind.horizon_days)
    rows = await meeting_store.availability_of(session, staff, now, end)
    places = {
        p.id: Place(p.id, p.site_id, Mode(p.kind), p.label, ZoneInfo(p.timezone))
        for p in await meeting_store.places_of_site(session, kind.site_id)
    }
    site = await site_store.get_site(session, kind.site_id)
    region = site.holiday_region if site is not None else "metropole"
    zone = ZoneInfo(site.timezone) if site is not None else ZoneInfo("Europe/Paris")
    busy = await meeting_store.busy_of(session, staff, *(busy_between or (now, end)))
    return Calendar(
        windows=tuple(
            Window(r.staff_id, r.place_id, r.weekday, r.from_time, r.to_time)
            for r in rows
            if r.kind == WEEKLY
            and r.place_id is not None
            and r.weekday is not None
            and r.from_time is not None
            and r.to_time is not None
        ),
        openings=tuple(
            Opening(r.staff_id, r.place_id, r.starts_at, r.ends_at)
            for r in rows
            if r.kind == OPENING
            and r.place_id is not None
            and r.starts_at is not None
            and r.ends_at is not None
        ),
        absences=tuple(
            Absence(r.staff_id, r.starts_at, r.ends_at)
            for r in rows
            if r.kind == ABSENCE and r.starts_at is not None and r.ends_at is not None
        ),
        busy=tuple(Busy(s, a, b) for s, a, b in busy),
        places=places,
        holidays=holidays_of(region, now.astimezone(zone).date(), end.astimezone(zone).date()),
    )


async def still_free(
    session: AsyncSession,
    person: Person,
    kind: MeetingType,
    place: PlaceChoice,
    staff_id: int,
    start: datetime,
    now: datetime,
    old: Meeting | None,
) -> Slot | None:
    """The slot, if the rules offer exactly it now (a moved meeting's own time is free)."""
    staff = await staff_for(session, person, kind)
    if staff_id not in staff:
        return None
    calendar = await calendar_of(session, kind, [staff_id], now)
    if old is not None:
        calendar = without_meeting(calendar, old)
    found = free_slots(
        kind_rules(kind),
        calendar,
        now,
        staff_ids=[staff_id],
        place_ids=[place.id],
        after=start - GRID,
        limit=1,
    )
    return found[0] if found and found[0].start == start else None


def without_meeting(calendar: Calendar, meeting: Meeting) -> Calendar:
    busy = tuple(
        b
        for b in calendar.busy
        if not (b.staff_id == meeting.staff_id and b.start == meeting.starts_at)
    )
    return Calendar(
        calendar.windows,
        calendar.openings,
        calendar.absences,
        busy,
        calendar.places,
        calendar.holidays,
    )


async def take_slot(
    session: AsyncSession,
    person: Person,
    kind: MeetingType,
    place: PlaceChoice,
    slot: Slot,
    now: datetime,
    old: Meeting | None,
    tell_staff: bool = True,
) -> bool:
    """The cells, then the meeting's reminders and the staff member's message (not when
    the staff member booked it themselves)."""
    zone = place.zone
    taken = cells(slot.start, slot.end)
    if old is None:
        meeting = Meeting(
            site_id=kind.site_id,
            person_id=person.id,
            staff_id=slot.staff_id,
            type_id=kind.id,
            type_name=kind.name,
            mode=place.mode.value,
            place_id=place.id,
            place_label=place.label,
            timezone=zone.key,
            starts_at=slot.start,
            ends_at=slot.end,
            status=MeetingStatus.BOOKED.value,
            sequence=0,
            created_at=now,
            updated_at=now,
        )
        if not await meeting_store.add_meeting(session, meeting, taken):
            return False
    else:
        freed = Freed.of(old)
        if not await meeting_store.move_cells(session, old, slot.staff_id, taken):
            return False
        await meeting_store.drop_pending_messages(session, old.id, REMINDER_KINDS)
        old.staff_id, old.starts_at, old.ends_at = slot.staff_id, slot.start, slot.end
        old.place_id, old.place_label, old.mode = place.id, place.label, place.mode.value
        old.timezone, old.sequence, old.updated_at = zone.key, old.sequence + 1, now
        await session.flush()
        await offer_freed(session, freed, now)
        meeting = old
    await plan_reminders(session, meeting, person, now)
    if tell_staff:
        facts = await meeting_facts(session, meeting, person)
        notice = MeetingBooked(ToStaff(slot.staff_id), facts, moved=old is not None)
        await outbox.queue(session, [notice], now)
    return True


async def plan_reminders(
    session: AsyncSession, meeting: Meeting, person: Person, now: datetime
) -> None:
    """The meeting's own reminders, as outbox messages due at their time: planned when it
    is booked or moved, dropped with a cancellation, re-checked before they go."""
    facts = await meeting_facts(session, meeting, person)
    zone = ZoneInfo(meeting.timezone)
    for which, at in reminder_times(meeting.starts_at, zone, now).items():
        notice: Notice = MeetingReminder(ToPerson(person.id), facts, which.value)
        await outbox.queue(session, [notice], now, at=at)


async def cancel_meeting(
    session: AsyncSession, meeting: Meeting, by: CancelledBy, now: datetime
) -> None:
    """Cancelled: its time is given back (offered first to the waiting list), its
    reminders dropped, in this transaction."""
    freed = Freed.of(meeting)
    meeting.status, meeting.cancelled_by = MeetingStatus.CANCELLED.value, by.value
    meeting.sequence, meeting.updated_at = meeting.sequence + 1, now
    meeting.seat = None  # a workshop's seat goes back
    await meeting_store.free_cells(session, meeting.id)
    await meeting_store.drop_pending_messages(session, meeting.id, REMINDER_KINDS)
    await offer_freed(session, freed, now)


@dataclass(frozen=True)
class Freed:
    """A staff member's time given back by a cancellation or a move."""

    staff_id: int | None
    type_id: int | None
    place_id: int | None
    place_label: str
    mode: str
    zone: str
    start: datetime
    end: datetime

    @classmethod
    def of(cls, meeting: Meeting) -> Freed:
        return cls(
            meeting.staff_id,
            meeting.type_id,
            meeting.place_id,
            meeting.place_label,
            meeting.mode,
            meeting.timezone,
            meeting.starts_at,
            meeting.ends_at,
        )


async def offer_freed(session: AsyncSession, freed: Freed, now: datetime) -> None:
    """A freed time goes to one person of the waiting list at a time, in the order they
    joined (fair: not the same link to everyone), held for them for `HOLD_FOR`."""
    if freed.staff_id is None or freed.type_id is None or freed.place_id is None:
        return
    kind = await meeting_store.get_kind(session, freed.type_id)
    if kind is None or freed.start < now + timedelta(minutes=kind.notice_minutes):
        return
    zone = ZoneInfo(freed.zone)
    for entry, waiting in await meeting_store.waiting_for(
        session, freed.staff_id, freed.type_id, freed.start
    ):
        if may_be_offered(waiting.starts_at, entry.offers, entry.last_offer_at, now, zone):
            await _hold_for(session, entry, kind, freed, now)
            return


async def _hold_for(
    session: AsyncSession, entry: WaitingEntry, kind: MeetingType, freed: Freed, now: datetime
) -> None:
    hold = Meeting(
        site_id=kind.site_id,
        person_id=entry.person_id,
        staff_id=freed.staff_id,
        type_id=kind.id,
        type_name=kind.name,
        mode=freed.mode,
        place_id=freed.place_id,
        place_label=freed.place_label,
        timezone=freed.zone,
        starts_at=freed.start,
        ends_at=freed.end,
        status=MeetingStatus.HOLD.value,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    if not await meeting_store.add_meeting(session, hold, cells(freed.start, freed.end)):
        return  # booked by someone in the same moment: nothing to offer
    entry.hold_id, entry.hold_until = hold.id, now + HOLD_FOR
    entry.offers, entry.last_offer_at = entry.offers + 1, now
    person = await person_store.get_person(session, entry.person_id)
    if person is None:
        return
    facts = await meeting_facts(session, hold, person)
    until = entry.hold_until.isoformat()
    await outbox.queue(session, [EarlierTime(ToPerson(person.id), entry.id, facts, until)], now)


async def release_hold(session: AsyncSession, entry: WaitingEntry, now: datetime) -> None:
    """The held time goes back, to the next person of the list (this one had their offer
    today, so is not asked again before tomorrow)."""
    hold = await meeting_store.get_meeting(session, entry.hold_id) if entry.hold_id else None
    entry.hold_id, entry.hold_until = None, None
    if hold is None:
        return
    freed = Freed.of(hold)
    await meeting_store.free_cells(session, hold.id)
    await session.delete(hold)
    await session.flush()
    await offer_freed(session, freed, now)


async def tell_staff(
    session: AsyncSession, meeting: Meeting, person: Person, answer: ReminderAnswer, now: datetime
) -> None:
    if meeting.staff_id is None:
        return
    facts = await meeting_facts(session, meeting, person)
    await outbox.queue(session, [MeetingAnswered(ToStaff(meeting.staff_id), facts, answer)], now)


async def own_meeting(
    session: AsyncSession, person: Person | None, meeting_id: int
) -> Meeting | None:
    meeting = await meeting_store.get_meeting(session, meeting_id)
    if person is None or meeting is None or meeting.person_id != person.id:
        return None
    return meeting


async def latest_meeting(session: AsyncSession, person: Person) -> Meeting:
    meetings = await meeting_store.of_person(session, person.id)
    return max(meetings, key=lambda m: m.id)


async def kind_of(session: AsyncSession, meeting: Meeting) -> MeetingKind:
    row = await meeting_store.get_kind(session, meeting.type_id) if meeting.type_id else None
    return _rules_or_default(row, meeting)


def _rules_or_default(row: MeetingType | None, meeting: Meeting) -> MeetingKind:
    """A meeting whose type was removed keeps the default limits."""
    return (
        kind_rules(row) if row is not None else MeetingKind(0, meeting.site_id, "", 0, frozenset())
    )


async def meeting_facts(session: AsyncSession, meeting: Meeting, person: Person) -> MeetingFacts:
    member = await staff_store.get_staff(session, meeting.staff_id) if meeting.staff_id else None
    return MeetingFacts(
        meeting_id=meeting.id,
        starts_at=meeting.starts_at.isoformat(),
        ends_at=meeting.ends_at.isoformat(),
        zone=meeting.timezone,
        kind_name=meeting.type_name,
        mode=meeting.mode,
        place=meeting.place_label,
        with_name=first_name(member.display_name) if member else None,
        person_label=person_label(person),
    )


async def meeting_view(session: AsyncSession, meeting: Meeting, now: datetime) -> MeetingView:
    member = await staff_store.get_staff(session, meeting.staff_id) if meeting.staff_id else None
    row = await meeting_store.get_kind(session, meeting.type_id) if meeting.type_id else None
    kind = _rules_or_default(row, meeting)
    zone = ZoneInfo(meeting.timezone)
    booked = meeting.status == MeetingStatus.BOOKED
    return MeetingView(
        id=meeting.id,
        kind_id=meeting.type_id,
        kind_name=meeting.type_name,
        mode=Mode(meeting.mode),
        place=meeting.place_label,
        start=meeting.starts_at.astimezone(zone),
        end=meeting.ends_at.astimezone(zone),
        with_name=first_name(member.display_name) if member else None,
        status=MeetingStatus(meeting.status),
        can_cancel=booked and may_cancel(kind, meeting.starts_at, now),
        can_move=booked and may_move(kind, meeting.starts_at, now),
        after_text=row.after_text if row is not None else None,
        sequence=meeting.sequence,
        discreet=await _discreet(session, meeting.person_id),
        waiting=booked and await meeting_store.waiting_of(session, meeting.id) is not None,
        may_wait=booked and meeting.type_id is not None and meeting.starts_at - now > WAIT_AWAY,
        workshop=meeting.workshop_id is not None,
        may_arrive=booked
        and may_say_arrived(Mode(meeting.mode), meeting.starts_at, meeting.ends_at, now),
    )


async def _discreet(session: AsyncSession, person_id: int) -> bool:
    person = await person_store.get_person(session, person_id)
    return person is not None and person.discreet


def kind_rules(kind: MeetingType) -> MeetingKind:
    return MeetingKind(
        id=kind.id,
        site_id=kind.site_id,
        name=kind.name,
        minutes=kind.minutes,
        modes=kind_modes(kind),
        notice=timedelta(minutes=kind.notice_minutes),
        horizon=timedelta(days=kind.horizon_days),
        buffer=timedelta(minutes=kind.buffer_minutes),
        cancel_until=timedelta(minutes=kind.cancel_until_minutes),
        move_until=timedelta(minutes=kind.move_until_minutes),
        referent_only=kind.referent_only,
        before_text=kind.before_text,
        after_text=kind.after_text,
    )


def kind_modes(kind: MeetingType) -> frozenset[Mode]:
    return frozenset(Mode(m) for m in kind.modes.split(",") if m)


def kind_choice(kind: MeetingType) -> KindChoice:
    return KindChoice(kind.id, kind.name, kind.minutes, kind.before_text)


def person_label(person: Person) -> str:
    """How staff see a person: the referent's note, else a number (never their name)."""
    return person.referent_note or f"n°{person.id}"


async def place_choice(session: AsyncSession, place_id: int) -> PlaceChoice | None:
    place = await meeting_store.get_place(session, place_id)
    if place is None:
        return None
    return PlaceChoice(place.id, Mode(place.kind), place.label, ZoneInfo(place.timezone))
