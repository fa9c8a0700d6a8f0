"""Free slots: local-time grid, busy time and its buffer, absences, holidays, notice and
horizon, browsing on, and the regions' public holidays."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.meetings import (
    GRID,
    Absence,
    Busy,
    Calendar,
    MeetingKind,
    Mode,
    Opening,
    Place,
    Slot,
    Window,
)
from core.sites import HOLIDAY_REGIONS
from core.slots import free_slots, holidays_of

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
MONDAY = 0
FRIDAY = 4
SATURDAY = 5
SUNDAY = 6


def kind(
    minutes: int = 45,
    *,
    modes: Collection[Mode] = (Mode.OFFICE,),
    notice: timedelta = timedelta(0),
    horizon: timedelta = timedelta(weeks=6),
    buffer: timedelta = timedelta(0),
) -> MeetingKind:
    return MeetingKind(
        id=1,
        site_id=1,
        name="Premier rendez-vous",
        minutes=minutes,
        modes=frozenset(modes),
        notice=notice,
        horizon=horizon,
        buffer=buffer,
    )


def office(place_id: int = 1, zone: ZoneInfo = PARIS, mode: Mode = Mode.OFFICE) -> Place:
    return Place(id=place_id, site_id=1, mode=mode, label=f"Lieu {place_id}", zone=zone)


def window(weekday: int, start: time, end: time, *, staff_id: int = 1, place_id: int = 1) -> Window:
    return Window(staff_id=staff_id, place_id=place_id, weekday=weekday, start=start, end=end)


def calendar(
    *windows: Window,
    places: Collection[Place] = (),
    openings: Collection[Opening] = (),
    absences: Collection[Absence] = (),
    busy: Collection[Busy] = (),
    holidays: Collection[date] = (),
) -> Calendar:
    return Calendar(
        windows=tuple(windows),
        openings=tuple(openings),
        absences=tuple(absences),
        busy=tuple(busy),
        places={p.id: p for p in (places or [office()])},
        holidays=frozenset(holidays),
    )


def at(day: str, hour: int, minute: int = 0, zone: ZoneInfo = PARIS) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour, minute), tzinfo=zone)


def starts(slots: list[Slot]) -> list[str]:
    """Local start times as people read them: "2026-01-05 09:15"."""
    return [s.start.strftime("%Y-%m-%d %H:%M") for s in slots]


MORNING = window(MONDAY, time(9), time(12))
SUNDAY_EVENING = at("2026-01-04", 18)  # the day before Monday 2026-01-05


# Regions' public holidays


def test_metropole_holidays_include_christmas_and_victory_day() -> None:
    days = holidays_of("metropole", date(2026, 12, 1), date(2027, 5, 31))
    assert {date(2026, 12, 25), date(2027, 1, 1), date(2027, 5, 8)} <= days
    assert date(2026, 12, 26) not in days
    assert date(2026, 12, 24) not in days


def test_alsace_moselle_adds_good_friday_and_saint_stephen() -> None:
    alsace = holidays_of("alsace-moselle", date(2026, 1, 1), date(2026, 12, 31))
    metropole = holidays_of("metropole", date(2026, 1, 1), date(2026, 12, 31))
    assert alsace - metropole == {date(2026, 4, 3), date(2026, 12, 26)}


def test_reunion_celebrates_the_abolition_of_slavery_on_20_december() -> None:
    assert date(2026, 12, 20) in holidays_of("reunion", date(2026, 12, 1), date(2026, 12, 31))
    assert date(2026, 12, 20) not in holidays_of("metropole", date(2026, 12, 1), date(2026, 12, 31))


def test_holidays_are_kept_between_the_bounds_inclusive() -> None:
    christmas = date(2026, 12, 25)
    assert holidays_of("metropole", christmas, christmas) == {christmas}
    assert holidays_of("metropole", date(2026, 12, 26), date(2026, 12, 31)) == frozenset()
    assert holidays_of("metropole", date(2026, 12, 31), date(2026, 12, 1)) == frozenset()


@pytest.mark.parametrize("region", HOLIDAY_REGIONS)
def test_every_region_of_a_site_has_its_holidays(region: str) -> None:
    assert date(2026, 7, 14) in holidays_of(region, date(2026, 7, 1), date(2026, 7, 31))


def test_each_overseas_region_differs_from_metropole() -> None:
    year = (date(2026, 1, 1), date(2026, 12, 31))
    metropole = holidays_of("metropole", *year)
    same = {r for r in HOLIDAY_REGIONS if holidays_of(r, *year) == metropole}
    assert same == {"metropole", "saint-pierre-et-miquelon"}


def test_an_unknown_region_is_refused() -> None:
    with pytest.raises(ValueError, match="atlantis"):
        holidays_of("atlantis", date(2026, 1, 1), date(2026, 12, 31))


# The grid and the window


def test_a_morning_window_offers_every_quarter_hour_where_the_meeting_fits() -> None:
    slots = free_slots(kind(45), calendar(MORNING), SUNDAY_EVENING, staff_ids=[1], limit=10)
    assert (
        starts(slots)
        == [f"2026-01-05 {h:02}:{m:02}" for h in (9, 10, 11) for m in (0, 15, 30, 45)][:10]
    )
    assert slots[-1].start.time() == time(11, 15)
    assert slots[-1].end == at("2026-01-05", 12)
    assert all(s.end - s.start == timedelta(minutes=45) for s in slots)
    assert all((s.staff_id, s.place_id) == (1, 1) for s in slots)


def test_the_soonest_come_first_and_the_limit_holds() -> None:
    slots = free_slots(kind(45), calendar(MORNING), SUNDAY_EVENING, staff_ids=[1])
    assert starts(slots) == [f"2026-01-05 09:{m:02}" for m in (0, 15, 30, 45)] + [
        "2026-01-05 10:00"
    ]
    following = free_slots(kind(45), calendar(MORNING), SUNDAY_EVENING, staff_ids=[1], limit=12)
    assert starts(following)[10:] == ["2026-01-12 09:00", "2026-01-12 09:15"]


def test_starts_lie_on_the_local_quarter_hour() -> None:
    late = window(MONDAY, time(9, 5), time(10, 10))
    slots = free_slots(kind(30), calendar(late), SUNDAY_EVENING, staff_ids=[1], limit=3)
    assert starts(slots) == ["2026-01-05 09:15", "2026-01-05 09:30", "2026-01-12 09:15"]


def test_a_window_too_short_for_the_meeting_offers_nothing() -> None:
    short = window(MONDAY, time(9), time(9, 30))
    assert free_slots(kind(45), calendar(short), SUNDAY_EVENING, staff_ids=[1]) == []


def test_staff_members_at_the_same_time_are_ordered_by_id() -> None:
    both = calendar(
        window(MONDAY, time(9), time(10), staff_id=2), window(MONDAY, time(9), time(10))
    )
    slots = free_slots(kind(30), both, SUNDAY_EVENING, staff_ids=[1, 2], limit=4)
    assert [(s.start.time(), s.staff_id) for s in slots] == [
        (time(9), 1),
        (time(9), 2),
        (time(9, 15), 1),
        (time(9, 15), 2),
    ]


def test_only_the_staff_members_asked_for() -> None:
    both = calendar(MORNING, window(MONDAY, time(8), time(9), staff_id=2))
    slots = free_slots(kind(45), both, SUNDAY_EVENING, staff_ids=[1])
    assert {s.staff_id for s in slots} == {1}
    assert free_slots(kind(45), both, SUNDAY_EVENING, staff_ids=[]) == []


# Busy time, buffer, absences


def test_a_booked_meeting_and_its_buffer_remove_the_starts_they_touch() -> None:
    meeting = Busy(staff_id=1, start=at("2026-01-05", 10), end=at("2026-01-05", 11))
    booked = calendar(MORNING, busy=[meeting])
    padded = free_slots(
        kind(45, buffer=timedelta(minutes=15)), booked, SUNDAY_EVENING, staff_ids=[1], limit=3
    )
    assert starts(padded) == ["2026-01-05 09:00", "2026-01-05 11:15", "2026-01-12 09:00"]
    tight = free_slots(kind(45), booked, SUNDAY_EVENING, staff_ids=[1], limit=5)
    assert starts(tight) == [
        "2026-01-05 09:00",
        "2026-01-05 09:15",
        "2026-01-05 11:00",
        "2026-01-05 11:15",
        "2026-01-12 09:00",
    ]


def test_another_staff_members_meeting_does_not_block() -> None:
    meeting = Busy(staff_id=2, start=at("2026-01-05", 9), end=at("2026-01-05", 12))
    slots = free_slots(kind(45), calendar(MORNING, busy=[meeting]), SUNDAY_EVENING, staff_ids=[1])
    assert starts(slots)[0] == "2026-01-05 09:00"


def test_meetings_may_come_in_any_order() -> None:
    later = Busy(staff_id=1, start=at("2026-01-05", 11), end=at("2026-01-05", 11, 45))
    sooner = Busy(staff_id=1, start=at("2026-01-05", 9), end=at("2026-01-05", 9, 45))
    booking = calendar(MORNING, busy=[later, sooner])
    slots = free_slots(kind(45), booking, SUNDAY_EVENING, staff_ids=[1], limit=20)
    assert starts(slots)[:3] == ["2026-01-05 09:45", "2026-01-05 10:00", "2026-01-05 10:15"]
    assert "2026-01-05 11:00" not in starts(slots)


def test_an_absence_removes_the_slots_it_overlaps() -> None:
    training = Absence(staff_id=1, start=at("2026-01-05", 10), end=at("2026-01-05", 10, 30))
    slots = free_slots(
        kind(45), calendar(MORNING, absences=[training]), SUNDAY_EVENING, staff_ids=[1], limit=4
    )
    assert starts(slots) == [
        "2026-01-05 09:00",
        "2026-01-05 09:15",
        "2026-01-05 10:30",
        "2026-01-05 10:45",
    ]


def test_a_meeting_inside_an_absence_does_not_shorten_it() -> None:
    away = Absence(staff_id=1, start=at("2026-01-05", 9), end=at("2026-01-05", 11, 15))
    inside = Busy(staff_id=1, start=at("2026-01-05", 9, 30), end=at("2026-01-05", 10))
    booking = calendar(MORNING, absences=[away], busy=[inside])
    slots = free_slots(kind(45), booking, SUNDAY_EVENING, staff_ids=[1], limit=2)
    assert starts(slots) == ["2026-01-05 11:15", "2026-01-12 09:00"]


def test_a_week_of_leave_moves_to_the_following_week() -> None:
    leave = Absence(staff_id=1, start=at("2026-01-05", 0), end=at("2026-01-10", 0))
    slots = free_slots(kind(45), calendar(MORNING, absences=[leave]), SUNDAY_EVENING, staff_ids=[1])
    assert starts(slots)[0] == "2026-01-12 09:00"


def test_a_year_of_booked_mondays_is_skipped_to_the_free_one() -> None:
    """Every Monday morning of the year is booked in quarter hours, but the last one."""
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(51)]
    quarters = [
        datetime.combine(day, time(9), tzinfo=PARIS) + GRID * n
        for day in mondays
        for n in range(12)
    ]
    booked = [Busy(staff_id=1, start=start, end=start + GRID) for start in quarters]
    slots = free_slots(
        kind(45, horizon=timedelta(days=400)),
        calendar(MORNING, busy=booked),
        SUNDAY_EVENING,
        staff_ids=[1],
        limit=1,
    )
    assert starts(slots) == ["2026-12-28 09:00"]


# Holidays in the search


def test_no_slot_on_christmas_nor_new_year() -> None:
    fridays = window(FRIDAY, time(9), time(10))
    days = holidays_of("metropole", date(2026, 12, 1), date(2027, 1, 31))
    slots = free_slots(
        kind(45), calendar(fridays, holidays=days), at("2026-12-21", 9), staff_ids=[1], limit=2
    )
    assert starts(slots) == ["2027-01-08 09:00", "2027-01-08 09:15"]


def test_no_slot_on_victory_day() -> None:
    saturdays = window(SATURDAY, time(9), time(10))
    days = holidays_of("metropole", date(2027, 5, 1), date(2027, 5, 31))
    slots = free_slots(
        kind(45), calendar(saturdays, holidays=days), at("2027-05-03", 9), staff_ids=[1], limit=1
    )
    assert starts(slots) == ["2027-05-15 09:00"]


def test_saint_stephen_is_off_in_alsace_moselle_only() -> None:
    saturdays = window(SATURDAY, time(9), time(10))
    now = at("2026-12-21", 9)
    found = {}
    for region in ("alsace-moselle", "metropole"):
        days = holidays_of(region, date(2026, 12, 1), date(2027, 1, 31))
        slots = free_slots(
            kind(45), calendar(saturdays, holidays=days), now, staff_ids=[1], limit=1
        )
        found[region] = starts(slots)
    assert found == {"alsace-moselle": ["2027-01-02 09:00"], "metropole": ["2026-12-26 09:00"]}


def test_the_abolition_of_slavery_is_off_in_reunion() -> None:
    sundays = window(SUNDAY, time(9), time(10))
    now = at("2026-12-14", 9, zone=REUNION)
    found = {}
    for region in ("reunion", "metropole"):
        days = holidays_of(region, date(2026, 12, 1), date(2027, 1, 31))
        booking = calendar(sundays, places=[office(zone=REUNION)], holidays=days)
        found[region] = starts(free_slots(kind(45), booking, now, staff_ids=[1], limit=1))
    assert found == {"reunion": ["2026-12-27 09:00"], "metropole": ["2026-12-20 09:00"]}


# Time zones


def test_ten_oclock_stays_ten_oclock_after_clocks_go_back() -> None:
    ten = window(MONDAY, time(10), time(10, 45))
    slots = free_slots(kind(45), calendar(ten), at("2026-10-16", 12), staff_ids=[1], limit=2)
    assert starts(slots) == ["2026-10-19 10:00", "2026-10-26 10:00"]
    assert [s.start.astimezone(UTC).hour for s in slots] == [8, 9]
    assert all(s.start.tzinfo == PARIS for s in slots)


def test_times_skipped_when_clocks_go_forward_are_not_offered() -> None:
    night = window(SUNDAY, time(1), time(4))
    slots = free_slots(kind(45), calendar(night), at("2026-03-27", 12), staff_ids=[1], limit=20)
    march_29 = [s for s in slots if s.start.date() == date(2026, 3, 29)]
    assert starts(march_29) == [
        "2026-03-29 01:00",
        "2026-03-29 01:15",
        "2026-03-29 01:30",
        "2026-03-29 01:45",
        "2026-03-29 03:00",
        "2026-03-29 03:15",
    ]
    # 45 minutes of real time: 01:15 ends at 03:00, once the clocks have jumped.
    assert march_29[1].end.time() == time(3)
    assert march_29[3].end.time() == time(3, 30)
    assert all(
        s.end.astimezone(UTC) - s.start.astimezone(UTC) == timedelta(minutes=45) for s in slots
    )


def test_a_window_within_the_skipped_hour_offers_nothing_that_day() -> None:
    skipped = window(SUNDAY, time(2), time(2, 45))
    slots = free_slots(kind(30), calendar(skipped), at("2026-03-27", 12), staff_ids=[1], limit=2)
    assert starts(slots) == ["2026-04-05 02:00", "2026-04-05 02:15"]


def test_an_opening_in_the_repeated_hour_never_starts_before_it() -> None:
    """On 25 October 02:00–03:00 happens twice; an opening from the second 02:30 (01:30 UTC)
    must not offer the first 02:30, an hour before it."""
    opening = Opening(
        staff_id=1,
        place_id=1,
        start=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        end=datetime(2026, 10, 25, 2, 30, tzinfo=UTC),
    )
    slots = free_slots(kind(30), calendar(openings=[opening]), at("2026-10-20", 9), staff_ids=[1])
    assert slots
    assert all(opening.start <= s.start and s.end <= opening.end for s in slots)
    assert [s.start.astimezone(UTC) for s in slots][-1] == datetime(2026, 10, 25, 2, tzinfo=UTC)


def test_the_soonest_across_zones_even_on_the_next_local_date() -> None:
    """Tuesday 09:00 in Nouméa (Monday 22:00 UTC) comes before Monday 20:00 in Guadeloupe
    (Tuesday 00:00 UTC): the search does not stop at the first date that has enough."""
    guadeloupe, noumea = ZoneInfo("America/Guadeloupe"), ZoneInfo("Pacific/Noumea")
    booking = calendar(
        window(MONDAY, time(20), time(21), place_id=1),
        window(MONDAY + 1, time(9), time(10), place_id=2),
        places=[office(1, guadeloupe), office(2, noumea)],
    )
    slots = free_slots(kind(45), booking, datetime(2026, 1, 4, tzinfo=UTC), staff_ids=[1], limit=2)
    assert [(s.place_id, s.start.astimezone(UTC)) for s in slots] == [
        (2, datetime(2026, 1, 5, 22, tzinfo=UTC)),
        (2, datetime(2026, 1, 5, 22, 15, tzinfo=UTC)),
    ]


def test_an_overseas_site_shows_its_own_time() -> None:
    booking = calendar(window(MONDAY, time(10), time(11)), places=[office(zone=REUNION)])
    slots = free_slots(kind(45), booking, at("2026-01-04", 18, zone=REUNION), staff_ids=[1])
    first = slots[0]
    assert first.start == at("2026-01-05", 10, zone=REUNION)
    assert first.start.tzinfo == REUNION
    assert first.start.astimezone(UTC) == datetime(2026, 1, 5, 6, tzinfo=UTC)


# Notice, horizon, browsing on


def test_the_notice_excludes_tomorrows_early_slots() -> None:
    now = at("2026-01-04", 10, 20)
    slots = free_slots(
        kind(45, notice=timedelta(hours=24)), calendar(MORNING), now, staff_ids=[1], limit=1
    )
    assert starts(slots) == ["2026-01-05 10:30"]


def test_the_horizon_is_the_latest_start() -> None:
    now = at("2026-01-05", 9)
    week_and_an_hour = kind(45, horizon=timedelta(days=7, hours=1))
    slots = free_slots(week_and_an_hour, calendar(MORNING), now, staff_ids=[1], limit=50)
    assert len(slots) == 15
    assert starts(slots)[-1] == "2026-01-12 10:00"


def test_other_days_start_strictly_after_the_last_shown() -> None:
    slots = free_slots(
        kind(45),
        calendar(MORNING),
        SUNDAY_EVENING,
        staff_ids=[1],
        after=at("2026-01-05", 9, 30),
        limit=2,
    )
    assert starts(slots) == ["2026-01-05 09:45", "2026-01-05 10:00"]
    later = free_slots(
        kind(45),
        calendar(MORNING),
        SUNDAY_EVENING,
        staff_ids=[1],
        after=at("2026-01-20", 0),
        limit=1,
    )
    assert starts(later) == ["2026-01-26 09:00"]


def test_nothing_after_the_horizon() -> None:
    slots = free_slots(
        kind(45, horizon=timedelta(days=3)),
        calendar(MORNING),
        SUNDAY_EVENING,
        staff_ids=[1],
        after=at("2026-01-06", 0),
    )
    assert slots == []


# One-off openings, places and modes


def test_a_one_off_opening_offers_its_quarter_hours() -> None:
    opening = Opening(
        staff_id=1, place_id=1, start=at("2026-01-07", 14, 5), end=at("2026-01-07", 15, 15)
    )
    slots = free_slots(
        kind(30), calendar(openings=[opening]), SUNDAY_EVENING, staff_ids=[1], limit=10
    )
    assert starts(slots) == ["2026-01-07 14:15", "2026-01-07 14:30", "2026-01-07 14:45"]
    assert all(s.start.tzinfo == PARIS for s in slots)


def test_an_opening_given_in_utc_follows_the_places_grid() -> None:
    reunion = office(zone=REUNION)
    opening = Opening(
        staff_id=1,
        place_id=1,
        start=datetime(2026, 1, 7, 5, 0, tzinfo=UTC),  # 09:00 in Réunion
        end=datetime(2026, 1, 7, 6, 0, tzinfo=UTC),
    )
    booking = calendar(places=[reunion], openings=[opening])
    slots = free_slots(kind(30), booking, SUNDAY_EVENING, staff_ids=[1], limit=10)
    assert starts(slots) == ["2026-01-07 09:00", "2026-01-07 09:15", "2026-01-07 09:30"]


def test_openings_and_windows_mix_in_time_order() -> None:
    opening = Opening(staff_id=1, place_id=1, start=at("2026-01-03", 9), end=at("2026-01-03", 10))
    slots = free_slots(
        kind(45), calendar(MORNING, openings=[opening]), at("2026-01-02", 9), staff_ids=[1], limit=3
    )
    assert starts(slots) == ["2026-01-03 09:00", "2026-01-03 09:15", "2026-01-05 09:00"]


def test_an_opening_starting_at_the_horizon_offers_its_first_quarter() -> None:
    now = at("2026-01-05", 9)
    opening = Opening(staff_id=1, place_id=1, start=at("2026-01-08", 9), end=at("2026-01-08", 10))
    slots = free_slots(
        kind(45, horizon=timedelta(days=3)), calendar(openings=[opening]), now, staff_ids=[1]
    )
    assert starts(slots) == ["2026-01-08 09:00"]


def test_a_time_both_in_a_window_and_an_opening_is_offered_once() -> None:
    opening = Opening(staff_id=1, place_id=1, start=at("2026-01-05", 9), end=at("2026-01-05", 10))
    slots = free_slots(
        kind(45), calendar(MORNING, openings=[opening]), SUNDAY_EVENING, staff_ids=[1], limit=3
    )
    assert starts(slots) == ["2026-01-05 09:00", "2026-01-05 09:15", "2026-01-05 09:30"]


def test_only_the_places_asked_for() -> None:
    places = [office(1), office(2)]
    booking = calendar(
        window(MONDAY, time(9), time(10), place_id=1),
        window(MONDAY, time(14), time(15), place_id=2),
        places=places,
    )
    slots = free_slots(kind(45), booking, SUNDAY_EVENING, staff_ids=[1], place_ids=[2])
    assert {s.place_id for s in slots} == {2}
    assert starts(slots)[0] == "2026-01-05 14:00"
    every = free_slots(kind(45), booking, SUNDAY_EVENING, staff_ids=[1], limit=3)
    assert [s.place_id for s in every] == [1, 1, 2]


def test_only_places_of_the_kinds_mode() -> None:
    places = [office(1), office(2, mode=Mode.PHONE)]
    booking = calendar(
        window(MONDAY, time(9), time(10), place_id=1),
        window(MONDAY, time(14), time(15), place_id=2),
        places=places,
    )
    phone = free_slots(kind(45, modes={Mode.PHONE}), booking, SUNDAY_EVENING, staff_ids=[1])
    assert {s.place_id for s in phone} == {2}
    both = free_slots(
        kind(45, modes={Mode.PHONE, Mode.OFFICE}), booking, SUNDAY_EVENING, staff_ids=[1], limit=3
    )
    assert [s.place_id for s in both] == [1, 1, 2]
    video = free_slots(kind(45, modes={Mode.VIDEO}), booking, SUNDAY_EVENING, staff_ids=[1])
    assert video == []


# Properties: against the rules, and against a brute-force search on the UTC quarter hours

ZONES = [PARIS, REUNION, ZoneInfo("America/Guadeloupe"), ZoneInfo("Pacific/Noumea")]
START_OF_2026 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Search:
    """A random search: the kind, the calendar, and what `free_slots` is asked."""

    kind: MeetingKind
    calendar: Calendar
    now: datetime
    staff_ids: frozenset[int]
    place_ids: frozenset[int] | None
    after: datetime | None
    limit: int

    def run(self) -> list[Slot]:
        return free_slots(
            self.kind,
            self.calendar,
            self.now,
            staff_ids=self.staff_ids,
            place_ids=self.place_ids,
            after=self.after,
            limit=self.limit,
        )


@st.composite
def searches(draw: st.DrawFn) -> Search:
    """A random calendar for staff 1 and 2 at two places, and a search in it. Windows and
    openings stay in daytime: no place receives at 2 am, when clocks change."""
    now = START_OF_2026 + timedelta(minutes=draw(st.integers(0, 365 * 24 * 60)))
    staff = st.sampled_from([1, 2])
    places = [
        office(1, draw(st.sampled_from(ZONES))),
        office(2, draw(st.sampled_from(ZONES)), mode=Mode.PHONE),
    ]
    windows = []
    for _ in range(draw(st.integers(1, 6))):
        hour, minute = draw(st.integers(6, 19)), draw(st.integers(0, 59))
        end = time(min(hour + draw(st.integers(1, 5)), 21), draw(st.integers(0, 59)))
        weekday = draw(st.integers(0, 6))
        windows.append(
            Window(draw(staff), draw(st.sampled_from([1, 2])), weekday, time(hour, minute), end)
        )
    openings = []
    for _ in range(draw(st.integers(0, 2))):
        place = draw(st.sampled_from(places))
        day = now.astimezone(place.zone).date() + timedelta(days=draw(st.integers(0, 9)))
        wall = time(draw(st.integers(6, 18)), draw(st.integers(0, 59)))
        start = datetime.combine(day, wall, tzinfo=place.zone)
        length = timedelta(minutes=draw(st.integers(15, 240)))
        openings.append(Opening(draw(staff), place.id, start, start + length))

    def spans(most: int, longest: int) -> list[tuple[int, datetime, datetime]]:
        found = []
        for _ in range(draw(st.integers(0, most))):
            start = now + timedelta(minutes=draw(st.integers(-120, 12 * 24 * 60)))
            end = start + timedelta(minutes=draw(st.integers(1, longest)))
            found.append((draw(staff), start, end))
        return found

    first_day = now.date() - timedelta(days=1)
    holidays = draw(st.sets(st.integers(0, 13), max_size=3))
    booking = Calendar(
        windows=tuple(windows),
        openings=tuple(openings),
        absences=tuple(Absence(*span) for span in spans(2, 24 * 60)),
        busy=tuple(Busy(*span) for span in spans(25, 120)),
        places={p.id: p for p in places},
        holidays=frozenset(first_day + timedelta(days=n) for n in holidays),
    )
    notice = timedelta(hours=draw(st.sampled_from([0, 2, 24, 36])))
    meeting = kind(
        draw(st.sampled_from([15, 20, 30, 45, 60, 90])),
        modes=draw(st.sets(st.sampled_from([Mode.OFFICE, Mode.PHONE]), min_size=1)),
        notice=notice,
        horizon=notice + timedelta(hours=draw(st.integers(24, 9 * 24))),
        buffer=timedelta(minutes=draw(st.sampled_from([0, 10, 15, 30]))),
    )
    after = now + timedelta(minutes=draw(st.integers(0, 5 * 24 * 60)))
    return Search(
        kind=meeting,
        calendar=booking,
        now=now,
        staff_ids=draw(st.frozensets(st.sampled_from([1, 2, 3]), min_size=1)),
        place_ids=draw(st.none() | st.frozensets(st.sampled_from([1, 2]), min_size=1)),
        after=draw(st.none() | st.just(after)),
        limit=draw(st.integers(1, 8)),
    )


def overlaps(start: datetime, end: datetime, since: datetime, until: datetime) -> bool:
    return start < until and since < end


def offered_by(slot: Slot, booking: Calendar) -> bool:
    """Whether the whole slot lies in a window (on its local weekday) or an opening."""
    zone = booking.places[slot.place_id].zone
    local = slot.start.astimezone(zone)
    for w in booking.windows:
        if (w.staff_id, w.place_id, w.weekday) == (slot.staff_id, slot.place_id, local.weekday()):
            opens = datetime.combine(local.date(), w.start, tzinfo=zone)
            closes = datetime.combine(local.date(), w.end, tzinfo=zone)
            if opens <= local and slot.end <= closes:
                return True
    return any(
        (o.staff_id, o.place_id) == (slot.staff_id, slot.place_id)
        and o.start <= slot.start
        and slot.end <= o.end
        for o in booking.openings
    )


def is_free(case: Search, slot: Slot) -> bool:
    """Outside the staff member's absences and meetings widened by the buffer."""
    buffer = case.kind.buffer
    return not any(
        a.staff_id == slot.staff_id and overlaps(slot.start, slot.end, a.start, a.end)
        for a in case.calendar.absences
    ) and not any(
        b.staff_id == slot.staff_id
        and overlaps(slot.start, slot.end, b.start - buffer, b.end + buffer)
        for b in case.calendar.busy
    )


@settings(max_examples=300, deadline=None)
@given(searches())
def test_every_slot_follows_every_rule(case: Search) -> None:
    slots = case.run()
    assert len(slots) <= case.limit
    keys = [(s.start.astimezone(UTC), s.staff_id, s.place_id) for s in slots]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    for slot in slots:
        place = case.calendar.places[slot.place_id]
        assert slot.start.tzinfo == place.zone
        assert slot.end.tzinfo == place.zone
        assert slot.staff_id in case.staff_ids
        assert case.place_ids is None or slot.place_id in case.place_ids
        assert place.mode in case.kind.modes
        assert slot.end.astimezone(UTC) - slot.start.astimezone(UTC) == case.kind.length
        assert slot.start.minute % 15 == 0
        assert slot.start.second == slot.start.microsecond == 0
        assert slot.start.date() not in case.calendar.holidays
        assert case.now + case.kind.notice <= slot.start <= case.now + case.kind.horizon
        assert case.after is None or slot.start > case.after
        assert offered_by(slot, case.calendar)
        assert is_free(case, slot)


def brute_force(case: Search) -> list[tuple[datetime, int, int]]:
    """Every UTC quarter hour from the notice to the horizon, for every staff member and
    place, kept when it follows the rules: the zones drawn have whole-hour offsets, so the
    UTC quarter hours are the local ones."""
    places = [
        p
        for p in case.calendar.places.values()
        if p.mode in case.kind.modes and (case.place_ids is None or p.id in case.place_ids)
    ]
    found = []
    earliest = case.now + case.kind.notice
    start = earliest + timedelta(minutes=-earliest.minute % 15)
    while start <= case.now + case.kind.horizon:
        for staff_id in sorted(case.staff_ids):
            for place in places:
                slot = Slot(staff_id, place.id, start, start + case.kind.length)
                if (
                    (case.after is None or start > case.after)
                    and start.astimezone(place.zone).date() not in case.calendar.holidays
                    and offered_by(slot, case.calendar)
                    and is_free(case, slot)
                ):
                    found.append((start, staff_id, place.id))
        start += GRID
    return found[: case.limit]


@settings(max_examples=200, deadline=None)
@given(searches())
def test_the_soonest_free_slots_are_all_found(case: Search) -> None:
    found = [(s.start, s.staff_id, s.place_id) for s in case.run()]
    assert found == brute_force(case)


@settings(max_examples=200, deadline=None)
@given(searches())
def test_browsing_on_continues_where_the_page_ended(case: Search) -> None:
    """With one staff member at one place, "Autres jours" after the last slot shown gives
    exactly the next page."""
    one = replace(case, staff_ids=frozenset({1}), place_ids=frozenset({1}), after=None)
    first = one.run()
    two_pages = replace(one, limit=2 * one.limit).run()
    if len(first) < one.limit:
        assert two_pages == first
        return
    assert first + replace(one, after=first[-1].start).run() == two_pages
