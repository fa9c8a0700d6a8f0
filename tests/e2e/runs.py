"""What the runs with real bot processes share (kill -9 of one, three workers): starting
`bot.py`, people with reminders falling due, and counting what was delivered twice."""

from __future__ import annotations

import asyncio
import itertools
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from emulator import BotApiEmulator, FakeUser
from storage.db import create_engine, create_session_factory
from tests.processes import ROOT, daytime_zone, environment
from tests.seeds import later_reminders, ready_people


def bot_environment(
    emulator: BotApiEmulator, token: str, database_url: str, **more: str
) -> dict[str, str]:
    """What an operator sets for `bot.py`, pointed at the emulator, in a daytime zone
    (reminders are never sent at night)."""
    return environment(
        TELEGRAM_BOT_TOKEN=token,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        ALLIANCE_TIMEZONE=daytime_zone(),
        **more,
    )


def start_bot(command: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    """`bot.py run` or `bot.py worker`, its errors written to a file in `cwd` (read with
    `finish`, or all of a run's with `errors_in`): a pipe nobody reads while the bot runs
    fills after 64 KB of logs, and then the bot freezes on its next log line."""
    log = cwd / f"{command}-{next(_STARTED)}.stderr"
    with log.open("w") as errors:  # the child keeps its own copy of the file
        process = subprocess.Popen(
            [sys.executable, str(ROOT / "bot.py"), command],
            cwd=cwd,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            text=True,
        )
    _LOGS[process.pid] = log
    return process


async def finish(process: subprocess.Popen[str]) -> str:
    """Wait (a minute at most) for the process to end, once told to stop; what it wrote
    to stderr."""
    await asyncio.to_thread(process.wait, 60)
    return _LOGS[process.pid].read_text()


def errors_in(cwd: Path) -> str:
    """Everything every bot process started in `cwd` wrote to stderr, killed ones too."""
    return "".join(log.read_text() for log in sorted(cwd.glob("*.stderr")))


_STARTED = itertools.count()
_LOGS: dict[int, Path] = {}


async def seed_reminders(
    database_url: str, first_id: int, count: int, first_due: float, every: float
) -> None:
    """People already in the bot, each with one reminder falling due during the run
    (the first `first_due` seconds from now, then one every `every` seconds)."""
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    now = datetime.now(UTC)
    async with db.begin() as session:
        people = await ready_people(session, [first_id + i for i in range(count)], now)
        due = [now + timedelta(seconds=first_due + i * every) for i in range(count)]
        session.add_all(later_reminders(people, due))
    await engine.dispose()


async def all_reminded(emulator: BotApiEmulator, reminded: list[FakeUser], within: float) -> None:
    async with asyncio.timeout(within), emulator.messages_changed:
        await emulator.messages_changed.wait_for(lambda: all(u.messages for u in reminded))


def duplicates(
    emulator: BotApiEmulator, reminded: list[FakeUser], kill_marks: list[int], window: int
) -> tuple[int, int]:
    """Reminders received more than once, and how many of those a kill explains: the
    first copy was taken by Telegram among the last `window` calls before a kill (the
    at-least-once window, docs/reliability.md)."""
    chats = {user.chat_id for user in reminded}
    firsts: dict[int, int] = {}
    copies: Counter[int] = Counter()
    for index, request in enumerate(emulator.requests):
        chat = request.params.get("chat_id")
        if request.method == "sendMessage" and request.status == 200 and chat in chats:
            firsts.setdefault(int(chat), index)
            copies[int(chat)] += 1
    duplicated = [chat for chat, count in copies.items() if count > 1]
    explained = [
        chat
        for chat in duplicated
        if any(mark - window <= firsts[chat] < mark for mark in kill_marks)
    ]
    return sum(copies[c] - 1 for c in duplicated), sum(copies[c] - 1 for c in explained)
