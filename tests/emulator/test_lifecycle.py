"""Many emulators run in one process: stop() must leave no task and no socket behind."""

from __future__ import annotations

import asyncio
import socket
import time

import httpx
import pytest
from aiohttp import web

from emulator import BotApiEmulator


def others() -> set[asyncio.Task[object]]:
    return {t for t in asyncio.all_tasks() if t is not asyncio.current_task()}


def port_is_closed(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@pytest.mark.asyncio
async def test_start_stop_twice_leaves_nothing_running() -> None:
    before = others()
    emu = BotApiEmulator(webhook_retry_base=0.01)
    for _ in range(2):
        await emu.start()
        port = emu.port
        assert emu.base_url == f"http://127.0.0.1:{port}/bot"
        user = emu.user(1)
        async with httpx.AsyncClient(
            base_url=f"{emu.base_url}{emu.token}/", trust_env=False
        ) as client:
            poll = asyncio.create_task(client.post("getUpdates", data={"timeout": "50"}))
            await asyncio.sleep(0.05)
            await client.post("setWebhook", data={"url": "http://127.0.0.1:9/unreachable"})
            await user.send_text("never delivered")
            started = time.monotonic()
            await emu.stop()
            assert time.monotonic() - started < 3
            response = await poll
            assert response.status_code == 409  # the webhook took over from the pending poll
        await asyncio.sleep(0)
        assert others() == before
        assert port_is_closed(port)
        await emu.start()
        async with httpx.AsyncClient(
            base_url=f"{emu.base_url}{emu.token}/", trust_env=False
        ) as client:
            await client.post("deleteWebhook", data={"drop_pending_updates": "true"})
        await emu.stop()


@pytest.mark.asyncio
async def test_stop_answers_a_pending_long_poll() -> None:
    emu = BotApiEmulator()
    await emu.start()
    async with httpx.AsyncClient(base_url=f"{emu.base_url}{emu.token}/", trust_env=False) as client:
        poll = asyncio.create_task(client.post("getUpdates", data={"timeout": "50"}))
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await emu.stop()
        response = await asyncio.wait_for(poll, 5)
    assert time.monotonic() - started < 3
    assert response.json() == {"ok": True, "result": []}


@pytest.mark.asyncio
async def test_many_emulators_in_sequence() -> None:
    before = others()
    ports = []
    for _ in range(5):
        emu = BotApiEmulator()
        await emu.start()
        ports.append(emu.port)
        async with httpx.AsyncClient(trust_env=False) as client:
            assert (await client.post(f"{emu.base_url}{emu.token}/getMe")).status_code == 200
        await emu.stop()
    assert others() == before
    assert all(port_is_closed(port) for port in ports)


@pytest.mark.asyncio
async def test_webhook_survives_a_restart() -> None:
    received: list[int] = []
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        received.append((await request.json())["update_id"])
        arrived.set()
        return web.Response()

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    emu = BotApiEmulator()
    try:
        await emu.start()
        async with httpx.AsyncClient(
            base_url=f"{emu.base_url}{emu.token}/", trust_env=False
        ) as client:
            await client.post("setWebhook", data={"url": url})
        await emu.stop()
        update_id = await emu.user(1).send_text("sent while the server was down")
        await emu.start()
        await asyncio.wait_for(arrived.wait(), 5)
        assert received == [update_id]
    finally:
        await emu.stop()
        await runner.cleanup()
