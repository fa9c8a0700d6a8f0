"""Is the bot healthy: the database answers, and the inbox and the outbox keep up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from storage import inbox as inbox_store
from storage import outbox as outbox_store
from storage.db import SessionFactory

# Past these, the bot is reported unhealthy: updates or messages are not moving.
INBOX_LAG = timedelta(minutes=2)
OUTBOX_LAG = timedelta(minutes=10)


@dataclass(frozen=True)
class Backlog:
    inbox_waiting: int
    inbox_age: float  # seconds since the oldest update not done was received
    outbox_waiting: int
    outbox_age: float  # seconds the most overdue message is late
    parked: int

    def healthy(self) -> bool:
        return (
            self.inbox_age <= INBOX_LAG.total_seconds()
            and self.outbox_age <= OUTBOX_LAG.total_seconds()
        )


async def backlog(db: SessionFactory, now: datetime) -> Backlog:
    """Raises when the database cannot be reached."""
    async with db.begin() as session:
        inbox_waiting, inbox_oldest = await inbox_store.waiting(session)
        outbox_waiting, outbox_oldest, parked = await outbox_store.waiting(session)
    return Backlog(
        inbox_waiting,
        _seconds_since(inbox_oldest, now),
        outbox_waiting,
        _seconds_since(outbox_oldest, now),
        parked,
    )


def _seconds_since(then: datetime | None, now: datetime) -> float:
    return max(0.0, (now - then).total_seconds()) if then is not None else 0.0
