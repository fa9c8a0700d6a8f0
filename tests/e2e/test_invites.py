"""`/start <code>`: a valid code is kept; a bad one is explained and onboarding goes on."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from emulator import BotApiEmulator
from services.invites import create_invite
from storage.models import Invite, Person
from tests.harness import BotHarness, texts


async def test_a_valid_invite_is_kept_and_used_once(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    code = await create_invite(bot.services.db, "person", bot.clock.now())
    first = emulator.user(701, first_name="Ana")
    answer = await bot.say(first, f"/start {code}")
    assert len(answer) == 1, "the notice, the welcome and the languages, in one message"
    assert "bien reçu" in answer[0].text and "Bonjour, je suis Alliance" in answer[0].text
    assert answer[0].button_labels[0] == "✓ Français"

    async with bot.services.db() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 701))
        invite = await session.scalar(select(Invite))
        assert person is not None and invite is not None
        assert person.invite_id == invite.id and invite.used_at == bot.clock.now()
        assert invite.code_hash != code, "codes are stored hashed"

    second = emulator.user(702, first_name="Bob")
    answer = await bot.say(second, f"/start {code}")
    assert "déjà servi" in texts(answer)
    assert answer[-1].button_labels[0] == "✓ Français", "onboarding goes on"


async def test_an_expired_invite_is_explained(bot: BotHarness, emulator: BotApiEmulator) -> None:
    code = await create_invite(bot.services.db, "person", bot.clock.now())
    bot.clock.advance(timedelta(days=7, seconds=1))
    answer = await bot.say(emulator.user(703, first_name="Chloé"), f"/start {code}")
    assert "a expiré" in texts(answer)
    assert answer[-1].button_labels[0] == "✓ Français"


async def test_an_unknown_or_malformed_code_is_explained(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(704, first_name="Dan")
    for payload in ("abcdefghijklmnop", "not/a%code", "x" * 80):
        answer = await bot.say(user, f"/start {payload}")
        assert "ne reconnais pas ce lien" in texts(answer)
        assert answer[-1].button_labels[0] == "✓ Français"
