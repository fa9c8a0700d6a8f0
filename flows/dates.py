"""Dates as people give them: typed `dd/mm/yyyy`, or picked month then day on buttons.

Errors are codes (`DateError`) the UI translates; nothing here raises on bad input.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from enum import StrEnum

from flows.model import Past

_TYPED = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\s*$")


class DateError(StrEnum):
    UNREADABLE = "date_unreadable"
    DOES_NOT_EXIST = "date_does_not_exist"


def parse_typed_date(text: str) -> date | DateError:
    """`31/01/2025`, `1/2/2025`, `31-01-2025`, `31.01.2025`; `31/01/25` is 2025."""
    match = _TYPED.match(text)
    if match is None:
        return DateError.UNREADABLE
    day, _, month, year = match.groups()
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    try:
        return date(full_year, int(month), int(day))
    except ValueError:
        return DateError.DOES_NOT_EXIST


def add_months(year: int, month: int, count: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + count
    return index // 12, index % 12 + 1


def months_around(today: date, past: Past, span: int = 12) -> list[tuple[int, int]]:
    """The (year, month) buttons to offer, oldest first: the current month with the `span`
    months before it (`past: only`), after it (`forbidden`) or both (`allowed`)."""
    before = range(-span, 0) if past is not Past.FORBIDDEN else range(0)
    after = range(1, span + 1) if past is not Past.ONLY else range(0)
    return [add_months(today.year, today.month, count) for count in (*before, 0, *after)]


def days_in(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def selectable_days(year: int, month: int, today: date, past: Past) -> list[int]:
    """The days of that month a date step accepts: no past day when `past: forbidden`,
    no future day when `past: only`."""
    days = range(1, days_in(year, month) + 1)
    return [day for day in days if accepts(date(year, month, day), today, past)]


def accepts(value: date, today: date, past: Past) -> bool:
    """Today is always accepted: it is neither past nor future."""
    if past is Past.FORBIDDEN:
        return value >= today
    if past is Past.ONLY:
        return value <= today
    return True
