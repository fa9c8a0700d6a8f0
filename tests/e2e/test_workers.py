"""Three processes share PostgreSQL and procrastinate's job queue; one is killed -9.

One `bot.py run` polls Telegram (and works), two `bot.py worker` only work; all three
handle updates, send the outbox and run scheduled work (ALLIANCE_QUEUE=procrastinate).
Thirty people walk procedures, each ending with three quick messages sent without
waiting, while reminders fall due for forty others; a worker is killed with SIGKILL in
the middle and never comes back. Measured, then printed (docs/reliability.md):

- every update is handled, once: the inbox counts each start of handling, and only
  updates whose job was running at the kill may have started twice (run again once
  their worker's heartbeat stopped);
- every due reminder is sent, once (a duplicate is counted, and explained only if the
  kill fell within the sender's last calls before it);
- each chat's updates are handled in order: the inbox's done times follow the update
  ids, and three quick messages are answered in the order sent.
"""

from __future__ import annotations

import asyncio
import random
import signal
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest
from sqlalchemy import select, text

from emulator import BotApiEmulator
from storage.db import create_engine, create_session_factory
from storage.models import InboxUpdate
from tests.databases import postgres_admin_url, temporary_database
from tests.e2e.runs import (
    all_reminded,
    bot_environment,
    duplicates,
    finish,
    seed_reminders,
    start_bot,
)
from tests.e2e.walkers import Walker
from tests.processes import bot_py

TOKEN = "987654322:workers-test-token-abcdefghijklm"
WALKERS = 30
REMINDED = 40
ANSWER_WITHIN = 60.0  # seconds: a stalled job is taken back within about 15
WINDOW = 30  # Bot API calls before the kill within which a duplicate is explained
BURST = (("/menu", "Que voulez-vous faire"), ("/aide", "Alliance, c'est quoi"))
BURST_LAST = ("/langue", "Dans quelle langue")

pytestmark = pytest.mark.skipif(
    postgres_admin_url() is None, reason="three workers need PostgreSQL"
)


async def _query(database_url: str, sql: str, **params: object) -> list[int]:
    engine = create_engine(database_url)
    try:
        async with engine.connect() as connection:
            return [int(row[0]) for row in await connection.execute(text(sql), params)]
    finally:
        await engine.dispose()


async def _registered_worker(database_url: str) -> int:
    """The id of the only worker registered so far (the one to be killed)."""
    async with asyncio.timeout(ANSWER_WITHIN):
        while not (ids := await _query(database_url, "SELECT id FROM procrastinate_workers")):  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    assert len(ids) == 1, ids
    return ids[0]


async def _running_in(database_url: str, worker_id: int) -> set[int]:
    """The updates whose job this worker is running now."""
    running = await _query(
        database_url,
        "SELECT (args->>'update_id')::bigint FROM procrastinate_jobs WHERE status = 'doing'"
        " AND task_name = 'handle_update' AND worker_id = :worker",
        worker=worker_id,
    )
    return set(running)


async def _busy(database_url: str, worker_id: int) -> None:
    """Until the worker is in the middle of handling an update (the moment to kill it)."""
    async with asyncio.timeout(ANSWER_WITHIN):
        while not await _running_in(database_url, worker_id):  # noqa: ASYNC110
            await asyncio.sleep(0.005)


async def _inbox(database_url: str) -> list[InboxUpdate]:
    engine = create_engine(database_url)
    try:
        async with create_session_factory(engine)() as session:
            return list(await session.scalars(select(InboxUpdate)))
    finally:
        await engine.dispose()


async def _burst(walker: Walker) -> None:
    """Three messages without waiting for an answer; the answers come in that order."""
    user = walker.user
    first = await user.send_text(BURST[0][0])
    for message, _ in BURST[1:]:
        await user.send_text(message)
    last = await user.send_text(BURST_LAST[0])
    await user.wait_for_message(
        lambda m: BURST_LAST[1] in m.text, after_update=last, timeout=ANSWER_WITHIN
    )
    walker.actions += 1 + len(BURST)
    answers = [m.text for m in user.messages_since(first)]
    positions = [
        next(i for i, answer in enumerate(answers) if expected in answer)
        for _, expected in (*BURST, BURST_LAST)
    ]
    assert positions == sorted(positions), f"answered out of order: {positions}"


@pytest.mark.timeout(300)
async def test_three_workers_one_killed_handle_everything_once_and_in_order(
    tmp_path: Path,
) -> None:
    with temporary_database("postgresql", tmp_path) as database_url:
        upgraded = bot_py("db", "upgrade", cwd=tmp_path, DATABASE_URL=database_url)
        assert upgraded.returncode == 0, upgraded.stderr
        await seed_reminders(database_url, 70_000, REMINDED, first_due=5, every=0.5)
        await _run(database_url, tmp_path)


async def _run(database_url: str, cwd: Path) -> None:
    emulator = BotApiEmulator(token=TOKEN, bot_username="alliance_workers_bot")
    await emulator.start()
    env = bot_environment(emulator, TOKEN, database_url, ALLIANCE_QUEUE="procrastinate")
    reminded = [emulator.user(70_000 + i, first_name=f"R{i}") for i in range(REMINDED)]
    walkers = [
        Walker(
            emulator.user(60_000 + i, first_name=f"W{i}"),
            random.Random(i),
            answer_within=ANSWER_WITHIN,
            pause=(0.3, 1.5),
        )
        for i in range(WALKERS)
    ]
    killed = start_bot("worker", env, cwd)
    processes = [killed]
    try:
        victim = await _registered_worker(database_url)
        processes += [start_bot(command, env, cwd) for command in ("run", "worker")]

        async def walk_then_burst(walker: Walker) -> None:
            await walker.walk()
            await _burst(walker)

        walking = asyncio.gather(*(walk_then_burst(walker) for walker in walkers))
        await _half_way(walkers)
        await _busy(database_url, victim)
        killed.send_signal(signal.SIGKILL)
        await asyncio.to_thread(killed.wait, 30)
        assert not walking.done(), "the kill falls while people are walking"
        kill_mark = len(emulator.requests)
        running_at_kill = await _running_in(database_url, victim)
        await walking
        await all_reminded(emulator, reminded, ANSWER_WITHIN)
    finally:
        errors = []
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            errors.append(await finish(process))
        await emulator.stop()
    for process, err in zip(processes, errors, strict=True):
        assert process is killed or process.returncode == 0, err
        assert TOKEN.split(":")[1] not in err

    inbox = await _inbox(database_url)
    twice = {row.update_id for row in inbox if row.attempts > 1}
    twice_sent, explained = duplicates(emulator, reminded, [kill_mark], WINDOW)
    updates = sum(walker.actions for walker in walkers)
    print(
        f"\n3 workers on PostgreSQL, 1 killed -9: {WALKERS} people, {updates} actions, all "
        f"answered; {len(inbox)} updates, {len(twice)} begun twice (running in the killed "
        f"worker: {len(running_at_kill)}); {REMINDED} reminders, {twice_sent} duplicates "
        f"({explained} explained by the kill); {len(emulator.violations)} spec violations"
    )
    assert all(row.done_at is not None for row in inbox), "an update was never finished"
    assert twice <= running_at_kill, "an update handled twice that the kill does not explain"
    assert twice_sent == explained, "a reminder sent twice that the kill does not explain"
    _assert_in_order(inbox, emulator.update_chats)
    assert not emulator.violations


async def _half_way(walkers: list[Walker]) -> None:
    """Until the people have done about half of their walk (the load is at its height)."""
    target = WALKERS * 6
    async with asyncio.timeout(ANSWER_WITHIN):
        while sum(walker.actions for walker in walkers) < target:  # noqa: ASYNC110
            await asyncio.sleep(0.05)


def _assert_in_order(inbox: list[InboxUpdate], chats: dict[int, int]) -> None:
    """Within a chat, each update was finished after the one sent before it."""
    by_chat: dict[int, list[InboxUpdate]] = defaultdict(list)
    for row in sorted(inbox, key=lambda row: row.update_id):
        by_chat[chats[row.update_id]].append(row)
    for rows in by_chat.values():
        for earlier, later in pairwise(rows):
            assert earlier.done_at is not None and later.done_at is not None
            assert earlier.done_at < later.done_at, f"{later.update_id} overtook its chat"
