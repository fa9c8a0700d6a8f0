"""Whatever a person sends, the bot answers kindly and shows the way on: never silence."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from emulator import BotApiEmulator, FakeUser
from tests.e2e.steps import sent
from tests.harness import BotHarness

MENU_FIRST_BUTTON = "🙋 Parler à quelqu'un"


async def _ready(bot: BotHarness, user: FakeUser) -> None:
    await bot.say(user, "/start")
    await bot.tap(user, "✓ Français")
    await bot.tap(user, "✅ J'accepte")


SENDERS: dict[str, tuple[Callable[[FakeUser], Awaitable[int]], str]] = {
    "free text": (lambda u: u.send_text("bonjour, j'ai une question"), "messages écrits"),
    "unknown command": (lambda u: u.send_text("/nimportequoi"), "cette commande"),
    "sticker": (lambda u: u.send_sticker(), "Merci"),
    "photo": (lambda u: u.send_photo(), "photos"),
    "document": (lambda u: u.send_document(), "fichiers"),
    "voice note": (lambda u: u.send_voice(), "vocaux"),
    "location": (lambda u: u.send_location(), "je ne la garde pas"),
    "contact": (lambda u: u.send_contact(), "je ne la garde pas"),
}


@pytest.mark.parametrize("kind", list(SENDERS))
async def test_unusable_input_gets_a_kind_answer_and_the_menu(
    bot: BotHarness, emulator: BotApiEmulator, kind: str
) -> None:
    user = emulator.user(601, first_name="Alex")
    await _ready(bot, user)
    send, expected = SENDERS[kind]
    update_id = await send(user)
    await bot.settle(update_id)
    answer = user.messages_since(update_id)
    assert len(answer) == 1, "the kind answer and the menu, in one message"
    assert expected in answer[0].text
    assert answer[0].button_labels[0] == MENU_FIRST_BUTTON


async def test_unknown_text_from_a_ready_person_is_one_message(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """Telegram lets a bot send about 30 messages a second in all: the answer to text the
    bot cannot read says so above the menu, in one message (it was two)."""
    user = emulator.user(607, first_name="Alex")
    await _ready(bot, user)
    answer = await bot.say(user, "bonjour, vous pouvez m'aider ?")
    assert len(answer) == 1
    (message,) = answer
    assert message.text.startswith("Je ne sais pas encore lire les messages écrits")
    assert message.text.endswith("Que voulez-vous faire ?")
    assert message.button_labels[0] == MENU_FIRST_BUTTON
    assert "🔒 Mes données" in message.button_labels


async def test_a_stale_button_is_answered_in_one_message(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    """A button this version did not write: said above the menu, in one message."""
    user = emulator.user(608, first_name="Alex")
    await _ready(bot, user)
    update_id = await user.tap_data("nothing-we-wrote")
    await bot.settle(update_id)
    answer = user.messages_since(update_id)
    assert len(answer) == 1
    assert "Ce bouton n'est plus actif" in answer[0].text
    assert "Que voulez-vous faire ?" in answer[0].text
    assert answer[0].button_labels[0] == MENU_FIRST_BUTTON
    assert user.callback_answers, "the button's spinner is stopped"


async def test_an_edited_message_is_answered(bot: BotHarness, emulator: BotApiEmulator) -> None:
    user = emulator.user(602, first_name="Alex")
    await _ready(bot, user)
    update_id = await user.send_text("un texte")
    await bot.settle(update_id)
    own_message_id = user.messages_since(update_id)[0].message_id - 1
    edit_id = await user.edit_text(own_message_id, "un autre texte")
    await bot.settle(edit_id)
    answer = user.messages_since(edit_id)
    assert len(answer) == 1
    assert "modifié un message" in answer[0].text
    assert answer[0].button_labels[0] == MENU_FIRST_BUTTON


async def test_before_consent_stray_input_brings_back_the_current_step(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(603, first_name="Alex")
    await bot.say(user, "/start")
    answer = await bot.say(user, "/menu")
    assert len(answer) == 1, "the hint and the step, in one message"
    assert "choisissez avec les boutons" in answer[0].text
    assert "Dans quelle langue" in answer[0].text
    assert answer[0].button_labels[0] == "✓ Français"
    await bot.tap(user, "✓ Français")
    update_id = await user.send_sticker()
    await bot.settle(update_id)
    assert user.messages_since(update_id)[-1].button_labels[0] == "✅ J'accepte"


async def test_someone_never_seen_writing_text_is_welcomed(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(604, first_name="Alex", language_code="en")
    answer = await bot.say(user, "hello")
    assert len(answer) == 1
    assert answer[0].button_labels[1] == "✓ English"


async def test_group_chats_get_a_pointer_to_the_private_chat(
    bot: BotHarness, emulator: BotApiEmulator
) -> None:
    user = emulator.user(605, first_name="Alex")
    group = emulator.group(-100200, title="Entraide")
    update_id = await group.send_text(user, "/start")
    await bot.settle(update_id)
    answer = group.messages_since(update_id)
    assert len(answer) == 1
    assert "conversation privée" in answer[0].text
    assert answer[0].buttons[0][0].url == "https://t.me/alliance_test_bot"
    update_id = await group.send_text(user, "on parle de nos démarches ici")
    await bot.settle(update_id)
    assert group.messages_since(update_id) == [], "plain group chatter is not the bot's business"


@pytest.mark.parametrize(
    "forged",
    [
        "l:xx",  # a language this bot does not speak
        "e:maybe",
        "c:maybe",
        "nothing-we-wrote",
        "m:1:2",
        "fs:abc123:abcd",  # cut short
        "fo:ffffff",  # a flow that does not exist
        "fs:abc123:abcd:c" + ":x" * 30,  # over 64 bytes
        "lang:fr",  # an older version's data
    ],
)
async def test_forged_or_stale_buttons_are_refused_politely(
    bot: BotHarness, emulator: BotApiEmulator, forged: str
) -> None:
    user = emulator.user(606, first_name="Alex")
    await _ready(bot, user)
    update_id = await user.tap_data(forged)
    await bot.settle(update_id)
    answer = user.messages_since(update_id)
    assert len(sent(answer)) == 1, "never silence, and one message"
    assert answer[-1].button_labels, "never a dead end"
    assert not user.callback_answers or all(a.query_id for a in user.callback_answers)
