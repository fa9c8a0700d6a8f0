"""The spec validator: decoding PTB's wire values and reporting what breaks the spec."""

from __future__ import annotations

import json

from emulator.spec import UploadedFile, load_spec

SPEC = load_spec()


def messages(method: str, raw: dict[str, object]) -> list[str]:
    return [f"{v.path}: {v.message}" for v in SPEC.validate(method, raw)[1]]


def test_method_lookup_is_case_insensitive() -> None:
    assert SPEC.canonical("sendmessage") == "sendMessage"
    assert SPEC.canonical("GETME") == "getMe"
    assert SPEC.canonical("sendTelegram") is None


def test_strings_stay_raw_and_the_rest_is_json_decoded() -> None:
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    params, violations = SPEC.validate(
        "sendMessage",
        {
            "chat_id": "-100",
            "text": "123",
            "disable_notification": "true",
            "reply_markup": json.dumps(markup),
        },
    )
    assert violations == []
    assert params == {
        "chat_id": -100,
        "text": "123",
        "disable_notification": True,
        "reply_markup": markup,
    }


def test_union_of_integer_and_string_falls_back_to_string() -> None:
    params, violations = SPEC.validate("sendMessage", {"chat_id": "@channel", "text": "hi"})
    assert violations == [] and params["chat_id"] == "@channel"


def test_unknown_and_missing_parameters() -> None:
    assert messages("sendMessage", {"chat_id": "1", "txt": "hi"}) == [
        "txt: unknown parameter",
        "text: missing required parameter",
    ]
    assert messages("getMe", {"x": "1"}) == ["x: unknown parameter"]


def test_prose_conditional_parameters_are_not_required() -> None:
    assert messages("editMessageText", {"text": "hi", "inline_message_id": "abc"}) == []


def test_wrong_primitive_types() -> None:
    assert messages("getUpdates", {"timeout": "soon"}) == [
        "timeout: expected Integer, got undecodable text 'soon'"
    ]
    assert messages("getUpdates", {"limit": "1.5"}) == ["limit: expected Integer, got Float"]
    assert messages("sendMessage", {"chat_id": "1", "text": "x", "protect_content": "1"}) == [
        "protect_content: expected Boolean, got Integer"
    ]


def test_nested_inline_keyboard_is_checked() -> None:
    markup = {
        "inline_keyboard": [[{"text": "A", "callback_data": "a", "colour": "red"}, {"url": "u"}]]
    }
    assert messages(
        "sendMessage", {"chat_id": "1", "text": "x", "reply_markup": json.dumps(markup)}
    ) == [
        "reply_markup.inline_keyboard[0][0].colour: unknown field",
        "reply_markup.inline_keyboard[0][1].text: missing required field",
    ]


def test_scope_subtypes_are_discriminated_by_type() -> None:
    commands = json.dumps([{"command": "start", "description": "Start"}])
    ok = SPEC.validate(
        "setMyCommands", {"commands": commands, "scope": '{"type": "all_private_chats"}'}
    )
    assert ok[1] == []
    assert messages("setMyCommands", {"commands": commands, "scope": '{"type": "chat"}'}) == [
        "scope.chat_id: missing required field"
    ]
    bogus = messages("setMyCommands", {"commands": commands, "scope": '{"type": "everyone"}'})
    assert len(bogus) == 1 and bogus[0].startswith(
        "scope.type: expected one of all_chat_administrators"
    )


def test_length_limits_count_bytes_and_utf16_units() -> None:
    button = {"text": "A", "callback_data": "é" * 33}
    markup = json.dumps({"inline_keyboard": [[button]]})
    assert messages("sendMessage", {"chat_id": "1", "text": "x", "reply_markup": markup}) == [
        "reply_markup.inline_keyboard[0][0].callback_data: length 66 bytes is outside 1-64 bytes"
    ]
    assert messages("answerCallbackQuery", {"callback_query_id": "1", "text": "😀" * 100}) == []
    assert messages("answerCallbackQuery", {"callback_query_id": "1", "text": "😀" * 101}) == [
        "text: length 202 characters is outside 0-200 characters"
    ]
    commands = json.dumps([{"command": "x" * 33, "description": "d"}])
    assert messages("setMyCommands", {"commands": commands}) == [
        "commands[0].command: length 33 characters is outside 1-32 characters"
    ]


def test_text_limits_apply_after_html_parsing() -> None:
    text = "<b>" + "a" * 4096 + "</b>"
    assert messages("sendMessage", {"chat_id": "1", "text": text, "parse_mode": "HTML"}) == []
    assert messages("sendMessage", {"chat_id": "1", "text": text + "b", "parse_mode": "HTML"}) == [
        "text: length 4097 characters is outside 1-4096 characters"
    ]


def test_uploaded_files_and_attach_references() -> None:
    file = UploadedFile("a.txt", "text/plain", b"abc")
    assert messages("sendDocument", {"chat_id": "1", "document": file}) == []
    assert messages("sendDocument", {"chat_id": "1", "document": "attach://doc", "doc": file}) == []
    assert messages("sendMessage", {"chat_id": "1", "text": file}) == [
        "text: expected String, got UploadedFile"
    ]


def test_json_body_values_are_checked_as_they_are() -> None:
    assert messages("sendMessage", {"chat_id": 5, "text": "hi", "disable_notification": True}) == []
    assert messages("sendMessage", {"chat_id": 5, "text": 7}) == [
        "text: expected String, got Integer"
    ]
