"""The command line as an operator uses it: real processes, real signals."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from emulator import BotApiEmulator, BotMessage, FakeUser
from tests.processes import ROOT, environment

SECRET_TOKEN = "987654321:process-test-token-abcdefghijkl"


def _bot(*arguments: str, env: dict[str, str], cwd: Path = ROOT) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "bot.py"), *arguments],
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("DATABASE_URL", "mysql://somewhere/db", "DATABASE_URL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("ALLIANCE_TIMEZONE", "Mars/Olympus", "ALLIANCE_TIMEZONE"),
        ("ALLIANCE_DEFAULT_LANGUAGE", "de", "ALLIANCE_DEFAULT_LANGUAGE"),
        ("TELEGRAM_API_URL", "ftp://x", "TELEGRAM_API_URL"),
        ("TELEGRAM_BOT_TOKEN", "hello", "TELEGRAM_BOT_TOKEN"),
    ],
)
def test_invalid_configuration_is_one_clear_line_and_exit_2(
    variable: str, value: str, named: str, tmp_path: Path
) -> None:
    process = _bot("db", "upgrade", env=environment(**{variable: value}), cwd=tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and named in lines[0], err
    if variable == "TELEGRAM_BOT_TOKEN":
        assert value not in err


def test_run_without_a_token_says_so(tmp_path: Path) -> None:
    process = _bot("run", env=environment(), cwd=tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "TELEGRAM_BOT_TOKEN" in err


def test_a_worker_needs_the_shared_queue(tmp_path: Path) -> None:
    """With the local queue one process does everything: a worker would only wait."""
    process = _bot("worker", env=environment(TELEGRAM_BOT_TOKEN=SECRET_TOKEN), cwd=tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "ALLIANCE_QUEUE=procrastinate" in err


def test_webhook_mode_requires_a_valid_secret(tmp_path: Path) -> None:
    env = environment(TELEGRAM_BOT_TOKEN=SECRET_TOKEN)
    process = _bot(
        "run",
        "--webhook",
        "https://example.org/hook",
        "--secret",
        "no spaces!",
        env=env,
        cwd=tmp_path,
    )
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "--secret" in err


def test_db_upgrade_creates_the_default_sqlite_database(tmp_path: Path) -> None:
    process = _bot("db", "upgrade", env=environment(), cwd=tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert (tmp_path / "data" / "alliance.db").is_file()


async def _telegram_and_environment(tmp_path: Path) -> tuple[BotApiEmulator, dict[str, str]]:
    """A started fake Telegram, and the environment of a bot process that talks to it."""
    emulator = BotApiEmulator(token=SECRET_TOKEN, bot_username="alliance_process_bot")
    await emulator.start()
    env = environment(
        TELEGRAM_BOT_TOKEN=SECRET_TOKEN,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    return emulator, env


async def _confirmed(emulator: BotApiEmulator, update_id: int) -> None:
    """Until the bot's next poll confirms the update (another process: no event to await)."""
    async with asyncio.timeout(30):
        while any(p.update_id == update_id for p in emulator.queue.pending):  # noqa: ASYNC110
            await asyncio.sleep(0.05)


async def _wait_for(user: FakeUser, text: str, after: int) -> BotMessage:
    return await user.wait_for_message(lambda m: text in m.text, after_update=after, timeout=30)


async def test_a_crash_mid_onboarding_loses_nothing(tmp_path: Path) -> None:
    """`bot.py run` killed with SIGKILL after the language choice resumes at consent."""
    emulator, env = await _telegram_and_environment(tmp_path)
    first = _bot("run", env=env, cwd=tmp_path)
    try:
        user = emulator.user(901, first_name="Rosa", language_code="fr")
        update = await user.send_text("/start")
        await _wait_for(user, "Dans quelle langue", update)
        update = await user.tap("✓ Français")
        consent = await _wait_for(user, "Avant de commencer", update)

        first.send_signal(signal.SIGKILL)
        await asyncio.to_thread(first.wait, 30)

        second = _bot("run", env=env, cwd=tmp_path)
        try:
            update = await user.tap("✅ J'accepte", message_id=consent.message_id)
            await _wait_for(user, "Que voulez-vous faire", update)
        finally:
            second.send_signal(signal.SIGINT)
            _, err = await asyncio.to_thread(second.communicate, None, 60)
        assert second.returncode == 0, err
        assert SECRET_TOKEN not in err and SECRET_TOKEN.split(":")[1] not in err, "token logged"
        assert "Rosa" not in err and "Avant de commencer" not in err, "personal data logged"
        assert not emulator.violations
    finally:
        if first.poll() is None:
            first.kill()
        first.communicate()
        await emulator.stop()


async def test_a_tap_being_handled_when_the_bot_is_killed_is_answered_after_restart(
    tmp_path: Path,
) -> None:
    """SIGKILL while the answer to a tap is on its way: Telegram had been told the update
    was received, so only the inbox can bring it back; the restarted bot answers it."""
    emulator, env = await _telegram_and_environment(tmp_path)
    first = _bot("run", env=env, cwd=tmp_path)
    second: subprocess.Popen[str] | None = None
    try:
        user = emulator.user(902, first_name="Sami", language_code="fr")
        await _wait_for(user, "Dans quelle langue", await user.send_text("/start"))
        held = emulator.hold("sendMessage")
        tap = await user.tap("✓ Français")
        await asyncio.wait_for(held.reached.wait(), 30)  # the consent question is being sent
        await _confirmed(emulator, tap)  # the next poll told Telegram the tap was received

        first.send_signal(signal.SIGKILL)
        await asyncio.to_thread(first.wait, 30)
        held.release(drop=True)  # that call never reached Telegram
        assert not [p for p in emulator.queue.pending if p.update_id == tap], "confirmed"

        second = _bot("run", env=env, cwd=tmp_path)
        await _wait_for(user, "Avant de commencer", tap)
        consent = [m for m in user.messages_since(tap) if "Avant de commencer" in m.text]
        assert len(consent) == 1, "answered once"
    finally:
        for process in (first, second):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                _, err = await asyncio.to_thread(process.communicate, None, 60)
                assert SECRET_TOKEN.split(":")[1] not in err and "Sami" not in err
        await emulator.stop()


async def test_a_token_telegram_rejects_is_one_line_and_exit_2_never_the_token(
    tmp_path: Path,
) -> None:
    emulator = BotApiEmulator(token=SECRET_TOKEN)
    await emulator.start()
    wrong = "555555:a-token-telegram-does-not-know-xyz"
    env = environment(
        TELEGRAM_BOT_TOKEN=wrong,
        TELEGRAM_API_URL=emulator.base_url,
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    try:
        process = _bot("run", env=env, cwd=tmp_path)
        out, err = await asyncio.to_thread(process.communicate, None, 60)
    finally:
        await emulator.stop()
    assert process.returncode == 2
    assert err.strip().splitlines()[-1] == (
        "alliance: Telegram rejected TELEGRAM_BOT_TOKEN: check it with @BotFather"
    )
    assert wrong.split(":")[1] not in out + err, "the token is never printed"


def test_invite_prints_its_code_when_telegram_cannot_be_reached(tmp_path: Path) -> None:
    env = environment(
        TELEGRAM_BOT_TOKEN=SECRET_TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9/bot",  # nothing listens there
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    added = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "site", "add", "--name", "CCAS",
         "--timezone", "Europe/Paris", "--holidays", "metropole"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    done = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "invite", "admin", "--site", "CCAS"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "code: " in done.stdout
    assert SECRET_TOKEN.split(":")[1] not in done.stdout + done.stderr


def test_the_demo_runs_with_no_token_and_no_network(tmp_path: Path) -> None:
    process = _bot("demo", env=environment(), cwd=tmp_path)
    out, err = process.communicate("/start\n1\n1\n", timeout=120)
    assert process.returncode == 0, err
    assert "Bonjour, je suis Alliance" in out
    assert "[1] ✓ Français" in out
    assert "Avant de commencer" in out
    assert "Que voulez-vous faire ?" in out
    assert "Traceback" not in err


def test_the_demo_keeps_its_database_when_asked(tmp_path: Path) -> None:
    database = tmp_path / "demo.db"
    process = _bot(
        "demo", "--db", str(database), "--language", "en", env=environment(), cwd=tmp_path
    )
    out, _ = process.communicate("/start\n2\n1\n", timeout=120)
    assert "✓ English" in out and database.is_file()
    process = _bot(
        "demo", "--db", str(database), "--language", "en", env=environment(), cwd=tmp_path
    )
    out, _ = process.communicate("/menu\n", timeout=120)
    assert "What would you like to do" in out or "❓" in out
