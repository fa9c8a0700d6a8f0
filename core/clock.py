"""Time as an injected dependency, so tests move time instead of sleeping.

`app.clock.SystemClock` is the real one; `tests.clock.FakeClock` the tests' one."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...
