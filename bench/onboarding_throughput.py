"""How many people can onboard at once: `bot.py run` in its own process, over HTTP.

    .venv/bin/python -m bench.onboarding_throughput [--people 200] [--database-url URL]

The bot runs as in production (its own process, long polling); this process plays
Telegram with the emulator. Each simulated person sends /start, taps their language and
agrees (3 updates), waiting for the bot's answer before the next tap, as a person would;
people act concurrently. Prints updates per second and the latency of one step (sent →
the bot's answer received). Figures go in docs/benchmarks.md; tests never assert timings.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench import common
from emulator import BotApiEmulator, BotMessage, FakeUser

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "123456:BENCH-token-abcdefghijklmnop"  # noqa: S105 - a fake token
STEPS = [
    ("/start", None, "Dans quelle langue"),
    (None, "✓ Français", "Avant de commencer"),
    (None, "✅ J'accepte", "Que voulez-vous faire"),
]


def _containing(text: str) -> Callable[[BotMessage], bool]:
    return lambda message: text in message.text


async def _onboard(user: FakeUser, latencies: list[float]) -> None:
    for text, label, answer in STEPS:
        started = time.perf_counter()
        update_id = await (user.send_text(text) if text else user.tap(label or ""))
        await user.wait_for_message(_containing(answer), after_update=update_id, timeout=120)
        latencies.append(time.perf_counter() - started)


async def measure(people: int, database_url: str) -> dict[str, float]:
    emulator = BotApiEmulator(token=TOKEN, bot_username="alliance_bench_bot")
    await emulator.start()
    environment = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.base_url,
        "DATABASE_URL": database_url,
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        str(ROOT / "bot.py"),
        "run",
        env=environment,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        warm_up = emulator.user(1, first_name="Warm")
        update_id = await warm_up.send_text("/start")
        await warm_up.wait_for_message(after_update=update_id, timeout=60)
        users = [emulator.user(10_000 + i, first_name=f"P{i}") for i in range(people)]
        latencies: list[float] = []
        started = time.perf_counter()
        await asyncio.gather(*(_onboard(user, latencies) for user in users))
        elapsed = time.perf_counter() - started
    finally:
        bot.terminate()
        await bot.wait()
        await emulator.stop()
    latencies.sort()
    return {
        "people": people,
        "updates": len(latencies),
        "seconds": elapsed,
        "updates_per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[max(0, int(len(latencies) * 0.95) - 1)] * 1000,
    }


def main() -> None:
    backend, result = common.run(__doc__ or "", "people", 200, measure)
    print(
        f"{backend}: {result['people']} people, {result['updates']:.0f} updates in "
        f"{result['seconds']:.2f} s = {result['updates_per_second']:.0f} updates/s; "
        f"step latency p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms"
    )


if __name__ == "__main__":
    main()
