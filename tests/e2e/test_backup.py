"""A backup restores what people had: `bot.py db backup`, a loss, `bot.py db restore`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from emulator import BotApiEmulator
from tests.e2e.steps import CAF, onboard, open_flow
from tests.harness import BotHarness
from tests.processes import bot_py


async def test_a_backup_restores_a_persons_progress(
    bot: BotHarness, emulator: BotApiEmulator, tmp_path: Path
) -> None:
    person = emulator.user(2101, first_name="Inès")
    await onboard(bot, person)
    await open_flow(bot, person, CAF, "Demander le RSA")
    url = bot.settings.database_url

    backup = tmp_path / "alliance.backup"
    done = bot_py("db", "backup", str(backup), DATABASE_URL=url)  # while the bot runs
    assert done.returncode == 0, done.stderr
    assert backup.stat().st_size > 0

    await bot.stop()
    async with bot.services.engine.begin() as connection:  # the loss
        await connection.execute(text("DELETE FROM flow_progress"))
        await connection.execute(text("DELETE FROM consent_records"))
    await bot.services.engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        await asyncio.to_thread(Path(make_url(url).database or "").unlink)

    restored = bot_py("db", "restore", str(backup), DATABASE_URL=url)
    assert restored.returncode == 0, restored.stderr
    await bot.start()
    menu = await bot.say(person, "/menu")
    assert menu[-1].button_labels[0].startswith("▶️ Continuer : Demander le RSA"), "as it was"


def test_backup_and_restore_say_what_is_missing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    missing = bot_py("db", "restore", str(tmp_path / "nothing"), DATABASE_URL=url)
    assert missing.returncode == 2 and "no such backup file" in missing.stderr
    no_path = bot_py("db", "backup", DATABASE_URL=url)
    assert no_path.returncode == 2 and "needs a file" in no_path.stderr
