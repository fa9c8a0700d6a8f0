"""Watching the database and the backlogs, for `/healthz`, `/metrics` and the watchdog.

A bot that cannot reach its database for longer than `GIVE_UP_AFTER` stops with exit code
3, so that its supervisor restarts it (and alerts), instead of apologising to everyone for
ever.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from app.metrics import Metrics
from core.clock import Clock
from services import health
from services.health import Backlog
from storage.db import SessionFactory

log = logging.getLogger(__name__)

GIVE_UP_AFTER = timedelta(minutes=5)
CHECK_TIMEOUT = 10  # seconds
EXIT_DATABASE_GONE = 3


class HealthWatch:
    def __init__(self, db: SessionFactory, clock: Clock, metrics: Metrics) -> None:
        self._db, self._clock, self._metrics = db, clock, metrics
        self.failing_since: datetime | None = None

    async def check(self) -> Backlog:
        """The backlog now; raises when the database does not answer."""
        now = self._clock.now()
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):  # a database that hangs is gone too
                backlog = await health.backlog(self._db, now)
        except Exception:
            self.failing_since = self.failing_since or now
            self._metrics.up.set(0)
            raise
        self.failing_since = None
        self._metrics.up.set(1)
        self._metrics.backlog = backlog
        return backlog

    def given_up(self) -> bool:
        """The database has not answered for longer than `GIVE_UP_AFTER`."""
        since = self.failing_since
        return since is not None and self._clock.now() - since > GIVE_UP_AFTER
