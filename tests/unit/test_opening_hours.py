"""Opening hours and working time: the admin's text read and written back, the escalation
clock that only runs while a site is open (lunch, weekends, holidays, other time zones,
daylight-saving changes), and its laws checked against a minute-by-minute count."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from core.opening_hours import (
    DEFAULT_OPENING,
    END_OF_DAY,
    OpeningError,
    OpeningHours,
    add_working_time,
    describe,
    is_holiday,
    is_open,
    next_opening,
    no_holidays,
    parse_opening,
)

PARIS = ZoneInfo("Europe/Paris")
REUNION = ZoneInfo("Indian/Reunion")
CAYENNE = ZoneInfo("America/Cayenne")
ZONES = (PARIS, REUNION, CAYENNE)
ALWAYS_OPEN = parse_opening("lu-di 00:00-24:00")
HOUR = timedelta(hours=1)
MINUTE = timedelta(minutes=1)


def paris(day: int, hour: int, minute: int = 0, month: int = 6, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


def add(
    start: datetime,
    amount: timedelta,
    hours: OpeningHours = DEFAULT_OPENING,
    zone: ZoneInfo = PARIS,
    holidays: Callable[[date], bool] = no_holidays,
) -> datetime:
    return add_working_time(start, amount, hours, zone, holidays)


def same_instant(got: datetime, expected: datetime) -> None:
    """Equal instants, and the result shown in the expected zone (what a person is told)."""
    assert got.astimezone(UTC) == expected.astimezone(UTC)
    assert got.tzinfo == expected.tzinfo
    assert got.utcoffset() == expected.utcoffset()


# --- reading and writing the hours ---------------------------------------------------------


def test_default_hours_are_a_public_office_week() -> None:
    assert describe(DEFAULT_OPENING) == "lu-ve 09:00-12:30 13:30-17:00"
    assert DEFAULT_OPENING.periods[:2] == (
        (0, time(9), time(12, 30)),
        (0, time(13, 30), time(17)),
    )
    assert len(DEFAULT_OPENING.periods) == 10


@pytest.mark.parametrize(
    "spec",
    [
        "lu-ve 09:00-12:30 13:30-17:00",
        "Lundi-Vendredi 9h-12h30, 13h30-17h",
        "mo-fr 09:00-12:30,13:30-17:00",
        "MON-FRI 9:00-12:30 13:30-17:00",
        "lu,ma,me,je,ve 09:00-12:30 13:30-17:00",
        "lu - ve 09:00 – 12:30 13:30 - 17:00",
        "Lundi, Mardi, Mércredi, jeudi, VENDREDI 09:00-12:30; lu-ve 13:30-17:00",
        "ve 13:30-17:00 ;; lu-je 13:30-17:00; lu-ve 09:00-12:30;",
    ],
)
def test_the_same_week_written_in_many_ways(spec: str) -> None:
    assert parse_opening(spec) == DEFAULT_OPENING


@pytest.mark.parametrize(
    ("spec", "days"),
    [
        ("sam. 9h-12h", [5]),
        ("ve-lu 10:00-11:00", [4, 5, 6, 0]),
        ("th,su 10:00-11:00", [3, 6]),
        ("dimanche 10:00-11:00", [6]),
        ("je-je 10:00-11:00", [3]),
    ],
)
def test_day_names_lists_and_ranges(spec: str, days: list[int]) -> None:
    assert [weekday for weekday, _, _ in parse_opening(spec).periods] == sorted(days)


def test_a_range_wraps_round_the_week() -> None:
    hours = parse_opening("ve-lu 13:30-17:00; ma-je 13:30-17:00; lu-ve 09:00-12:30")
    assert describe(hours) == "lu-ve 09:00-12:30 13:30-17:00; sa,di 13:30-17:00"


def test_groups_add_up_and_a_day_may_end_at_midnight() -> None:
    hours = parse_opening("lu-ve 09:00-12:00; me 14:00-17:00; sa 20:00-24:00")
    assert (2, time(14), time(17)) in hours.periods
    assert (5, time(20), END_OF_DAY) in hours.periods
    assert describe(hours) == (
        "lu,ma,je,ve 09:00-12:00; me 09:00-12:00 14:00-17:00; sa 20:00-24:00"
    )


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty"),
        (" ; ;", "empty"),
        ("xx 09:00-12:00", 'unknown day "xx"'),
        ("m 09:00-12:00", 'unknown day "m"'),
        ("lu-zz 09:00-12:00", 'unknown day "zz"'),
        ("lu 25:00-26:00", 'bad time "25:00"'),
        ("lu 09:60-12:00", 'bad time "09:60"'),
        ("lu 0900-1200", 'bad time "0900"'),
        ("lu 09:00", 'bad period "09:00"'),
        ("lu 12:00-09:00", '"12:00-09:00" in "lu 12:00-09:00": the end must be after'),
        ("lu 12:00-12:00", "the end must be after the start"),
        ("lu 24:00-24:00", "the end must be after the start"),
        (
            "lu 09:00-12:00 11:00-13:00",
            "overlapping periods on Monday: 09:00-12:00 and 11:00-13:00",
        ),
        ("lu-ve 09:00-17:00; me 12:00-14:00", "overlapping periods on Wednesday"),
        ("sa", 'no hours after the days in "sa"'),
        ("09:00-12:00", 'no day before the hours in "09:00-12:00"'),
        ("lu 09:00-12:00 ma", '"ma" comes after the hours'),
    ],
)
def test_bad_hours_are_refused_naming_the_bad_part(spec: str, message: str) -> None:
    with pytest.raises(OpeningError) as refused:
        parse_opening(spec)
    assert message in str(refused.value)
    assert isinstance(refused.value, ValueError)


@pytest.mark.parametrize(
    "periods",
    [
        (),
        ((7, time(9), time(10)),),
        ((0, time(10), time(9)),),
        ((0, time(9, 0, 30), time(10)),),
        ((1, time(9), time(10)), (0, time(9), time(10))),
        ((0, time(9), time(11)), (0, time(10), time(12))),
    ],
)
def test_hours_built_in_code_are_checked_too(periods: tuple[tuple[int, time, time], ...]) -> None:
    with pytest.raises(OpeningError):
        OpeningHours(periods)


@pytest.mark.parametrize(
    "canonical",
    [
        "lu-ve 09:00-12:30 13:30-17:00; sa 09:00-12:00",
        "lu,me,ve 08:30-12:00",
        "lu-me,ve-di 00:00-24:00",
        "ma 09:00-10:00 10:00-11:00; di 23:45-24:00",
    ],
)
def test_canonical_text_reads_back_to_itself(canonical: str) -> None:
    assert describe(parse_opening(canonical)) == canonical


# --- the examples of the escalation clock ---------------------------------------------------


def test_friday_afternoon_runs_on_monday_and_skips_lunch() -> None:
    friday_4pm = paris(13, 16)
    same_instant(add(friday_4pm, 4 * HOUR), paris(16, 12))
    same_instant(add(friday_4pm, 5 * HOUR), paris(16, 14))
    nine_to_five = parse_opening("lu-ve 09:00-17:00")
    same_instant(add(friday_4pm, 3 * HOUR, nine_to_five), paris(16, 11))


def test_a_public_holiday_is_skipped_by_region() -> None:
    """Easter Monday 2025 is 21 April; Good Friday (18 April) only in Alsace-Moselle."""
    metropole, alsace = is_holiday("metropole"), is_holiday("alsace-moselle")
    same_instant(add(paris(18, 16, month=4), 4 * HOUR, holidays=metropole), paris(22, 12, month=4))
    same_instant(add(paris(17, 16, month=4), 4 * HOUR, holidays=alsace), paris(22, 12, month=4))
    same_instant(add(paris(17, 16, month=4), 4 * HOUR, holidays=metropole), paris(18, 12, month=4))
    with pytest.raises(ValueError, match="unknown holiday region"):
        is_holiday("atlantis")


def test_at_night_the_clock_starts_next_morning() -> None:
    thursday_9pm = paris(12, 21)
    assert not is_open(thursday_9pm, DEFAULT_OPENING, PARIS, no_holidays)
    same_instant(next_opening(thursday_9pm, DEFAULT_OPENING, PARIS, no_holidays), paris(13, 9))
    same_instant(add(thursday_9pm, 2 * HOUR), paris(13, 11))


def test_a_saturday_start_counts_from_monday() -> None:
    same_instant(add(paris(14, 10), HOUR), paris(16, 10))
    same_instant(add(paris(15, 23, 59), 4 * HOUR), paris(16, 14))


def test_exactly_at_opening_and_closing() -> None:
    opening, lunch, evening = paris(16, 9), paris(16, 12, 30), paris(16, 17)
    assert is_open(opening, DEFAULT_OPENING, PARIS, no_holidays)
    assert not is_open(lunch, DEFAULT_OPENING, PARIS, no_holidays)
    assert is_open(lunch - timedelta(microseconds=1), DEFAULT_OPENING, PARIS, no_holidays)
    same_instant(next_opening(opening, DEFAULT_OPENING, PARIS, no_holidays), opening)
    same_instant(next_opening(lunch, DEFAULT_OPENING, PARIS, no_holidays), paris(16, 13, 30))
    same_instant(add(opening, HOUR), paris(16, 10))
    same_instant(add(lunch, HOUR), paris(16, 14, 30))
    same_instant(add(evening, 30 * MINUTE), paris(17, 9, 30))


def test_time_used_up_at_a_closing_ends_there() -> None:
    """Friday 16:00 + 1 h is Friday 17:00: the time is up, even if nobody can act before
    Monday; adding nothing more, or anything at all, then waits for the opening."""
    closing = add(paris(13, 16), HOUR)
    same_instant(closing, paris(13, 17))
    same_instant(add(closing, timedelta(0)), paris(16, 9))
    same_instant(add(closing, MINUTE), paris(16, 9, 1))
    same_instant(add(paris(16, 9), timedelta(hours=3, minutes=30)), paris(16, 12, 30))


def test_zero_amount_is_the_next_opening() -> None:
    for start in (paris(14, 10), paris(16, 10, 17), paris(16, 12, 30), paris(16, 17)):
        expected = next_opening(start, DEFAULT_OPENING, PARIS, no_holidays)
        same_instant(add(start, timedelta(0)), expected)


def test_instants_from_any_zone_come_back_in_the_sites_zone() -> None:
    """A deadline computed from a UTC `now` for a site in Réunion (UTC+4, no daylight
    saving): Monday 11:00 UTC is 15:00 there, one hour before closing."""
    hours = parse_opening("lu-ve 08:00-12:00 13:00-16:00")
    start = datetime(2025, 6, 16, 11, tzinfo=UTC)
    result = add_working_time(start, 2 * HOUR, hours, REUNION, no_holidays)
    same_instant(result, datetime(2025, 6, 17, 9, tzinfo=REUNION))
    assert result > start
    back = next_opening(datetime(2025, 6, 16, 21, tzinfo=PARIS), hours, CAYENNE, no_holidays)
    same_instant(back, datetime(2025, 6, 17, 8, tzinfo=CAYENNE))


def test_naive_instants_and_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        add(datetime(2025, 6, 16, 10), HOUR)
    with pytest.raises(ValueError, match="naive"):
        is_open(datetime(2025, 6, 16, 10), DEFAULT_OPENING, PARIS, no_holidays)
    with pytest.raises(ValueError, match="negative"):
        add(paris(16, 10), -MINUTE)


def test_a_site_that_never_opens_is_reported_not_looped_on() -> None:
    def every_day(day: date) -> bool:
        return True

    start = paris(16, 10)
    assert not is_open(start, DEFAULT_OPENING, PARIS, every_day)
    with pytest.raises(ValueError, match="400 days"):
        next_opening(start, DEFAULT_OPENING, PARIS, every_day)
    with pytest.raises(ValueError, match="400 days"):
        add(start, HOUR, holidays=every_day)
    yearly = parse_opening("lu 09:00-10:00")
    after_a_year = add(start, HOUR, yearly, holidays=lambda day: day.year == 2025)
    same_instant(after_a_year, datetime(2026, 1, 5, 10, tzinfo=PARIS))


# --- daylight saving ------------------------------------------------------------------------


def test_a_day_time_period_on_a_change_day_is_its_wall_clock_length() -> None:
    """The clocks change at night: Sunday 09:00-17:00 is 8 real hours either way."""
    every_day = parse_opening("lu-di 09:00-17:00")
    for change in (paris(30, 9, month=3), paris(26, 9, month=10)):
        same_instant(add(change, 8 * HOUR, every_day), change.replace(hour=17))
        saturday_4pm = change.replace(day=change.day - 1, hour=16)
        same_instant(add(saturday_4pm, 2 * HOUR, every_day), change.replace(hour=10))


def test_a_night_period_across_the_change_counts_real_hours() -> None:
    """Sunday 00:00-06:00 lasts 5 real hours in March (02:00 becomes 03:00) and 7 in October
    (03:00 becomes 02:00)."""
    night = parse_opening("di 00:00-06:00")
    march, october = paris(30, 0, month=3), paris(26, 0, month=10)
    same_instant(add(march, 5 * HOUR, night), paris(30, 6, month=3))
    same_instant(add(march, 5 * HOUR + MINUTE, night), paris(6, 0, 1, month=4))
    same_instant(add(october, 7 * HOUR, night), paris(26, 6, month=10))
    same_instant(add(october, 2 * HOUR, night), paris(26, 2, month=10))  # 02:00 summer time
    same_instant(add(october, 3 * HOUR, night), paris(26, 2, month=10).replace(fold=1))


def test_a_bound_the_clocks_skip_or_repeat() -> None:
    """Sunday 02:30-04:00: in March 02:30 never shows, the site opens at the change (03:00) for
    one real hour; in October it opens at the first 02:30 and stays open 2.5 real hours."""
    odd = parse_opening("di 02:30-04:00")
    march, october = paris(30, 0, month=3), paris(26, 0, month=10)
    same_instant(next_opening(march, odd, PARIS, no_holidays), paris(30, 3, month=3))
    same_instant(add(march, HOUR, odd), paris(30, 4, month=3))
    same_instant(add(march, HOUR + MINUTE, odd), paris(6, 2, 31, month=4))
    first_half_past_two = datetime(2025, 10, 26, 0, 30, tzinfo=UTC).astimezone(PARIS)
    same_instant(next_opening(october, odd, PARIS, no_holidays), first_half_past_two)
    assert next_opening(october, odd, PARIS, no_holidays).fold == 0
    same_instant(add(october, timedelta(hours=2, minutes=30), odd), paris(26, 4, month=10))


def test_a_site_open_round_the_clock_counts_real_time_across_changes() -> None:
    for start in (paris(29, 12, month=3), paris(25, 12, month=10)):
        assert (
            add(start, 24 * HOUR, ALWAYS_OPEN).astimezone(UTC) == start.astimezone(UTC) + 24 * HOUR
        )
        assert add(start, 24 * HOUR, ALWAYS_OPEN).hour != 12


def test_reunion_has_no_change() -> None:
    hours = parse_opening("lu-ve 08:00-16:00")
    start = datetime(2025, 10, 24, 12, tzinfo=REUNION)
    same_instant(add_working_time(start, 8 * HOUR, hours, REUNION, no_holidays), start + 72 * HOUR)


# --- properties -----------------------------------------------------------------------------

QUARTER = 15
DAY_MINUTES = 24 * 60
CHANGES = tuple(
    datetime(year, month, day, 1, tzinfo=UTC)
    for year, month, day in (
        (2024, 3, 31),
        (2024, 10, 27),
        (2025, 3, 30),
        (2025, 10, 26),
        (2026, 3, 29),
        (2026, 10, 25),
    )
)
"""The Europe/Paris changes: the properties start near them often."""
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def wall(minutes: int) -> time:
    return END_OF_DAY if minutes == DAY_MINUTES else time(minutes // 60, minutes % 60)


@st.composite
def weeks(draw: st.DrawFn, earliest: int = 0) -> OpeningHours:
    """Random weeks on the quarter hour: up to two periods a day, from `earliest` minutes."""
    periods = []
    for weekday in range(7):
        marks = draw(
            st.lists(
                st.integers(earliest // QUARTER, DAY_MINUTES // QUARTER), max_size=4, unique=True
            )
        )
        marks = sorted(marks)[: len(marks) // 2 * 2]
        for start, end in zip(marks[::2], marks[1::2], strict=True):
            periods.append((weekday, wall(start * QUARTER), wall(end * QUARTER)))
    assume(periods)
    return OpeningHours(tuple(periods))


@dataclass(frozen=True)
class Case:
    start: datetime
    hours: OpeningHours
    zone: ZoneInfo
    closed_days: frozenset[date]

    @property
    def utc_start(self) -> datetime:
        """The start as a UTC instant: arithmetic and comparisons on datetimes of one
        `ZoneInfo` are made on wall clocks, off by an hour across a change."""
        return self.start.astimezone(UTC)

    def holidays(self, day: date) -> bool:
        return day in self.closed_days

    def add(self, start: datetime, amount: timedelta) -> datetime:
        """The result as a UTC instant, after checking it is given in the site's zone."""
        result = add_working_time(start, amount, self.hours, self.zone, self.holidays)
        assert result.tzinfo is self.zone
        return result.astimezone(UTC)

    def next_opening(self, at: datetime) -> datetime:
        """As a UTC instant too: `==` between two zones is always False when one side is a
        wall time the clocks repeat (PEP 495), so results are compared in UTC."""
        return next_opening(at, self.hours, self.zone, self.holidays).astimezone(UTC)

    def is_open(self, at: datetime) -> bool:
        return is_open(at, self.hours, self.zone, self.holidays)

    def open_by_the_wall_clock(self, at: datetime) -> bool:
        """The oracle: the site's wall clock shows a time inside a period of a weekday that
        is not a holiday. Exact when no bound falls in the hour the clocks skip or repeat."""
        local = at.astimezone(UTC).astimezone(self.zone)
        if local.date() in self.closed_days:
            return False
        now = local.time()
        return any(start <= now < end for start, end in self.by_weekday[local.weekday()])

    @property
    def by_weekday(self) -> list[list[tuple[time, time]]]:
        days: list[list[tuple[time, time]]] = [[] for _ in range(7)]
        for weekday, start, end in self.hours.periods:
            days[weekday].append((start, end))
        return days


@st.composite
def cases(draw: st.DrawFn, earliest: int = 0) -> Case:
    zone = draw(st.sampled_from(ZONES))
    near_change = st.builds(
        lambda change, offset: change + offset * MINUTE,
        st.sampled_from(CHANGES),
        st.integers(-3 * DAY_MINUTES, 3 * DAY_MINUTES),
    )
    anywhere = st.builds(lambda offset: EPOCH + offset * MINUTE, st.integers(0, 3 * 365 * 1440))
    start = draw(st.one_of(near_change, anywhere)).astimezone(zone)
    first = start.date()
    closed = draw(st.frozensets(st.integers(0, 20), max_size=5))
    return Case(
        start=start,
        hours=draw(weeks(earliest)),
        zone=zone,
        closed_days=frozenset(first + timedelta(days=day) for day in closed),
    )


amounts = st.integers(0, 12 * 60).map(lambda minutes: minutes * MINUTE)


@settings(max_examples=150, deadline=None)
@given(weeks())
def test_describe_reads_back_to_the_same_hours(hours: OpeningHours) -> None:
    text = describe(hours)
    assert parse_opening(text) == hours
    assert describe(parse_opening(text)) == text


@settings(max_examples=150, deadline=None)
@given(cases(), amounts)
def test_the_result_is_open_or_exactly_a_closing(case: Case, amount: timedelta) -> None:
    result = case.add(case.start, amount)
    assert result >= case.utc_start + amount
    if amount:
        assert case.is_open(result) or case.is_open(result - timedelta(microseconds=1))
    else:
        assert case.is_open(result)
        assert result == case.next_opening(case.start)


@settings(max_examples=100, deadline=None)
@given(cases(), amounts, amounts)
def test_more_working_time_ends_strictly_later(
    case: Case, one: timedelta, other: timedelta
) -> None:
    assume(one != other)
    shorter, longer = sorted((one, other))
    assert case.add(case.start, shorter) < case.add(case.start, longer)


@settings(max_examples=100, deadline=None)
@given(cases(), amounts, amounts)
def test_working_time_adds_up(case: Case, first: timedelta, then: timedelta) -> None:
    """add(add(s, a), b) == add(s, a + b) for every b > 0; for b == 0 the left side is the
    next opening, which is the same instant exactly when add(s, a) is open."""
    middle = case.add(case.start, first)
    both = case.add(middle, then)
    if then or case.is_open(middle):
        assert both == case.add(case.start, first + then)
    else:
        assert both == case.next_opening(middle)
        assert both > middle
        assert not case.is_open(middle)


@settings(max_examples=100, deadline=None)
@given(cases(earliest=5 * 60), st.integers(0, 150).map(lambda minutes: minutes * MINUTE))
def test_the_open_time_counted_minute_by_minute_is_the_amount(
    case: Case, amount: timedelta
) -> None:
    """Brute force on the minute grid (starts, bounds and offsets are whole minutes), with
    bounds from 05:00 so that none falls in the hour a daylight-saving change skips."""
    result = case.add(case.start, amount)
    assume(result - case.utc_start <= timedelta(days=15))
    start, minutes = case.utc_start, int((result - case.utc_start) / MINUTE)
    counted = sum(case.open_by_the_wall_clock(start + step * MINUTE) for step in range(minutes))
    assert counted * MINUTE == amount


@settings(max_examples=150, deadline=None)
@given(cases(earliest=5 * 60), st.integers(0, 14 * DAY_MINUTES))
def test_is_open_agrees_with_the_wall_clock(case: Case, offset: int) -> None:
    at = case.utc_start + offset * MINUTE
    assert case.is_open(at) == case.open_by_the_wall_clock(at)


@settings(max_examples=100, deadline=None)
@given(cases(), amounts)
def test_round_the_clock_working_time_is_real_time(case: Case, amount: timedelta) -> None:
    result = add_working_time(case.start, amount, ALWAYS_OPEN, case.zone, no_holidays)
    assert result.astimezone(UTC) == case.utc_start + amount
