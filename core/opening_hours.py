"""A site's opening hours, and "working time": the clock that only runs while the site is open.

A help request left unclaimed for 4 working hours is escalated, and a person writing at 21:00
is told when the team is back. Both need the same thing: the site's weekly periods read in its
own time zone, minus its public holidays, turned into real instants.

Pure like the rest of `core`: callers pass the instant, the zone and a holiday predicate. Every
sum and comparison is made on UTC instants, never on wall-clock times, because Python compares
and subtracts two datetimes of the same `ZoneInfo` by their wall clocks: across a daylight-saving
change that is off by an hour. Period bounds are wall-clock times: 09:00 stays 09:00 the day
after a change, and a period spanning the change lasts its real length (23:00-06:00 is 6 or 8
real hours, not 7).

We keep our own small grammar rather than the OSM `opening_hours` syntax (`opening-hours-py`
exists on PyPI): admins write French day names, holidays come from the site's region through
`holidays` (Alsace-Moselle, each overseas département), and neither that library nor the OSM
syntax has the one operation we need, adding an amount of open time.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.sites import HOLIDAY_REGIONS
from core.slots import holidays_of

END_OF_DAY = time.max
"""How a period ending at 24:00 is stored (`time` has no 24:00); it ends at the next midnight.
Lets a site open round the clock ("lu-di 00:00-24:00") have no gap at midnight."""

SEARCH_DAYS = 400
"""How many days in a row without any opening end a search: more than a year, so a site
closed for its summer weeks and then a run of holidays is still found, but a predicate that
says every day is a holiday cannot loop for ever."""

Holidays = Callable[[date], bool]
"""Whether a local date is a public holiday of the site: no period opens on it."""

_DAY_NAMES = (
    ("lundi", "monday"),
    ("mardi", "tuesday"),
    ("mercredi", "wednesday"),
    ("jeudi", "thursday"),
    ("vendredi", "friday"),
    ("samedi", "saturday"),
    ("dimanche", "sunday"),
)
_SHORT_DAYS = ("lu", "ma", "me", "je", "ve", "sa", "di")
_ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_SEPARATORS = re.compile(r"[\s,]+")
_CLOCK = re.compile(r"(\d{1,2})(?:[:h](\d{2})?)?")
_EXAMPLE = '"lu-ve 09:00-12:30 13:30-17:00; sa 09:00-12:00"'


class OpeningError(ValueError):
    """Opening hours an admin wrote that cannot be read; the message names the bad part."""


@dataclass(frozen=True)
class OpeningHours:
    """Weekly opening periods in the site's local time.

    Each period is (weekday, start, end), weekday 0 for Monday, in whole minutes, an end of
    `END_OF_DAY` meaning 24:00. Checked on construction (sorted, start before end, no overlap
    on a day, at least one period), so every value the functions receive is sound and the
    equality of two values is the equality of the hours they describe."""

    periods: tuple[tuple[int, time, time], ...]

    def __post_init__(self) -> None:
        if not self.periods:
            raise OpeningError(f"the opening hours are empty: write e.g. {_EXAMPLE}")
        previous: tuple[int, time, time] | None = None
        for period in self.periods:
            weekday, start, end = period
            if weekday not in range(7):
                raise OpeningError(f"weekday {weekday} is not 0 (Monday) to 6 (Sunday)")
            for bound in (start, end):
                if bound.tzinfo is not None or (
                    bound != END_OF_DAY and (bound.second or bound.microsecond)
                ):
                    raise OpeningError(f"{bound} is not a whole minute of the local day")
            if start == END_OF_DAY or not start < end:
                raise OpeningError(f"{_period_text(start, end)}: the end must be after the start")
            if previous is not None and previous[:2] >= period[:2]:
                raise OpeningError("the periods must be sorted by weekday and start")
            if previous is not None and previous[0] == weekday and previous[2] > start:
                raise OpeningError(
                    f"overlapping periods on {_ENGLISH_DAYS[weekday]}: "
                    f"{_period_text(*previous[1:])} and {_period_text(start, end)}"
                )
            previous = period


def parse_opening(spec: str) -> OpeningHours:
    """The hours an admin wrote, e.g. "lu-ve 09:00-12:30 13:30-17:00; sa 09:00-12:00".

    Groups are separated by ";"; each is days then periods. A day is any prefix of at least
    two letters of its French or English name (lu, mar, mercredi, th, sunday), in any case and
    with or without accents; days are listed with "," and ranged with "-" (ve-lu wraps round
    the week). Periods are separated by spaces or ","; a time is "9:00", "09:00", "9h",
    "9h30", an end may be 24:00. Groups add up: "lu-ve 09:00-12:00; me 14:00-17:00" opens
    Wednesday afternoon too, and a period overlapping another is refused."""
    periods: list[tuple[int, time, time]] = []
    for raw in spec.split(";"):
        group = _DASHES.sub("-", raw.strip())
        if group:
            periods.extend(_group(group))
    if not periods:
        raise OpeningError(f"the opening hours are empty: write e.g. {_EXAMPLE}")
    return OpeningHours(tuple(sorted(periods)))


def describe(hours: OpeningHours) -> str:
    """The canonical text of `hours`, which `parse_opening` reads back to the same value:
    what an admin is shown after setting the hours, and a stable text to store."""
    by_day = _by_weekday(hours)
    groups: dict[tuple[tuple[time, time], ...], list[int]] = {}
    for weekday in range(7):
        if by_day[weekday]:
            groups.setdefault(by_day[weekday], []).append(weekday)
    texts = []
    for day_periods, weekdays in groups.items():
        days = ",".join(_run_text(run) for run in _runs(weekdays))
        texts.append(" ".join([days, *(_period_text(s, e) for s, e in day_periods)]))
    return "; ".join(texts)


def no_holidays(day: date) -> bool:
    """The predicate of a site that opens on public holidays like any other day."""
    return False


def is_holiday(region: str) -> Holidays:
    """The public-holiday predicate of a holiday region (`core.sites.HOLIDAY_REGIONS`).

    The region is checked now, so a wrong name fails where the site is read and not at the
    first escalation; each year's days are computed once (`core.slots` caches them)."""
    if region not in HOLIDAY_REGIONS:
        raise ValueError(f"unknown holiday region: {region!r}")

    def holiday(day: date) -> bool:
        return day in holidays_of(region, day, day)

    return holiday


def is_open(at: datetime, hours: OpeningHours, zone: ZoneInfo, holidays: Holidays) -> bool:
    """Whether the site is open at the instant `at`: a period's start is open, its end is not
    (unless another period starts there)."""
    instant = _utc(at)
    for opens, _closes in _open_spans(instant, hours, zone, holidays, patience=0):
        return opens <= instant
    return False


def next_opening(at: datetime, hours: OpeningHours, zone: ZoneInfo, holidays: Holidays) -> datetime:
    """`at` itself when the site is open, else the start of its next period, in `zone`: the
    "back tomorrow at 09:00" told to a person writing at night.

    Raises ValueError when no period opens within `SEARCH_DAYS` days."""
    instant = _utc(at)
    for opens, _closes in _open_spans(instant, hours, zone, holidays):
        return max(opens, instant).astimezone(zone)
    raise ValueError(f"the site does not open within {SEARCH_DAYS} days of {at.isoformat()}")


def add_working_time(
    start: datetime,
    amount: timedelta,
    hours: OpeningHours,
    zone: ZoneInfo,
    holidays: Holidays,
) -> datetime:
    """The first instant by which `amount` of open time has passed since `start`, in `zone`.

    Counting begins at the next opening when `start` is closed. A positive amount used up
    exactly at a closing ends there (Friday 16:00 + 1 h is Friday 17:00, not Monday 09:00):
    that is when the time is up. An amount of zero is `next_opening(start)`, the earliest
    instant at which the site can act. Hence, for r = add(s, a): add(r, b) == add(s, a + b)
    for every b > 0, and for b == 0 exactly when r is open.

    Raises ValueError for a negative amount, a naive `start`, or no opening within
    `SEARCH_DAYS` days."""
    if amount < timedelta(0):
        raise ValueError(f"a negative amount of working time: {amount}")
    if not amount:
        return next_opening(start, hours, zone, holidays)
    instant = _utc(start)
    remaining = amount
    for opens, closes in _open_spans(instant, hours, zone, holidays):
        counted_from = max(opens, instant)
        if closes - counted_from >= remaining:
            return (counted_from + remaining).astimezone(zone)
        remaining -= closes - counted_from
    raise ValueError(f"the site does not open within {SEARCH_DAYS} days")


def _open_spans(
    after: datetime,
    hours: OpeningHours,
    zone: ZoneInfo,
    holidays: Holidays,
    *,
    patience: int = SEARCH_DAYS,
) -> Iterator[tuple[datetime, datetime]]:
    """The open spans as UTC instants, in order, from the one still open or next after `after`.

    Walks local dates from `after`'s own (a period never leaves its date: it starts at or after
    the date's first instant and ends by 24:00); stops after `patience` dates in a row that add
    nothing, so callers that find nothing can say so instead of looping."""
    by_day = _by_weekday(hours)
    day = after.astimezone(zone).date()
    idle = 0
    while idle <= patience:
        found = False
        if not holidays(day):
            for start, end in by_day[day.weekday()]:
                opens, closes = _instant(day, start, zone), _instant(day, end, zone)
                if closes > after and closes > opens:
                    found = True
                    yield opens, closes
        idle = 0 if found else idle + 1
        day += timedelta(days=1)


def _instant(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a period bound: the first at which the wall clock of `zone` on `day`
    shows `wall` or later.

    That is the usual instant, the first of the two when clocks go back and the time happens
    twice, and the moment of the change when clocks go forward over it (an office "opening at
    02:30" that night opens at 03:00). Monotonic in `wall`, so periods stay ordered."""
    if wall == END_OF_DAY:
        return _instant(day + timedelta(days=1), time(0), zone)
    local = datetime.combine(day, wall, tzinfo=zone)
    first = local.astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == local.replace(tzinfo=None):
        return first
    return _change_in(local.replace(fold=1).astimezone(UTC), first, zone)


def _change_in(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The instant, to the second, where `zone`'s offset changes between `before` and `after`
    (the two readings of a wall time skipped by the change). `zoneinfo` does not expose its
    transitions; the change lies within an hour or two, so a bisection takes a dozen steps."""
    low, high = sorted((int(before.timestamp()), int(after.timestamp())))
    later = datetime.fromtimestamp(high, UTC).astimezone(zone).utcoffset()
    while high - low > 1:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(zone).utcoffset() == later:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive datetime is refused, since reading it in the server's zone
    would silently move a deadline by hours."""
    if moment.utcoffset() is None:
        raise ValueError(f"a naive datetime has no instant: {moment.isoformat()}")
    return moment.astimezone(UTC)


def _by_weekday(hours: OpeningHours) -> tuple[tuple[tuple[time, time], ...], ...]:
    """Each weekday's (start, end) periods in order, Monday first."""
    return tuple(
        tuple((start, end) for weekday, start, end in hours.periods if weekday == day)
        for day in range(7)
    )


def _group(group: str) -> list[tuple[int, time, time]]:
    """The periods of one group, "lu-ve 09:00-12:30 13:30-17:00", on each of its days."""
    days: set[int] = set()
    periods: list[tuple[time, time]] = []
    for token in _SEPARATORS.split(group):
        if not token:
            continue
        if token[0].isdigit():
            periods.append(_period(token, group))
        elif periods:
            raise OpeningError(
                f'"{token}" comes after the hours in "{group}": start a new group with ";"'
            )
        else:
            days.update(_days(token, group))
    if not days:
        raise OpeningError(f'no day before the hours in "{group}": write e.g. {_EXAMPLE}')
    if not periods:
        raise OpeningError(f'no hours after the days in "{group}": write e.g. "sa 09:00-12:00"')
    return [(day, start, end) for day in days for start, end in periods]


def _days(token: str, group: str) -> list[int]:
    """The weekdays of "lu" or of a range "lu-ve", "sa-lu" (wrapping round the week)."""
    first, dash, last = token.partition("-")
    if dash and not (first and last and "-" not in last):
        raise OpeningError(f'bad day range "{token}" in "{group}": write e.g. lu-ve')
    if not dash:
        return [_day(first, group)]
    begin, end = _day(first, group), _day(last, group)
    return [(begin + step) % 7 for step in range((end - begin) % 7 + 1)]


def _day(word: str, group: str) -> int:
    """The weekday of a day name: at least two letters of a French or English name."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).rstrip(".")
    if len(plain) >= 2:
        found = {day for day, names in enumerate(_DAY_NAMES) for n in names if n.startswith(plain)}
        if len(found) == 1:
            return found.pop()
    raise OpeningError(
        f'unknown day "{word}" in "{group}": write lu ma me je ve sa di, or mo tu we th fr sa su'
    )


def _period(token: str, group: str) -> tuple[time, time]:
    """The (start, end) of "09:00-12:30" (or 9h-12h30)."""
    start_text, dash, end_text = token.partition("-")
    if not dash or "-" in end_text:
        raise OpeningError(f'bad period "{token}" in "{group}": write e.g. 09:00-12:30')
    start, end = _clock(start_text, token, group), _clock(end_text, token, group)
    if start == END_OF_DAY or not start < end:
        raise OpeningError(f'"{token}" in "{group}": the end must be after the start')
    return start, end


def _clock(text: str, token: str, group: str) -> time:
    """The time of "09:00", "9:00", "9h", "9h30" or "9"; "24:00" is `END_OF_DAY`."""
    match = _CLOCK.fullmatch(text.casefold())
    if match:
        hour, minute = int(match[1]), int(match[2] or 0)
        if (hour, minute) == (24, 0):
            return END_OF_DAY
        if hour < 24 and minute < 60:
            return time(hour, minute)
    raise OpeningError(f'bad time "{text}" in "{token}" of "{group}": write e.g. 09:00')


def _runs(weekdays: list[int]) -> list[list[int]]:
    """Sorted weekdays split into runs of consecutive days."""
    runs: list[list[int]] = []
    for weekday in weekdays:
        if runs and runs[-1][-1] == weekday - 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return runs


def _run_text(run: list[int]) -> str:
    """A run of days as text: a range for three days or more ("lu-ve"), else a list
    ("sa,di"), which reads better than a two-day range."""
    if len(run) >= 3:
        return f"{_SHORT_DAYS[run[0]]}-{_SHORT_DAYS[run[-1]]}"
    return ",".join(_SHORT_DAYS[day] for day in run)


def _period_text(start: time, end: time) -> str:
    return f"{_clock_text(start)}-{_clock_text(end)}"


def _clock_text(wall: time) -> str:
    return "24:00" if wall == END_OF_DAY else f"{wall:%H:%M}"


DEFAULT_OPENING = parse_opening("lu-ve 09:00-12:30 13:30-17:00")
"""The hours of a site whose admin set none: a French public office's week. Parsed
here, at the end, once the parser's helpers exist."""
