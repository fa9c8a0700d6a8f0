"""Fixtures: databases on both engines, the Bot API emulator, the running bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.settings import Queue, Settings
from emulator import BotApiEmulator
from tests.clock import FakeClock
from tests.databases import (
    BACKENDS,
    POSTGRES_ENV,
    SHARED,
    postgres_admin_url,
    temporary_database,
)
from tests.harness import BotHarness


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test that needs a database runs on SQLite and on PostgreSQL; those that run
    the bot also run it as the scale path does (on procrastinate's job queue)."""
    chosen = [
        m for m in metafunc.definition.iter_markers("parametrize") if "database_url" in m.args[0]
    ]
    if "database_url" in metafunc.fixturenames and not chosen:
        shared = [SHARED] if "settings" in metafunc.fixturenames else []
        metafunc.parametrize("database_url", [*BACKENDS, *shared], indirect=True)


@pytest.fixture
def backend(database_url: str, request: pytest.FixtureRequest) -> str:
    return str(request.node.callspec.params["database_url"])


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    backend = request.param
    if backend != "sqlite" and postgres_admin_url() is None:
        pytest.skip(
            f"PostgreSQL tests need {POSTGRES_ENV} (e.g. postgresql://postgres@127.0.0.1/postgres)"
        )
    with temporary_database(backend, tmp_path) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, backend: str) -> Settings:
    queue = Queue.PROCRASTINATE if backend == SHARED else Queue.LOCAL
    return Settings(database_url=database_url, queue=queue)


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    """The fake Telegram. Any request that breaks the Bot API spec fails the test."""
    fake = BotApiEmulator(token="123456:TEST-token-for-the-suite", bot_username="alliance_test_bot")
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert not fake.violations, "Bot API spec violations:\n" + "\n".join(map(str, fake.violations))
    assert not fake.unanswered_callback_queries(), "callback queries left unanswered"


@pytest.fixture
async def bot(
    emulator: BotApiEmulator, settings: Settings, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    harness = BotHarness(emulator, settings, clock)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.stop()
