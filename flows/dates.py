"""Dates as people give them: typed `dd/mm/yyyy`, or picked month then day on buttons.

Errors are codes (`DateError`) the UI translates; nothing here raises on bad input.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from enum import StrEnum

from core.words import fold
from flows.model import Past

_TYPED = re.compile(r"^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})\s*$")


class DateError(StrEnum):
    UNREADABLE = "date_unreadable"
    DOES_NOT_EXIST = "date_does_not_exist"


_NUMBER = re.compile(r"^(\d+)(?:er|re|st|nd|rd|th|م)?$")  # "1er", "1st", "2027م"
# Little words around a date in words, set aside: "le 31 janvier", "the 31st of January",
# "31-го січня 2027 року", "2027 р.".
_FILLERS = frozenset({"le", "de", "du", "the", "of", "го", "р", "рік", "року"})


def parse_typed_date(text: str, months: Mapping[str, int] | None = None) -> date | DateError:
    """`31/01/2025`, `1/2/2025`, `31-01-2025`, `31.01.2025`; `31/01/25` is 2025; and, with
    `months` (month names, folded by `fold`, to their number), a date in words as people
    write it: "31 janvier 2027", "1er mars 2027", "January 31, 2027", "31 січня 2027".
    Digits of any script count ("٣١/٠١/٢٠٢٧")."""
    text = _ascii_digits(text)
    match = _TYPED.match(text)
    if match is not None:
        day, _, month, year = match.groups()
        full_year = int(year) + 2000 if len(year) == 2 else int(year)
        return _date(full_year, int(month), int(day))
    return _in_words(text, months or {})


def _in_words(text: str, months: Mapping[str, int]) -> date | DateError:
    """One month name (the longest that fits, some are two words), a day and a 4-digit
    year; anything else left over makes it unreadable rather than guessed."""
    words = [word for word in fold(text).split() if word not in _FILLERS]
    for length in (3, 2, 1):
        for start in range(len(words) - length + 1):
            month = months.get(" ".join(words[start : start + length]))
            if month is None:
                continue
            rest = words[:start] + words[start + length :]
            numbers = [m.group(1) for m in map(_NUMBER.match, rest) if m is not None]
            if len(numbers) != len(rest) or len(numbers) != 2:
                return DateError.UNREADABLE
            days = [n for n in numbers if len(n) <= 2]
            years = [n for n in numbers if len(n) == 4]
            if len(days) != 1 or len(years) != 1:
                return DateError.UNREADABLE
            return _date(int(years[0]), month, int(days[0]))
    return DateError.UNREADABLE


def _date(year: int, month: int, day: int) -> date | DateError:
    try:
        return date(year, month, day)
    except ValueError:
        return DateError.DOES_NOT_EXIST


def _ascii_digits(text: str) -> str:
    return "".join(str(unicodedata.digit(c)) if c.isdigit() else c for c in text)


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
