"""What an operator relies on: the webhook refuses strangers before reading them, answers
200 only once an update is stored, and says how the bot is doing (/healthz, /metrics)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select, text

from app.lifecycle import Webhook
from app.settings import Settings
from app.webhook import MAX_BODY, SECRET_HEADER
from emulator import BotApiEmulator
from storage.models import InboxUpdate
from tests.clock import FakeClock
from tests.harness import BotHarness

SECRET = "an-operators-Secret_42"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
async def hooked(
    emulator: BotApiEmulator, settings: Settings, clock: FakeClock
) -> AsyncIterator[tuple[BotHarness, str]]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    hook = Webhook(url=f"{base}/hook", listen="127.0.0.1", port=port, path="hook", secret=SECRET)
    bot = BotHarness(emulator, settings, clock, webhook=hook)
    await bot.start()
    try:
        yield bot, base
    finally:
        await bot.stop()


def _update(update_id: int) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 4242, "type": "private"},
            "from": {"id": 4242, "is_bot": False, "first_name": "Zoé"},
            "text": "/aide",
        },
    }


async def test_the_webhook_checks_the_secret_first_caps_the_body_and_stores_before_200(
    hooked: tuple[BotHarness, str],
) -> None:
    bot, base = hooked
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        unsigned = {"Content-Type": "application/json"}
        stranger = await client.post("/hook", json=_update(7000), headers=unsigned)
        assert stranger.status_code == 403 and stranger.content == b""
        wrong = await client.post("/hook", json=_update(7000), headers={SECRET_HEADER: "x"})
        assert wrong.status_code == 403
        signed = {SECRET_HEADER: SECRET, "Content-Type": "application/json"}
        huge = b"x" * (MAX_BODY * 8)
        for headers, status in ((unsigned, 403), (signed, 413)):
            assert await _refused_early(client, huge, headers) in {status, None}
        for body in (b"{not json", b'{"update_id": 1, "message": "x"}', b'{"update_id": "a"}'):
            broken = await client.post("/hook", content=body, headers=signed)
            assert broken.status_code == 400, body
        assert (await client.get("/hook", headers=signed)).status_code == 405

        accepted = await client.post("/hook", json=_update(7001), headers={SECRET_HEADER: SECRET})
        assert accepted.status_code == 200
        async with bot.services.db() as session:
            stored = await session.get(InboxUpdate, 7001)
        assert stored is not None, "stored before Telegram was told"
        again = await client.post("/hook", json=_update(7001), headers={SECRET_HEADER: SECRET})
        assert again.status_code == 200, "a redelivery is acknowledged, not handled twice"


async def _refused_early(
    client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
) -> int | None:
    """The status, or None when the server closed the connection before the body was
    sent whole (it answered and closed without reading it)."""
    try:
        return (await client.post("/hook", content=body, headers=headers)).status_code
    except (httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError):
        return None


async def test_health_and_metrics_say_how_the_bot_is_doing(
    hooked: tuple[BotHarness, str],
) -> None:
    bot, base = hooked
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await client.post("/hook", json=_update(7002), headers={SECRET_HEADER: SECRET})
        await bot.settle(7002)
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert health.json()["database"] == "ok" and health.json()["inbox_waiting"] == 0
        metrics = (await client.get("/metrics")).text
        assert "alliance_updates_handled_total 1.0" in metrics
        assert "alliance_outbox_parked 0.0" in metrics and "alliance_database_up 1.0" in metrics
        assert "Zoé" not in metrics and "4242" not in metrics

        async with bot.services.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE inbox RENAME TO inbox_away"))
        try:
            down = await client.get("/healthz")
            assert down.status_code == 503 and down.json() == {"database": "unreachable"}
            assert "alliance_database_up 0.0" in (await client.get("/metrics")).text
        finally:
            async with bot.services.engine.begin() as connection:
                await connection.execute(text("ALTER TABLE inbox_away RENAME TO inbox"))
    async with bot.services.db() as session:
        assert (await session.scalar(select(InboxUpdate.payload).limit(1))) is None


async def test_the_watchdog_gives_up_only_after_the_grace_period(bot: BotHarness) -> None:
    watch = bot.services.health
    async with bot.services.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE outbox RENAME TO outbox_away"))
    try:
        with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
            await watch.check()
        bot.clock.advance(timedelta(minutes=4))
        with pytest.raises(Exception):  # noqa: B017
            await watch.check()
        assert not watch.given_up()
        bot.clock.advance(timedelta(minutes=2))
        assert watch.given_up(), "gone for longer than the grace period: stop, exit 3"
    finally:
        async with bot.services.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE outbox_away RENAME TO outbox"))
    await watch.check()
    assert not watch.given_up(), "back: the count starts again"
