"""The calendar file of a meeting: sent with the confirmation, again when the meeting moves,
and once more when it is cancelled, so the event in the person's phone follows the meeting.

Why these choices, for a file tapped in a chat rather than an invitation by e-mail:

- A booking or a move is `METHOD:PUBLISH`, `STATUS:CONFIRMED`. `METHOD:REQUEST` is an
  invitation: it needs an organizer mailbox to answer (RFC 5546) and makes Outlook and some
  phones show accept and decline buttons that would lead nowhere. A published event is
  simply added, and calendars replace the one they hold with the same UID when the
  SEQUENCE is higher: that is how a moved meeting replaces the old time.
- A cancellation is `METHOD:CANCEL` with `STATUS:CANCELLED`, the same UID and a higher
  SEQUENCE. Calendars that honour the method remove the event; those that read any file
  as a publication (Google Calendar's import) still see the same event, newer, cancelled.
  The chat message says it in words as well: the file is a convenience, never the news.
- There is no ORGANIZER nor ATTENDEE: no mailbox exists to name, and a person's address
  has no business in a file that may be forwarded.
- DTSTART and DTEND are written in the place's time zone (`TZID`) with its VTIMEZONE, so a
  10:00 meeting shows 10:00 where it happens, whatever zone the phone is in, even for a
  phone whose own time-zone database lacks the place's zone (Réunion, Mayotte…).
- No LOCATION in discreet mode (`location=None`): the file may be seen on a shared phone.

Pure: the caller passes every value, DTSTAMP included, and gets bytes to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone

PRODID = "-//Alliance//Rendez-vous//FR"
BOOKED_FILE = "rendez-vous.ics"
CANCELLED_FILE = "rendez-vous-annule.ics"


@dataclass(frozen=True)
class CalendarEntry:
    """One version of a meeting as a calendar event.

    `uid` stays the same for the meeting's whole life (e.g. "meeting-42@alliance"), and
    `sequence` is 0 at booking and grows by one at each move or cancellation: phone
    calendars keep the version with the highest sequence. `start` and `end` are aware, in
    the place's `ZoneInfo`; `end` equal to `start` writes no DTEND (RFC 5545 wants DTEND
    strictly later; without it the event lasts no time), for a cancellation whose length
    is not at hand. `stamp` is when this version was made (DTSTAMP). `summary` and
    `description` come already translated."""

    uid: str
    sequence: int
    cancelled: bool
    start: datetime
    end: datetime
    stamp: datetime
    summary: str
    location: str | None = None  # None in discreet mode: no LOCATION at all
    description: str | None = None

    def __post_init__(self) -> None:
        """A wrong entry fails here, where it is built, not in the person's calendar."""
        if not self.uid.strip():
            raise ValueError("a calendar entry needs a uid")
        if self.sequence < 0:
            raise ValueError(f"the sequence starts at 0, not {self.sequence}")
        start_zone, end_zone = self.start.tzinfo, self.end.tzinfo
        if not (isinstance(start_zone, ZoneInfo) and isinstance(end_zone, ZoneInfo)):
            raise ValueError("start and end must carry the place's ZoneInfo")
        if start_zone.key != end_zone.key:
            raise ValueError(f"start is in {start_zone.key} but end in {end_zone.key}")
        if self.end < self.start:
            raise ValueError(f"the meeting ends ({self.end}) before it starts ({self.start})")
        if self.stamp.utcoffset() is None:
            raise ValueError("the stamp must be an aware datetime")

    @property
    def zone(self) -> ZoneInfo:
        zone = self.start.tzinfo
        assert isinstance(zone, ZoneInfo)  # checked when built
        return zone


def calendar_file(meeting: CalendarEntry) -> bytes:
    """The .ics file of this version of the meeting (see the module's docstring)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if meeting.cancelled else "PUBLISH")
    calendar.add_component(_time_zone(meeting))
    calendar.add_component(_event(meeting))
    content: bytes = calendar.to_ical()
    return content


def file_name(entry: CalendarEntry) -> str:
    """The name the person sees on the attachment: a cancellation says so."""
    return CANCELLED_FILE if entry.cancelled else BOOKED_FILE


def _time_zone(meeting: CalendarEntry) -> Timezone:
    """The zone's rules over the years the meeting touches, no more: a VTIMEZONE from 1970
    would make the file a hundred times longer for the same two offsets."""
    first = date(meeting.start.year, 1, 1)
    last = date(meeting.end.year + 1, 1, 1)
    return Timezone.from_tzinfo(meeting.zone, first_date=first, last_date=last)


def _event(meeting: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", meeting.stamp.astimezone(UTC))
    event.add("dtstart", meeting.start)
    if meeting.end > meeting.start:
        event.add("dtend", meeting.end)
    event.add("summary", meeting.summary)
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    if meeting.location is not None:
        event.add("location", meeting.location)
    if meeting.description is not None:
        event.add("description", meeting.description)
    return event
