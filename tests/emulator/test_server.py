"""The HTTP surface: routing, body formats, spec enforcement and the real server's errors."""

from __future__ import annotations

import json

import httpx
import pytest

from emulator import BotApiEmulator
from tests.emulator.conftest import Api, FakeClock

KEYBOARD = {
    "inline_keyboard": [
        [{"text": "Yes", "callback_data": "yes"}, {"text": "No", "callback_data": "no"}]
    ]
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)


@pytest.mark.asyncio
async def test_routing_token_and_method_names(emu: BotApiEmulator, api: Api) -> None:
    me = await api.call("getMe")
    assert me["id"] == 123456 and me["is_bot"] is True and me["username"] == "alliance_test_bot"
    assert (await api.call("GETME"))["id"] == 123456
    assert await api.error("sendTelegram") == (404, "Not Found: method not found")
    async with httpx.AsyncClient(trust_env=False) as client:
        wrong = await client.post(f"{emu.base_url}654321:other/getMe")
        assert wrong.status_code == 401
        assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
        assert (await client.get(emu.base_url.removesuffix("/bot") + "/nothing")).status_code == 404
    assert [r.method for r in emu.requests] == ["getMe", "getMe", "sendTelegram", "getMe"]


@pytest.mark.asyncio
async def test_json_and_query_string_bodies(emu: BotApiEmulator, api: Api) -> None:
    emu.user(7)
    sent = await api.client.post("sendMessage", json={"chat_id": 7, "text": "123"})
    assert sent.status_code == 200 and sent.json()["result"]["text"] == "123"
    got = await api.client.get("sendMessage", params={"chat_id": "7", "text": "hello"})
    assert got.json()["result"]["message_id"] == 2
    assert emu.user(7).messages[0].text == "123"


@pytest.mark.asyncio
async def test_send_message_shape_and_storage(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(10, first_name="Ann")
    result = await api.call(
        "sendMessage",
        chat_id=10,
        text="<b>Hi</b> &amp; bye",
        parse_mode="HTML",
        reply_markup=KEYBOARD,
    )
    assert result["chat"] == {"id": 10, "type": "private", "first_name": "Ann"}
    assert result["from"] == {
        "id": 123456,
        "is_bot": True,
        "first_name": "Alliance",
        "username": "alliance_test_bot",
    }
    assert result["text"] == "Hi & bye" and result["reply_markup"] == KEYBOARD
    assert result["entities"] == [{"type": "bold", "offset": 0, "length": 2}]
    message = user.last_message
    assert (message.text, message.raw_text, message.parse_mode) == (
        "Hi & bye",
        "<b>Hi</b> &amp; bye",
        "HTML",
    )
    assert message.button_labels == ["Yes", "No"] and message.buttons[0][1].callback_data == "no"


@pytest.mark.asyncio
async def test_reply_keyboards_are_stored_but_not_echoed(emu: BotApiEmulator, api: Api) -> None:
    emu.user(11)
    markup = {"keyboard": [[{"text": "Share", "request_contact": True}]], "resize_keyboard": True}
    result = await api.call("sendMessage", chat_id=11, text="Please", reply_markup=markup)
    assert "reply_markup" not in result
    assert (
        emu.user(11).last_message.reply_markup == markup and emu.user(11).last_message.buttons == []
    )


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"chat_id": 1, "text": ""}, "Bad Request: message text is empty"),
        ({"chat_id": 1, "text": " \n "}, "Bad Request: message text is empty"),
        (
            {"chat_id": 1, "text": "<b></b>", "parse_mode": "HTML"},
            "Bad Request: message text is empty",
        ),
        ({"chat_id": 1, "text": "😀" * 2049}, "Bad Request: message is too long"),
        (
            {"chat_id": 1, "text": "a <x> b", "parse_mode": "HTML"},
            'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 2',
        ),
        (
            {
                "chat_id": 1,
                "text": "t",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        (
            {
                "chat_id": 1,
                "text": "t",
                "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": ""}]]},
            },
            "Bad Request: BUTTON_DATA_INVALID",
        ),
        ({"chat_id": 999, "text": "hi"}, "Bad Request: chat not found"),
        ({"chat_id": "@nobody", "text": "hi"}, "Bad Request: chat not found"),
    ],
)
async def test_send_message_errors(
    emu: BotApiEmulator, api: Api, params: dict[str, object], description: str
) -> None:
    emu.user(1)
    assert await api.error("sendMessage", **params) == (400, description)
    assert emu.user(1).messages == []


@pytest.mark.asyncio
async def test_blocked_user(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(3)
    user.block()
    assert await api.error("sendMessage", chat_id=3, text="hi") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    assert await api.error("sendChatAction", chat_id=3, action="typing") == (
        403,
        "Forbidden: bot was blocked by the user",
    )
    user.unblock()
    assert await api.call("sendChatAction", chat_id=3, action="typing") is True
    assert user.chat_actions == ["typing"]


@pytest.mark.asyncio
async def test_strict_mode_rejects_spec_violations(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1)
    status, description = await api.error("sendMessage", chat_id=1, text="hi", colour="red")
    assert (status, description) == (400, "Bad Request: spec violation: colour: unknown parameter")
    assert [str(v) for v in emu.violations] == ["sendMessage.colour: unknown parameter"]
    assert emu.requests[-1].status == 400
    emu.clear_violations()
    assert emu.violations == []


@pytest.mark.asyncio
async def test_real_errors_win_over_spec_violations(emu: BotApiEmulator, api: Api) -> None:
    emu.user(1)
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "x" * 65}]]}
    assert await api.error("sendMessage", chat_id=1, text="t", reply_markup=markup) == (
        400,
        "Bad Request: BUTTON_DATA_INVALID",
    )
    assert len(emu.violations) == 1


@pytest.mark.asyncio
async def test_lenient_mode_records_but_answers() -> None:
    emu = BotApiEmulator(strict=False)
    await emu.start()
    try:
        emu.user(1)
        async with httpx.AsyncClient(
            base_url=f"{emu.base_url}{emu.token}/", trust_env=False
        ) as client:
            response = await client.post(
                "sendMessage", data={"chat_id": "1", "text": "hi", "colour": "red"}
            )
        assert response.status_code == 200
        assert len(emu.violations) == 1
    finally:
        await emu.stop()


@pytest.mark.asyncio
async def test_other_spec_methods_answer_true(emu: BotApiEmulator, api: Api) -> None:
    assert await api.call("setMyDescription", description="Hello") is True
    assert await api.call("close") is True and await api.call("logOut") is True
    assert emu.violations == []


@pytest.mark.asyncio
async def test_edit_message_text(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(5)
    sent = await api.call("sendMessage", chat_id=5, text="Question?", reply_markup=KEYBOARD)
    mid = sent["message_id"]
    before = user.last_message.sequence
    assert await api.error(
        "editMessageText", chat_id=5, message_id=mid, text="Question?", reply_markup=KEYBOARD
    ) == (
        400,
        NOT_MODIFIED,
    )
    edited = await api.call("editMessageText", chat_id=5, message_id=mid, text="Answered")
    assert edited["text"] == "Answered" and "reply_markup" not in edited and "edit_date" in edited
    message = user.last_message
    assert (
        message.edited
        and message.text == "Answered"
        and message.buttons == []
        and message.sequence > before
    )
    assert await api.error("editMessageText", chat_id=5, message_id=99, text="x") == (
        400,
        "Bad Request: message to edit not found",
    )
    assert await api.error("editMessageText", chat_id=5, message_id=mid, text="") == (
        400,
        "Bad Request: message text is empty",
    )


@pytest.mark.asyncio
async def test_edit_reply_markup_and_delete(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(6)
    mid = (await api.call("sendMessage", chat_id=6, text="Pick", reply_markup=KEYBOARD))[
        "message_id"
    ]
    assert await api.error(
        "editMessageReplyMarkup", chat_id=6, message_id=mid, reply_markup=KEYBOARD
    ) == (
        400,
        NOT_MODIFIED,
    )
    result = await api.call("editMessageReplyMarkup", chat_id=6, message_id=mid)
    assert "reply_markup" not in result and user.last_message.buttons == []
    assert await api.call("deleteMessage", chat_id=6, message_id=mid) is True
    assert user.messages == [] and user.deleted_messages[0].deleted
    assert await api.error("deleteMessage", chat_id=6, message_id=mid) == (
        400,
        "Bad Request: message to delete not found",
    )


@pytest.mark.asyncio
async def test_answer_callback_query(emu: BotApiEmulator, api: Api, fake_clock: FakeClock) -> None:
    user = emu.user(8)
    await api.call("sendMessage", chat_id=8, text="Pick", reply_markup=KEYBOARD)
    invalid = (
        400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid",
    )
    assert await api.error("answerCallbackQuery", callback_query_id="nope") == invalid

    await user.tap("Yes")
    first = emu.unanswered_callback_queries()[0]
    assert (
        await api.call("answerCallbackQuery", callback_query_id=first, text="Done", show_alert=True)
        is True
    )
    assert await api.error("answerCallbackQuery", callback_query_id=first) == invalid
    assert user.callback_answers[0].text == "Done" and user.callback_answers[0].show_alert

    await user.tap("No")
    late = emu.unanswered_callback_queries()[0]
    fake_clock.now += 151
    assert await api.error("answerCallbackQuery", callback_query_id=late) == invalid
    assert emu.unanswered_callback_queries() == [late]


@pytest.mark.asyncio
async def test_commands_are_stored_per_scope_and_language(emu: BotApiEmulator, api: Api) -> None:
    fr = [{"command": "start", "description": "Commencer"}]
    en = [{"command": "start", "description": "Start"}, {"command": "help", "description": "Help"}]
    await api.call("setMyCommands", commands=fr, language_code="fr")
    await api.call("setMyCommands", commands=en, scope={"type": "all_private_chats"})
    assert emu.commands == {("default", "fr"): fr, ("all_private_chats", ""): en}
    assert await api.call("getMyCommands", language_code="fr") == fr
    assert await api.call("getMyCommands") == []
    assert await api.error(
        "setMyCommands", commands=[{"command": "Start", "description": "x"}]
    ) == (
        400,
        "Bad Request: BOT_COMMAND_INVALID",
    )
    await api.call("deleteMyCommands", language_code="fr")
    assert list(emu.commands) == [("all_private_chats", "")]


@pytest.mark.asyncio
async def test_send_document_multipart(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(9)
    response = await api.client.post(
        "sendDocument",
        data={"chat_id": "9", "caption": "<i>Your file</i>", "parse_mode": "HTML"},
        files={"document": ("export.csv", b"a,b\n1,2\n", "text/csv")},
    )
    body = response.json()
    assert response.status_code == 200, body
    assert body["result"]["document"]["file_name"] == "export.csv"
    assert body["result"]["caption"] == "Your file"
    message = user.last_message
    assert message.document is not None and message.document["file_size"] == 8
    assert message.text == "Your file"
    assert emu.requests[-1].params["document"].filename == "export.csv"
    assert await api.error(
        "editMessageText", chat_id=9, message_id=message.message_id, text="x"
    ) == (
        400,
        "Bad Request: there is no text in the message to edit",
    )


@pytest.mark.asyncio
async def test_reply_parameters(emu: BotApiEmulator, api: Api) -> None:
    user = emu.user(12)
    await user.send_text("hello")
    result = await api.call(
        "sendMessage", chat_id=12, text="hi", reply_parameters={"message_id": 1}
    )
    assert result["reply_to_message"]["text"] == "hello"
    assert await api.error(
        "sendMessage", chat_id=12, text="hi", reply_parameters={"message_id": 50}
    ) == (
        400,
        "Bad Request: message to be replied not found",
    )


@pytest.mark.asyncio
async def test_requests_record_decoded_params(emu: BotApiEmulator, api: Api) -> None:
    emu.user(13)
    await api.call("sendMessage", chat_id=13, text="42", reply_markup=KEYBOARD)
    recorded = emu.requests[-1]
    assert recorded.method == "sendMessage" and recorded.status == 200
    assert recorded.params == {"chat_id": 13, "text": "42", "reply_markup": KEYBOARD}
    assert recorded.response["result"]["text"] == "42"
    assert json.dumps(recorded.response)
