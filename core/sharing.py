"""What a person lets their referent see of their procedures, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Area(StrEnum):
    CAF = "caf"
    PREFECTURE = "prefecture"
    HOUSING = "housing"


ALL_AREAS = frozenset(Area)


class Duration(StrEnum):
    DAY = "day"
    MONTH = "month"
    HALF_YEAR = "half"
    YEAR = "year"
    UNTIL_CHANGED = "open"


_LENGTHS = {
    Duration.DAY: timedelta(days=1),
    Duration.MONTH: timedelta(days=30),
    Duration.HALF_YEAR: timedelta(days=182),
    Duration.YEAR: timedelta(days=365),
}
REMIND_BEFORE_END = timedelta(days=3)


@dataclass(frozen=True)
class Grant:
    areas: frozenset[Area]
    expires_at: datetime | None

    def visible(self, now: datetime) -> frozenset[Area]:
        """Nothing once the grant has ended: sharing never outlives the person's choice."""
        if self.expires_at is not None and self.expires_at <= now:
            return frozenset()
        return self.areas


NOTHING = Grant(frozenset(), None)


def expiry(duration: Duration, now: datetime) -> datetime | None:
    length = _LENGTHS.get(duration)
    return None if length is None else now + length


def encode_areas(areas: frozenset[Area]) -> str:
    if areas == ALL_AREAS:
        return "all"
    return ",".join(sorted(areas)) or "none"


def decode_areas(text: str) -> frozenset[Area]:
    if text == "all":
        return ALL_AREAS
    if text in {"", "none"}:
        return frozenset()
    return frozenset(Area(part) for part in text.split(",") if part in Area._value2member_map_)


def needs_reminder(grant: Grant, reminded: bool, now: datetime) -> bool:
    return (
        grant.expires_at is not None
        and not reminded
        and bool(grant.areas)
        and now < grant.expires_at <= now + REMIND_BEFORE_END
    )
