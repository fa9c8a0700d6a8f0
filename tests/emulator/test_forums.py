"""Forum supergroups (topics) and ``my_chat_member``, shaped as the real Bot API shapes them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from telegram import Bot, Update

from emulator import BotApiEmulator, FakeSupergroup
from tests.emulator.conftest import Api

FORUM = -1001234567890
THREAD_NOT_FOUND = (400, "Bad Request: message thread not found")
NOT_A_FORUM = (400, "Bad Request: the chat is not a forum")
KEYBOARD = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def pending(api: Api, **params: Any) -> list[dict[str, Any]]:
    updates: list[dict[str, Any]] = await api.call("getUpdates", **params)
    return updates


async def new_topic(api: Api, name: str, chat_id: int = FORUM) -> int:
    topic = await api.call("createForumTopic", chat_id=chat_id, name=name)
    thread: int = topic["message_thread_id"]
    return thread


def assert_conforms(emu: BotApiEmulator, type_name: str, value: object) -> None:
    assert emu.spec.check(type_name, value) == [], value


@pytest.mark.asyncio
async def test_supergroups_are_memoised_and_shaped(emu: BotApiEmulator) -> None:
    forum = emu.supergroup(FORUM)
    assert emu.supergroup(FORUM) is forum and emu.chat(FORUM) is forum
    assert isinstance(forum, FakeSupergroup) and forum.topics == {}
    assert forum.chat_dict() == {
        "id": FORUM,
        "type": "supergroup",
        "title": "Équipe",
        "is_forum": True,
    }
    plain = emu.supergroup(-1009, title="Plain", is_forum=False)
    assert plain.chat_dict() == {"id": -1009, "type": "supergroup", "title": "Plain"}
    emu.group(-5)
    with pytest.raises(ValueError):
        emu.supergroup(-5)
    with pytest.raises(ValueError):
        emu.supergroup(5)


@pytest.mark.asyncio
async def test_create_a_topic_and_send_in_it(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    created = await api.call("createForumTopic", chat_id=FORUM, name="Dossier 12")
    assert created == {"message_thread_id": 2, "name": "Dossier 12", "icon_color": 7322096}
    assert_conforms(emu, "ForumTopic", created)
    thread = created["message_thread_id"]
    assert forum.topic("Dossier 12") is forum.topics[thread]

    sent = await api.call(
        "sendMessage",
        chat_id=FORUM,
        message_thread_id=thread,
        text="Bonjour",
        reply_markup=KEYBOARD,
    )
    assert_conforms(emu, "Message", sent)
    assert sent["message_id"] == 3, "the topic took message id 2"
    assert sent["message_thread_id"] == thread and sent["is_topic_message"] is True
    assert sent["chat"]["is_forum"] is True
    opening = sent["reply_to_message"]
    assert opening["message_id"] == thread and opening["from"]["is_bot"] is True
    assert opening["forum_topic_created"] == {"name": "Dossier 12", "icon_color": 7322096}
    assert forum.topic_messages(thread) == [forum.last_message]
    assert forum.last_message.message_thread_id == thread

    general = await api.call("sendMessage", chat_id=FORUM, text="General")
    assert "message_thread_id" not in general and "is_topic_message" not in general
    assert forum.topic_messages(thread) == [forum.messages[0]]

    edited = await api.call(
        "editMessageText", chat_id=FORUM, message_id=3, text="Bonsoir", reply_markup=KEYBOARD
    )
    assert edited["message_thread_id"] == thread and edited["is_topic_message"] is True
    unmarked = await api.call("editMessageReplyMarkup", chat_id=FORUM, message_id=3)
    assert unmarked["message_thread_id"] == thread and "reply_markup" not in unmarked
    photo = await api.client.post(
        "sendPhoto",
        data={"chat_id": str(FORUM), "message_thread_id": str(thread), "caption": "Plan"},
        files={"photo": ("plan.png", PNG, "image/png")},
    )
    assert photo.status_code == 200, photo.json()
    photo_id = photo.json()["result"]["message_id"]
    recaptioned = await api.call(
        "editMessageCaption", chat_id=FORUM, message_id=photo_id, caption="Plan v2"
    )
    assert recaptioned["message_thread_id"] == thread and recaptioned["caption"] == "Plan v2"
    document = await api.client.post(
        "sendDocument",
        data={"chat_id": str(FORUM), "message_thread_id": str(thread)},
        files={"document": ("notes.txt", b"notes", "text/plain")},
    )
    assert document.json()["result"]["message_thread_id"] == thread
    assert [m.text for m in forum.topic_messages(thread)] == ["Bonsoir", "Plan v2", ""]

    other = await api.call("createForumTopic", chat_id=FORUM, name="  Autre  ", icon_color=16766590)
    assert other["message_thread_id"] == 7 and other["name"] == "Autre"
    assert other["icon_color"] == 16766590
    assert emu.violations == []


@pytest.mark.asyncio
async def test_a_reply_goes_to_the_topic_of_the_message_it_answers(
    emu: BotApiEmulator, api: Api
) -> None:
    forum = emu.supergroup(FORUM)
    ann = emu.user(1, first_name="Ann")
    thread = await new_topic(api, "Questions")
    await forum.send_text(ann, "Une question", topic=thread)
    reply = await api.call(
        "sendMessage", chat_id=FORUM, text="Réponse", reply_parameters={"message_id": 3}
    )
    assert reply["message_thread_id"] == thread and reply["is_topic_message"] is True
    assert reply["reply_to_message"]["text"] == "Une question"
    assert "reply_to_message" not in reply["reply_to_message"], "replies are not nested"
    assert forum.topic_messages(thread)[0].text == "Réponse"


@pytest.mark.asyncio
async def test_users_write_in_topics(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    ann = emu.user(1, first_name="Ann")
    thread = await new_topic(api, "Dossier")
    in_topic = await forum.send_text(ann, "Dans le sujet", topic=thread)
    in_general = await forum.send_text(ann, "Dans Général")
    bot_id = (await api.call("sendMessage", chat_id=FORUM, message_thread_id=thread, text="Oui"))[
        "message_id"
    ]
    answer = await forum.send_text(ann, "Merci", reply_to=bot_id)
    await forum.send_photo(ann, topic=thread, caption="Photo")
    await forum.edit_text(ann, 3, "Dans le sujet (modifié)")
    updates = await pending(api)
    assert [u["update_id"] for u in updates][:3] == [in_topic, in_general, answer]
    for update in updates:
        assert_conforms(emu, "Update", update)
    first, general, replied, photo = (u["message"] for u in updates[:4])
    assert first["message_thread_id"] == thread and first["is_topic_message"] is True
    assert first["chat"] == forum.chat_dict() and first["from"]["id"] == 1
    assert first["reply_to_message"]["forum_topic_created"]["name"] == "Dossier"
    assert "message_thread_id" not in general and "is_topic_message" not in general
    assert "reply_to_message" not in general
    assert replied["message_thread_id"] == thread and replied["is_topic_message"] is True
    assert replied["reply_to_message"]["message_id"] == bot_id
    assert photo["message_thread_id"] == thread and photo["caption"] == "Photo"
    assert len(photo["photo"]) == 3
    edited = updates[4]["edited_message"]
    assert edited["text"] == "Dans le sujet (modifié)" and edited["message_thread_id"] == thread
    assert edited["is_topic_message"] is True and "edit_date" in edited

    parsed = Update.de_json(updates[0], Bot(emu.token))
    assert parsed.message is not None and parsed.message.is_topic_message
    assert parsed.message.message_thread_id == thread
    assert parsed.message.chat.is_forum

    with pytest.raises(LookupError):
        await forum.send_text(ann, "x", topic=99)
    with pytest.raises(ValueError, match="not in topic"):
        await forum.send_text(ann, "x", topic=thread, reply_to=4)
    with pytest.raises(LookupError):
        await forum.edit_text(emu.user(2), 3, "not theirs")


@pytest.mark.asyncio
async def test_an_admin_opens_a_topic(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    admin = emu.user(1, first_name="Admin")
    update_id = await forum.create_topic(admin, "Accueil", icon_color=9367192)
    topic = forum.topic("Accueil")
    (update,) = await pending(api)
    assert update["update_id"] == update_id
    assert_conforms(emu, "Update", update)
    message = update["message"]
    assert message["message_id"] == topic.message_thread_id == message["message_thread_id"]
    assert message["forum_topic_created"] == {"name": "Accueil", "icon_color": 9367192}
    assert message["from"]["id"] == 1 and message["is_topic_message"] is True
    sent = await api.call(
        "sendMessage", chat_id=FORUM, message_thread_id=topic.message_thread_id, text="Salut"
    )
    assert sent["reply_to_message"]["from"]["id"] == 1
    with pytest.raises(LookupError):
        forum.topic("Nope")


@pytest.mark.asyncio
async def test_a_deleted_topic_is_gone_with_its_messages(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    ann = emu.user(1)
    kept, lost = await new_topic(api, "Kept"), await new_topic(api, "Lost")
    await api.call("sendMessage", chat_id=FORUM, message_thread_id=kept, text="stays")
    gone = await api.call("sendMessage", chat_id=FORUM, message_thread_id=lost, text="goes")
    await forum.send_text(ann, "mine", topic=lost)
    forum.delete_topic(lost)
    assert forum.topics[lost].deleted and forum.topic_messages(lost) == []
    assert [m.text for m in forum.messages] == ["stays"]
    assert forum.deleted_messages[0].text == "goes" and forum.deleted_messages[0].deleted
    assert forum.user_messages == {}
    assert (
        await api.error("sendMessage", chat_id=FORUM, message_thread_id=lost, text="hello?")
        == THREAD_NOT_FOUND
    )
    assert (
        await api.error("sendMessage", chat_id=FORUM, message_thread_id=999, text="x")
        == THREAD_NOT_FOUND
    )
    assert (
        await api.error(
            "sendMessage", chat_id=FORUM, message_thread_id=1, text="General has no thread id"
        )
        == THREAD_NOT_FOUND
    )
    assert await api.error(
        "editMessageText", chat_id=FORUM, message_id=gone["message_id"], text="x"
    ) == (400, "Bad Request: message to edit not found")
    assert [m.text for m in forum.messages] == ["stays"], "refusals sent nothing"
    with pytest.raises(LookupError):
        forum.delete_topic(lost)
    with pytest.raises(LookupError):
        await forum.send_text(ann, "x", topic=lost)

    assert await api.call("deleteForumTopic", chat_id=FORUM, message_thread_id=kept) is True
    assert forum.messages == [] and forum.topics[kept].deleted
    assert await api.error("deleteForumTopic", chat_id=FORUM, message_thread_id=kept) == (
        400,
        "Bad Request: TOPIC_ID_INVALID",
    )


@pytest.mark.asyncio
async def test_topics_need_a_forum(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1)
    emu.group(-5)
    plain = emu.supergroup(-1009, is_forum=False)
    for chat_id in (-5, -1009, 1):
        assert await api.error("createForumTopic", chat_id=chat_id, name="T") == NOT_A_FORUM
    assert await api.error("closeForumTopic", chat_id=-1009, message_thread_id=2) == NOT_A_FORUM
    assert await api.error("createForumTopic", chat_id=-404, name="T") == (
        400,
        "Bad Request: chat not found",
    )
    # a thread id is ignored where there are no topics, refused in a private chat
    group_message = await api.call("sendMessage", chat_id=-5, message_thread_id=7, text="x")
    assert "message_thread_id" not in group_message
    plain_message = await api.call("sendMessage", chat_id=-1009, message_thread_id=7, text="y")
    assert "message_thread_id" not in plain_message
    assert (
        await api.error("sendMessage", chat_id=1, message_thread_id=7, text="z") == THREAD_NOT_FOUND
    )
    with pytest.raises(ValueError, match="not a forum"):
        await plain.send_text(emu.user(1), "x", topic=2)


@pytest.mark.asyncio
async def test_replies_form_threads_in_a_plain_supergroup(emu: BotApiEmulator, api: Api) -> None:
    plain = emu.supergroup(-1009, is_forum=False)
    ann, bob = emu.user(1), emu.user(2)
    await plain.send_text(ann, "root")
    await plain.send_text(bob, "reply", reply_to=2)
    await plain.send_text(ann, "reply to the reply", reply_to=3)
    root, reply, deeper = (u["message"] for u in await pending(api))
    assert "message_thread_id" not in root
    assert reply["message_thread_id"] == 2 and "is_topic_message" not in reply
    assert deeper["message_thread_id"] == 2 and deeper["reply_to_message"]["message_id"] == 3


@pytest.mark.asyncio
async def test_copy_a_message_into_a_topic(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    user = emu.user(1)
    await user.send_photo(caption="Justificatif")
    await user.send_text("Mon message")
    thread = await new_topic(api, "Pièces")
    copied = await api.call(
        "copyMessage", chat_id=FORUM, message_thread_id=thread, from_chat_id=1, message_id=1
    )
    message = forum.bot_message(copied["message_id"])
    assert message is not None and message.message_thread_id == thread
    assert message.photo is not None and message.text == "Justificatif"
    await api.call(
        "copyMessage", chat_id=FORUM, message_thread_id=thread, from_chat_id=1, message_id=2
    )
    assert [m.text for m in forum.topic_messages(thread)] == ["Justificatif", "Mon message"]
    api_message = emu.message_dict(forum.last_message)
    assert api_message["is_topic_message"] is True
    assert api_message["reply_to_message"]["forum_topic_created"]["name"] == "Pièces"
    forum.delete_topic(thread)
    assert (
        await api.error(
            "copyMessage", chat_id=FORUM, message_thread_id=thread, from_chat_id=1, message_id=2
        )
        == THREAD_NOT_FOUND
    )
    assert forum.messages == []


@pytest.mark.asyncio
async def test_edit_close_and_reopen_a_topic(emu: BotApiEmulator, api: Api) -> None:
    forum = emu.supergroup(FORUM)
    thread = await new_topic(api, "Ancien nom")
    topic = forum.topics[thread]
    not_modified = (400, "Bad Request: TOPIC_NOT_MODIFIED")
    assert await api.call("editForumTopic", chat_id=FORUM, message_thread_id=thread) is True
    assert await api.call(
        "editForumTopic", chat_id=FORUM, message_thread_id=thread, name="Nouveau nom"
    )
    assert topic.name == "Nouveau nom" and forum.topic("Nouveau nom") is topic
    assert (
        await api.error(
            "editForumTopic", chat_id=FORUM, message_thread_id=thread, name="Nouveau nom"
        )
        == not_modified
    )
    assert await api.call(
        "editForumTopic",
        chat_id=FORUM,
        message_thread_id=thread,
        icon_custom_emoji_id="5312536423851630001",
    )
    assert topic.icon_custom_emoji_id == "5312536423851630001"
    assert await api.call(
        "editForumTopic", chat_id=FORUM, message_thread_id=thread, icon_custom_emoji_id=""
    )
    assert topic.icon_custom_emoji_id is None
    assert await api.call("closeForumTopic", chat_id=FORUM, message_thread_id=thread) is True
    assert topic.closed
    assert (
        await api.error("closeForumTopic", chat_id=FORUM, message_thread_id=thread) == not_modified
    )
    assert await api.call("reopenForumTopic", chat_id=FORUM, message_thread_id=thread) is True
    assert not topic.closed
    assert await api.error("editForumTopic", chat_id=FORUM, message_thread_id=42, name="x") == (
        400,
        "Bad Request: TOPIC_ID_INVALID",
    )
    assert emu.violations == []


@pytest.mark.asyncio
async def test_bad_topic_names(emu: BotApiEmulator, api: Api) -> None:
    emu.supergroup(FORUM)
    status, description = await api.error("createForumTopic", chat_id=FORUM, name="x" * 129)
    assert status == 400 and description.startswith("Bad Request: spec violation: name: length")
    emu.clear_violations()
    assert await api.error("createForumTopic", chat_id=FORUM, name="   ") == (
        400,
        "Bad Request: title must be non-empty",
    )
    assert emu.violations == []


@pytest.mark.asyncio
async def test_block_sends_my_chat_member_when_allowed(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(3, first_name="Zoé")
    allowed = ["message", "my_chat_member"]
    assert await pending(api, allowed_updates=allowed) == []
    blocked = user.block()
    assert user.block() is None, "no change, no update"
    unblocked = user.unblock()
    assert user.unblock() is None
    updates = await pending(api)
    assert [u["update_id"] for u in updates] == [blocked, unblocked]
    for update in updates:
        assert_conforms(emu, "Update", update)
    first = updates[0]["my_chat_member"]
    bot_user = emu.bot_user()
    assert first["chat"] == {"id": 3, "type": "private", "first_name": "Zoé"}
    assert first["from"] == user.user_dict() and first["date"] == emu.now()
    assert first["old_chat_member"] == {"status": "member", "user": bot_user}
    assert first["new_chat_member"] == {"status": "kicked", "user": bot_user, "until_date": 0}
    second = updates[1]["my_chat_member"]
    assert second["old_chat_member"]["status"] == "kicked"
    assert second["new_chat_member"] == {"status": "member", "user": bot_user}

    parsed = Update.de_json(updates[0], Bot(emu.token))
    assert parsed.my_chat_member is not None
    assert parsed.my_chat_member.new_chat_member.status == "kicked"
    assert parsed.effective_user is not None and parsed.effective_user.id == 3


@pytest.mark.asyncio
async def test_my_chat_member_is_not_delivered_when_not_allowed(
    emu: BotApiEmulator, api: Api
) -> None:
    user = emu.user(3)
    assert await pending(api, allowed_updates=["message", "callback_query"]) == []
    user.block()
    assert await api.error("sendMessage", chat_id=3, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    user.unblock()
    said = await user.send_text("back")
    assert [u["update_id"] for u in await pending(api)] == [said]
    assert emu.queue.info()["pending_update_count"] == 1


@pytest.mark.asyncio
async def test_block_wakes_a_long_poll(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(3)
    poll = asyncio.create_task(pending(api, timeout=30))
    await asyncio.sleep(0.05)
    assert not poll.done()
    user.block()
    (update,) = await asyncio.wait_for(poll, 5)
    assert update["my_chat_member"]["new_chat_member"]["status"] == "kicked"


def test_block_needs_no_event_loop() -> None:
    emu = BotApiEmulator()
    blocked = emu.user(3).block()  # from synchronous code: queued, delivered once polled

    async def poll() -> list[dict[str, Any]]:
        await emu.start()
        try:
            return await emu.queue.get_updates(0, 100, 0, None)
        finally:
            await emu.stop()

    (update,) = asyncio.run(poll())
    assert update["update_id"] == blocked and "my_chat_member" in update
