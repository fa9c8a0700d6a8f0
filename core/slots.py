"""Free slots: when a person can meet a staff member, soonest first.

Pure like the rest of `core`: the caller passes the instant `now` and a `Calendar` read in a
few queries. Slots are made in each place's local time (a 10:00 window stays 10:00 across a
daylight-saving change, an overseas site shows its own hours); every comparison is made on
UTC instants, so mixing zones or crossing a change never shifts a meeting by an hour.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from heapq import merge
from operator import attrgetter
from zoneinfo import ZoneInfo

from holidays import country_holidays

from core.meetings import GRID, Absence, Busy, Calendar, MeetingKind, Opening, Slot, Window

_SUBDIVISIONS: dict[str, str | None] = {
    "metropole": None,
    # The library's "57" (Moselle) and "6AE" (Alsace) give the same days: Good Friday and 26 Dec.
    "alsace-moselle": "57",
    "guadeloupe": "971",
    "martinique": "972",
    "guyane": "973",
    "reunion": "974",
    "mayotte": "976",
    "saint-barthelemy": "BL",
    "saint-martin": "MF",
    "saint-pierre-et-miquelon": "PM",
    "wallis-et-futuna": "WF",
    "polynesie-francaise": "PF",
    "nouvelle-caledonie": "NC",
}
"""Each name of `core.sites.HOLIDAY_REGIONS` and the subdivision of `holidays.France`."""

_GRID_SECONDS = int(GRID.total_seconds())
_DAY_SECONDS = 24 * 3600


def holidays_of(region: str, first: date, last: date) -> frozenset[date]:
    """The public holidays of a site's region from `first` to `last` inclusive: no meeting
    is proposed on them (`Calendar.holidays`)."""
    if region not in _SUBDIVISIONS:
        raise ValueError(f"unknown holiday region: {region!r}")
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        days.update(d for d in _holidays_of_year(region, year) if first <= d <= last)
    return frozenset(days)


@lru_cache(maxsize=256)
def _holidays_of_year(region: str, year: int) -> frozenset[date]:
    """Computing a year's holidays (Easter and all) is slow next to a slot search, and the
    answer never changes: kept per region and year, frozen so no caller can alter it."""
    return frozenset(country_holidays("FR", subdiv=_SUBDIVISIONS[region], years=year))


def free_slots(
    kind: MeetingKind,
    calendar: Calendar,
    now: datetime,
    *,
    staff_ids: Collection[int],
    place_ids: Collection[int] | None = None,
    after: datetime | None = None,
    limit: int = 5,
) -> list[Slot]:
    """The `limit` soonest slots for a meeting of `kind`, by start then staff member.

    Walks the calendar day by day from the first allowed date and stops as soon as no later
    day can beat what was found: proposing five slots never builds the six-week horizon.
    `after` browses on ("Autres jours"): only slots starting strictly later."""
    search = _Search.of(kind, calendar, now, staff_ids, place_ids, after)
    begin = max(search.lowest, search.after or search.lowest)
    if limit <= 0 or begin > search.latest or not search.zones:
        return []
    found: list[tuple[datetime, int, int, datetime]] = []
    day = min(begin.astimezone(zone).date() for zone in search.zones)
    last = max(search.latest.astimezone(zone).date() for zone in search.zones)
    while day <= last:
        found.extend(set(search.day(day)))
        found.sort()
        day += timedelta(days=1)
        next_day_starts = min(_local(day, time(0), zone) for zone in search.zones)
        if len(found) >= limit and found[limit - 1][0] < next_day_starts:
            break
    return [_slot(found_slot, calendar) for found_slot in found[:limit]]


def _slot(found: tuple[datetime, int, int, datetime], calendar: Calendar) -> Slot:
    """A slot as persons see it: in the place's own time zone."""
    start, staff_id, place_id, end = found
    zone = calendar.places[place_id].zone
    return Slot(staff_id, place_id, start.astimezone(zone), end.astimezone(zone))


@dataclass(frozen=True)
class _Search:
    """One search's rules, with what it reads indexed once: windows by weekday, openings by
    local date, and each staff member's blocked time (`_Blocked`)."""

    kind: MeetingKind
    lowest: datetime  # UTC: the earliest allowed start
    after: datetime | None  # UTC: starts must be strictly later
    latest: datetime  # UTC: the latest allowed start
    holidays: frozenset[date]
    zones: frozenset[ZoneInfo]
    windows: dict[int, list[tuple[Window, ZoneInfo]]]
    openings: dict[date, list[tuple[Opening, ZoneInfo]]]
    blocked: dict[int, _Blocked]

    @classmethod
    def of(
        cls,
        kind: MeetingKind,
        calendar: Calendar,
        now: datetime,
        staff_ids: Collection[int],
        place_ids: Collection[int] | None,
        after: datetime | None,
    ) -> _Search:
        staff = set(staff_ids)
        zones = {
            place.id: place.zone
            for place in calendar.places.values()
            if place.mode in kind.modes and (place_ids is None or place.id in place_ids)
        }
        lowest = (now + kind.notice).astimezone(UTC)
        latest = (now + kind.horizon).astimezone(UTC)
        after_utc = after.astimezone(UTC) if after is not None else None
        windows: dict[int, list[tuple[Window, ZoneInfo]]] = defaultdict(list)
        for window in calendar.windows:
            if window.staff_id in staff and window.place_id in zones:
                windows[window.weekday].append((window, zones[window.place_id]))
        openings: dict[date, list[tuple[Opening, ZoneInfo]]] = defaultdict(list)
        for opening in calendar.openings:
            if opening.staff_id in staff and opening.place_id in zones:
                if opening.end <= lowest or opening.start > latest:
                    continue
                zone = zones[opening.place_id]
                day, end = opening.start.astimezone(zone).date(), opening.end.astimezone(zone)
                while day <= end.date():
                    openings[day].append((opening, zone))
                    day += timedelta(days=1)
        return cls(
            kind=kind,
            lowest=lowest,
            after=after_utc,
            latest=latest,
            holidays=calendar.holidays,
            zones=frozenset(zones.values()),
            windows=windows,
            openings=openings,
            blocked=_blocked(calendar, kind.buffer, staff),
        )

    def day(self, day: date) -> Iterator[tuple[datetime, int, int, datetime]]:
        """The free (start, staff, place, end) of a local date, in every place's zone."""
        if day in self.holidays:
            return
        for window, zone in self.windows.get(day.weekday(), ()):
            yield from self._within(
                window.staff_id,
                window.place_id,
                zone,
                day,
                _quarters(_seconds(window.start), _seconds(window.end)),
                _local(day, window.start, zone),
                _local(day, window.end, zone),
            )
        for opening, zone in self.openings.get(day, ()):
            opens = max(opening.start.astimezone(UTC), _local(day, time(0), zone))
            closes = min(
                opening.end.astimezone(UTC), _local(day + timedelta(days=1), time(0), zone)
            )
            quarters = _quarters(_wall_seconds(opens, zone, day), _wall_seconds(closes, zone, day))
            yield from self._within(
                opening.staff_id, opening.place_id, zone, day, quarters, opens, closes
            )

    def _within(
        self,
        staff_id: int,
        place_id: int,
        zone: ZoneInfo,
        day: date,
        quarters: range,
        opens: datetime,
        closes: datetime,
    ) -> Iterator[tuple[datetime, int, int, datetime]]:
        """The free starts among the quarter hours of `day` (seconds on the wall clock) whose
        whole meeting fits in [opens, closes)."""
        length = self.kind.length
        for seconds in quarters:
            wall = time(seconds // 3600, seconds // 60 % 60)
            start = _local(day, wall, zone)
            if start.astimezone(zone).time() != wall:
                continue  # a time skipped when clocks go forward
            end = start + length
            if end > closes or start > self.latest:
                return
            if start < opens or start < self.lowest:
                continue
            if self.after is not None and start <= self.after:
                continue
            if not self._is_blocked(staff_id, start, end):
                yield start, staff_id, place_id, end

    def _is_blocked(self, staff_id: int, start: datetime, end: datetime) -> bool:
        blocked = self.blocked.get(staff_id)
        return blocked is not None and blocked.meets(start, end)


def _blocked(calendar: Calendar, buffer: timedelta, staff: Collection[int]) -> dict[int, _Blocked]:
    """Each staff member's absences and meetings, grouped without reading their times."""
    absences: dict[int, list[Absence]] = defaultdict(list)
    busy: dict[int, list[Busy]] = defaultdict(list)
    for absence in calendar.absences:
        if absence.staff_id in staff:
            absences[absence.staff_id].append(absence)
    for meeting in calendar.busy:
        if meeting.staff_id in staff:
            busy[meeting.staff_id].append(meeting)
    return {
        staff_id: _Blocked(absences[staff_id], busy[staff_id], buffer)
        for staff_id in absences.keys() | busy.keys()
    }


class _Blocked:
    """A staff member's blocked time (absences, and meetings widened by the buffer on both
    sides: the free time the referent keeps around each one), as sorted disjoint UTC
    intervals, so a check is one bisection.

    The intervals are merged in order of start only as far as the search has looked: with
    thousands of meetings booked over the horizon, proposing this week's slots reads this
    week's meetings, not the six weeks'."""

    def __init__(self, absences: list[Absence], busy: list[Busy], buffer: timedelta) -> None:
        away = sorted((a.start.astimezone(UTC), a.end.astimezone(UTC)) for a in absences)
        widened = (
            (meeting.start.astimezone(UTC) - buffer, meeting.end.astimezone(UTC) + buffer)
            for meeting in sorted(busy, key=attrgetter("start"))
        )
        self._coming = merge(away, widened)
        self._next = next(self._coming, None)
        self._starts: list[datetime] = []
        self._ends: list[datetime] = []

    def meets(self, start: datetime, end: datetime) -> bool:
        """Whether [start, end) meets blocked time: once every interval starting before
        `end` is merged, only the last of them can reach `start`."""
        while self._next is not None and self._next[0] < end:
            self._add(*self._next)
            self._next = next(self._coming, None)
        before = bisect_left(self._starts, end)
        return before > 0 and self._ends[before - 1] > start

    def _add(self, start: datetime, end: datetime) -> None:
        if end <= start:
            return
        if self._ends and start <= self._ends[-1]:
            self._ends[-1] = max(self._ends[-1], end)
        else:
            self._starts.append(start)
            self._ends.append(end)


def _local(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a local date (the earlier one when clocks go
    back and the time happens twice)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def _quarters(first: int, stop: int) -> range:
    """The quarter hours from `first` (rounded up) to before `stop`, in seconds of the day."""
    return range(first + -first % _GRID_SECONDS, stop, _GRID_SECONDS)


def _seconds(wall: time) -> int:
    return wall.hour * 3600 + wall.minute * 60 + wall.second


def _wall_seconds(instant: datetime, zone: ZoneInfo, day: date) -> int:
    """Seconds since local midnight of `day` on the wall clock at `instant`, clamped to the
    day (an opening may run from one day to the next)."""
    local = instant.astimezone(zone)
    if local.date() < day:
        return 0
    if local.date() > day:
        return _DAY_SECONDS
    return _seconds(local.time())


def capacity(slots: list[Slot]) -> int:
    """How many meetings the free times can still hold: proposed starts overlap (every
    quarter hour), so they are counted one after the other, per staff member."""
    ends: dict[int, datetime] = {}
    count = 0
    for slot in sorted(slots, key=lambda s: (s.staff_id, s.start)):
        if slot.staff_id not in ends or slot.start >= ends[slot.staff_id]:
            ends[slot.staff_id] = slot.end
            count += 1
    return count
