"""Proactive messages: quiet hours 20:00–08:00 in the site's zone, 3 a day, 7 a week."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.reminders import due_at, when_allowed

PARIS = ZoneInfo("Europe/Paris")
MAYOTTE = ZoneInfo("Indian/Mayotte")


def paris(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=PARIS)


def test_a_reminder_is_due_at_nine_local_time() -> None:
    assert due_at(date(2026, 12, 1), PARIS).astimezone(UTC).hour == 8
    assert due_at(date(2026, 12, 1), MAYOTTE).astimezone(UTC).hour == 6


def test_daytime_with_nothing_sent_goes_now() -> None:
    assert when_allowed(paris(1, 10), PARIS, []) == paris(1, 10)


def test_night_waits_for_eight_in_the_morning() -> None:
    assert when_allowed(paris(1, 21), PARIS, []) == paris(2, 8)
    assert when_allowed(paris(2, 3), PARIS, []) == paris(2, 8)
    assert when_allowed(paris(2, 7, 59), PARIS, []) == paris(2, 8)
    assert when_allowed(paris(1, 19, 59), PARIS, []) == paris(1, 19, 59)


def test_quiet_hours_follow_the_sites_zone() -> None:
    evening_utc = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)  # 18:30 Paris, 20:30 Mayotte
    assert when_allowed(evening_utc, PARIS, []) == evening_utc
    assert when_allowed(evening_utc, MAYOTTE, []) == datetime(2026, 12, 2, 8, tzinfo=MAYOTTE)


def test_three_a_day_then_tomorrow_morning() -> None:
    sent = [paris(1, 9), paris(1, 10), paris(1, 11)]
    assert when_allowed(paris(1, 12), PARIS, sent[:2]) == paris(1, 12)
    assert when_allowed(paris(1, 12), PARIS, sent) == paris(2, 8)


def test_seven_a_week() -> None:
    sent = [paris(day, 9) for day in range(1, 8)]  # one a day, 1st to 7th
    assert when_allowed(paris(7, 15), PARIS, sent) == paris(8, 9)
    assert when_allowed(paris(8, 10), PARIS, sent) == paris(8, 10)
    assert when_allowed(paris(8, 10), PARIS, [*sent, paris(8, 9, 30)]) == paris(9, 9)


def test_the_rules_combine() -> None:
    """Night → 08:00, but the week is full until 20:00, which is night again → next 08:00."""
    sent = [paris(day, 20) - timedelta(minutes=1) for day in range(1, 8)]  # 19:59 each day
    assert when_allowed(paris(7, 22), PARIS, sent) == paris(8, 19, 59)
    late = [paris(day, 20) + timedelta(minutes=1) for day in range(1, 8)]  # "sent" at 20:01
    assert when_allowed(paris(7, 22), PARIS, late) == paris(9, 8)
