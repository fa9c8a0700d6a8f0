"""Dates typed by people, and the month and day buttons offered instead."""

from __future__ import annotations

from datetime import date

import pytest

from flows.dates import DateError, days_in, months_around, parse_typed_date, selectable_days
from flows.model import Past


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31/01/2025", date(2025, 1, 31)),
        ("1/2/2025", date(2025, 2, 1)),
        ("01-02-2025", date(2025, 2, 1)),
        ("01.02.2025", date(2025, 2, 1)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("5/3/25", date(2025, 3, 5)),
        ("31/12/99", date(2099, 12, 31)),
    ],
)
def test_typed_dates_are_read(typed: str, expected: date) -> None:
    assert parse_typed_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("", DateError.UNREADABLE),
        ("demain", DateError.UNREADABLE),
        ("2025-01-31", DateError.UNREADABLE),
        ("31/01-2025", DateError.UNREADABLE),
        ("31/01/202", DateError.UNREADABLE),
        ("123/01/2025", DateError.UNREADABLE),
        ("31/02/2025", DateError.DOES_NOT_EXIST),
        ("29/02/2025", DateError.DOES_NOT_EXIST),
        ("00/01/2025", DateError.DOES_NOT_EXIST),
        ("12/13/2025", DateError.DOES_NOT_EXIST),
    ],
)
def test_unreadable_or_impossible_dates_are_error_codes(typed: str, error: DateError) -> None:
    assert parse_typed_date(typed) is error
    assert error == error.value  # a plain string the UI translates


FRENCH_MONTHS = {"janvier": 1, "janv": 1, "fevrier": 2, "kanun al thani": 1}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("31 janvier 2027", date(2027, 1, 31)),
        ("1er Février 2027", date(2027, 2, 1)),
        ("le 3 janv. 2027", date(2027, 1, 3)),
        ("2027 janvier 31", date(2027, 1, 31)),
        ("31 kanun al-thani 2027", date(2027, 1, 31)),  # a two-or-more-word month name
        ("٣١/٠١/٢٠٢٧", date(2027, 1, 31)),  # Arabic-Indic digits
        ("30 février 2027", DateError.DOES_NOT_EXIST),
        ("janvier 2027", DateError.UNREADABLE),  # no day: not guessed
        ("31 janvier", DateError.UNREADABLE),  # no year: not guessed
        ("31 janvier 2027 ou 2028", DateError.UNREADABLE),
        ("31 brumaire 2027", DateError.UNREADABLE),
    ],
)
def test_dates_in_words_are_read_with_the_month_names_given(
    typed: str, expected: date | DateError
) -> None:
    assert parse_typed_date(typed, FRENCH_MONTHS) == expected
    assert parse_typed_date("31 janvier 2027") is DateError.UNREADABLE  # no names, no words


def test_months_offered_depend_on_past() -> None:
    today = date(2025, 3, 10)
    only = months_around(today, Past.ONLY)
    assert (only[0], only[-1], len(only)) == ((2024, 3), (2025, 3), 13)
    forbidden = months_around(today, Past.FORBIDDEN)
    assert (forbidden[0], forbidden[-1], len(forbidden)) == ((2025, 3), (2026, 3), 13)
    both = months_around(today, Past.ALLOWED)
    assert (both[0], both[12], both[-1], len(both)) == ((2024, 3), (2025, 3), (2026, 3), 25)
    assert months_around(date(2025, 12, 1), Past.FORBIDDEN, span=1) == [(2025, 12), (2026, 1)]


def test_days_of_a_month() -> None:
    assert days_in(2024, 2) == 29
    assert days_in(2025, 2) == 28
    assert days_in(2025, 4) == 30
    today = date(2025, 3, 10)
    assert selectable_days(2025, 3, today, Past.FORBIDDEN)[0] == 10
    assert selectable_days(2025, 3, today, Past.ONLY)[-1] == 10
    assert len(selectable_days(2025, 3, today, Past.ALLOWED)) == 31
    assert selectable_days(2025, 4, today, Past.ONLY) == []
