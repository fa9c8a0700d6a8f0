"""Meetings between a person and their referent: what can be booked, when, and the rules
that hold whatever the screen (notice, horizon, cancelling and moving, reminders).

Pure: instants are aware datetimes passed in by the caller; each place and each meeting
carries its IANA time zone, so a 10:00 meeting stays 10:00 where it happens across a
daylight-saving change, and an overseas site shows its own time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.quiet_hours import QUIET_UNTIL, is_quiet

GRID = timedelta(minutes=15)
"""Meetings start on the quarter hour and last whole quarters: the database's guarantee
against double booking is one row per referent and quarter (`storage.meetings`)."""


class Mode(StrEnum):
    """How the meeting happens."""

    OFFICE = "office"
    PHONE = "phone"
    VIDEO = "video"
    HOME = "home"  # a home visit
    OUTSIDE = "outside"  # a place to agree together: a café, a park


class MeetingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    HELD = "held"
    MISSED = "missed"
    HOLD = "hold"  # a freed time kept for one person of the waiting list, for a while


TAKES_TIME = (MeetingStatus.BOOKED, MeetingStatus.HOLD)  # what a slot search steps around

WAIT_OFFERS = 3  # earlier times offered to one person at most
WAIT_AWAY = timedelta(days=7)  # only while their meeting is further away than this
HOLD_FOR = timedelta(hours=2)  # a freed time kept for them, then offered to the next


def may_be_offered(
    meeting_start: datetime, offers: int, last_offer: datetime | None, now: datetime, zone: ZoneInfo
) -> bool:
    """A person of the waiting list may be offered an earlier time: their meeting is more
    than a week away, fewer than three offers so far, and none yet today."""
    offered_today = last_offer is not None and (
        last_offer.astimezone(zone).date() == now.astimezone(zone).date()
    )
    return meeting_start - now > WAIT_AWAY and offers < WAIT_OFFERS and not offered_today


class CancelledBy(StrEnum):
    PERSON = "person"
    STAFF = "staff"


class ReminderAnswer(StrEnum):
    """The person's answer to a meeting's reminder, each told to the staff member."""

    COMING = "coming"
    LATE = "late"
    CHANGE = "change"
    CANCEL_LATE = "cancel"  # too close to cancel by a tap: the staff member is told
    ARRIVED = "here"  # at the office, on the day


ARRIVAL_FROM = timedelta(hours=1)  # "I have arrived" is offered from this long before


def may_say_arrived(mode: Mode, start: datetime, end: datetime, now: datetime) -> bool:
    """At the office, from an hour before the start until its end."""
    return mode is Mode.OFFICE and start - ARRIVAL_FROM <= now <= end


class PartOfDay(StrEnum):
    """When in the day a person can come, for times they propose themselves."""

    MORNING = "am"
    AFTERNOON = "pm"
    EVENING = "ev"
    ANY = "any"

    def contains(self, local: time) -> bool:
        match self:
            case PartOfDay.MORNING:
                return local < time(12, 0)
            case PartOfDay.AFTERNOON:
                return time(12, 0) <= local < time(17, 0)
            case PartOfDay.EVENING:
                return local >= time(17, 0)
            case PartOfDay.ANY:
                return True


class RequestStatus(StrEnum):
    """A person's own proposal of days, and what became of it."""

    PENDING = "pending"
    BOOKED = "booked"  # the staff member chose a time in it: the meeting is booked
    OFFERED = "offered"  # the staff member offered another time; the person decides
    DECLINED = "declined"
    TAKEN = "taken"  # the person took the offered time


PROPOSABLE_DAYS = 12  # days a person may tick, from tomorrow (Sundays left out)


def proposable_days(today: date, holidays: frozenset[date] = frozenset()) -> list[date]:
    """The days a person may propose: from tomorrow, no Sunday, no public holiday."""
    days: list[date] = []
    day = today
    while len(days) < PROPOSABLE_DAYS:
        day += timedelta(days=1)
        if day.weekday() != SUNDAY and day not in holidays:
            days.append(day)
    return days


SUNDAY = 6


def fits(slot: Slot, days: frozenset[date], part: PartOfDay) -> bool:
    """A free time inside what the person proposed (in the place's local time)."""
    return slot.start.date() in days and part.contains(slot.start.time())


class NotifyLevel(StrEnum):
    """What a staff member is told about their meetings as it happens (the agenda always
    shows everything). A person's question that needs an answer always goes."""

    ALL = "all"
    SOON = "soon"  # only about meetings today or tomorrow
    NONE = "none"  # only the questions that wait for them


def staff_wants(
    level: NotifyLevel,
    needs_answer: bool,
    starts_at: datetime | None,
    now: datetime,
    zone: ZoneInfo,
) -> bool:
    """Whether a message about a meeting goes to a staff member at their level."""
    if needs_answer or level is NotifyLevel.ALL:
        return True
    if level is NotifyLevel.NONE or starts_at is None:
        return False
    days = (starts_at.astimezone(zone).date() - now.astimezone(zone).date()).days
    return 0 <= days <= 1


class Reminding(StrEnum):
    """A meeting's own reminders (the site may change when they go)."""

    DAY_BEFORE = "day"
    HOURS_BEFORE = "hours"


@dataclass(frozen=True)
class MeetingKind:
    """A type of meeting a site offers ("Premier rendez-vous", "Aide à une démarche")."""

    id: int
    site_id: int
    name: str
    minutes: int
    modes: frozenset[Mode]
    notice: timedelta = timedelta(hours=24)  # the earliest slot is this far from now
    horizon: timedelta = timedelta(weeks=6)  # the latest slot is this far from now
    buffer: timedelta = timedelta(0)  # free time the referent keeps around each meeting
    cancel_until: timedelta = timedelta(hours=4)  # before the start
    move_until: timedelta = timedelta(hours=48)
    referent_only: bool = True  # only with the person's referent (else anyone of the site)
    before_text: str | None = None  # shown before booking
    after_text: str | None = None  # shown in the confirmation

    @property
    def length(self) -> timedelta:
        return timedelta(minutes=self.minutes)


@dataclass(frozen=True)
class Place:
    """Where (or how) a site meets people, in its own time zone."""

    id: int
    site_id: int
    mode: Mode
    label: str  # the office's name and address, the phone line's name, the video link
    zone: ZoneInfo


@dataclass(frozen=True)
class Window:
    """A weekly recurring time when a staff member receives, at one place, in local time."""

    staff_id: int
    place_id: int
    weekday: int  # 0 is Monday
    start: time
    end: time


@dataclass(frozen=True)
class Opening:
    """A one-off time a staff member receives at a place (aware instants)."""

    staff_id: int
    place_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Absence:
    """Leave, training, sickness: no slot for that staff member in [start, end)."""

    staff_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Busy:
    """A meeting already booked for a staff member, [start, end)."""

    staff_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Slot:
    """A time a person may book: with whom, where, from when (aware, in the place's zone)."""

    staff_id: int
    place_id: int
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Calendar:
    """Everything slot search needs about the staff members concerned, read in a few
    queries (`storage.meetings.calendar`)."""

    windows: tuple[Window, ...]
    openings: tuple[Opening, ...]
    absences: tuple[Absence, ...]
    busy: tuple[Busy, ...]
    places: dict[int, Place]
    holidays: frozenset[date]  # the site's public holidays over the horizon


def may_cancel(kind: MeetingKind, start: datetime, now: datetime) -> bool:
    """Cancelling by a tap closes `cancel_until` before the start; after that, the bot still
    takes the person's message and tells the referent (never stuck)."""
    return now <= start - kind.cancel_until


def may_move(kind: MeetingKind, start: datetime, now: datetime) -> bool:
    return now <= start - kind.move_until


DAY_BEFORE = timedelta(days=1)
HOURS_BEFORE = timedelta(hours=2)
LAST_USEFUL = timedelta(minutes=30)  # a reminder later than this before the start is dropped


def reminder_times(start: datetime, zone: ZoneInfo, now: datetime) -> dict[Reminding, datetime]:
    """When a meeting's reminders go: the day before at the same local time, and two hours
    before; one falling in quiet hours goes when they end that morning.

    Computed when the meeting is booked or moved, so a meeting booked three hours ahead
    still gets its two-hours-before reminder, and a moved one never keeps an old time. A
    reminder whose time has passed is not planned (the confirmation was just sent), and
    none goes later than `LAST_USEFUL` before the start."""
    times: dict[Reminding, datetime] = {}
    local_start = start.astimezone(zone)
    day_before = datetime.combine(
        local_start.date() - timedelta(days=1), local_start.time(), tzinfo=zone
    )
    planned = {
        Reminding.DAY_BEFORE: _out_of_quiet(day_before, zone),
        Reminding.HOURS_BEFORE: _out_of_quiet(start - HOURS_BEFORE, zone),
    }
    for which, at in planned.items():
        if now < at <= start - LAST_USEFUL:
            times[which] = at
    return times


def reminder_still_due(
    status: MeetingStatus, starts_at: datetime, announced: datetime, now: datetime
) -> bool:
    """Just before sending: the meeting still stands, at the time the reminder announces,
    and has not started (a reminder held up by an outage is dropped, not sent late)."""
    return status is MeetingStatus.BOOKED and starts_at == announced and now < starts_at


def cells(start: datetime, end: datetime) -> list[datetime]:
    """The quarter hours a meeting takes, as UTC instants (`storage.meetings`' key)."""
    taken, at = [], start.astimezone(UTC)
    while at < end:
        taken.append(at)
        at += GRID
    return taken


def _out_of_quiet(at: datetime, zone: ZoneInfo) -> datetime:
    """A reminder due at night goes when the quiet hours end that morning."""
    if not is_quiet(at, zone):
        return at
    local = at.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)
