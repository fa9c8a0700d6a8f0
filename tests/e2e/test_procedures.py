"""Guided procedures end to end, over HTTP: flows walked with buttons, dates, reminders,
pauses across restarts, help when stuck, Mon parcours."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from core.i18n import RIGHT_TO_LEFT_MARK
from core.intents import (
    ChooseOption,
    ChooseWay,
    Intent,
    Name,
    OpenFlow,
    PickDay,
    ShowCatalog,
    ShowCategory,
    ShowDays,
    ShowJourney,
    StepOp,
    StepTap,
    decode_tap,
)
from emulator import BotApiEmulator, BotMessage
from flows.catalog import flow_ref
from flows.engine import Mode
from services import reminders as reminder_service
from storage.models import Handoff, Reminder, StepEvent
from tests.e2e.steps import (
    CAF,
    PREFECTURE,
    a_check_reminder_due,
    advance_until,
    later_on_the_first_action,
    onboard,
    open_flow,
    reminders_due,
    sent,
    walk,
)
from tests.harness import BotHarness, texts

STEP = re.compile(r"étape (\d+)")


async def test_quarterly_declaration_completed_with_buttons(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1201, first_name="Awa")
    await onboard(bot, user)
    first = await open_flow(
        bot,
        user,
        CAF,
        "Déclarer mes ressources tous les 3 mois",
    )
    assert STEP.search(first[-1].text)
    await bot.tap(user, "Continuer ➡️")
    # The date step, by buttons: a month, then a day.
    await bot.tap(user, "📅 Choisir la date")
    months = user.last_message.button_labels
    assert "déc. 2026" not in months, "no month after this one for a past-only date"
    await bot.tap(user, "nov. 2026")
    days_offered = user.last_message.button_labels
    assert "26" not in days_offered, "no day after today for a past-only date"
    await bot.tap(user, "1")
    headers = await walk(bot, user, {}, {})
    assert len(headers) >= 8
    final = texts(user.messages[-3:])
    assert "Bravo" in final and "France Services" in final

    journey = await bot.say(user, "/menu")
    assert journey[-1].button_labels[0] == "🙋 Parler à quelqu'un", "nothing left in progress"
    parcours = await bot.tap(user, "🌟 Mon parcours")
    text = texts(parcours)
    assert "Déclarer mes ressources tous les 3 mois" in text and "Vous l'avez fait" in text
    assert "⏰" in text, "the next declaration is announced"

    async with bot.services.db() as session:
        events = {e for (e,) in (await session.execute(select(StepEvent.event))).all()}
        assert {"entered", "done"} <= events
        person_columns = [c.name for c in StepEvent.__table__.columns]
        assert "person_id" not in person_columns, "the funnel is anonymous"


async def test_permit_renewal_schedules_reminders_that_respect_the_night(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1202, first_name="Youssef")
    await onboard(bot, user)
    await open_flow(
        bot,
        user,
        PREFECTURE,
        "Renouveler mon titre de séjour (site AN",
    )
    await bot.tap(user, "Continuer ➡️")
    await bot.tap(user, "⌨️ Écrire la date")
    wrong = await bot.say(user, "31/02/2027")
    assert "Je n'ai pas compris cette date" in texts(wrong)
    await bot.say(user, "15/06/2027")

    async with bot.services.db() as session:
        reminders = list(await session.scalars(select(Reminder).where(Reminder.kind == "deadline")))
    assert reminders, "deadlines scheduled from the expiry date"
    first = min(reminders, key=lambda r: r.due_at)
    assert first.due_at.astimezone(bot.settings.zone).hour == 9

    # At 21:00 on that day nothing is sent (night); at 9:00 the next morning it is.
    night = first.due_at + timedelta(hours=12)
    bot.clock.set(night)
    before = len(user.messages)
    await reminders_due(bot)
    assert len(user.messages) == before, "never at night"
    bot.clock.set(night + timedelta(hours=12))
    await reminders_due(bot)
    assert len(user.messages) == before + 1
    assert "⏰" in user.last_message.text
    await reminders_due(bot)
    assert len(user.messages) == before + 1, "sent once"
    opened = await bot.tap(user, user.last_message.button_labels[0])
    assert STEP.search(texts(opened))


async def test_pause_restart_and_resume_at_the_same_step(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1203, first_name="Inès")
    await onboard(bot, user)
    await open_flow(bot, user, CAF, "Demander le RSA")
    await bot.tap(user, "Continuer ➡️")
    step = user.last_message.text.split("\n")[0]
    paused = await bot.tap(user, "⏸ Pause")
    assert "Vous reprendrez exactement ici" in texts(paused)

    await bot.restart()
    bot.clock.advance(timedelta(days=90))

    menu = await bot.say(user, "/menu")
    assert menu[-1].button_labels[0].startswith("▶️ Continuer : Demander le RSA, étape 2")
    resumed = await bot.tap(user, menu[-1].button_labels[0])
    assert resumed[-1].text.split("\n")[0] == step


async def test_i_cannot_offers_help_and_says_whom_to_call_without_a_site(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1204, first_name="Olena")
    await onboard(bot, user)
    await open_flow(bot, user, CAF, "Demander le RSA")
    await advance_until(bot, user, "😕 Je n'y arrive pas")
    answer = await bot.tap(user, "😕 Je n'y arrive pas")
    said = texts(answer)
    assert "Une personne peut vous aider" in said and "France Services" in said
    assert "notée" not in said, "nobody is told yet: the request is not said to be noted"
    assert "📖 Revoir l'étape" in user.last_message.button_labels
    stuck = await bot.tap(user, "🆘 Je bloque")
    # The same answer again: the message already says it (edited in place, no copy).
    assert not sent(stuck) and "Une personne peut vous aider" in user.last_message.text
    again = await bot.tap(user, "📖 Revoir l'étape")
    assert not sent(again) and "😕 Je n'y arrive pas" in user.last_message.button_labels
    async with bot.services.db() as session:  # no site yet: nobody in the bot to alert
        assert (await session.execute(select(Handoff.id))).first() is None


async def test_later_then_reminded_and_did_it_work(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1205, first_name="Sami")
    await onboard(bot, user)
    _, noted = await later_on_the_first_action(bot, user)
    assert "je vous le rappellerai le 26 novembre 2026" in texts(noted)
    bot.clock.set(datetime(2026, 11, 26, 8, 30, tzinfo=UTC))  # 9:30 in Paris
    await reminders_due(bot)
    assert "Vous m'aviez demandé de vous le rappeler" in user.last_message.text


def _button_with(
    message: BotMessage, wanted: Callable[[Intent], bool], last: bool = False
) -> str | None:
    """The label of the (first or last) button whose intent is wanted: language-independent."""
    labels = [
        button.text
        for row in message.buttons
        for button in row
        if (intent := decode_tap(button.callback_data)) is not None and wanted(intent)
    ]
    return (labels[-1] if last else labels[0]) if labels else None


def _op(op: StepOp) -> Callable[[Intent], bool]:
    return lambda intent: isinstance(intent, StepTap) and intent.op is op


# What a person taps, in this order of preference: continue, the first answer, done,
# a day of the month shown, the latest month offered, the date picker.
WALK: list[tuple[Callable[[Intent], bool], bool]] = [
    (lambda intent: isinstance(intent, ChooseWay) and intent.mode is Mode.OWN, False),
    (_op(StepOp.CONTINUE), False),
    (lambda intent: isinstance(intent, ChooseOption) and intent.option == 0, False),
    (_op(StepOp.DONE), False),
    (lambda intent: isinstance(intent, PickDay), False),
    (lambda intent: isinstance(intent, ShowDays), True),
    (_op(StepOp.MONTHS), False),
]


async def test_quarterly_declaration_completed_in_arabic(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """The whole flow, read right to left, driven by what each button does."""
    user = emulator.user(1206, first_name="Amal", language_code="ar")
    await bot.say(user, "/start")
    consent = await bot.tap(user, RIGHT_TO_LEFT_MARK + "✓ العربية")
    await bot.tap(user, consent[-1].button_labels[0])
    await bot.tap(user, _button_with(user.last_message, lambda i: i == ShowCatalog()) or "")
    caf = ShowCategory(Name("caf"))
    await bot.tap(user, _button_with(user.last_message, lambda i: i == caf) or "")
    flow = bot.services.flows.registry.get("declaration-trimestrielle")
    assert flow is not None
    opening = OpenFlow(flow_ref(flow))
    await bot.tap(user, _button_with(user.last_message, lambda i: i == opening) or "")
    steps = 0
    journey_button = lambda i: i == ShowJourney()  # noqa: E731
    while not _button_with(user.last_message, journey_button):
        step = user.last_message
        lines = [line for line in step.raw_text.split("\n") if line]
        assert all(line.startswith(RIGHT_TO_LEFT_MARK) for line in lines), step.raw_text
        assert re.search(r"[\u0600-\u06FF]", step.text)
        label = next(
            (found for pattern, last in WALK if (found := _button_with(step, pattern, last))),
            None,
        )
        assert label is not None, f"no way on from: {step.text[:80]}"
        await bot.tap(user, label)
        steps += 1
        assert steps < 40, f"the flow never ended: {step.text[:120]}"
    assert steps >= 10
    journey = await bot.tap(user, _button_with(user.last_message, journey_button) or "")
    assert "✅" in texts(journey) and re.search(r"[\u0600-\u06FF]", texts(journey))


async def test_did_it_work_is_asked_days_after_done(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """The RSA request step has check_after_days: 7; "No" offers help."""
    user = emulator.user(1207, first_name="Binta")
    await onboard(bot, user)
    await a_check_reminder_due(bot, user)
    await reminders_due(bot)
    question = user.last_message
    assert "Est-ce que ça a marché ?" in question.text
    answer = await bot.tap(user, "👎 Non, j'ai besoin d'aide")
    assert "Une personne peut vous aider" in texts(answer)
    async with bot.services.db() as session:  # no site yet: whom to call, no hand-off
        assert (await session.execute(select(Handoff.id))).first() is None


async def test_a_payment_that_stopped_ends_without_a_bravo(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """An ending reached because something went wrong is not congratulated: the words, the
    note and Mon parcours all say it is not settled yet, and where to find a person."""
    user = emulator.user(1210, first_name="Bilal")
    await onboard(bot, user)
    await open_flow(bot, user, CAF, "Déclarer mes ressources tous les 3 mois")
    await walk(bot, user, {"paiement": "Non, le paiement s'est arrêté"}, {"": "01/11/2026"})
    end = texts(user.messages[-2:])
    assert "Bravo" not in end and "Vous l'avez fait" not in end, end
    assert "pas encore réglée" in end and "/aide" in end
    await bot.tap(user, "🌟 Mon parcours")
    journey = user.last_message.text
    assert "⏳ Déclarer mes ressources tous les 3 mois — pas encore réglé" in journey
    assert "Vous l'avez fait" not in journey


async def test_a_finished_procedure_can_be_done_again_and_keeps_its_history(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Opened again after its end, a procedure is offered again (a new lease, a new
    declaration); the next quarterly declaration starts from its reminder at once; Mon
    parcours keeps every round."""
    user = emulator.user(1211, first_name="Chloé")
    await onboard(bot, user)
    title = "Déclarer mes ressources tous les 3 mois"
    await open_flow(bot, user, CAF, title)
    await walk(bot, user, {}, {"": "01/11/2026"})

    again = await open_flow(bot, user, CAF, title)
    assert "Vous avez terminé « Déclarer mes ressources tous les 3 mois »" in again[-1].text
    assert "🔄 Refaire la démarche" in again[-1].button_labels
    restarted = await bot.tap(user, "🔄 Refaire la démarche")  # the way chosen is kept
    assert STEP.search(restarted[-1].text).group(1) == "1"  # type: ignore[union-attr]
    await walk(bot, user, {}, {"": "01/11/2026"})

    async with bot.services.db() as session:
        due = await session.scalar(
            select(Reminder.due_at)
            .where(Reminder.kind == "deadline", Reminder.sent_at.is_(None))
            .order_by(Reminder.due_at)
        )
    assert due is not None, "the next declaration is reminded"
    bot.clock.set(due + timedelta(minutes=1))
    await reminders_due(bot)
    reminder = user.last_message
    assert reminder.text.startswith("⏰") and title in reminder.button_labels
    next_round = await bot.tap(user, title, message_id=reminder.message_id)
    assert STEP.search(next_round[-1].text).group(1) == "1", "a new round, at once"  # type: ignore[union-attr]

    parcours = await bot.say(user, "/menu")
    parcours = await bot.tap(user, "🌟 Mon parcours")
    assert texts(parcours).count(f"✅ {title} — terminé le") == 2, texts(parcours)


async def test_a_remind_me_later_of_a_step_done_since_never_arrives(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Cancelled by the tap that makes it pointless; and one already queued for sending
    when the step was done is dropped just before it would leave."""
    cancelled, queued = (
        emulator.user(1212, first_name="Dina"),
        emulator.user(1213, first_name="Eli"),
    )
    for person in (cancelled, queued):
        await onboard(bot, person)
        step, _ = await later_on_the_first_action(bot, person)
        if person is cancelled:
            await bot.tap(person, "✅ C'est fait", message_id=step.message_id)
    bot.clock.set(datetime(2026, 11, 26, 8, 30, tzinfo=UTC))  # 9:30 in Paris
    await reminder_service.queue_due(bot.services.db, bot.clock.now(), bot.settings.zone)
    await bot.tap(queued, "✅ C'est fait", message_id=step.message_id)  # after it was queued
    before = {person.chat_id: len(person.messages) for person in (cancelled, queued)}
    await reminders_due(bot)
    for person in (cancelled, queued):
        later = person.messages[before[person.chat_id] :]
        assert not any("Vous m'aviez demandé" in m.text for m in later), texts(later)


async def test_reminders_name_the_step_they_are_about(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1214, first_name="Fodé")
    await onboard(bot, user)
    await later_on_the_first_action(bot, user)
    bot.clock.set(datetime(2026, 11, 26, 8, 30, tzinfo=UTC))
    await reminders_due(bot)
    reminder = user.last_message.text
    assert "« Demander le RSA », l'étape « Faites une simulation sur caf.fr" in reminder


async def test_did_it_work_names_the_step(bot: BotHarness, emulator: BotApiEmulator) -> None:
    user = emulator.user(1215, first_name="Gaby")
    await onboard(bot, user)
    await a_check_reminder_due(bot, user)
    await reminders_due(bot)
    question = user.last_message.text
    assert "vous avez fait : « Faites la demande sur caf.fr »" in question, question


async def test_the_first_step_has_no_way_back_the_next_ones_do(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(1216, first_name="Hawa")
    await onboard(bot, user)
    first = await open_flow(bot, user, CAF, "Demander le RSA")
    assert "⬅️ Retour" not in first[-1].button_labels, "nothing to go back to"
    assert {"⏸ Pause", "🆘 Je bloque", "⬅️ Menu"} <= set(first[-1].button_labels)
    second = await bot.tap(user, "Continuer ➡️")
    assert "⬅️ Retour" in second[-1].button_labels
    back = await bot.tap(user, "⬅️ Retour")
    assert "⬅️ Retour" not in back[-1].button_labels and "étape 1," in back[-1].text
