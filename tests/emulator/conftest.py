"""Fixtures for the emulator's own tests: a running emulator and a PTB-like HTTP client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest_asyncio

from emulator import BotApiEmulator

TOKEN = "123456:TEST-token"


class FakeClock:
    """A clock the tests move by hand."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class Api:
    """Posts Bot API calls encoded as python-telegram-bot does (str raw, the rest JSON)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def raw(self, method: str, **params: Any) -> httpx.Response:
        data = {
            k: v if isinstance(v, str) else json.dumps(v)
            for k, v in params.items()
            if v is not None
        }
        return await self.client.post(method, data=data)

    async def call(self, method: str, **params: Any) -> Any:
        """The ``result`` of a successful call; fails the test on an error answer."""
        response = await self.raw(method, **params)
        body = response.json()
        assert response.status_code == 200 and body["ok"], body
        return body["result"]

    async def error(self, method: str, **params: Any) -> tuple[int, str]:
        """(status, description) of a call that must fail."""
        response = await self.raw(method, **params)
        body = response.json()
        assert not body["ok"], body
        assert body["error_code"] == response.status_code
        return response.status_code, body["description"]


@pytest_asyncio.fixture
async def fake_clock() -> FakeClock:
    return FakeClock()


@pytest_asyncio.fixture
async def emu(fake_clock: FakeClock) -> AsyncIterator[BotApiEmulator]:
    fake = BotApiEmulator(token=TOKEN, clock=fake_clock, webhook_retry_base=0.01)
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()


@pytest_asyncio.fixture
async def api(emu: BotApiEmulator) -> AsyncIterator[Api]:
    async with httpx.AsyncClient(base_url=f"{emu.base_url}{emu.token}/", trust_env=False) as client:
        yield Api(client)
