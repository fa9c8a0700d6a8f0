"""The Bot API methods the emulator implements, with the real server's error answers."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from emulator.html import EntityParseError, format_text, utf16_len
from emulator.models import (
    DEFAULT_TOPIC_COLOR,
    ApiError,
    BotMessage,
    CallbackAnswer,
    Topic,
    bad_request,
)
from emulator.spec import UploadedFile
from emulator.users import FakeChat, FakeSupergroup, FakeUser

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

Handler = Callable[[dict[str, Any]], Awaitable[Any]]

QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly"
    " the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"
THREAD_NOT_FOUND = "message thread not found"
NOT_A_FORUM = "the chat is not a forum"
_TOPIC_NAME_LIMIT = 128
_BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_TEXT_LIMIT = 4096
_CAPTION_LIMIT = 1024


def _formatted(
    params: dict[str, Any], key: str, entities_key: str
) -> tuple[str, str, list[dict[str, Any]]]:
    """(raw, plain, entities) of a formatted text parameter; raises the server's parse errors."""
    raw = params.get(key)
    raw = raw if isinstance(raw, str) else ""
    mode = params.get("parse_mode")
    try:
        plain, entities = format_text(raw, mode if isinstance(mode, str) else None)
    except EntityParseError as exc:
        raise bad_request(str(exc)) from None
    given = params.get(entities_key)
    if not entities and isinstance(given, list) and not mode:
        entities = [e for e in given if isinstance(e, dict)]
    return raw, plain, entities


def message_text(params: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    raw, plain, entities = _formatted(params, "text", "entities")
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > _TEXT_LIMIT:
        raise bad_request("message is too long")
    return raw, plain, entities


def caption_text(params: dict[str, Any]) -> tuple[str, str, list[dict[str, Any]]]:
    raw, plain, entities = _formatted(params, "caption", "caption_entities")
    if utf16_len(plain) > _CAPTION_LIMIT:
        raise bad_request("message caption is too long")
    return raw, plain, entities


def check_reply_markup(markup: object) -> None:
    """The checks the server makes on inline keyboards (callback data size, button kind)."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    for row in rows if isinstance(rows, list) else []:
        for button in row if isinstance(row, list) else []:
            if not isinstance(button, dict):
                continue
            data = button.get("callback_data")
            if "callback_data" in button and (
                not isinstance(data, str) or not 1 <= len(data.encode()) <= 64
            ):
                raise bad_request("BUTTON_DATA_INVALID")
            if not any(key in button for key in _BUTTON_ACTIONS):
                raise bad_request(
                    "can't parse inline keyboard button:"
                    " Text buttons are unallowed in the inline keyboard"
                )


def check_content(method: str, params: dict[str, Any]) -> None:
    """State-independent real errors; they win over a strict-mode spec violation, as on Telegram."""
    if method in ("sendMessage", "editMessageText"):
        message_text(params)
    elif "caption" in params:
        caption_text(params)
    check_reply_markup(params.get("reply_markup"))


def _int(
    params: dict[str, Any], key: str, default: int, low: int | None = None, high: int | None = None
) -> int:
    """An integer argument, clamped like the real server does."""
    value = params.get(key, default)
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = default
    if low is not None:
        number = max(low, number)
    if high is not None:
        number = min(high, number)
    return number


def _inline(markup: object) -> Any:
    return markup.get("inline_keyboard") if isinstance(markup, dict) else None


class Methods:
    """Method name -> coroutine taking decoded params and returning the ``result``."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.emu = emulator
        self.handlers: dict[str, Handler] = {
            "getMe": self.get_me,
            "getUpdates": self.get_updates,
            "setWebhook": self.set_webhook,
            "deleteWebhook": self.delete_webhook,
            "getWebhookInfo": self.get_webhook_info,
            "sendMessage": self.send_message,
            "editMessageText": self.edit_message_text,
            "editMessageReplyMarkup": self.edit_message_reply_markup,
            "deleteMessage": self.delete_message,
            "answerCallbackQuery": self.answer_callback_query,
            "setMyCommands": self.set_my_commands,
            "getMyCommands": self.get_my_commands,
            "deleteMyCommands": self.delete_my_commands,
            "sendChatAction": self.send_chat_action,
            "sendDocument": self.send_document,
            "sendPhoto": self.send_photo,
            "copyMessage": self.copy_message,
            "editMessageCaption": self.edit_message_caption,
            "createForumTopic": self.create_forum_topic,
            "editForumTopic": self.edit_forum_topic,
            "closeForumTopic": self.close_forum_topic,
            "reopenForumTopic": self.reopen_forum_topic,
            "deleteForumTopic": self.delete_forum_topic,
            "close": self.always_true,
            "logOut": self.always_true,
        }

    def _chat(self, params: dict[str, Any], *, sending: bool = False) -> FakeChat:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise bad_request("chat identifier is empty")
        if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
            chat_id = int(chat_id)
        chat = (
            self.emu.chat(chat_id)
            if isinstance(chat_id, int) and not isinstance(chat_id, bool)
            else None
        )
        if chat is None:
            raise bad_request("chat not found")
        if sending and isinstance(chat, FakeUser) and chat.blocked:
            raise ApiError(403, BLOCKED)
        return chat

    def _editable(self, params: dict[str, Any]) -> tuple[FakeChat, BotMessage]:
        if "inline_message_id" in params and "chat_id" not in params:
            raise bad_request("message to edit not found")  # no inline messages exist here
        chat = self._chat(params)
        message_id = _int(params, "message_id", 0)
        message = chat.bot_message(message_id)
        if message is None:
            if message_id in chat.user_messages:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return chat, message

    def _reply_to(self, chat: FakeChat, reply: object) -> dict[str, Any] | None:
        if not isinstance(reply, dict) or "message_id" not in reply:
            return None
        if reply.get("chat_id") not in (None, chat.chat_id):
            return None  # replies across chats are not modelled
        replied = chat.replied_message(_int(reply, "message_id", 0))
        if replied is not None:
            return replied
        if reply.get("allow_sending_without_reply"):
            return None
        raise bad_request("message to be replied not found")

    @staticmethod
    def _thread(chat: FakeChat, params: dict[str, Any]) -> int | None:
        """The topic named by ``message_thread_id``: in a forum it must be a live topic, in a
        private chat (no topics modelled) it is refused, other groups ignore it, as Telegram."""
        thread = _int(params, "message_thread_id", 0)
        if thread == 0:
            return None
        if isinstance(chat, FakeSupergroup) and chat.is_forum:
            if chat.live_topic(thread) is None:
                raise bad_request(THREAD_NOT_FOUND)
            return thread
        if isinstance(chat, FakeUser):
            raise bad_request(THREAD_NOT_FOUND)
        return None

    def _placed(
        self, chat: FakeChat, params: dict[str, Any]
    ) -> tuple[int | None, dict[str, Any] | None]:
        """(message_thread_id, reply_to_message) of a message the bot sends. In a forum a reply
        goes to the topic of the message it answers, and a message in a topic that answers
        nothing else is shown replying to the topic's ``forum_topic_created`` message."""
        thread = self._thread(chat, params)
        reply_to = self._reply_to(chat, params.get("reply_parameters"))
        if isinstance(chat, FakeSupergroup) and chat.is_forum:
            if thread is None and reply_to is not None and reply_to.get("is_topic_message"):
                thread = reply_to.get("message_thread_id")
            if thread is not None and reply_to is None:
                reply_to = chat.service_messages.get(thread)
        return thread, reply_to

    async def always_true(self, params: dict[str, Any]) -> bool:
        return True

    async def get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.emu.bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        allowed = params.get("allowed_updates")
        return await self.emu.queue.get_updates(
            offset=_int(params, "offset", 0),
            limit=_int(params, "limit", 100, 1, 100),
            poll_seconds=_int(params, "timeout", 0, 0, 50),
            allowed_updates=[str(a) for a in allowed] if isinstance(allowed, list) else None,
        )

    async def set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        parts = urlsplit(url)
        if url and (parts.scheme not in ("http", "https") or not parts.hostname):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        allowed = params.get("allowed_updates")
        secret = params.get("secret_token")
        await self.emu.queue.set_webhook(
            url,
            secret if isinstance(secret, str) and secret else None,
            _int(params, "max_connections", 40, 1, 100),
            [str(a) for a in allowed] if isinstance(allowed, list) else None,
            params.get("drop_pending_updates") is True,
        )
        return True

    async def delete_webhook(self, params: dict[str, Any]) -> bool:
        await self.emu.queue.delete_webhook(params.get("drop_pending_updates") is True)
        return True

    async def get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.emu.queue.info()

    async def send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params, sending=True)
        raw, plain, entities = message_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        thread, reply_to = self._placed(chat, params)
        message = await self.emu.add_bot_message(
            chat,
            text=plain,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            entities=entities,
            reply_to=reply_to,
            message_thread_id=thread,
        )
        return self.emu.message_dict(message)

    async def send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._chat(params, sending=True)  # the chat is checked first, as on Telegram
        file = params.get("document")
        if isinstance(file, UploadedFile):
            document = {
                **self.emu.new_file("BQACAgQAAxkDAAE"),
                "file_name": file.filename,
                "mime_type": file.content_type,
                "file_size": file.size,
            }
        elif isinstance(file, str) and file:
            name = urlsplit(file).path.rsplit("/", 1)[-1] if "://" in file else None
            document = {"file_id": file, "file_unique_id": self.emu.new_file("")["file_unique_id"]}
            if name:
                document["file_name"] = name
        else:
            raise bad_request("there is no document in the request")
        return await self._send_file(chat, params, file, document=document)

    async def _send_file(
        self,
        chat: FakeChat,
        params: dict[str, Any],
        file: object,
        *,
        document: dict[str, Any] | None = None,
        photo: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A file message (a document or a photo): the caption, keyboard and place that
        `sendDocument` and `sendPhoto` share, checked alike."""
        raw, plain, entities = caption_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        thread, reply_to = self._placed(chat, params)
        message = await self.emu.add_bot_message(
            chat,
            text=plain,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            entities=entities,
            reply_to=reply_to,
            message_thread_id=thread,
            document=document,
            photo=photo,
            file_content=file.data if isinstance(file, UploadedFile) else None,
        )
        return self.emu.message_dict(message)

    async def edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = self._editable(params)
        if message.document is not None or message.photo is not None:
            raise bad_request("there is no text in the message to edit")
        raw, plain, entities = message_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        same_markup = _inline(markup) == _inline(message.reply_markup)
        if plain == message.text and entities == message.entities and same_markup:
            raise bad_request(NOT_MODIFIED)
        message.text, message.raw_text, message.entities = plain, raw, entities
        message.parse_mode = params.get("parse_mode")
        message.reply_markup = (
            markup if isinstance(markup, dict) else None
        )  # no markup removes the keyboard
        await self.emu.mark_edited(message)
        return self.emu.message_dict(message)

    async def send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        """A photo: an upload becomes the sizes Telegram would make of it."""
        chat = self._chat(params, sending=True)
        file = params.get("photo")
        if isinstance(file, UploadedFile):
            if not file.data.startswith(b"\x89PNG") and not file.data.startswith(b"\xff\xd8"):
                raise bad_request("IMAGE_PROCESS_FAILED")
            photo = [{**self.emu.new_file("AgACAgQAAxkDAAE"), "width": 700, "height": 400}]
        elif isinstance(file, str) and file:
            photo = [{"file_id": file, "file_unique_id": self.emu.new_file("")["file_unique_id"]}]
        else:
            raise bad_request("there is no photo in the request")
        return await self._send_file(chat, params, file, photo=photo)

    async def copy_message(self, params: dict[str, Any]) -> dict[str, Any]:
        """A copy of a message (a user's, or the bot's own) without a link to the original:
        its text, or its file with the original caption or the one given."""
        chat = self._chat(params, sending=True)
        source_chat = self.emu.chat(_int(params, "from_chat_id", 0))
        message_id = _int(params, "message_id", 0)
        if source_chat is None:
            raise bad_request("chat not found")
        original = source_chat.user_messages.get(message_id)
        if original is None:
            bot_message = source_chat.bot_message(message_id)
            if bot_message is None:
                raise bad_request("message to copy not found")
            original = self.emu.message_dict(bot_message)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        thread, reply_to = self._placed(chat, params)
        if "text" in original:
            raw, plain, entities = original["text"], original["text"], list[dict[str, Any]]()
        elif "caption" in params:
            raw, plain, entities = caption_text(params)
        else:
            raw = plain = str(original.get("caption", ""))
            entities = []
        if "text" not in original and "photo" not in original and "document" not in original:
            raise bad_request("message can't be copied")
        message = await self.emu.add_bot_message(
            chat,
            text=plain,
            raw_text=raw,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            entities=entities,
            reply_to=reply_to,
            message_thread_id=thread,
            document=original.get("document"),
            photo=original.get("photo"),
        )
        return {"message_id": message.message_id}

    async def edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = self._editable(params)
        if message.document is None and message.photo is None:
            raise bad_request("there is no caption in the message to edit")
        raw, plain, entities = caption_text(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if plain == message.text and entities == message.entities:
            raise bad_request(NOT_MODIFIED)
        message.text, message.raw_text, message.entities = plain, raw, entities
        message.parse_mode = params.get("parse_mode")
        await self.emu.mark_edited(message)
        return self.emu.message_dict(message)

    async def edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        _, message = self._editable(params)
        markup = params.get("reply_markup")
        check_reply_markup(markup)
        if _inline(markup) == _inline(message.reply_markup):
            raise bad_request(NOT_MODIFIED)
        message.reply_markup = markup if isinstance(markup, dict) else None
        await self.emu.mark_edited(message)
        return self.emu.message_dict(message)

    async def delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params)
        message_id = _int(params, "message_id", 0)
        message = chat.bot_message(message_id)
        if message is not None:
            chat.messages.remove(message)
            message.deleted = True
            chat.deleted_messages.append(message)
        elif chat.user_messages.pop(message_id, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        query = self.emu.callback_queries.get(query_id)
        if query is None or query.answered or self.emu.clock() - query.created > 150:
            raise bad_request(QUERY_INVALID)
        query.answered = True
        text = params.get("text")
        answer = CallbackAnswer(
            query_id, text if isinstance(text, str) else None, params.get("show_alert") is True
        )
        query.user.callback_answers.append(answer)
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope")
        kind = scope.get("type", "default") if isinstance(scope, dict) else "default"
        language = params.get("language_code")
        return str(kind), language if isinstance(language, str) else ""

    async def set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        stored = []
        for command in commands if isinstance(commands, list) else []:
            name = command.get("command") if isinstance(command, dict) else None
            description = command.get("description") if isinstance(command, dict) else None
            if not isinstance(name, str) or not _COMMAND_RE.fullmatch(name):
                raise bad_request("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not description.strip():
                raise bad_request("command description must be non-empty")
            stored.append({"command": name, "description": description})
        if stored:
            self.emu.commands[self._commands_key(params)] = stored
        else:
            self.emu.commands.pop(self._commands_key(params), None)
        return True

    async def get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return [dict(c) for c in self.emu.commands.get(self._commands_key(params), [])]

    async def delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.emu.commands.pop(self._commands_key(params), None)
        return True

    async def send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._chat(params, sending=True)
        chat.chat_actions.append(str(params.get("action", "")))
        return True

    # -- forum topics -----------------------------------------------------------------------

    def _forum(self, params: dict[str, Any]) -> FakeSupergroup:
        chat = self._chat(params)
        if not isinstance(chat, FakeSupergroup) or not chat.is_forum:
            raise bad_request(NOT_A_FORUM)
        return chat

    def _topic(self, params: dict[str, Any]) -> tuple[FakeSupergroup, Topic]:
        chat = self._forum(params)
        topic = chat.live_topic(_int(params, "message_thread_id", 0))
        if topic is None:
            raise bad_request("TOPIC_ID_INVALID")
        return chat, topic

    @staticmethod
    def _topic_name(name: object) -> str:
        cleaned = name.strip()[:_TOPIC_NAME_LIMIT] if isinstance(name, str) else ""
        if not cleaned:
            raise bad_request("title must be non-empty")
        return cleaned

    async def create_forum_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        """A topic, whose id is that of its ``forum_topic_created`` service message: the next
        message id of the chat (the bot gets no update for its own service message)."""
        chat = self._forum(params)
        emoji = params.get("icon_custom_emoji_id")
        topic = chat.add_topic(
            self._topic_name(params.get("name")),
            self.emu.bot_user(),
            icon_color=_int(params, "icon_color", 0) or DEFAULT_TOPIC_COLOR,
            icon_custom_emoji_id=emoji if isinstance(emoji, str) and emoji else None,
        )
        return topic.to_api()

    async def edit_forum_topic(self, params: dict[str, Any]) -> bool:
        """A new name (empty or absent: kept) and/or icon (empty: removed; absent: kept)."""
        _, topic = self._topic(params)
        name = params.get("name")
        edit_name = isinstance(name, str) and name != ""
        edit_icon = "icon_custom_emoji_id" in params
        if not edit_name and not edit_icon:
            return True
        new_name = self._topic_name(name) if edit_name else topic.name
        emoji = params.get("icon_custom_emoji_id")
        new_emoji = topic.icon_custom_emoji_id
        if edit_icon:
            new_emoji = emoji if isinstance(emoji, str) and emoji else None
        if (new_name, new_emoji) == (topic.name, topic.icon_custom_emoji_id):
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.name, topic.icon_custom_emoji_id = new_name, new_emoji
        return True

    async def close_forum_topic(self, params: dict[str, Any]) -> bool:
        return self._set_closed(params, closed=True)

    async def reopen_forum_topic(self, params: dict[str, Any]) -> bool:
        return self._set_closed(params, closed=False)

    def _set_closed(self, params: dict[str, Any], *, closed: bool) -> bool:
        _, topic = self._topic(params)
        if topic.closed == closed:
            raise bad_request("TOPIC_NOT_MODIFIED")
        topic.closed = closed
        return True

    async def delete_forum_topic(self, params: dict[str, Any]) -> bool:
        """The topic and every message in it are gone."""
        chat, topic = self._topic(params)
        chat.delete_topic(topic.message_thread_id)
        return True
