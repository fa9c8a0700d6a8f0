"""A person arrives: welcome, language, consent, menu — over real HTTP, on both databases."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from core.i18n import RIGHT_TO_LEFT_MARK
from core.onboarding import CONSENT_TEXT_VERSION
from emulator import BotApiEmulator
from storage.models import ConsentRecord, ConsentRefusal, Person
from tests.e2e.steps import sent
from tests.harness import BotHarness, texts

ARABIC_LETTER = re.compile(r"[\u0600-\u06FF]")


async def test_onboarding_in_french(bot: BotHarness, emulator: BotApiEmulator) -> None:
    camille = emulator.user(501, first_name="Camille", language_code="fr")

    welcome = await bot.say(camille, "/start")
    assert "Bonjour, je suis Alliance" in welcome[0].text
    assert welcome[-1].button_labels == ["✓ Français", "English", "العربية", "Українська"]

    consent = await bot.tap(camille, "✓ Français")
    assert "Avant de commencer" in texts(consent)
    assert consent[-1].button_labels == ["✅ J'accepte", "ℹ️ En savoir plus", "❌ Non merci"]

    menu = await bot.tap(camille, "✅ J'accepte")
    assert "Merci pour votre confiance" in texts(menu)
    assert menu[-1].button_labels == [
        "🙋 Parler à quelqu'un",
        "📋 Démarches",
        "📅 Rendez-vous",
        "🌟 Mon parcours",
        "❓ Aide et contacts",
        "🤝 Mon accompagnement",
        "👁 Ce que je partage",
        "🌐 Langue",
        "🔒 Mes données",
    ]

    async with bot.services.db() as session:
        person = await session.scalar(select(Person).where(Person.telegram_user_id == 501))
        assert person is not None and person.onboarding_stage == "ready" and person.language == "fr"
        consent_row = await session.scalar(select(ConsentRecord))
        assert consent_row is not None and consent_row.text_version == CONSENT_TEXT_VERSION
        assert consent_row.agreed_at == bot.clock.now()


async def test_each_onboarding_step_is_one_message(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Telegram lets a bot send about 30 messages a second in all: each action of the
    person gets exactly one new message (it was 2, 1, 2), and the question tapped is
    edited to show the choice, which sends nothing new."""
    kim = emulator.user(513, first_name="Kim")

    welcome = await bot.say(kim, "/start")
    assert len(welcome) == 1 and sent(welcome) == welcome
    assert "Bonjour, je suis Alliance" in welcome[0].text
    assert "Dans quelle langue" in welcome[0].text
    assert welcome[0].button_labels == ["✓ Français", "English", "العربية", "Українська"]

    consent = await bot.tap(kim, "✓ Français")
    (question,) = sent(consent)
    assert "Avant de commencer" in question.text
    assert question.button_labels == ["✅ J'accepte", "ℹ️ En savoir plus", "❌ Non merci"]
    assert [m.message_id for m in consent if m.edited] == [welcome[0].message_id]

    menu = await bot.tap(kim, "✅ J'accepte")
    (answer,) = sent(menu)
    assert "Merci pour votre confiance" in answer.text
    assert "Que voulez-vous faire ?" in answer.text
    assert answer.button_labels[1] == "📋 Démarches"
    assert [m.message_id for m in menu if m.edited] == [question.message_id]

    assert len(kim.messages) == 3, "one message per action, from /start to the menu"


async def test_onboarding_in_arabic_reads_right_to_left(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    amal = emulator.user(502, first_name="Amal", language_code="ar")

    welcome = await bot.say(amal, "/start")
    assert welcome[-1].button_labels[2] == RIGHT_TO_LEFT_MARK + "✓ العربية"
    consent = await bot.tap(amal, RIGHT_TO_LEFT_MARK + "✓ العربية")
    menu = await bot.tap(amal, consent[-1].button_labels[0])

    for message in welcome + consent + menu:
        lines = [line for line in message.raw_text.split("\n") if line]
        assert all(line.startswith(RIGHT_TO_LEFT_MARK) for line in lines), message.raw_text
        assert ARABIC_LETTER.search(message.text), message.text
    assert all(label.startswith(RIGHT_TO_LEFT_MARK) for label in menu[-1].button_labels)
    assert "/effacer" in texts(consent)


async def test_language_is_preselected_from_telegram(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    olena = emulator.user(503, first_name="Olena", language_code="uk")
    welcome = await bot.say(olena, "/start")
    assert "✓ Українська" in welcome[-1].button_labels
    assert "Alliance" in welcome[0].text and "Bonjour" not in welcome[0].text

    george = emulator.user(504, first_name="George", language_code="en-GB")
    welcome = await bot.say(george, "/start")
    assert "✓ English" in welcome[-1].button_labels

    nobody = emulator.user(505, first_name="Zé", language_code="pt-BR")
    welcome = await bot.say(nobody, "/start")
    assert "✓ Français" in welcome[-1].button_labels


async def test_choosing_another_language_than_telegrams(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    sami = emulator.user(506, first_name="Sami", language_code="fr")
    await bot.say(sami, "/start")
    consent = await bot.tap(sami, "English")
    assert "Before" in texts(consent) or "agree" in texts(consent).lower()
    assert consent[-1].button_labels[0] != "✅ J'accepte"
    edited = [message for message in consent if message.edited]
    assert edited and "→ English" in edited[0].text


async def test_tell_me_more_then_agree(bot: BotHarness, emulator: BotApiEmulator) -> None:
    lea = emulator.user(507, first_name="Léa")
    await bot.say(lea, "/start")
    consent = await bot.tap(lea, "✓ Français")
    details = await bot.tap(lea, "ℹ️ En savoir plus")
    assert len(details) == 1
    assert "Je ne garde pas vos messages" in details[0].text
    assert "Si vous refusez, je ne garde rien sur vous" in details[0].text
    assert len(details[0].text) <= 500, "read at once"
    menu = await bot.tap(lea, "✅ J'accepte", message_id=details[-1].message_id)
    (answer,) = sent(menu)
    assert "Merci pour votre confiance" in answer.text and "Que voulez-vous faire ?" in answer.text
    assert answer.button_labels[1] == "📋 Démarches"
    again = await bot.tap(lea, "ℹ️ En savoir plus", message_id=consent[-1].message_id)
    assert len(again) == 1, "once agreed: the details and the menu, in one message"
    assert (
        "je ne garde rien sur vous" in again[0].text and again[0].button_labels[1] == "📋 Démarches"
    )


async def test_refusal_keeps_nothing_but_the_refusal(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    noa = emulator.user(508_123_456, first_name="Noa")
    await bot.say(noa, "/start")
    await bot.tap(noa, "✓ Français")
    goodbye = await bot.tap(noa, "❌ Non merci")
    assert "Je n'ai rien gardé" in texts(goodbye) and "/start" in texts(goodbye)

    async with bot.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
        refusal = await session.scalar(select(ConsentRefusal))
        assert refusal is not None and refusal.text_version == CONSENT_TEXT_VERSION
    await _assert_nowhere_in_database(bot, "508123456")

    again = await bot.say(noa, "/start")
    assert again[-1].button_labels[0] == "✓ Français", "coming back starts over"


async def test_an_old_no_thanks_button_does_not_erase_a_set_up_person(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    ines = emulator.user(509, first_name="Inès")
    await bot.say(ines, "/start")
    consent = await bot.tap(ines, "✓ Français")
    details = await bot.tap(ines, "ℹ️ En savoir plus")
    await bot.tap(ines, "✅ J'accepte", message_id=consent[-1].message_id)
    answer = await bot.tap(ines, "❌ Non merci", message_id=details[-1].message_id)
    assert len(answer) == 1, "the stale button said and the menu, in one message"
    assert "Ce bouton n'est plus actif" in answer[0].text
    assert answer[0].button_labels[1] == "📋 Démarches"
    async with bot.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_restart_in_the_middle_of_onboarding_resumes(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    omar = emulator.user(510, first_name="Omar", language_code="ar")
    await bot.say(omar, "/start")
    consent = await bot.tap(omar, RIGHT_TO_LEFT_MARK + "English")

    await bot.restart()

    resumed = await bot.say(omar, "hello?")
    assert resumed[-1].button_labels == consent[-1].button_labels, "consent asked again, in English"
    menu = await bot.tap(omar, consent[-1].button_labels[0], message_id=consent[-1].message_id)
    assert menu[-1].button_labels[1].startswith("📋")


async def test_help_works_before_consent_and_creates_nothing(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    yara = emulator.user(511, first_name="Yara", language_code="en")
    answer = await bot.say(yara, "/help")
    assert "115" in texts(answer) and "3114" in texts(answer)
    answer = await bot.say(yara, "/aide")
    assert "115" in texts(answer)
    async with bot.services.db() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0


async def test_language_can_change_any_time(bot: BotHarness, emulator: BotApiEmulator) -> None:
    tom = emulator.user(512, first_name="Tom")
    await bot.say(tom, "/start")
    await bot.tap(tom, "✓ Français")
    await bot.tap(tom, "✅ J'accepte")
    picker = await bot.say(tom, "/langue")
    answer = await bot.tap(tom, "Українська", message_id=picker[-1].message_id)
    assert "українською" in texts(answer).lower()
    menu = await bot.say(tom, "/menu")
    assert menu[-1].button_labels[1] != "📋 Démarches"


async def test_commands_are_registered_in_every_language(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    descriptions = {
        language: {c["command"]: c["description"] for c in emulator.commands[("default", language)]}
        for language in ("", "fr", "en", "ar", "uk")
    }
    assert descriptions[""] == descriptions["fr"]
    assert descriptions["fr"]["aide"] == "Aide et contacts d'urgence"
    assert "help" in descriptions["en"] and "aide" not in descriptions["en"]
    assert descriptions["en"]["menu"] != descriptions["fr"]["menu"]
    assert descriptions["uk"]["langue"] != descriptions["fr"]["langue"]
    assert ARABIC_LETTER.search(descriptions["ar"]["effacer"])


async def _assert_nowhere_in_database(bot: BotHarness, needle: str) -> None:
    """No column of any table holds the value (the Telegram id, a name...)."""
    from storage.models import Base

    async with bot.services.db() as session:
        for table in Base.metadata.sorted_tables:
            for row in (await session.execute(select(table))).all():
                assert all(needle not in str(value) for value in row), (table.name, row)
