"""Thirty people walk procedures while the bot is killed with SIGKILL ten times.

`bot.py run` runs in its own process against the Bot API emulator, with a SQLite file,
as an operator runs it; a supervisor (this test) kills it at random moments and starts
it again at once. Meanwhile reminders fall due for forty other people. Measured, then
printed (the figures go in docs/reliability.md):

- every action of every person is answered (an update Telegram was told about is in the
  inbox, and a restarted bot handles it);
- no acknowledged step is lost: once everyone is done, each person taps on from the last
  step they saw, and the bot takes them one step further, not back;
- every reminder arrives, and a duplicate is counted only when a kill fell right after
  Telegram took the first copy (the at-least-once window, docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import random
import signal
from pathlib import Path

import pytest

from emulator import BotApiEmulator
from emulator.models import RecordedRequest
from tests.e2e.runs import (
    all_reminded,
    bot_environment,
    duplicates,
    errors_in,
    finish,
    seed_reminders,
    start_bot,
)
from tests.e2e.walkers import Walker
from tests.processes import bot_py

TOKEN = "987654321:crash-test-token-abcdefghijklmno"
WALKERS = 30
REMINDED = 40
KILLS = 10
ANSWER_WITHIN = 90.0  # seconds: long enough for a kill and a restart, or two
WINDOW = 30  # Bot API calls before a kill within which a duplicate is explained


@pytest.mark.timeout(300)
async def test_thirty_people_and_ten_kill_9_lose_nothing(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgraded = bot_py("db", "upgrade", cwd=tmp_path, DATABASE_URL=database_url)
    assert upgraded.returncode == 0, upgraded.stderr
    await seed_reminders(database_url, 50_000, REMINDED, first_due=0, every=1)

    emulator = BotApiEmulator(token=TOKEN, bot_username="alliance_crash_bot")
    await emulator.start()
    env = bot_environment(emulator, TOKEN, database_url)
    reminded = [emulator.user(50_000 + i, first_name=f"R{i}") for i in range(REMINDED)]
    rng = random.Random(20261201)
    walkers = [
        Walker(
            emulator.user(40_000 + i, first_name=f"W{i}"),
            random.Random(i),
            answer_within=ANSWER_WITHIN,
            pause=(1.0, 3.5),  # long enough that all ten kills fall while people walk
        )
        for i in range(WALKERS)
    ]
    kill_marks: list[int] = []  # how many Bot API calls the emulator had seen at each kill
    bot = start_bot("run", env, tmp_path)
    try:
        walking = asyncio.gather(*(walker.walk() for walker in walkers))
        for _ in range(KILLS):
            await _polling(emulator, since=kill_marks[-1] if kill_marks else 0)
            await asyncio.sleep(rng.uniform(0.3, 2.0))  # a random moment of its work
            assert not walking.done(), "every kill falls while people are walking"
            bot.send_signal(signal.SIGKILL)
            await asyncio.to_thread(bot.wait, 30)
            kill_marks.append(len(emulator.requests))
            bot = start_bot("run", env, tmp_path)
        await walking
        await all_reminded(emulator, reminded, ANSWER_WITHIN)
        for walker in walkers:  # no acknowledged step was lost
            walker.last_step = await walker.onward(settled=True)
    finally:
        bot.send_signal(signal.SIGINT)
        err = await finish(bot)
        await emulator.stop()
    assert bot.returncode == 0, err

    twice, explained = duplicates(emulator, reminded, kill_marks, WINDOW)
    updates = sum(walker.actions for walker in walkers)
    print(
        f"\n{WALKERS} people, {updates} actions, all answered; {len(kill_marks)} kill -9; "
        f"{REMINDED} reminders, {twice} duplicates ({explained} in the window before a "
        f"kill); {len(emulator.violations)} spec violations"
    )
    assert twice == explained, "a duplicate that no kill explains"
    assert not emulator.violations
    assert TOKEN.split(":")[1] not in errors_in(tmp_path), "no token in any process's log"


async def _polling(emulator: BotApiEmulator, since: int) -> None:
    """Until the (re)started bot asks Telegram for updates: it is up and working. (The
    emulator signals messages, not requests: the log is read every 50 ms.)"""
    async with asyncio.timeout(ANSWER_WITHIN):
        while not _asked_for_updates(emulator.requests[since:]):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


def _asked_for_updates(requests: list[RecordedRequest]) -> bool:
    """A getUpdates after a getMe: the new process's own poll (a killed process's last
    long poll may still end after the kill)."""
    started = next((i for i, r in enumerate(requests) if r.method == "getMe"), None)
    return started is not None and any(r.method == "getUpdates" for r in requests[started:])
