"""The staff member's side: their agenda and a meeting's card (marking, cancelling, its
messages), booking for a person who cannot, inviting to book, and the slot-shortage
alert.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.access import Role, StaffAction, Target
from core.handoffs import Reason, Who
from core.meetings import (
    GRID,
    CancelledBy,
    MeetingStatus,
    Mode,
    Slot,
)
from core.notices import (
    BookedForYou,
    BookingInvitation,
    InvitationUnused,
    MeetingCancelled,
    MeetingMissed,
    Notice,
    SlotShortage,
    ToPerson,
    ToStaff,
)
from core.sites import first_name
from core.slots import capacity, free_slots
from services import handoffs, outbox
from services.authorisation import authorise, staff_transaction
from services.booking import (
    KindChoice,
    NoBooking,
    PlaceChoice,
    calendar_of,
    cancel_meeting,
    kind_choice,
    kind_modes,
    kind_rules,
    latest_meeting,
    meeting_facts,
    own_meeting,
    person_label,
    take_slot,
    without_meeting,
)
from storage import key_values
from storage import meetings as meeting_store
from storage import persons as person_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.models import Meeting, Person

STAFF_TIMES = 8  # free times shown to a staff member booking for someone
INVITE_FOLLOW_UP = timedelta(days=3)
INVITE_UNUSED = timedelta(days=10)
SHORTAGE_KEY = "slot-shortage:{staff}"  # the day a staff member was last alerted


@dataclass(frozen=True)
class StaffBooking:
    """What the staff member chooses next to book for a person: a type, a place, a time
    (their own free times: they may fit someone in sooner than the type's notice)."""

    person_id: int
    person_label: str
    kinds: tuple[KindChoice, ...]
    kind: KindChoice | None
    places: tuple[PlaceChoice, ...]
    place: PlaceChoice | None
    slots: tuple[Slot, ...]
    moving: int = 0  # the person's meeting being moved, 0 for a new one


async def staff_booking(
    db: SessionFactory,
    telegram_user_id: int,
    person_id: int,
    kind_id: int,
    place_id: int,
    after: datetime | None,
    now: datetime,
    moving: int = 0,
) -> StaffBooking | NoBooking:
    async with staff_transaction(db) as session:
        found = await _person_for_staff(session, telegram_user_id, person_id, now)
        if found is None:
            return NoBooking.GONE
        person, staff_id = found
        return await _staff_booking(
            session, person, staff_id, kind_id, place_id, after, now, moving
        )


async def staff_book(
    db: SessionFactory,
    telegram_user_id: int,
    person_id: int,
    kind_id: int,
    place_id: int,
    start: datetime,
    now: datetime,
    moving: int = 0,
) -> StaffMeeting | StaffBooking | NoBooking:
    """Booked (or moved) with the staff member themselves; the person is told, with the
    calendar file (an update of it when moved). A time taken meanwhile: their next free
    times instead."""
    async with staff_transaction(db) as session:
        found = await _person_for_staff(session, telegram_user_id, person_id, now)
        if found is None:
            return NoBooking.GONE
        person, staff_id = found
        old = await own_meeting(session, person, moving) if moving else None
        if moving and (old is None or old.status != MeetingStatus.BOOKED):
            return NoBooking.GONE
        choice = await _staff_booking(
            session, person, staff_id, kind_id, place_id, start - GRID, now, moving
        )
        kind = await meeting_store.get_kind(session, kind_id)
        slot = next((s for s in choice.slots if s.start == start), None)
        if kind is None or choice.place is None or slot is None:
            return await _staff_booking(
                session, person, staff_id, kind_id, place_id, None, now, moving
            )
        if not await take_slot(
            session, person, kind, choice.place, slot, now, old, tell_staff=False
        ):
            return await _staff_booking(
                session, person, staff_id, kind_id, place_id, None, now, moving
            )
        meeting = old if old is not None else await latest_meeting(session, person)
        facts = await meeting_facts(session, meeting, person)
        notice = BookedForYou(
            ToPerson(person.id),
            facts,
            meeting.sequence,
            among_their_days=False,
            moved=old is not None,
        )
        await outbox.queue(session, [notice], now)
        meeting_id = meeting.id
    return await staff_meeting(db, telegram_user_id, meeting_id, now)


async def invite_to_book(
    db: SessionFactory, telegram_user_id: int, person_id: int, now: datetime
) -> str | NoBooking:
    """An invitation now, a gentle follow-up in three days and a word to the staff member
    in ten, both dropped if the person books meanwhile. Returns the person's label."""
    async with staff_transaction(db) as session:
        found = await _person_for_staff(session, telegram_user_id, person_id, now)
        if found is None:
            return NoBooking.GONE
        person, staff_id = found
        member = await staff_store.get_staff(session, staff_id)
        name = first_name(member.display_name) if member else None
        since = now.isoformat()
        to = ToPerson(person.id)
        await outbox.queue(session, [BookingInvitation(to, name, since)], now)
        follow_up = BookingInvitation(to, name, since, follow_up=True)
        await outbox.queue(session, [follow_up], now, at=now + INVITE_FOLLOW_UP)
        unused = InvitationUnused(ToStaff(staff_id), person.id, person_label(person), since)
        await outbox.queue(session, [unused], now, at=now + INVITE_UNUSED)
        return person_label(person)


async def _person_for_staff(
    session: AsyncSession, telegram_user_id: int, person_id: int, now: datetime
) -> tuple[Person, int] | None:
    """The person, if the staff member may see them (their referent, or an admin)."""
    person = await person_store.get_person(session, person_id)
    if person is None or person.site_id is None:
        return None
    target = Target(person.site_id, person_referent_id=person.referent_id)
    actor = await authorise(
        session, telegram_user_id, StaffAction.VIEW_PERSON, target, now, person_id=person.id
    )
    return person, actor.staff_id


async def _staff_booking(
    session: AsyncSession,
    person: Person,
    staff_id: int,
    kind_id: int,
    place_id: int,
    after: datetime | None,
    now: datetime,
    moving: int = 0,
) -> StaffBooking:
    """The next question: the type, the place, then their free times (a meeting being
    moved leaves its own time free)."""
    site_id = person.site_id or 0
    kinds = await meeting_store.kinds_of_site(session, site_id)
    kind = next((k for k in kinds if k.id == kind_id), None)
    places: list[PlaceChoice] = []
    if kind is not None:
        receiving = await meeting_store.places_with_availability(session, [staff_id])
        places = [
            PlaceChoice(p.id, Mode(p.kind), p.label, ZoneInfo(p.timezone))
            for p in await meeting_store.places_of_site(session, site_id)
            if p.kind in kind_modes(kind) and p.id in receiving
        ]
    place = next((p for p in places if p.id == place_id), None)
    slots: list[Slot] = []
    if kind is not None and place is not None:
        rules = replace(kind_rules(kind), notice=timedelta(0))
        calendar = await calendar_of(session, kind, [staff_id], now)
        old = await own_meeting(session, person, moving) if moving else None
        if old is not None:
            calendar = without_meeting(calendar, old)
        slots = free_slots(
            rules,
            calendar,
            now,
            staff_ids=[staff_id],
            place_ids=[place.id],
            after=after,
            limit=STAFF_TIMES,
        )
    return StaffBooking(
        person.id,
        person_label(person),
        tuple(kind_choice(k) for k in kinds),
        kind_choice(kind) if kind is not None else None,
        tuple(places),
        place,
        tuple(slots),
        moving,
    )


@dataclass(frozen=True)
class AgendaLine:
    id: int
    start: datetime
    kind_name: str
    mode: Mode
    person_label: str
    status: MeetingStatus
    colleague: str | None = None  # whose meeting, when it is not the viewer's


@dataclass(frozen=True)
class MessageLine:
    """One message about a meeting, and what became of it (never its text)."""

    at: datetime
    kind: str
    to_person: bool
    status: str
    error: str | None


@dataclass(frozen=True)
class StaffMeeting:
    line: AgendaLine
    place: str
    end: datetime
    messages: tuple[MessageLine, ...]
    person_id: int
    kind_id: int | None  # None: a workshop seat, or a type removed since


async def agenda(
    db: SessionFactory, telegram_user_id: int, start: datetime, days: int
) -> tuple[AgendaLine, ...] | None:
    """The staff member's own meetings from `start` for `days` days, and for a site admin
    every meeting of their sites (with whom); None for someone who is not staff."""
    async with db.begin() as session:
        member = await staff_store.find_staff(session, telegram_user_id)
        if member is None or member.deactivated_at is not None:
            return None
        end = start + timedelta(days=days)
        rows = await meeting_store.of_staff_between(session, member.id, start, end)
        admin_of = [site for site, role in await staff_store.roles_of(session, member.id)
                    if role == Role.ADMIN.value]  # fmt: skip
        if admin_of:
            known = {m.id for m in rows}
            rows += [
                m
                for m in await meeting_store.of_sites_between(session, admin_of, start, end)
                if m.id not in known
            ]
        rows.sort(key=lambda m: m.starts_at)
        return tuple([await _line(session, m, member.id) for m in rows])


async def staff_meeting(
    db: SessionFactory, telegram_user_id: int, meeting_id: int, now: datetime
) -> StaffMeeting | NoBooking:
    async with staff_transaction(db) as session:
        meeting = await _managed(session, telegram_user_id, meeting_id, now)
        if meeting is None:
            return NoBooking.GONE
        messages = tuple(
            MessageLine(m.created_at, m.kind, m.person_id is not None, m.status, m.last_error)
            for m in await meeting_store.messages_about(session, meeting.id)
        )
        zone = ZoneInfo(meeting.timezone)
        return StaffMeeting(
            await _line(session, meeting),
            meeting.place_label,
            meeting.ends_at.astimezone(zone),
            messages,
            meeting.person_id,
            meeting.type_id,
        )


async def mark(
    db: SessionFactory,
    telegram_user_id: int,
    meeting_id: int,
    status: MeetingStatus,
    now: datetime,
) -> StaffMeeting | NoBooking:
    """Held or missed, once the meeting has started. Missed: a kind message to the person
    ("we missed you, a new time?"), never a warning."""
    async with staff_transaction(db) as session:
        meeting = await _managed(session, telegram_user_id, meeting_id, now)
        if meeting is None or status not in (MeetingStatus.HELD, MeetingStatus.MISSED):
            return NoBooking.GONE
        if meeting.starts_at > now or meeting.status == MeetingStatus.CANCELLED:
            return NoBooking.GONE
        was = meeting.status
        meeting.status, meeting.updated_at = status.value, now
        if status is MeetingStatus.MISSED and was != MeetingStatus.MISSED:
            person = await person_store.get_person(session, meeting.person_id)
            if person is not None:
                facts = await meeting_facts(session, meeting, person)
                await outbox.queue(session, [MeetingMissed(ToPerson(person.id), facts)], now)
                if await _missed_before(session, meeting):  # twice in a row: a human
                    await handoffs.open_for(
                        session, person, Reason.MISSED_TWICE, now, who=Who.REFERENT
                    )
    return await staff_meeting(db, telegram_user_id, meeting_id, now)


async def _missed_before(session: AsyncSession, meeting: Meeting) -> bool:
    """The person's meeting before this one (held or missed) was missed too."""
    earlier = [
        m
        for m in await meeting_store.of_person(session, meeting.person_id)
        if m.starts_at < meeting.starts_at
        and m.status in (MeetingStatus.HELD.value, MeetingStatus.MISSED.value)
    ]
    return bool(earlier) and earlier[-1].status == MeetingStatus.MISSED.value


async def staff_cancel(
    db: SessionFactory, telegram_user_id: int, meeting_id: int, now: datetime
) -> StaffMeeting | NoBooking:
    """The staff member cancels: the person is told with an apology, the cancelled calendar
    file and a way to book again."""
    async with staff_transaction(db) as session:
        meeting = await _managed(session, telegram_user_id, meeting_id, now)
        if meeting is None or meeting.status != MeetingStatus.BOOKED or meeting.starts_at <= now:
            return NoBooking.GONE
        await cancel_meeting(session, meeting, CancelledBy.STAFF, now)
        person = await person_store.get_person(session, meeting.person_id)
        if person is not None:
            facts = await meeting_facts(session, meeting, person)
            notice = MeetingCancelled(ToPerson(person.id), facts, meeting.sequence)
            await outbox.queue(session, [notice], now)
    return await staff_meeting(db, telegram_user_id, meeting_id, now)


async def _managed(
    session: AsyncSession, telegram_user_id: int, meeting_id: int, now: datetime
) -> Meeting | None:
    """The meeting, if the staff member may manage it (audited; refused: NotAllowed)."""
    meeting = await meeting_store.get_meeting(session, meeting_id)
    if meeting is None:
        return None
    target = Target(meeting.site_id, staff_id=meeting.staff_id)
    await authorise(
        session,
        telegram_user_id,
        StaffAction.MANAGE_MEETING,
        target,
        now,
        person_id=meeting.person_id,
    )
    return meeting


async def _line(session: AsyncSession, meeting: Meeting, viewer: int | None = None) -> AgendaLine:
    """A meeting in an agenda; a colleague's (seen by an admin) names the colleague."""
    person = await person_store.get_person(session, meeting.person_id)
    label = (person.referent_note if person else None) or f"n°{meeting.person_id}"
    colleague = None
    if viewer is not None and meeting.staff_id not in (None, viewer):
        member = await staff_store.get_staff(session, meeting.staff_id or 0)
        colleague = first_name(member.display_name) if member else None
    return AgendaLine(
        meeting.id,
        meeting.starts_at.astimezone(ZoneInfo(meeting.timezone)),
        meeting.type_name,
        Mode(meeting.mode),
        label,
        MeetingStatus(meeting.status),
        colleague,
    )


async def alert_shortages(db: SessionFactory, now: datetime) -> int:
    """Staff members with more persons waiting for an answer than free times left in
    the horizon are told, with their site's admins, once a day. Returns how many."""
    alerted = 0
    async with db.begin() as session:
        for staff_id, type_id, waiting in await meeting_store.pending_requests_by_staff(session):
            kind = await meeting_store.get_kind(session, type_id)
            member = await staff_store.get_staff(session, staff_id)
            if kind is None or member is None or member.deactivated_at is not None:
                continue
            calendar = await calendar_of(session, kind, [staff_id], now)
            found = free_slots(kind_rules(kind), calendar, now, staff_ids=[staff_id], limit=500)
            free = capacity(found)
            key = SHORTAGE_KEY.format(staff=staff_id)
            today = now.date().isoformat()
            if free >= waiting or await key_values.get(session, key) == today:
                continue
            await key_values.put(session, key, today)
            name = first_name(member.display_name)
            notices: list[Notice] = [
                SlotShortage(ToStaff(staff_id), staff_id, name, waiting, free, own=True)
            ]
            notices += [
                SlotShortage(ToStaff(admin.id), staff_id, name, waiting, free, own=False)
                for admin in await staff_store.admins_of_site(session, kind.site_id)
                if admin.id != staff_id
            ]
            await outbox.queue(session, notices, now)
            alerted += 1
    return alerted
