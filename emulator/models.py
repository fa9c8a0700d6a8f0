"""Plain records the emulator exposes to tests: what the bot sent, asked and answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class ApiError(Exception):
    """An error answer: HTTP status ``code`` and the Bot API ``description``."""

    def __init__(
        self, code: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


@dataclass
class InlineButton:
    """One inline keyboard button as the bot sent it."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent, kept current: edits are applied in place."""

    message_id: int
    chat_id: int
    text: str
    raw_text: str
    parse_mode: str | None
    reply_markup: dict[str, Any] | None
    edited: bool
    date: int
    sequence: int
    document: dict[str, Any] | None = None
    file_content: bytes | None = None  # the uploaded bytes, for tests to read; never sent back
    photo: list[dict[str, Any]] | None = None  # a photo copied from a user (copyMessage)
    entities: list[dict[str, Any]] = field(default_factory=list)
    edit_date: int | None = None
    reply_to_message: dict[str, Any] | None = None
    deleted: bool = False
    message_thread_id: int | None = None  # the forum topic it was sent to

    @property
    def buttons(self) -> list[list[InlineButton]]:
        rows = (self.reply_markup or {}).get("inline_keyboard")
        if not isinstance(rows, list):
            return []
        return [
            [
                InlineButton(str(b.get("text", "")), b.get("callback_data"), b.get("url"))
                for b in row
                if isinstance(b, dict)
            ]
            for row in rows
            if isinstance(row, list)
        ]

    @property
    def button_labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def has_inline_keyboard(self) -> bool:
        return bool(self.buttons)

    def to_api(self, chat: dict[str, Any], bot_user: dict[str, Any]) -> dict[str, Any]:
        """The Telegram ``Message`` object for this message, as the server returns it."""
        message: dict[str, Any] = {
            "message_id": self.message_id,
            "from": bot_user,
            "chat": chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            message["edit_date"] = self.edit_date
        if self.message_thread_id is not None:
            message["message_thread_id"] = self.message_thread_id
        if self.reply_to_message is not None:
            message["reply_to_message"] = self.reply_to_message
        if self.document is not None or self.photo is not None:
            if self.document is not None:
                message["document"] = self.document
            else:
                message["photo"] = self.photo
            if self.text:
                message["caption"] = self.text
                if self.entities:
                    message["caption_entities"] = self.entities
        else:
            message["text"] = self.text
            if self.entities:
                message["entities"] = self.entities
        if self.has_inline_keyboard:
            message["reply_markup"] = {
                "inline_keyboard": (self.reply_markup or {})["inline_keyboard"]
            }
        if self.message_thread_id is not None:
            message["is_topic_message"] = True
        return message

    def describe(self) -> str:
        """One line for failure messages."""
        labels = f" buttons={self.button_labels}" if self.buttons else ""
        flag = " (edited)" if self.edited else ""
        return f"#{self.message_id}{flag} {self.text[:200]!r}{labels}"


DEFAULT_TOPIC_COLOR = 7322096  # 0x6FB9F0, what Telegram picks when no colour is given


@dataclass
class Topic:
    """A forum topic. Its id is the id of the ``forum_topic_created`` service message that
    opened it, so thread ids and message ids of the chat come from the same counter."""

    message_thread_id: int
    name: str
    icon_color: int = DEFAULT_TOPIC_COLOR
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def to_api(self) -> dict[str, Any]:
        """The ``ForumTopic`` object (``createForumTopic`` answers it)."""
        topic: dict[str, Any] = {
            "message_thread_id": self.message_thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic

    def created(self) -> dict[str, Any]:
        """The ``ForumTopicCreated`` content of its service message."""
        created = self.to_api()
        del created["message_thread_id"]
        return created


@dataclass
class RecordedRequest:
    """One request the bot made and the answer it got."""

    method: str
    params: dict[str, Any]
    status: int
    response: dict[str, Any]


@dataclass
class CallbackAnswer:
    """One ``answerCallbackQuery`` call."""

    query_id: str
    text: str | None
    show_alert: bool
