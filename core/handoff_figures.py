"""A site's hand-off figures, month by month: how many requests and why, how long until a
human claimed them and until they were closed, how many went past the time promised.

Pure: the rows come in as `Record`s; the CSV is text; the chart is drawn elsewhere
(`screens/figures_chart.py`). No person appears in any of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from statistics import median
from zoneinfo import ZoneInfo

from core.handoffs import Reason


@dataclass(frozen=True)
class Record:
    """One hand-off as the figures need it: no person, no words."""

    created_at: datetime
    reason: Reason
    claimed_at: datetime | None
    closed_at: datetime | None
    late: bool  # the claim came after the time promised (the person was told)


@dataclass(frozen=True)
class Month:
    month: str  # "2026-11", in the site's zone
    total: int
    by_reason: dict[Reason, int] = field(default_factory=dict)
    claimed: int = 0
    median_claim: timedelta | None = None  # from the request to the claim
    median_close: timedelta | None = None  # from the request to the close
    late: int = 0  # past the time promised


def monthly(records: Iterable[Record], zone: ZoneInfo) -> list[Month]:
    """The months that had requests, oldest first."""
    by_month: dict[str, list[Record]] = {}
    for record in records:
        key = record.created_at.astimezone(zone).strftime("%Y-%m")
        by_month.setdefault(key, []).append(record)
    return [_month(key, rows) for key, rows in sorted(by_month.items())]


def _month(key: str, rows: Sequence[Record]) -> Month:
    claims = [r.claimed_at - r.created_at for r in rows if r.claimed_at is not None]
    closes = [r.closed_at - r.created_at for r in rows if r.closed_at is not None]
    by_reason: dict[Reason, int] = {}
    for row in rows:
        by_reason[row.reason] = by_reason.get(row.reason, 0) + 1
    return Month(
        key,
        len(rows),
        by_reason,
        len(claims),
        _median(claims),
        _median(closes),
        sum(row.late for row in rows),
    )


def _median(spans: Sequence[timedelta]) -> timedelta | None:
    if not spans:
        return None
    return timedelta(seconds=round(median(span.total_seconds() for span in spans)))


CSV_REASONS = tuple(Reason)


def csv_text(months: Sequence[Month]) -> str:
    """One line a month: the totals, each reason's count, the medians in minutes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "month",
            "requests",
            *(f"reason_{reason.value}" for reason in CSV_REASONS),
            "claimed",
            "median_minutes_to_claim",
            "median_minutes_to_close",
            "past_time_promised",
        ]
    )
    for month in months:
        writer.writerow(
            [
                month.month,
                month.total,
                *(month.by_reason.get(reason, 0) for reason in CSV_REASONS),
                month.claimed,
                _minutes(month.median_claim),
                _minutes(month.median_close),
                month.late,
            ]
        )
    return out.getvalue()


def csv_data(months: Sequence[Month]) -> bytes:
    """The CSV as the file's bytes (UTF-8: spreadsheets in France read it so)."""
    return csv_text(months).encode("utf-8")


def _minutes(span: timedelta | None) -> str:
    return "" if span is None else str(round(span.total_seconds() / 60))
