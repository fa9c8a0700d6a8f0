"""Webhook mode: Telegram posts updates to the bot, which checks the secret."""

from __future__ import annotations

import socket

import httpx

from app.lifecycle import Webhook
from app.settings import Settings
from emulator import BotApiEmulator
from tests.clock import FakeClock
from tests.harness import BotHarness, texts


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_onboarding_over_a_webhook(
    emulator: BotApiEmulator, settings: Settings, clock: FakeClock
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/alliance/hook"
    hook = Webhook(
        url=url, listen="127.0.0.1", port=port, path="alliance/hook", secret="s3cret-Token_1"
    )
    bot = BotHarness(emulator, settings, clock, webhook=hook)
    await bot.start()
    try:
        assert emulator.webhook_url == url
        user = emulator.user(801, first_name="Wafa", language_code="ar")
        welcome = await bot.say(user, "/start")
        assert welcome[-1].button_labels[2].endswith("✓ العربية")
        consent = await bot.tap(user, welcome[-1].button_labels[2])
        assert "/effacer" in texts(consent)
        assert all(status == 200 for _, status in emulator.webhook_deliveries)

        async with httpx.AsyncClient() as client:
            forged = await client.post(
                url,
                json={
                    "update_id": 999,
                    "message": {
                        "message_id": 1,
                        "date": 0,
                        "chat": {"id": 801, "type": "private"},
                        "text": "/start",
                    },
                },
                headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"},
            )
            unsigned = await client.post(url, json={"update_id": 998})
        assert forged.status_code == 403 and unsigned.status_code == 403
    finally:
        await bot.stop()
