"""A 9:00 wave of reminders while people use the bot, with Telegram's limits enforced.

    .venv/bin/python -m bench.reminder_wave [--reminders 3000] [--walkers 50] [--database-url URL]
    BENCH_BOT_ROOT=/tmp/reference .venv/bin/python -m bench.reminder_wave   # another checkout

The bot runs as in production (`bot.py run`, its own process, long polling); this process
plays Telegram with the emulator, which answers 429 to anything past Telegram's limits
(`emulator/limits.py`: about 30 new messages a second in all, a message a second in one
chat after a short burst). Seeded: `--reminders` persons with one reminder due now each,
and `--walkers` persons who walk a procedure the whole time (menu, procedures, a category,
a flow, onward), pausing 2 to 6 s between taps as a person reading would.

Prints: how long the wave took against the physical minimum (the wave and the replies
sent meanwhile, at 30 a second), 429s provoked, duplicates, and the walkers' answer
latency (tap sent → the bot's answer, new or edited, received). Reminders are never sent
at night, so the bot runs in a time zone where it is day now. Figures go in
docs/benchmarks.md; tests never assert timings.
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import common
from emulator import BotApiEmulator, FakeUser, TelegramLimits
from storage.db import create_engine, create_session_factory
from tests.processes import daytime_zone
from tests.seeds import later_reminders, ready_people

ROOT = Path(__file__).resolve().parents[1]
# The checkout whose bot.py runs: this one, or a reference (a `git worktree` of an older
# commit) to measure side by side in the same session.
BOT_ROOT = Path(os.environ.get("BENCH_BOT_ROOT", ROOT))
TOKEN = "123456:BENCH-token-abcdefghijklmnop"  # noqa: S105 - a fake token
WAVE_IDS = 10_000_000
WALKER_IDS = 20_000_000
WALK = ["/menu", "📋 Démarches", "CAF : RSA, prime d'activité, logement"]
THINK = (2.0, 6.0)  # seconds a person takes to read and tap
BASELINE_SECONDS = 60.0  # with --reminders 0: the walkers alone, this long


async def seed(database_url: str, reminders: int, walkers: int) -> None:
    """Migrated by the bot that runs (a reference may be older than this checkout)."""
    upgrade = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT_ROOT / "bot.py"),
        "db",
        "upgrade",
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=BOT_ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert await upgrade.wait() == 0, "the bot could not migrate the database"
    engine = create_engine(database_url)
    db = create_session_factory(engine)
    now = datetime.now(UTC)
    async with db.begin() as session:
        ids = [WAVE_IDS + i for i in range(reminders)] + [WALKER_IDS + i for i in range(walkers)]
        people = await ready_people(session, ids, now)
        wave = people[:reminders]
        session.add_all(later_reminders(wave, [now - timedelta(minutes=1)] * len(wave)))
    await engine.dispose()


async def walk(user: FakeUser, latencies: list[float], until: asyncio.Event) -> None:
    """Menu → procedures → CAF → a flow → onward, again and again, as a person reading."""
    rng = random.Random(user.chat_id)
    await asyncio.sleep(rng.uniform(0, THINK[1]))  # people do not all arrive at once
    while not until.is_set():
        for step in [*WALK, None, None, None, None]:
            if until.is_set():
                return
            started = time.perf_counter()
            if step is not None and step.startswith("/"):
                update_id = await user.send_text(step)
            else:
                buttons = [b for row in user.last_message.buttons for b in row]
                labels = [b.text for b in buttons if b.callback_data is not None]
                label = step if step in labels else _onward(labels, rng)
                if label is None:
                    break
                update_id = await user.tap(label)
            await user.wait_for_message(after_update=update_id, timeout=120)
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(rng.uniform(*THINK))


def _onward(labels: list[str], rng: random.Random) -> str | None:
    """Continue if offered, else a flow or an answer, never a way out of the walk."""
    if "Continuer ➡️" in labels:
        return "Continuer ➡️"
    avoid = ("Retour", "Menu", "Parler", "Plus tard", "référent", "aide", "Aide")
    choices = [label for label in labels if not any(word in label for word in avoid)]
    return rng.choice(choices) if choices else None


async def measure_wave(reminders: int, walkers: int, database_url: str) -> dict[str, float]:
    await seed(database_url, reminders, walkers)
    emulator = BotApiEmulator(
        token=TOKEN, bot_username="alliance_bench_bot", limits=TelegramLimits()
    )
    await emulator.start()
    wave = [emulator.user(WAVE_IDS + i, first_name=f"W{i}") for i in range(reminders)]
    people = [emulator.user(WALKER_IDS + i, first_name=f"P{i}") for i in range(walkers)]
    bot = await asyncio.create_subprocess_exec(
        sys.executable,
        str(BOT_ROOT / "bot.py"),
        "run",
        env={
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": emulator.base_url,
            "DATABASE_URL": database_url,
            "ALLIANCE_TIMEZONE": daytime_zone(),
        },
        cwd=BOT_ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    latencies: list[float] = []
    done = asyncio.Event()
    try:
        ready = people[0]  # the bot answers before anyone is timed
        await ready.wait_for_message(after_update=await ready.send_text("/menu"), timeout=60)
        walking = [asyncio.create_task(walk(user, latencies, done)) for user in people]
        if reminders:
            arrivals = await _wave_times(emulator, reminders)
        else:  # the reference: the same people, no wave
            await asyncio.sleep(BASELINE_SECONDS)
            arrivals = Arrivals(emulator)
            arrivals.times = [0.0, BASELINE_SECONDS]
            arrivals.count()
        done.set()
        await asyncio.gather(*walking)
    finally:
        bot.terminate()
        await bot.wait()
        await emulator.stop()
    first, last = arrivals.times[0], arrivals.times[-1]
    received = Counter(message.chat_id for user in wave for message in user.messages)
    replies = sum(1 for at in arrivals.replies_times if first <= at <= last)
    latencies.sort()
    seconds = last - first
    return {
        "reminders": reminders,
        "received": sum(received.values()),
        "duplicates": sum(count - 1 for count in received.values() if count > 1),
        "seconds": seconds,
        "replies_meanwhile": replies,
        "minimum": reminders / 30 or 1.0,
        "minimum_with_replies": (reminders + replies) / 30 or 1.0,
        "refusals": len(emulator.flood_refusals),
        # which budget each 429 was for: overall, chat or group (replies are "reply")
        **Counter(
            f"refused_{refusal.scope}_{_kind(refusal.chat_id)}"
            for refusal in emulator.flood_refusals
        ),
        "taps": len(latencies),
        "p50_ms": statistics.median(latencies) * 1000 if latencies else 0.0,
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000 if latencies else 0.0,
        "max_ms": latencies[-1] * 1000 if latencies else 0.0,
    }


def _kind(chat: object) -> str:
    return "reminder" if isinstance(chat, int) and WAVE_IDS <= chat < WALKER_IDS else "reply"


class Arrivals:
    """Reminders delivered, read off the emulator's request log as it grows (cheap enough
    to check at every message), with the time of each (this process's clock)."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emulator = emulator
        self.read = 0
        self.times: list[float] = []
        self.replies_times: list[float] = []

    def count(self) -> int:
        requests = self.emulator.requests
        now = time.perf_counter()
        for request in requests[self.read :]:
            if request.method != "sendMessage" or request.status != 200:
                continue
            chat = int(request.params.get("chat_id", 0))
            if WAVE_IDS <= chat < WALKER_IDS:
                self.times.append(now)
            else:
                self.replies_times.append(now)
        self.read = len(requests)
        return len(self.times)


async def _wave_times(emulator: BotApiEmulator, reminders: int) -> Arrivals:
    arrivals = Arrivals(emulator)
    async with asyncio.timeout(reminders / 5 + 120), emulator.messages_changed:
        await emulator.messages_changed.wait_for(lambda: arrivals.count() >= reminders)
    return arrivals


async def measure(reminders: int, database_url: str, *, walkers: int) -> dict[str, float]:
    return await measure_wave(reminders, walkers, database_url)


def main() -> None:
    backend, r = common.run(__doc__ or "", "reminders", 3000, measure, walkers=50)
    print(
        f"{backend}: {r['received']:.0f} of {r['reminders']:.0f} reminders in "
        f"{r['seconds']:.1f} s (minimum {r['minimum']:.1f} s; with the "
        f"{r['replies_meanwhile']:.0f} replies sent meanwhile {r['minimum_with_replies']:.1f} s"
        f" = {r['seconds'] / r['minimum_with_replies']:.2f}x); "
        f"429s provoked {r['refusals']:.0f}, duplicates {r['duplicates']:.0f}; "
        f"{r['taps']:.0f} taps answered, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, "
        f"max {r['max_ms']:.0f} ms"
    )
    refused = {k.removeprefix("refused_"): v for k, v in r.items() if k.startswith("refused_")}
    if refused:
        print("429s by budget and traffic:", ", ".join(f"{k} {v:.0f}" for k, v in refused.items()))


if __name__ == "__main__":
    main()
