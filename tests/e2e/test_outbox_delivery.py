"""Messages the bot initiates, over HTTP, when Telegram misbehaves: a reminder outlives a
failed send and arrives once; a person who blocked the bot is not written to in vain,
and their referent knows."""

from __future__ import annotations

from sqlalchemy import select

from core.delivery import BACKOFF
from emulator import BotApiEmulator
from storage.models import OutboxMessage, Person
from storage.outbox import Status
from tests.e2e.steps import a_check_reminder_due, onboard, outbox_pass, reminders_due
from tests.e2e.test_people import _site_with
from tests.harness import BotHarness, texts

CHECK = "Est-ce que ça a marché ?"


async def outbox_rows(bot: BotHarness) -> list[tuple[str, int, str | None]]:
    async with bot.services.db() as session:
        rows = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
        return [(row.status, row.attempts, row.last_error) for row in rows]


async def test_a_reminder_outlives_a_failed_send_and_arrives_once(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1501, first_name="Awa")
    await onboard(bot, person)
    await a_check_reminder_due(bot, person)

    emulator.fail_next("sendMessage", 502, "Bad Gateway")
    before = len(person.messages)
    await reminders_due(bot)
    assert len(person.messages) == before, "Telegram was down: nothing arrived"
    assert await outbox_rows(bot) == [(Status.PENDING, 1, "network")]

    await reminders_due(bot)
    assert len(person.messages) == before, "not before its next try"
    bot.clock.advance(BACKOFF[0])
    await outbox_pass(bot)
    await outbox_pass(bot)
    arrived = person.messages[before:]
    assert [message.text for message in arrived].count(
        next(m.text for m in arrived if CHECK in m.text)
    ) == 1, "once, not twice"
    assert await outbox_rows(bot) == [(Status.SENT, 2, "network")]


async def test_a_person_who_blocked_the_bot_is_not_written_to_in_vain(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    people = await _site_with(bot, emulator, "CCAS du Port", 1600)
    person, referent = people["person"], people["referent"]
    await a_check_reminder_due(bot, person)

    person.block()
    await reminders_due(bot)
    assert (await outbox_rows(bot))[0] == (Status.FAILED, 1, "blocked")
    told = referent.last_message
    assert "Je ne peux plus écrire à la personne n°" in told.text
    assert "Person1600" not in told.text, "nothing else is said about the person"
    assert told.button_labels == ["⬅️ Espace professionnel"]
    async with bot.services.db() as session:
        row = await session.scalar(select(Person).where(Person.telegram_user_id == 1609))
        assert row is not None and row.unreachable_at is not None

    person.unblock()
    answer = await bot.say(person, "/menu")
    assert "Que voulez-vous faire ?" in texts(answer)
    async with bot.services.db() as session:
        row = await session.scalar(select(Person).where(Person.telegram_user_id == 1609))
        assert row is not None and row.unreachable_at is None, "writing again clears it"


async def test_site_admins_see_what_could_not_be_delivered_and_why(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    people = await _site_with(bot, emulator, "CCAS de la Gare", 1700)
    person, admin = people["person"], people["admin"]
    await a_check_reminder_due(bot, person)
    person.block()
    await reminders_due(bot)

    await bot.say(admin, "/menu")
    page = await bot.tap(admin, "📭 Messages non remis")
    assert "personne n°" in page[-1].text and "un rappel" in page[-1].text
    assert "la personne a bloqué le bot" in page[-1].text
    assert "Person1700" not in page[-1].text and "marché" not in page[-1].text, "no content"
    assert page[-1].button_labels == ["⬅️ Espace professionnel"]

    refused = await bot.say(people["referent"], "/menu")
    assert "📭 Messages non remis" not in refused[-1].button_labels, "admins only"
