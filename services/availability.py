"""A site's availability file stored: places and meeting types by key, each listed staff
member's weekly windows, openings and absences replaced (`bot.py dispos import FILE`).

All or nothing, in one transaction: a name the file gives that is nobody on the site is
reported at its line, like the file's own mistakes, and nothing is stored. Meetings
already booked stay as they are; a meeting type left out of the file is no longer
offered (its meetings keep their name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.availability_file import (
    AbsenceSpec,
    AvailabilityError,
    AvailabilityFile,
    KindSpec,
    OpeningSpec,
    PlaceSpec,
    StaffSpec,
    WindowSpec,
    WorkshopSpec,
)
from core.meetings import Mode, NotifyLevel
from core.sites import normalise
from storage import meetings as meeting_store
from storage import sites as site_store
from storage import staff as staff_store
from storage.db import SessionFactory
from storage.meetings import ABSENCE, OPENING, WEEKLY
from storage.models import (
    Availability,
    MeetingPlace,
    MeetingType,
    Site,
    StaffMember,
    Workshop,
)


class UnknownSite(LookupError):
    pass


@dataclass(frozen=True)
class Imported:
    site: str
    places: int
    meeting_types: int
    staff: int


async def import_availability(
    db: SessionFactory, site_name_or_id: str, spec: AvailabilityFile, file_name: str
) -> Imported:
    async with db.begin() as session:
        site = await site_store.find_site(session, site_name_or_id)
        if site is None:
            raise UnknownSite(site_name_or_id)
        staff = await _resolve_staff(session, site, spec.staff, file_name)
        places = {p.key: await _place(session, site, p) for p in spec.places}
        await _kinds(session, site, spec.meeting_types)
        await _workshops(session, site, spec.workshops, places)
        for member_id, member in staff:
            rows = _availability(member_id, member, places, ZoneInfo(site.timezone))
            await meeting_store.replace_availability(session, member_id, rows)
        return Imported(site.name, len(places), len(spec.meeting_types), len(staff))


async def _resolve_staff(
    session: AsyncSession, site: Site, specs: tuple[StaffSpec, ...], file_name: str
) -> list[tuple[int, StaffSpec]]:
    """Each `who` is the display name of one staff member of the site (accents and case
    aside); every name that is not is reported at its line."""
    members = await staff_store.staff_on_site(session, site.id)
    by_name: dict[str, set[int]] = {}
    for member, _role in members:
        by_name.setdefault(normalise(member.display_name), set()).add(member.id)
    found, errors = [], []
    for spec in specs:
        ids = by_name.get(normalise(spec.who), set())
        if len(ids) == 1:
            found.append((next(iter(ids)), spec))
        elif not ids:
            errors.append(f"{file_name}:{spec.line}: nobody named {spec.who!r} at {site.name}")
        else:
            errors.append(f"{file_name}:{spec.line}: several staff members are named {spec.who!r}")
    if errors:
        raise AvailabilityError(errors)
    return found


async def _place(session: AsyncSession, site: Site, spec: PlaceSpec) -> MeetingPlace:
    place = await meeting_store.place_by_key(session, site.id, spec.key)
    if place is None:
        place = MeetingPlace(site_id=site.id, key=spec.key)
        session.add(place)
    place.kind, place.label, place.timezone = spec.mode.value, spec.label, spec.zone_name
    await session.flush()
    return place


async def _kinds(session: AsyncSession, site: Site, specs: tuple[KindSpec, ...]) -> None:
    listed = {spec.key for spec in specs}
    for existing in await meeting_store.kinds_of_site(session, site.id):
        if existing.key not in listed:
            existing.active = False
    for spec in specs:
        kind = await meeting_store.kind_by_key(session, site.id, spec.key)
        if kind is None:
            kind = MeetingType(site_id=site.id, key=spec.key)
            session.add(kind)
        kind.name, kind.minutes = spec.name, spec.minutes
        kind.modes = ",".join(sorted(mode.value for mode in spec.modes))
        kind.notice_minutes = _minutes(spec.notice)
        kind.horizon_days = spec.horizon.days
        kind.buffer_minutes = _minutes(spec.buffer)
        kind.cancel_until_minutes = _minutes(spec.cancel_until)
        kind.move_until_minutes = _minutes(spec.move_until)
        kind.referent_only = spec.referent_only
        kind.before_text, kind.after_text = spec.before_text, spec.after_text
        kind.active = True
    await session.flush()


async def _workshops(
    session: AsyncSession,
    site: Site,
    specs: tuple[WorkshopSpec, ...],
    places: dict[str, MeetingPlace],
) -> None:
    """Workshops by key; one left out of the file is no longer offered (its seats stay)."""
    listed = {spec.key for spec in specs}
    for existing in await meeting_store.workshops_of_site(session, site.id):
        if existing.key not in listed:
            existing.active = False
    for spec in specs:
        place = places[spec.place_key]
        zone = ZoneInfo(place.timezone)
        workshop = await meeting_store.workshop_by_key(session, site.id, spec.key)
        if workshop is None:
            workshop = Workshop(site_id=site.id, key=spec.key)
            session.add(workshop)
        workshop.name, workshop.capacity, workshop.active = spec.name, spec.capacity, True
        workshop.place_id, workshop.place_label, workshop.mode = place.id, place.label, place.kind
        workshop.timezone = place.timezone
        workshop.starts_at = datetime.combine(spec.on, spec.start, tzinfo=zone)
        workshop.ends_at = datetime.combine(spec.on, spec.end, tzinfo=zone)
    await session.flush()


def _availability(
    member_id: int, spec: StaffSpec, places: dict[str, MeetingPlace], zone: ZoneInfo
) -> list[Availability]:
    """Windows and openings at their place's time; absences in the site's days."""
    rows = [_weekly(member_id, w, places[w.place_key]) for w in spec.weekly]
    rows += [_opening(member_id, o, places[o.place_key]) for o in spec.openings]
    rows += [_absence(member_id, a, zone) for a in spec.absences]
    return rows


def _weekly(member_id: int, spec: WindowSpec, place: MeetingPlace) -> Availability:
    return Availability(
        staff_id=member_id,
        kind=WEEKLY,
        place_id=place.id,
        weekday=spec.weekday,
        from_time=spec.start,
        to_time=spec.end,
    )


def _opening(member_id: int, spec: OpeningSpec, place: MeetingPlace) -> Availability:
    zone = ZoneInfo(place.timezone)
    return Availability(
        staff_id=member_id,
        kind=OPENING,
        place_id=place.id,
        starts_at=datetime.combine(spec.on, spec.start, tzinfo=zone),
        ends_at=datetime.combine(spec.on, spec.end, tzinfo=zone),
    )


def _absence(member_id: int, spec: AbsenceSpec, zone: ZoneInfo) -> Availability:
    """Whole days, from the first day's midnight to the day after the last, local time."""
    return Availability(
        staff_id=member_id,
        kind=ABSENCE,
        starts_at=datetime.combine(spec.first, time(0), tzinfo=zone),
        ends_at=datetime.combine(spec.last + timedelta(days=1), time(0), tzinfo=zone),
        why=spec.why,
    )


def _minutes(delay: timedelta) -> int:
    return int(delay.total_seconds() // 60)


# A staff member's own availability, by buttons (/dispos).


@dataclass(frozen=True)
class WindowLine:
    id: int
    weekday: int  # 0 is Monday
    start: time
    end: time
    place: str


@dataclass(frozen=True)
class AbsenceLine:
    id: int
    first: date
    last: date


@dataclass(frozen=True)
class PlaceLine:
    id: int
    mode: Mode
    label: str


@dataclass(frozen=True)
class MyAvailability:
    windows: tuple[WindowLine, ...]
    absences: tuple[AbsenceLine, ...]
    places: tuple[PlaceLine, ...]  # where they may receive: their sites' places
    today: date


class Refused(StrEnum):
    """Why a window or an absence was not added (the screen says it kindly)."""

    OVERLAP = "overlap"  # another window of theirs that day overlaps
    INVALID = "invalid"  # start not before end, a place not theirs, a date in the past


async def my_availability(
    db: SessionFactory, telegram_user_id: int, now: datetime
) -> MyAvailability | None:
    """None for someone who is not (or no longer) staff."""
    async with db.begin() as session:
        member = await _active_staff(session, telegram_user_id)
        if member is None:
            return None
        return await _view(session, member, now)


async def add_window(
    db: SessionFactory,
    telegram_user_id: int,
    weekday: int,
    start: time,
    end: time,
    place_id: int,
    now: datetime,
) -> MyAvailability | Refused | None:
    async with db.begin() as session:
        member = await _active_staff(session, telegram_user_id)
        if member is None:
            return None
        view = await _view(session, member, now)
        if not (0 <= weekday <= 6 and start < end and place_id in {p.id for p in view.places}):
            return Refused.INVALID
        if any(w.weekday == weekday and w.start < end and start < w.end for w in view.windows):
            return Refused.OVERLAP
        session.add(
            Availability(
                staff_id=member.id,
                kind=WEEKLY,
                place_id=place_id,
                weekday=weekday,
                from_time=start,
                to_time=end,
            )
        )
        await session.flush()
        return await _view(session, member, now)


async def add_absence(
    db: SessionFactory, telegram_user_id: int, first: date, last: date, now: datetime
) -> MyAvailability | Refused | None:
    """Whole days off, in the zone of their (first) site; meetings already booked stay:
    the agenda shows them, to move or cancel."""
    async with db.begin() as session:
        member = await _active_staff(session, telegram_user_id)
        if member is None:
            return None
        zone = await _zone_of(session, member.id)
        if last < first or first < now.astimezone(zone).date():
            return Refused.INVALID
        spec = AbsenceSpec(first, last, "other")
        session.add(_absence(member.id, spec, zone))
        await session.flush()
        return await _view(session, member, now)


async def remove(
    db: SessionFactory, telegram_user_id: int, row_id: int, now: datetime
) -> MyAvailability | None:
    """Only their own rows: another's id is ignored."""
    async with db.begin() as session:
        member = await _active_staff(session, telegram_user_id)
        if member is None:
            return None
        await meeting_store.remove_availability(session, member.id, row_id)
        return await _view(session, member, now)


async def notify_level(
    db: SessionFactory, telegram_user_id: int, level: NotifyLevel | None = None
) -> NotifyLevel | None:
    """Their notification level, changed to `level` when given; None for a non-staff."""
    async with db.begin() as session:
        member = await _active_staff(session, telegram_user_id)
        if member is None:
            return None
        if level is not None:
            member.notify_level = level.value
        return NotifyLevel(member.notify_level)


async def _active_staff(session: AsyncSession, telegram_user_id: int) -> StaffMember | None:
    member = await staff_store.find_staff(session, telegram_user_id)
    return member if member is not None and member.deactivated_at is None else None


async def _view(session: AsyncSession, member: StaffMember, now: datetime) -> MyAvailability:
    zone = await _zone_of(session, member.id)
    places: list[PlaceLine] = []
    for site_id, _role in await staff_store.roles_of(session, member.id):
        places += [
            PlaceLine(p.id, Mode(p.kind), p.label)
            for p in await meeting_store.places_of_site(session, site_id)
            if p.id not in {known.id for known in places}
        ]
    labels = {p.id: p.label for p in places}
    rows = await meeting_store.availability_of(session, [member.id], now, _FAR)
    windows = sorted(
        (
            WindowLine(r.id, r.weekday, r.from_time, r.to_time, labels.get(r.place_id, ""))
            for r in rows
            if r.kind == WEEKLY
            and r.weekday is not None
            and r.from_time is not None
            and r.to_time is not None
            and r.place_id is not None
        ),
        key=lambda w: (w.weekday, w.start),
    )
    absences = sorted(
        (
            AbsenceLine(
                r.id,
                r.starts_at.astimezone(zone).date(),
                (r.ends_at.astimezone(zone) - timedelta(seconds=1)).date(),
            )
            for r in rows
            if r.kind == ABSENCE and r.starts_at is not None and r.ends_at is not None
        ),
        key=lambda a: a.first,
    )
    return MyAvailability(
        tuple(windows), tuple(absences), tuple(places), now.astimezone(zone).date()
    )


async def _zone_of(session: AsyncSession, staff_id: int) -> ZoneInfo:
    roles = await staff_store.roles_of(session, staff_id)
    site = await site_store.get_site(session, roles[0][0]) if roles else None
    return ZoneInfo(site.timezone) if site is not None else ZoneInfo("UTC")


_FAR = datetime(2200, 1, 1, tzinfo=ZoneInfo("UTC"))
