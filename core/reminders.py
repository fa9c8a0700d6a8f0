"""When a proactive message may go out: never at night, at most 3 a day and 7 a week.

Pure: the caller passes `now`, the site's zone and when earlier messages went out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.quiet_hours import QUIET_FROM, QUIET_UNTIL, is_quiet

MAX_PER_DAY = 3
MAX_PER_WEEK = 7
WEEK = timedelta(days=7)
SEND_AT = time(9, 0)  # a reminder for a day goes out at 9:00 in the site's zone


def due_at(day: date, zone: ZoneInfo) -> datetime:
    """The instant a reminder for `day` becomes due (9:00 local), as an aware datetime."""
    return datetime.combine(day, SEND_AT, tzinfo=zone)


def when_allowed(now: datetime, zone: ZoneInfo, sent: Iterable[datetime]) -> datetime:
    """`now` if a proactive message may go out now, else the earliest instant it may."""
    sent = sorted(sent)
    candidate = now
    for _ in range(10):  # each rule only moves the candidate later; a few rounds settle it
        moved = _after_quiet(candidate, zone)
        moved = _after_day_cap(moved, zone, sent)
        moved = _after_week_cap(moved, sent)
        if moved == candidate:
            return candidate
        candidate = moved
    return candidate


def _after_quiet(at: datetime, zone: ZoneInfo) -> datetime:
    if not is_quiet(at, zone):
        return at
    local = at.astimezone(zone)
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=zone)


def _after_day_cap(at: datetime, zone: ZoneInfo, sent: list[datetime]) -> datetime:
    local_day = at.astimezone(zone).date()
    same_day = [s for s in sent if s.astimezone(zone).date() == local_day]
    if len(same_day) < MAX_PER_DAY:
        return at
    return datetime.combine(local_day + timedelta(days=1), QUIET_UNTIL, tzinfo=zone)


def _after_week_cap(at: datetime, sent: list[datetime]) -> datetime:
    window = [s for s in sent if at - WEEK < s <= at]
    if len(window) < MAX_PER_WEEK:
        return at
    return window[len(window) - MAX_PER_WEEK] + WEEK


assert QUIET_FROM > QUIET_UNTIL  # the quiet period spans midnight, as _after_quiet assumes


def outdated(deadline_on: date | None, at: datetime, zone: ZoneInfo) -> bool:
    """A reminder announcing a date is pointless once that day is over where the person
    lives: "Dernier jour : le 2 décembre" must never arrive on the 12th. It is dropped
    rather than sent late (reminders without a date never are)."""
    return deadline_on is not None and at.astimezone(zone).date() > deadline_on
