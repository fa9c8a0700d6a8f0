"""/effacer: a clear confirmation, then nothing of the person remains."""

from __future__ import annotations

from sqlalchemy import func, select

from emulator import BotApiEmulator
from storage.models import Base, ConsentRecord, Person
from tests.harness import BotHarness, texts


async def test_erase_after_confirmation(bot: BotHarness, emulator: BotApiEmulator) -> None:
    user = emulator.user(777_000_111, first_name="Eve")
    await bot.say(user, "/start")
    await bot.tap(user, "✓ Français")
    await bot.tap(user, "✅ J'accepte")

    data = await bot.tap(user, "🔒 Mes données")
    assert "25 novembre 2026" in texts(data), "consent date, in the person's language"

    question = await bot.tap(user, "🗑 Tout effacer")
    assert "vraiment tout effacer" in texts(question)
    kept = await bot.tap(user, "↩️ Non, garder mes données")
    assert "Rien n'a été effacé" in texts(kept)

    question = await bot.say(user, "/effacer")
    assert "resteront sur votre téléphone" in texts(question)
    done = await bot.tap(user, "🗑 Oui, tout effacer")
    assert "j'ai tout effacé" in texts(done)
    assert "appuyez longtemps sur « Alliance »" in texts(done), "how to delete the chat too"

    async with bot.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        assert await session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                assert all("777000111" not in str(value) for value in row), table.name

    again = await bot.say(user, "/effacer")
    assert "aucune donnée" in texts(again)
