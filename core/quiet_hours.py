"""When the bot may write first: never at night in the site's time zone."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

QUIET_FROM = time(20, 0)
QUIET_UNTIL = time(8, 0)


def is_quiet(now: datetime, zone: ZoneInfo) -> bool:
    local = now.astimezone(zone).time()
    return local >= QUIET_FROM or local < QUIET_UNTIL
