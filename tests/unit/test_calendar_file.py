"""The calendar file of a meeting, read back as a phone's calendar would read it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event, Timezone

from core.calendar_file import CalendarEntry, calendar_file, file_name

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")

# 2026-10-25 is the last Sunday of October: Paris is back on UTC+1 two days later.
AFTER_DST_CHANGE = datetime(2026, 10, 27, 10, 0, tzinfo=PARIS)

BOOKED = CalendarEntry(
    uid="meeting-42@alliance",
    sequence=0,
    cancelled=False,
    start=AFTER_DST_CHANGE,
    end=AFTER_DST_CHANGE + timedelta(hours=1),
    stamp=datetime(2026, 10, 20, 14, 3, tzinfo=UTC),
    summary="Rendez-vous avec Julien",
    location="CCAS de Rezé, 12 rue de la République",
    description="Apportez une pièce d'identité.",
)


def read(entry: CalendarEntry) -> tuple[Calendar, Event]:
    calendar = Calendar.from_ical(calendar_file(entry))
    assert isinstance(calendar, Calendar)
    (event,) = calendar.events
    return calendar, event


def start_of(event: Event) -> datetime:
    start = event.start
    assert isinstance(start, datetime)
    return start


def zone_of(calendar: Calendar) -> Timezone:
    (zone,) = calendar.timezones
    return zone


def test_a_booking_is_published_and_confirmed() -> None:
    calendar, event = read(BOOKED)
    assert calendar["PRODID"] == "-//Alliance//Rendez-vous//FR"
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == "meeting-42@alliance"
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Rendez-vous avec Julien"
    assert event["LOCATION"] == "CCAS de Rezé, 12 rue de la République"
    assert event["DESCRIPTION"] == "Apportez une pièce d'identité."
    assert event.stamp == datetime(2026, 10, 20, 14, 3, tzinfo=UTC)


def test_a_move_keeps_the_uid_with_a_higher_sequence() -> None:
    later = AFTER_DST_CHANGE + timedelta(days=2)
    moved = replace(BOOKED, sequence=1, start=later, end=later + timedelta(hours=1))
    calendar, event = read(moved)
    assert calendar["METHOD"] == "PUBLISH"
    assert event["UID"] == BOOKED.uid
    assert event["SEQUENCE"] == 1
    assert event.start == datetime(2026, 10, 29, 10, 0, tzinfo=PARIS)


def test_a_cancellation_is_a_cancel_of_the_same_event() -> None:
    cancelled = replace(BOOKED, sequence=2, cancelled=True)
    calendar, event = read(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event["UID"] == BOOKED.uid
    assert event["SEQUENCE"] == 2


def test_a_cancellation_without_its_length_has_no_end() -> None:
    """RFC 5545: DTEND is strictly after DTSTART, or absent."""
    cancelled = replace(BOOKED, sequence=1, cancelled=True, end=AFTER_DST_CHANGE)
    _, event = read(cancelled)
    assert "DTEND" not in event
    assert start_of(event) == AFTER_DST_CHANGE


def test_the_start_is_local_time_with_its_zone() -> None:
    text = calendar_file(BOOKED).decode()
    assert "DTSTART;TZID=Europe/Paris:20261027T100000" in text
    assert "DTEND;TZID=Europe/Paris:20261027T110000" in text
    _, event = read(BOOKED)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.start == AFTER_DST_CHANGE
    assert start_of(event).astimezone(UTC) == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)


def test_the_file_carries_the_zones_rules() -> None:
    """A phone without the zone in its database reads the offsets from the VTIMEZONE."""
    calendar, _ = read(BOOKED)
    rules = zone_of(calendar)
    assert rules.tz_name == "Europe/Paris"
    local = rules.to_tz(lookup_tzid=False)  # its own rules, not the database's
    assert datetime(2026, 10, 27, 10, tzinfo=local).utcoffset() == timedelta(hours=1)
    assert datetime(2026, 10, 24, 10, tzinfo=local).utcoffset() == timedelta(hours=2)


def test_an_overseas_meeting_keeps_its_own_time() -> None:
    start = datetime(2026, 11, 3, 9, 30, tzinfo=REUNION)
    entry = replace(BOOKED, start=start, end=start + timedelta(minutes=45))
    calendar, event = read(entry)
    assert "DTSTART;TZID=Indian/Reunion:20261103T093000" in calendar_file(entry).decode()
    assert start_of(event).astimezone(UTC) == datetime(2026, 11, 3, 5, 30, tzinfo=UTC)
    rules = zone_of(calendar)
    assert rules.tz_name == "Indian/Reunion"
    assert datetime(
        2026, 11, 3, 9, 30, tzinfo=rules.to_tz(lookup_tzid=False)
    ).utcoffset() == timedelta(hours=4)


def test_the_vtimezone_stays_short() -> None:
    """The zone's rules around the meeting, not every change since 1970."""
    assert len(calendar_file(BOOKED)) < 1500


def test_discreet_mode_writes_no_location() -> None:
    discreet = replace(BOOKED, location=None, description=None)
    text = calendar_file(discreet).decode()
    assert "LOCATION" not in text
    assert "DESCRIPTION" not in text
    assert "Rezé" not in text


def test_the_stamp_is_written_in_utc() -> None:
    stamp = datetime(2026, 10, 20, 16, 3, tzinfo=PARIS)
    assert "DTSTAMP:20261020T140300Z" in calendar_file(replace(BOOKED, stamp=stamp)).decode()


def test_the_file_name_says_when_it_is_a_cancellation() -> None:
    assert file_name(BOOKED) == "rendez-vous.ics"
    assert file_name(replace(BOOKED, cancelled=True, sequence=1)) == "rendez-vous-annule.ics"


def test_the_same_entry_makes_the_same_bytes() -> None:
    """Nothing random or read from the clock: a file sent twice is the same file."""
    assert calendar_file(BOOKED) == calendar_file(replace(BOOKED))


NAIVE = datetime(2026, 10, 27, 10, 0)


@pytest.mark.parametrize(
    "build",
    [
        lambda: replace(BOOKED, start=NAIVE),
        lambda: replace(BOOKED, start=datetime(2026, 10, 27, 9, tzinfo=UTC)),  # not a ZoneInfo
        lambda: replace(BOOKED, end=datetime(2026, 10, 27, 15, tzinfo=REUNION)),  # another zone
        lambda: replace(BOOKED, end=AFTER_DST_CHANGE - timedelta(minutes=15)),  # before start
        lambda: replace(BOOKED, stamp=NAIVE),
        lambda: replace(BOOKED, sequence=-1),
        lambda: replace(BOOKED, uid=" "),
    ],
)
def test_a_wrong_entry_is_refused_when_built(build: Callable[[], CalendarEntry]) -> None:
    with pytest.raises(ValueError):
        build()
