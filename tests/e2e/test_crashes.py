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
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from emulator import BotApiEmulator, FakeUser
from emulator.models import RecordedRequest
from storage.db import create_engine, create_session_factory
from tests.e2e.walkers import Walker
from tests.processes import ROOT, bot_py, daytime_zone, environment
from tests.seeds import later_reminders, ready_people

TOKEN = "987654321:crash-test-token-abcdefghijklmno"
WALKERS = 30
REMINDED = 40
KILLS = 10
ANSWER_WITHIN = 90.0  # seconds: long enough for a kill and a restart, or two
WINDOW = 30  # Bot API calls before a kill within which a duplicate is explained


def _start(env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), "run"],
        cwd=cwd,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _seed_reminders(database_url: str, first_id: int) -> None:
    """People already in the bot, each with one reminder falling due during the run."""
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    now = datetime.now(UTC)
    async with db.begin() as session:
        people = await ready_people(session, [first_id + i for i in range(REMINDED)], now)
        due = [now + timedelta(seconds=i) for i in range(REMINDED)]
        session.add_all(later_reminders(people, due))
    await engine.dispose()


@pytest.mark.timeout(300)
async def test_thirty_people_and_ten_kill_9_lose_nothing(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'bot.db'}"
    upgraded = bot_py("db", "upgrade", cwd=tmp_path, DATABASE_URL=database_url)
    assert upgraded.returncode == 0, upgraded.stderr
    await _seed_reminders(database_url, 50_000)

    emulator = BotApiEmulator(token=TOKEN, bot_username="alliance_crash_bot")
    await emulator.start()
    env = environment(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=database_url,
        ALLIANCE_TIMEZONE=daytime_zone(),
    )
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
    bot = _start(env, tmp_path)
    try:
        walking = asyncio.gather(*(walker.walk() for walker in walkers))
        for _ in range(KILLS):
            await _polling(emulator, since=kill_marks[-1] if kill_marks else 0)
            await asyncio.sleep(rng.uniform(0.3, 2.0))  # a random moment of its work
            assert not walking.done(), "every kill falls while people are walking"
            bot.send_signal(signal.SIGKILL)
            await asyncio.to_thread(bot.wait, 30)
            kill_marks.append(len(emulator.requests))
            bot = _start(env, tmp_path)
        await walking
        await _all_reminded(emulator, reminded)
        for walker in walkers:  # no acknowledged step was lost
            walker.last_step = await walker.onward(settled=True)
    finally:
        bot.send_signal(signal.SIGINT)
        _, err = await asyncio.to_thread(bot.communicate, None, 60)
        await emulator.stop()
    assert bot.returncode == 0, err

    duplicates, explained = _duplicates(emulator, reminded, kill_marks)
    updates = sum(walker.actions for walker in walkers)
    print(
        f"\n{WALKERS} people, {updates} actions, all answered; {len(kill_marks)} kill -9; "
        f"{REMINDED} reminders, {duplicates} duplicates ({explained} in the window before a "
        f"kill); {len(emulator.violations)} spec violations"
    )
    assert duplicates == explained, "a duplicate that no kill explains"
    assert not emulator.violations
    assert TOKEN.split(":")[1] not in err


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


async def _all_reminded(emulator: BotApiEmulator, reminded: list[FakeUser]) -> None:
    async with asyncio.timeout(ANSWER_WITHIN), emulator.messages_changed:
        await emulator.messages_changed.wait_for(lambda: all(u.messages for u in reminded))


def _duplicates(
    emulator: BotApiEmulator, reminded: list[FakeUser], kill_marks: list[int]
) -> tuple[int, int]:
    """Reminders received more than once, and how many of those a kill explains: the
    first copy was taken by Telegram among the last `WINDOW` calls before a kill."""
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
        if any(mark - WINDOW <= firsts[chat] < mark for mark in kill_marks)
    ]
    return sum(copies[chat] - 1 for chat in duplicated), sum(copies[chat] - 1 for chat in explained)
