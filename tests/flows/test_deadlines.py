"""Deadlines and reminders computed from answers, with month-end clamping."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from flows.deadlines import DeadlineDate, Reminder, deadline_dates, reminder_dates, shift
from flows.model import Deadline, Flow, Offset
from tests.flows.support import load_valid

TEXT = "Pensez à faire votre déclaration trimestrielle avant le {date}."


def with_deadline(**changes: object) -> Flow:
    flow = load_valid()
    deadline = replace(flow.deadlines[0], **changes)  # type: ignore[arg-type]
    return replace(flow, deadlines=(deadline,))


def test_months_are_clamped_to_the_end_of_the_month() -> None:
    assert shift(date(2025, 1, 31), Offset(months=1)) == date(2025, 2, 28)
    assert shift(date(2024, 1, 31), Offset(months=1)) == date(2024, 2, 29)
    assert shift(date(2025, 3, 31), Offset(months=-1)) == date(2025, 2, 28)
    assert shift(date(2025, 11, 30), Offset(months=3)) == date(2026, 2, 28)
    assert shift(date(2025, 1, 31), Offset(days=1, weeks=1, months=1)) == date(2025, 3, 8)
    assert shift(date(2025, 1, 10), Offset(days=-10)) == date(2024, 12, 31)


def test_repeating_deadlines_from_today_to_the_horizon_without_drift() -> None:
    flow = load_valid()
    answers = {"last-declaration": date(2025, 1, 31)}
    assert deadline_dates(flow, answers, date(2025, 3, 10)) == [
        DeadlineDate("next-declaration", date(2025, 4, 30)),
        DeadlineDate("next-declaration", date(2025, 7, 31)),
        DeadlineDate("next-declaration", date(2025, 10, 31)),
        DeadlineDate("next-declaration", date(2026, 1, 31)),
    ]
    assert [d.date for d in deadline_dates(flow, answers, date(2025, 3, 10), 60)] == [
        date(2025, 4, 30)
    ]


def test_occurrences_before_today_are_skipped() -> None:
    flow = load_valid()
    answers = {"last-declaration": date(2022, 1, 31)}
    dates = deadline_dates(flow, answers, date(2025, 4, 30), horizon_days=100)
    assert [d.date for d in dates] == [date(2025, 4, 30), date(2025, 7, 31)]


def test_a_deadline_without_its_answer_or_repeat() -> None:
    assert deadline_dates(load_valid(), {}, date(2025, 3, 10)) == []
    once = with_deadline(repeat=None, add=Offset(months=-2))
    answers = {"last-declaration": date(2025, 12, 31)}
    assert deadline_dates(once, answers, date(2025, 3, 10)) == [
        DeadlineDate("next-declaration", date(2025, 10, 31))
    ]
    assert deadline_dates(once, answers, date(2025, 11, 1)) == []


def test_weekly_repeats() -> None:
    weekly = with_deadline(add=Offset(), repeat=Offset(weeks=1))
    dates = deadline_dates(weekly, {"last-declaration": date(2025, 1, 1)}, date(2025, 3, 10), 20)
    assert [d.date for d in dates] == [date(2025, 3, 12), date(2025, 3, 19), date(2025, 3, 26)]


def test_reminders_fall_before_or_on_the_deadline_and_never_before_today() -> None:
    flow = load_valid()
    answers = {"last-declaration": date(2025, 1, 31)}
    reminders = reminder_dates(flow, answers, date(2025, 4, 25), horizon_days=100)
    assert reminders == [
        Reminder("next-declaration", date(2025, 4, 30), date(2025, 4, 30), TEXT),
        Reminder("next-declaration", date(2025, 7, 31), date(2025, 7, 24), TEXT),
        Reminder("next-declaration", date(2025, 7, 31), date(2025, 7, 31), TEXT),
    ]


def test_a_reminder_after_its_deadline_still_comes() -> None:
    after = with_deadline(repeat=None, remind=(Offset(days=2),))
    answers = {"last-declaration": date(2025, 1, 1)}
    assert reminder_dates(after, answers, date(2025, 4, 2)) == [
        Reminder("next-declaration", date(2025, 4, 1), date(2025, 4, 3), TEXT)
    ]
    assert reminder_dates(after, answers, date(2025, 4, 4)) == []


def test_a_deadline_without_reminders() -> None:
    silent = with_deadline(remind=())
    assert reminder_dates(silent, {"last-declaration": date(2025, 1, 1)}, date(2025, 2, 1)) == []
    assert isinstance(silent.deadlines[0], Deadline)
