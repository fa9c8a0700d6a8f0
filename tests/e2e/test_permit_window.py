"""The residence-permit flow computes the filing window from the expiry date the person
gives, says it in their conversation, and cannot be led down a path the date contradicts
(issue 9, defect 3). The test's clock is 25 November 2026 in Paris."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from emulator import BotApiEmulator, FakeUser
from storage.models import Reminder
from tests.e2e.steps import PREFECTURE, onboard, open_flow, reminders_due
from tests.harness import BotHarness, texts

TITLE = "Renouveler mon titre de séjour (site AN"
TODAY = date(2026, 11, 25)


async def answer_expiry(bot: BotHarness, user: FakeUser, expiry: date) -> str:
    """Open the flow, go past the first step, type the card's last day: what is said."""
    await onboard(bot, user)
    await open_flow(bot, user, PREFECTURE, TITLE)
    await bot.tap(user, "Continuer ➡️")
    await bot.tap(user, "⌨️ Écrire la date")
    return texts(await bot.say(user, expiry.strftime("%d/%m/%Y")))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the dates, not storage
@pytest.mark.parametrize(
    ("days_left", "said", "not_said"),
    [
        (
            130,  # the window opens in 10 days
            ["C'est trop tôt", "du 5 décembre 2026 au 3 février 2027"],
            ["Vous pouvez déposer maintenant", "a expiré"],
        ),
        (
            90,
            ["Vous pouvez déposer maintenant", "Dernier jour pour déposer à temps : 25 décembre"],
            ["trop tôt", "était le"],
        ),
        (
            61,  # the last day to file on time is tomorrow
            ["Vous pouvez déposer maintenant", "26 novembre 2026 (demain)"],
            ["trop tôt", "était le"],
        ),
        (
            60,  # ... and on the day itself, still on time
            ["Vous pouvez déposer maintenant", "25 novembre 2026 (aujourd'hui)"],
            ["était le"],
        ),
        (
            30,
            ["dernier jour pour déposer à temps était le 26 octobre 2026", "Contactez aujourd'hui"],
            ["Vous pouvez déposer maintenant", "a expiré"],
        ),
        (
            -20,  # expired, inside the 3 months a 10-year or 4-year card keeps rights
            ["a expiré le 5 novembre 2026", "jusqu'au 5 février 2027", "Carte de résident"],
            ["Vous pouvez déposer maintenant", "plus de 3 mois"],
        ),
        (
            -243,  # expired 8 months ago
            ["a expiré le 27 mars 2026, il y a plus de 3 mois", "association"],
            ["Vous pouvez déposer maintenant", "jusqu'au"],
        ),
    ],
)
async def test_the_window_is_said_from_the_expiry_date(
    bot: BotHarness,
    emulator: BotApiEmulator,
    days_left: int,
    said: list[str],
    not_said: list[str],
) -> None:
    assert bot.clock.now().astimezone(bot.settings.zone).date() == TODAY
    user = emulator.user(1600 + days_left % 1000, first_name="Amina")
    answer = await answer_expiry(bot, user, TODAY + timedelta(days=days_left))
    for words in said:
        assert words in answer, (words, answer)
    for words in not_said:
        assert words not in answer, (words, answer)


async def test_an_expired_card_cannot_take_the_path_of_time_left(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """The old "Where are you?" offered "more than 2 months left" to anyone: the question
    after the date now asks only what the date cannot tell (filed or not)."""
    user = emulator.user(1701, first_name="Amina")
    await answer_expiry(bot, user, TODAY - timedelta(days=243))
    await bot.tap(user, "Continuer ➡️")
    labels = user.last_message.button_labels
    assert "Pas encore" in labels and "J'ai déposé, j'attends" in labels
    assert not any("2 mois" in label for label in labels), labels


async def test_too_early_prepares_and_waits_for_the_window(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Five months ahead: papers and account now, filing when the window opens; the flow
    does not tell the person to file before the préfecture accepts it."""
    user = emulator.user(1702, first_name="Amina")
    await answer_expiry(bot, user, TODAY + timedelta(days=150))
    await bot.tap(user, "Continuer ➡️")  # too early → the papers
    assert "Préparez vos papiers" in user.last_message.text
    await bot.tap(user, "Continuer ➡️")  # papers → the account
    answer = texts(await bot.tap(user, "✅ C'est fait"))
    assert "C'est trop tôt pour déposer : attendez le 25 décembre 2026" in answer
    assert "Choisissez le <b>renouvellement</b>" not in answer
    assert "Bravo" not in answer


async def test_going_back_and_correcting_the_date_changes_the_window(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1703, first_name="Amina")
    first = await answer_expiry(bot, user, TODAY + timedelta(days=30))
    assert "était le" in first
    await bot.tap(user, "⬅️ Retour")
    await bot.tap(user, "⌨️ Écrire la date")
    corrected = texts(await bot.say(user, (TODAY + timedelta(days=90)).strftime("%d/%m/%Y")))
    assert "Vous pouvez déposer maintenant" in corrected


async def test_the_date_can_be_typed_in_words(bot: BotHarness, emulator: BotApiEmulator) -> None:
    """ "31 janvier 2027" is how many people write a date: it is understood, and the
    example shown says so; something that is not a date is asked again, kindly."""
    user = emulator.user(1704, first_name="Amina")
    await onboard(bot, user)
    await open_flow(bot, user, PREFECTURE, TITLE)
    await bot.tap(user, "Continuer ➡️")
    asked = texts(await bot.tap(user, "⌨️ Écrire la date"))
    assert "par exemple" in asked
    again = texts(await bot.say(user, "le mois prochain"))
    assert "Je n'ai pas compris cette date" in again and "par exemple" in again
    answer = texts(await bot.say(user, "23 février 2027"))  # 90 days ahead
    assert "Vous pouvez déposer maintenant" in answer, answer


async def test_a_reminder_is_never_sent_after_the_day_it_announces(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Issue 9, defect 5: after days without a pass (the bot down, a queue held up), a
    reminder whose day is over is dropped, never sent late with its old words; one whose
    day is still ahead goes out."""
    user = emulator.user(1705, first_name="Amina")
    await answer_expiry(bot, user, TODAY + timedelta(days=90))
    async with bot.services.db() as session:
        rows = list(
            await session.scalars(
                select(Reminder)
                .where(Reminder.kind == "deadline", Reminder.deadline_on.is_not(None))
                .order_by(Reminder.due_at)
            )
        )
    assert len(rows) >= 2, "the window's reminders were scheduled"
    first, last = rows[0], rows[-1]
    assert first.deadline_on is not None and last.deadline_on is not None
    # The first one's own moment: it goes out.
    bot.clock.set(first.due_at + timedelta(minutes=1))
    before = len(user.messages)
    await reminders_due(bot)
    assert any(m.text.startswith("⏰") for m in user.messages[before:]), "a due reminder goes"
    # Back a day after the last day any of them announces: nothing is said late.
    local = datetime.combine(last.deadline_on + timedelta(days=1), time(10), bot.settings.zone)
    bot.clock.set(local.astimezone(UTC))
    before = len(user.messages)
    await reminders_due(bot)
    late = [m.text for m in user.messages[before:] if m.text.startswith("⏰")]
    assert not late, late
    async with bot.services.db() as session:
        outdated = list(
            await session.scalars(
                select(Reminder).where(Reminder.id.in_([row.id for row in rows[1:]]))
            )
        )
    # Cancelled, not counted as sent (/mesdonnees lists the reminders sent).
    assert all(r.cancelled_at is not None and r.sent_at is None for r in outdated), outdated
