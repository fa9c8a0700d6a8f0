"""Running `bot.py` as the operator does: a real process with a clean environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
