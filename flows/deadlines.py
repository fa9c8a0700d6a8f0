"""Dates computed from a person's answers: deadlines and the days to remind them.

Pure: the caller passes `today` and recomputes whenever answers change or a day passes,
so nothing is stored that could drift from the flow's definition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flows.dates import add_months, days_in
from flows.model import Deadline, Flow, Offset


@dataclass(frozen=True)
class DeadlineDate:
    deadline_id: str
    date: date


@dataclass(frozen=True)
class Reminder:
    """`text` is the flow's source text: translate it, then fill `{date}`."""

    deadline_id: str
    deadline_date: date
    remind_on: date
    text: str


def shift(day: date, offset: Offset) -> date:
    """Months first, clamped to the month's last day (31 January + 1 month = 28/29
    February), then weeks and days."""
    year, month = add_months(day.year, day.month, offset.months)
    moved = date(year, month, min(day.day, days_in(year, month)))
    return moved + timedelta(days=offset.days, weeks=offset.weeks)


def _occurrences(deadline: Deadline, base: date, first: date, last: date) -> Iterator[date]:
    """Every date of `deadline` in [first, last]; repeats are counted from `base`, not from
    the previous occurrence, so clamping never drifts (31 Jan, 28 Feb, 31 Mar…)."""
    repeat = deadline.repeat
    longest = 0 if repeat is None else repeat.months * 31 + repeat.weeks * 7 + repeat.days
    if repeat is None or longest <= 0:  # the loader refuses a repeat that does not move on
        when = shift(base, deadline.add)
        if first <= when <= last:
            yield when
        return
    start = shift(base, deadline.add)
    count = max(0, (first - start).days // longest - 1) if start < first else 0
    while (when := shift(base, deadline.add.plus(repeat.times(count)))) <= last:
        if when >= first:
            yield when
        count += 1


def deadline_dates(
    flow: Flow, answers: Mapping[str, date], today: date, horizon_days: int = 400
) -> list[DeadlineDate]:
    """Deadlines from today to the horizon, by date; deadlines whose answer is missing are
    skipped."""
    last = today + timedelta(days=horizon_days)
    found = [
        DeadlineDate(deadline.id, when)
        for deadline in flow.deadlines
        if (base := answers.get(deadline.from_answer)) is not None
        for when in _occurrences(deadline, base, today, last)
    ]
    return sorted(found, key=lambda item: (item.date, item.deadline_id))


def reminder_dates(
    flow: Flow, answers: Mapping[str, date], today: date, horizon_days: int = 400
) -> list[Reminder]:
    """Reminders due from today to the horizon, by day; a reminder may fall before its
    deadline (`days: -7`) or after it, so deadlines just outside the window count too."""
    last = today + timedelta(days=horizon_days)
    found: list[Reminder] = []
    for deadline in flow.deadlines:
        base = answers.get(deadline.from_answer)
        if base is None or not deadline.remind or deadline.text is None:
            continue
        shifts = [timedelta(days=remind.days) for remind in deadline.remind]
        window = _occurrences(deadline, base, today - max(shifts), last - min(shifts))
        for when in window:
            for shift_by in shifts:
                if today <= when + shift_by <= last:
                    found.append(Reminder(deadline.id, when, when + shift_by, deadline.text))
    return sorted(found, key=lambda item: (item.remind_on, item.deadline_id, item.deadline_date))


def at_risk(flow: Flow, answers: Mapping[str, date], today: date) -> list[DeadlineDate]:
    """Deadlines whose `flag_human` period has begun and which have not passed: a human
    should look if the procedure is not done. A repeating deadline counts by its next
    occurrence (doing the procedure again moves it on)."""
    found = []
    for deadline in flow.deadlines:
        base = answers.get(deadline.from_answer)
        if base is None or deadline.flag_human is None:
            continue
        for when in _occurrences(
            deadline, base, today, today - timedelta(days=deadline.flag_human.days)
        ):
            found.append(DeadlineDate(deadline.id, when))
    return sorted(found, key=lambda item: (item.date, item.deadline_id))


def named_dates(flow: Flow, answers: Mapping[str, date], today: date) -> dict[str, date]:
    """The dates a step text can name (`{permit-expiry}`, `{renewal-last-day}`): each
    answer, and each deadline of an answered date, past ones too ("it expired on …"); a
    repeating deadline is named by its next occurrence."""
    found = {key: value for key, value in answers.items() if key in flow.date_answers()}
    for deadline in flow.deadlines:
        base = answers.get(deadline.from_answer)
        if base is None:
            continue
        first = shift(base, deadline.add)
        upcoming = next(_occurrences(deadline, base, max(first, today), date.max), first)
        found[deadline.id] = upcoming if deadline.repeat is not None else first
    return found
