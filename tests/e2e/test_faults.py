"""Faults seen when the bot was tried under stress, each answered as a person would want:
one apology, not two; no apology for a step that was saved; no spinner left turning."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import make_url, text

from emulator import BotApiEmulator
from tests.e2e.steps import CAF, onboard, open_flow, reach_rsa_request
from tests.harness import BotHarness, texts

SORRY = "Désolé, un problème est survenu"
ONE_MOMENT = "Un instant, s'il vous plaît"


async def test_a_database_failure_gets_one_apology_not_two(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1901, first_name="Ana")
    await onboard(bot, person)
    async with bot.services.engine.begin() as connection:
        await connection.execute(text("ALTER TABLE persons RENAME TO persons_away"))
    try:
        answer = await bot.say(person, "/menu")
    finally:
        async with bot.services.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE persons_away RENAME TO persons"))
    assert [m.text for m in answer].count(next(m.text for m in answer if SORRY in m.text)) == 1
    assert len(answer) == 1, texts(answer)


async def test_a_saved_step_whose_answer_was_lost_gets_no_apology(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    person = emulator.user(1902, first_name="Binta")
    await onboard(bot, person)
    first = await open_flow(bot, person, CAF, "Déclarer mes ressources tous les 3 mois")
    (old,) = [b.callback_data for row in first[-1].buttons for b in row if b.text == "Continuer ➡️"]
    assert old is not None
    emulator.fail_next("sendMessage", 502, "Bad Gateway")
    lost = await bot.tap(person, "Continuer ➡️", message_id=first[-1].message_id)
    assert SORRY not in texts(lost), "the step was saved: no apology"
    # The person, unsure, taps the same button again (on a second phone, or before the
    # step was settled): where they are is shown, once.
    update_id = await person.tap_data(old, message_id=first[-1].message_id)
    await bot.settle(update_id)
    again = person.messages_since(update_id)
    assert "Ce bouton est ancien" in again[0].text and "étape 2," in again[0].text


async def test_a_button_whose_spinner_telegram_keeps_refusing_is_still_answered(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """The last stop's red CI: under load, the 429s for `answerCallbackQuery` outlasted
    the retries, the error stopped the handler before the answer and the person got an
    apology instead of the next step. The spinner is a courtesy; the answer is not."""
    person = emulator.user(1904, first_name="Dalia")
    await onboard(bot, person)
    first = await open_flow(bot, person, CAF, "Déclarer mes ressources tous les 3 mois")
    emulator.fail_next(
        "answerCallbackQuery", 429, "Too Many Requests: retry after 1", times=4, retry_after=1
    )
    onward = await bot.tap(person, "Continuer ➡️", message_id=first[-1].message_id)
    assert SORRY not in texts(onward) and "étape 2" in texts(onward), texts(onward)
    assert len(emulator.expire_callback_queries()) == 1, "only that spinner kept turning"


async def test_a_step_done_undone_and_done_again_does_not_crash(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Issue 9's first defect: the follow-up was cancelled then inserted again under the
    same key (UNIQUE constraint failed), and the step crashed for the rest of the day."""
    person = emulator.user(1903, first_name="Chloé")
    await onboard(bot, person)
    await reach_rsa_request(bot, person)
    done = await bot.tap(person, "✅ C'est fait")
    await bot.tap(person, "⬅️ Retour", message_id=done[-1].message_id)
    again = await bot.tap(person, "✅ C'est fait")
    assert SORRY not in texts(again)
    await bot.tap(person, "⬅️ Retour", message_id=again[-1].message_id)
    for _ in range(2):  # the same delay twice
        await bot.tap(person, "⏰ Plus tard")
        later = await bot.tap(person, "Demain")
        assert SORRY not in texts(later) and "je vous le rappellerai" in texts(later)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_people_hear_one_moment_while_another_program_holds_the_database(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Another program (a backup tool, an operator's sqlite3 shell) holds SQLite's write
    lock: nothing can be stored, so nothing can be answered yet; each person is told to
    wait rather than left in silence, and is answered once the lock is released."""
    first, second = emulator.user(1911, first_name="Ines"), emulator.user(1912, first_name="Jo")
    await onboard(bot, first)
    await onboard(bot, second)
    path = make_url(bot.settings.database_url).database
    assert path is not None
    other_program = sqlite3.connect(path, isolation_level=None)
    other_program.execute("BEGIN IMMEDIATE")  # the write lock, held
    try:
        waiting = [await first.send_text("/menu"), await second.send_text("/aide")]
        for person, update_id in zip((first, second), waiting, strict=True):
            told = await person.wait_for_message(
                lambda m: ONE_MOMENT in m.text, after_update=update_id, timeout=20
            )
            assert "Que voulez-vous faire" not in told.text
    finally:
        other_program.execute("ROLLBACK")
        other_program.close()
    for update_id in waiting:
        await bot.settle(update_id)
    assert "Que voulez-vous faire" in texts(first.messages_since(waiting[0]))
    assert "Alliance, c'est quoi" in texts(second.messages_since(waiting[1]))
    assert SORRY not in texts(first.messages_since(waiting[0]) + second.messages_since(waiting[1]))
