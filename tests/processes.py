"""Running `bot.py` as the operator does: a real process with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]


def environment(**overrides: str) -> dict[str, str]:
    """The machine's environment without any Alliance setting, plus the ones given."""
    prefixes = ("TELEGRAM_", "ALLIANCE_", "DATABASE_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return {**base, "PYTHONUNBUFFERED": "1", **overrides}


def bot_py(*arguments: str, cwd: Path = ROOT, **overrides: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), *arguments],
        cwd=cwd,
        env=environment(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


DAY_ZONES = ("Europe/Paris", "Asia/Tokyo", "Asia/Kolkata", "America/New_York", "Pacific/Honolulu")


def daytime_zone() -> str:
    """A time zone where it is between 10:00 and 18:00 now: reminders are never sent at
    night, and a run with a real clock must not depend on the hour it is started."""
    now = datetime.now(UTC)
    for name in DAY_ZONES:
        if 10 <= now.astimezone(ZoneInfo(name)).hour < 18:
            return name
    raise AssertionError("no zone in DAY_ZONES is in daytime now; add one")
