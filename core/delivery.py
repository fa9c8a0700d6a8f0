"""What to do when sending a message fails: pure rules, `now` passed in.

Telegram's answers fall into a few kinds. A flood-control answer (429) says how long to
wait; a network error or a server error (5xx) is worth retrying with a growing delay; a
"blocked by the user" is final and says something about the person; any other refusal
(400: the message itself is wrong) would fail again. After `MAX_ATTEMPTS` tries a message
is parked, where site admins see it, instead of being retried for ever.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

MAX_ATTEMPTS = 6
# Delays after the 1st, 2nd, … failed try: quick at first (a blip), then spaced out.
BACKOFF = (
    timedelta(seconds=5),
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
)
MAX_FLOOD_WAIT = timedelta(hours=1)


class Failure(StrEnum):
    FLOOD = "flood"  # 429 with retry_after
    NETWORK = "network"  # timeout, connection refused or cut
    SERVER = "server"  # 5xx
    BLOCKED = "blocked"  # 403: the person blocked the bot or deleted their account
    REJECTED = "rejected"  # any other 4xx: sending it again would fail again


@dataclass(frozen=True)
class RetryAt:
    at: datetime


@dataclass(frozen=True)
class Park:
    """Tried too often: kept for the site's admins to see, not retried by itself."""


@dataclass(frozen=True)
class GiveUp:
    """Final: the message cannot be delivered (blocked, or refused as it is)."""


Decision = RetryAt | Park | GiveUp


def after_failure(
    failure: Failure, attempts: int, now: datetime, retry_after: float | None = None
) -> Decision:
    """What to do after the `attempts`-th try failed."""
    if failure in (Failure.BLOCKED, Failure.REJECTED):
        return GiveUp()
    if attempts >= MAX_ATTEMPTS:
        return Park()
    if failure is Failure.FLOOD and retry_after is not None:
        return RetryAt(now + min(timedelta(seconds=retry_after), MAX_FLOOD_WAIT))
    return RetryAt(now + BACKOFF[min(attempts, len(BACKOFF)) - 1])
