"""The monthly hand-off figures: months in the site's zone, medians, the CSV's columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core.handoff_figures import Record, csv_text, monthly
from core.handoffs import Reason

PARIS = ZoneInfo("Europe/Paris")


def at(day: int, hour: int, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


def test_months_are_the_sites_and_medians_count_only_what_happened() -> None:
    records = [
        Record(at(3, 9), Reason.ASKED, at(3, 10), at(3, 12), late=False),
        Record(at(4, 9), Reason.DISTRESS, at(4, 9) + timedelta(minutes=20), None, late=True),
        Record(at(5, 9), Reason.ASKED, None, None, late=True),
        # 30 November 23:30 UTC is already December in Paris
        Record(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), Reason.CANNOT, None, None, False),
    ]
    november, december = monthly(records, PARIS)
    assert (november.month, december.month) == ("2026-11", "2026-12")
    assert november.total == 3 and november.claimed == 2 and november.late == 2
    assert november.by_reason == {Reason.ASKED: 2, Reason.DISTRESS: 1}
    assert november.median_claim == timedelta(minutes=40)  # 60 and 20 minutes
    assert november.median_close == timedelta(hours=3)
    assert december.median_claim is None and december.by_reason == {Reason.CANNOT: 1}


def test_the_csv_has_one_line_a_month_and_a_column_per_reason() -> None:
    (month,) = monthly([Record(at(3, 9), Reason.ASKED, at(3, 10), None, False)], PARIS)
    header, row = csv_text([month]).splitlines()
    columns = header.split(",")
    assert columns[:2] == ["month", "requests"]
    assert len([c for c in columns if c.startswith("reason_")]) == len(Reason)
    values = dict(zip(columns, row.split(","), strict=True))
    assert values["reason_asked"] == "1" and values["median_minutes_to_claim"] == "60"
    assert values["median_minutes_to_close"] == "" and values["past_time_promised"] == "0"
