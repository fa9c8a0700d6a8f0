"""One contract for both work engines (app/work.py): the single-process one on an
in-memory SQLite database, a SQLite file and PostgreSQL, and procrastinate's on PostgreSQL.

Each test drives an engine as the bot does (receive, outbox_changed, periodic work) with
handlers that record what happened, and waits on conditions, never on fixed sleeps.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest

from app.local_work import LocalWork
from app.shared_work import SharedWork, cron
from app.work import Periodic, Work, chat_of
from services import inbox
from storage.db import SessionFactory, create_engine, create_session_factory
from storage.migrate import upgrade_to_head
from tests.clock import FakeClock
from tests.databases import postgres_admin_url, temporary_database

ENGINES = ["local-memory", "local-sqlite", "local-postgresql", "shared-postgresql"]
WITHIN = 20.0  # seconds: a bound for conditions, not a measure


@dataclass
class Recorder:
    """What the engine asked of the bot: updates handled (in order), outbox passes."""

    handled: list[int] = field(default_factory=list)
    passes: int = 0
    ticks: int = 0
    gates: dict[int, asyncio.Event] = field(default_factory=dict)
    started: dict[int, asyncio.Event] = field(default_factory=dict)
    failing: set[int] = field(default_factory=set)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, update_id: int, payload: str) -> None:
        assert json.loads(payload)["update_id"] == update_id
        self.started.setdefault(update_id, asyncio.Event()).set()
        if update_id in self.gates:
            await self.gates[update_id].wait()
        async with self.changed:
            self.handled.append(update_id)
            self.changed.notify_all()
        if update_id in self.failing:
            raise RuntimeError("a handler broke")

    async def send(self) -> int:
        async with self.changed:
            self.passes += 1
            self.changed.notify_all()
        return 0

    async def tick(self) -> None:
        async with self.changed:
            self.ticks += 1
            self.changed.notify_all()

    async def until(self, condition: Callable[[], bool]) -> None:
        async with asyncio.timeout(WITHIN), self.changed:
            await self.changed.wait_for(condition)


def payload(update_id: int, chat: int) -> str:
    message = {"message_id": update_id, "date": 0, "chat": {"id": chat, "type": "private"}}
    return json.dumps({"update_id": update_id, "message": message})


@pytest.fixture(params=ENGINES)
def engine_kind(request: pytest.FixtureRequest) -> str:
    kind: str = request.param
    if kind.endswith("postgresql") and postgres_admin_url() is None:
        pytest.skip("PostgreSQL tests need ALLIANCE_TEST_POSTGRES_URL")
    return kind


@pytest.fixture
def work_database_url(engine_kind: str, tmp_path: Path) -> Iterator[str]:
    if engine_kind == "local-memory":
        yield "sqlite:///:memory:"
        return
    backend = "sqlite" if engine_kind.endswith("sqlite") else "postgresql"
    with temporary_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
async def db(work_database_url: str) -> AsyncIterator[SessionFactory]:
    engine = create_engine(work_database_url)
    await upgrade_to_head(engine)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def running(
    kind: str,
    db: SessionFactory,
    url: str,
    recorder: Recorder,
    periodic: list[Periodic] | None = None,
    start: bool = True,
) -> AsyncIterator[Work]:
    clock = FakeClock()
    work: Work = SharedWork(db, clock, url) if kind.startswith("shared") else LocalWork(db, clock)
    if start:
        await work.start(recorder.handle, recorder.send, periodic or [])
    try:
        yield work
    finally:
        await work.stop()


async def test_one_chat_in_order_and_different_chats_at_once(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    recorder = Recorder()
    recorder.gates[1] = asyncio.Event()
    async with running(engine_kind, db, work_database_url, recorder) as work:
        await work.receive(1, 10, payload(1, 10))
        await work.receive(2, 10, payload(2, 10))
        await work.receive(3, 20, payload(3, 20))
        await recorder.until(lambda: 3 in recorder.handled)  # chat 20 is not held by 10
        assert 2 not in recorder.started, "the second update of a chat waits for the first"
        recorder.gates[1].set()
        await recorder.until(lambda: len(recorder.handled) == 3)
        await work.handled.wait_done(2, within=WITHIN)
    assert recorder.handled.index(1) < recorder.handled.index(2)
    assert await inbox.unfinished(db) == []


async def test_an_update_received_twice_is_handled_once(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    recorder = Recorder()
    async with running(engine_kind, db, work_database_url, recorder) as work:
        await work.receive(7, 10, payload(7, 10))
        await work.receive(7, 10, payload(7, 10))  # a webhook retry, a batch polled again
        await work.handled.wait_done(7, within=WITHIN)
        await work.receive(7, 10, payload(7, 10))  # redelivered after it was done
        await work.receive(8, 10, payload(8, 10))
        await work.handled.wait_done(8, within=WITHIN)
    assert recorder.handled == [7, 8]


# An in-memory database ends with its process: nothing is left for the next.
@pytest.mark.parametrize("engine_kind", ENGINES[1:], indirect=True)
async def test_what_a_stopped_process_received_is_handled_by_the_next(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    first, second = Recorder(), Recorder()
    async with running(engine_kind, db, work_database_url, first, start=False) as stopped:
        await stopped.receive(11, 30, payload(11, 30))
        await stopped.receive(12, 30, payload(12, 30))
    async with running(engine_kind, db, work_database_url, second) as work:
        await second.until(lambda: len(second.handled) == 2)
        await work.handled.wait_done(12, within=WITHIN)
    assert first.handled == []
    assert second.handled == [11, 12]
    assert await inbox.unfinished(db) == []


async def test_a_broken_handler_does_not_hold_its_chat(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    recorder = Recorder(failing={21})
    async with running(engine_kind, db, work_database_url, recorder) as work:
        await work.receive(21, 40, payload(21, 40))
        await work.receive(22, 40, payload(22, 40))
        await work.handled.wait_done(22, within=WITHIN)
    assert recorder.handled == [21, 22]
    assert await inbox.unfinished(db) == [], "answered by the error handler: done"


async def test_the_outbox_is_sent_when_it_changes_and_a_flush_waits_for_a_new_pass(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    recorder = Recorder()
    async with running(engine_kind, db, work_database_url, recorder) as work:
        await recorder.until(lambda: recorder.passes >= 1)  # what an earlier process left
        await work.quiet()
        before = recorder.passes
        work.outbox_changed()
        await recorder.until(lambda: recorder.passes > before)
        await work.quiet()
        before = recorder.passes
        await work.flush_outbox()
        assert recorder.passes > before


async def test_scheduled_work_runs_at_its_period(
    engine_kind: str, db: SessionFactory, work_database_url: str
) -> None:
    recorder = Recorder()
    every_second = Periodic("contract-tick", timedelta(seconds=1), recorder.tick)
    async with running(engine_kind, db, work_database_url, recorder, [every_second]):
        await recorder.until(lambda: recorder.ticks >= 2)


def test_chat_of_reads_the_order_key_of_every_update_kind() -> None:
    message = {"chat": {"id": -5}, "from": {"id": 9}}
    assert chat_of({"update_id": 1, "message": message}) == -5
    assert chat_of({"update_id": 1, "edited_message": message}) == -5
    assert (
        chat_of({"update_id": 1, "callback_query": {"from": {"id": 9}, "message": message}}) == -5
    )
    assert chat_of({"update_id": 1, "callback_query": {"from": {"id": 9}}}) == 9  # inline
    assert chat_of({"update_id": 1}) == 0


def test_periods_become_procrastinate_cron() -> None:
    assert cron(timedelta(seconds=10)) == "* * * * * */10"
    assert cron(timedelta(minutes=5)) == "*/5 * * * *"
    assert cron(timedelta(hours=6)) == "0 */6 * * *"
    with pytest.raises(ValueError, match="no cron"):
        cron(timedelta(seconds=7))
