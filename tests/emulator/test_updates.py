"""getUpdates long polling and webhook delivery, as the real server does them."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from aiohttp import web

from emulator import BotApiEmulator
from tests.emulator.conftest import Api, FakeClock

CONFLICT_POLL = (
    "Conflict: terminated by other getUpdates request;"
    " make sure that only one bot instance is running"
)
CONFLICT_WEBHOOK = (
    "Conflict: can't use getUpdates method while webhook is active;"
    " use deleteWebhook to delete the webhook first"
)


@pytest.mark.asyncio
async def test_offset_confirms_and_limit_slices(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    ids = [await user.send_text(f"m{i}") for i in range(3)]
    assert ids == [1, 2, 3]
    updates = await api.call("getUpdates", limit=2)
    assert [u["update_id"] for u in updates] == [1, 2]
    assert [u["message"]["message_id"] for u in updates] == [1, 2]
    assert [u["update_id"] for u in await api.call("getUpdates", offset=2)] == [2, 3]
    assert [u["update_id"] for u in await api.call("getUpdates", offset=-1)] == [3]
    assert await api.call("getUpdates", offset=4) == []
    assert (await api.call("getUpdates", limit=0)) == []  # clamped to 1, queue empty


@pytest.mark.asyncio
async def test_long_poll_wakes_on_a_new_update(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    poll = asyncio.create_task(api.call("getUpdates", timeout=30))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await user.send_text("hi")
    updates = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 1
    assert updates[0]["message"]["text"] == "hi"


@pytest.mark.asyncio
async def test_long_poll_times_out_empty(emu: BotApiEmulator, api: Api) -> None:
    started = time.monotonic()
    assert await api.call("getUpdates", timeout=1) == []
    assert 0.9 < time.monotonic() - started < 3


@pytest.mark.asyncio
async def test_second_poller_terminates_the_first(emu: BotApiEmulator, api: Api) -> None:
    first = asyncio.create_task(api.error("getUpdates", timeout=30))
    await asyncio.sleep(0.05)
    second = asyncio.create_task(api.call("getUpdates", timeout=30))
    assert await asyncio.wait_for(first, 5) == (409, CONFLICT_POLL)
    await emu.user(2).send_text("x")
    assert len(await asyncio.wait_for(second, 5)) == 1


@pytest.mark.asyncio
async def test_allowed_updates_filter_and_persist(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    await api.call(
        "sendMessage",
        chat_id=1,
        text="Pick",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await user.send_text("text")
    await user.tap("A")
    updates = await api.call("getUpdates", allowed_updates=["callback_query"])
    assert [next(k for k in u if k != "update_id") for u in updates] == ["callback_query"]
    await user.send_text("dropped")
    assert [u["update_id"] for u in await api.call("getUpdates")] == [2]
    for query_id in emu.unanswered_callback_queries():
        await api.call("answerCallbackQuery", callback_query_id=query_id)


@pytest.mark.asyncio
async def test_callback_queries_expire_after_150_seconds(
    emu: BotApiEmulator, api: Api, fake_clock: FakeClock
) -> None:
    user = emu.user(1)
    await api.call(
        "sendMessage",
        chat_id=1,
        text="Pick",
        reply_markup={"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]},
    )
    await user.tap("A")
    await user.send_text("still here")
    fake_clock.now += 200
    updates = await api.call("getUpdates")
    assert [u["message"]["text"] for u in updates] == ["still here"]


@pytest.mark.asyncio
async def test_delete_webhook_can_drop_pending_updates(emu: BotApiEmulator, api: Api) -> None:
    await emu.user(1).send_text("old")
    assert await api.call("deleteWebhook") is True
    assert len(await api.call("getUpdates")) == 1
    assert await api.call("deleteWebhook", drop_pending_updates=True) is True
    assert await api.call("getUpdates") == []


@asynccontextmanager
async def receiver(handler: Callable[[web.Request], object]) -> AsyncIterator[str]:
    """A local HTTP endpoint standing in for the bot's webhook server."""

    async def handle(request: web.Request) -> web.StreamResponse:
        result = handler(request)
        if asyncio.iscoroutine(result):
            result = await result
        assert isinstance(result, web.StreamResponse)
        return result

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


@pytest.mark.asyncio
async def test_webhook_delivers_in_order_with_secret(emu: BotApiEmulator, api: Api) -> None:
    received: list[tuple[int, str | None, str]] = []
    done = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        received.append(
            (
                body["update_id"],
                request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                request.content_type,
            )
        )
        if len(received) == 4:
            done.set()
        return web.Response(text="ok")

    ann, bob = emu.user(1), emu.user(2)
    await ann.send_text("queued before the webhook")
    async with receiver(hook) as url:
        await api.call("setWebhook", url=url, secret_token="s3cret", max_connections=2)
        assert emu.webhook_url == url
        assert await api.error("getUpdates") == (409, CONFLICT_WEBHOOK)
        await ann.send_text("a2")
        await bob.send_text("b1")
        await ann.send_text("a3")
        await asyncio.wait_for(done.wait(), 5)
        info = await api.call("getWebhookInfo")
        assert (
            info["url"] == url
            and info["pending_update_count"] == 0
            and info["max_connections"] == 2
        )
        await api.call("deleteWebhook")
    ann_ids = [uid for uid, _, _ in received if uid in (1, 2, 4)]
    assert ann_ids == [1, 2, 4]
    assert {secret for _, secret, _ in received} == {"s3cret"}
    assert {ctype for _, _, ctype in received} == {"application/json"}
    assert sorted(emu.webhook_deliveries) == [(1, 200), (2, 200), (3, 200), (4, 200)]
    assert emu.webhook_url is None


@pytest.mark.asyncio
async def test_webhook_retries_with_backoff_and_keeps_chat_order(
    emu: BotApiEmulator, api: Api
) -> None:
    answers = iter([500, 502, 200, 200])
    received: list[int] = []
    done = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        body = json.loads(await request.read())
        status = next(answers)
        if status == 200:
            received.append(body["update_id"])
            if len(received) == 2:
                done.set()
        return web.Response(status=status)

    user = emu.user(1)
    async with receiver(hook) as url:
        await api.call("setWebhook", url=url)
        await user.send_text("first")
        await user.send_text("second")
        await asyncio.wait_for(done.wait(), 5)
        info = await api.call("getWebhookInfo")
    assert received == [1, 2]
    assert emu.webhook_deliveries == [(1, 500), (1, 502), (1, 200), (2, 200)]
    assert info["last_error_message"] == "Wrong response from the webhook: 502 Bad Gateway"
    assert "last_error_date" in info


@pytest.mark.asyncio
async def test_webhook_connection_errors_are_retried(emu: BotApiEmulator, api: Api) -> None:
    async with receiver(lambda request: web.Response()) as url:
        pass  # closed again: nothing listens there any more
    await api.call("setWebhook", url=url)
    await emu.user(1).send_text("lost?")
    for _ in range(200):
        if len(emu.webhook_deliveries) >= 3:
            break
        await asyncio.sleep(0.01)
    assert emu.webhook_deliveries[:3] == [(1, None), (1, None), (1, None)]
    info = await api.call("getWebhookInfo")
    assert info["pending_update_count"] == 1 and info["last_error_message"].startswith(
        "Connection error"
    )
    await api.call("deleteWebhook")
    assert len(await api.call("getUpdates")) == 1
