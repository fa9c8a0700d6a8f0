"""Simulated users: the updates they produce and how tests read the bot's answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Bot, Update

from emulator import BotApiEmulator, FakeUser
from tests.emulator.conftest import Api


async def pending(api: Api) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = await api.call("getUpdates")
    return updates


async def keyboard(api: Api, chat_id: int, *labels: str, text: str = "Pick") -> int:
    rows = [[{"text": label, "callback_data": f"cb:{label}"}] for label in labels]
    result = await api.call(
        "sendMessage", chat_id=chat_id, text=text, reply_markup={"inline_keyboard": rows}
    )
    message_id: int = result["message_id"]
    return message_id


@pytest.mark.asyncio
async def test_users_are_memoised(emu: BotApiEmulator) -> None:
    ann = emu.user(1, first_name="Ann", username="ann")
    assert emu.user(1) is ann and ann.chat_id == ann.id == 1 and ann.language_code == "fr"
    assert emu.group(-5) is emu.group(-5)
    with pytest.raises(ValueError):
        emu.group(5)


@pytest.mark.asyncio
async def test_every_update_kind_parses_with_ptb(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1, first_name="Ann", last_name="Lee", username="ann", language_code="en")
    await user.send_text("/start@alliance_test_bot payload")
    await user.send_sticker()
    await user.send_photo()
    await user.send_voice()
    await user.send_location()
    await user.send_contact()
    await user.send_document()
    await user.edit_text(1, "/help")
    bot = Bot(emu.token)
    updates = [Update.de_json(data, bot) for data in await pending(api)]
    assert [u.update_id for u in updates] == list(range(1, 9))
    first = updates[0].message
    assert first is not None and first.from_user is not None
    assert first.from_user.language_code == "en" and first.chat.type == "private"
    assert first.entities[0].type == "bot_command" and first.entities[0].length == len(
        "/start@alliance_test_bot"
    )
    kinds = [u.message for u in updates[1:7]]
    assert all(m is not None for m in kinds)
    assert (
        kinds[0] is not None and kinds[0].sticker is not None and kinds[0].sticker.type == "regular"
    )
    assert kinds[1] is not None and len(kinds[1].photo) == 3
    assert kinds[2] is not None and kinds[2].voice is not None
    assert (
        kinds[3] is not None
        and kinds[3].location is not None
        and kinds[3].location.latitude == 48.85
    )
    assert kinds[4] is not None and kinds[4].contact is not None and kinds[4].contact.user_id == 1
    assert kinds[5] is not None and kinds[5].document is not None
    edited = updates[7].edited_message
    assert edited is not None and edited.text == "/help" and edited.edit_date is not None


@pytest.mark.asyncio
async def test_message_ids_are_shared_per_chat(emu: BotApiEmulator, api: Api) -> None:
    ann, bob = emu.user(1), emu.user(2)
    await ann.send_text("hello")
    assert (await api.call("sendMessage", chat_id=1, text="hi ann"))["message_id"] == 2
    await bob.send_text("hello")
    assert (await api.call("sendMessage", chat_id=2, text="hi bob"))["message_id"] == 2
    await ann.send_text("again")
    assert [u["message"]["message_id"] for u in await pending(api)] == [1, 1, 3]


@pytest.mark.asyncio
async def test_tap_finds_buttons_on_the_latest_keyboard(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    first = await keyboard(api, 1, "Français", "English")
    second = await keyboard(api, 1, "✅ J'accepte", "❌ Non merci", "Non")
    await api.call("sendMessage", chat_id=1, text="no keyboard here")
    await user.tap("J'accepte")
    await user.tap("Non")  # exact match beats the substring match
    await user.tap("English", message_id=first)
    queries = [u["callback_query"] for u in await pending(api)]
    assert [q["data"] for q in queries] == ["cb:✅ J'accepte", "cb:Non", "cb:English"]
    assert [q["message"]["message_id"] for q in queries] == [second, second, first]
    assert len({q["id"] for q in queries}) == 3 and len({q["chat_instance"] for q in queries}) == 1
    assert queries[0]["from"]["id"] == 1
    with pytest.raises(LookupError, match="Français"):
        await user.tap("Deutsch", message_id=first)
    with pytest.raises(ValueError, match="several"):
        await user.tap("on")
    for query_id in emu.unanswered_callback_queries():
        await api.call("answerCallbackQuery", callback_query_id=query_id)


@pytest.mark.asyncio
async def test_tap_rejects_url_buttons_and_empty_chats(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    with pytest.raises(LookupError):
        await user.tap("anything")
    markup = {"inline_keyboard": [[{"text": "Site", "url": "https://example.org"}]]}
    await api.call("sendMessage", chat_id=1, text="Link", reply_markup=markup)
    with pytest.raises(LookupError, match="no callback_data"):
        await user.tap("Site")


@pytest.mark.asyncio
async def test_tap_data_forges_arbitrary_callback_data(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    await api.call("sendMessage", chat_id=1, text="plain")
    await user.tap_data("admin:delete_all")
    (update,) = await pending(api)
    assert update["callback_query"]["data"] == "admin:delete_all"
    await api.call("answerCallbackQuery", callback_query_id=update["callback_query"]["id"])


@pytest.mark.asyncio
async def test_messages_since_includes_edits(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    old = await keyboard(api, 1, "A")
    update_id = await user.send_text("next")
    await api.call("sendMessage", chat_id=1, text="reply")
    await api.call("editMessageText", chat_id=1, message_id=old, text="edited")
    assert [(m.text, m.edited) for m in user.messages_since(update_id)] == [
        ("reply", False),
        ("edited", True),
    ]
    assert [m.text for m in user.messages] == ["edited", "reply"]
    with pytest.raises(LookupError):
        user.messages_since(999)


@pytest.mark.asyncio
async def test_wait_for_message(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(1)
    await api.call("sendMessage", chat_id=1, text="before")
    update_id = await user.send_text("question")
    waiter = asyncio.create_task(
        user.wait_for_message(lambda m: "answer" in m.text, after_update=update_id)
    )
    await asyncio.sleep(0)
    await api.call("sendMessage", chat_id=1, text="thinking")
    assert not waiter.done()
    await api.call("sendMessage", chat_id=1, text="the answer")
    assert (await asyncio.wait_for(waiter, 5)).text == "the answer"
    assert (await user.wait_for_message()).text == "before"
    with pytest.raises(TimeoutError, match="the answer"):
        await user.wait_for_message(lambda m: m.text == "never", timeout=0.05)


@pytest.mark.asyncio
async def test_last_message_needs_a_message(emu: BotApiEmulator) -> None:
    with pytest.raises(LookupError):
        _ = emu.user(1).last_message


@pytest.mark.asyncio
async def test_group_messages(emu: BotApiEmulator, api: Api) -> None:
    group = emu.group(-100, title="Team")
    ann: FakeUser = emu.user(1, first_name="Ann")
    await group.send_text(ann, "/start@alliance_test_bot")
    (update,) = await pending(api)
    message = update["message"]
    assert message["chat"] == {"id": -100, "type": "group", "title": "Team"}
    assert message["from"]["id"] == 1 and message["entities"][0]["length"] == 24
    await api.call(
        "sendMessage", chat_id=-100, text="Hello team", reply_parameters={"message_id": 1}
    )
    assert group.last_message.text == "Hello team" and ann.messages == []
