"""Simulated Telegram users and chats: they produce updates and see what the bot sends."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.html import utf16_len
from emulator.models import DEFAULT_TOPIC_COLOR, BotMessage, CallbackAnswer, InlineButton, Topic

if TYPE_CHECKING:
    from emulator.server import BotApiEmulator

MessagePredicate = Callable[[BotMessage], bool]


class FakeChat:
    """A chat as the emulator stores it: shared message ids, the bot's messages, waits."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int) -> None:
        self._emulator = emulator
        self.chat_id = chat_id
        self.messages: list[BotMessage] = []
        self.deleted_messages: list[BotMessage] = []
        self.chat_actions: list[str] = []
        self.user_messages: dict[int, dict[str, Any]] = {}
        self._last_message_id = 0

    def chat_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    def next_message_id(self) -> int:
        """Message ids are per chat and shared by both sides, as in Telegram."""
        self._last_message_id += 1
        return self._last_message_id

    @property
    def last_message(self) -> BotMessage:
        """The most recently sent bot message still in the chat."""
        if not self.messages:
            raise LookupError(f"the bot has sent no message to chat {self.chat_id}")
        return self.messages[-1]

    def bot_message(self, message_id: int) -> BotMessage | None:
        return next((m for m in self.messages if m.message_id == message_id), None)

    def messages_since(self, update_id: int) -> list[BotMessage]:
        """Bot messages sent or edited after update ``update_id`` was enqueued, in order."""
        mark = self._emulator.update_mark(update_id)
        return sorted((m for m in self.messages if m.sequence > mark), key=lambda m: m.sequence)

    async def wait_for_message(
        self,
        predicate: MessagePredicate | None = None,
        *,
        after_update: int | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - part of the public API
    ) -> BotMessage:
        """First bot message (send/edit order) matching ``predicate``; woken by bot requests.

        With ``after_update`` only messages sent or edited after that update count; without it
        every message of the chat counts, including those already there.
        """
        mark = self._emulator.update_mark(after_update) if after_update is not None else 0
        found: list[BotMessage] = []

        def check() -> bool:
            for message in sorted(self.messages, key=lambda m: m.sequence):
                if message.sequence > mark and (predicate is None or predicate(message)):
                    found.append(message)
                    return True
            return False

        condition = self._emulator.messages_changed
        try:
            async with asyncio.timeout(timeout):
                async with condition:
                    await condition.wait_for(check)
        except TimeoutError:
            recent = "; ".join(m.describe() for m in self.messages[-3:]) or "none"
            after = f" after update {after_update}" if after_update is not None else ""
            raise TimeoutError(
                f"no bot message matching the predicate in chat {self.chat_id}{after}"
                f" within {timeout}s; last messages: {recent}"
            ) from None
        return found[0]

    async def _send(self, user: FakeUser, content: dict[str, Any]) -> int:
        message_id = self.next_message_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": user.user_dict(),
            "chat": self.chat_dict(),
            "date": self._emulator.now(),
            **content,
        }
        self.user_messages[message_id] = message
        return await self._emulator.enqueue("message", message, self.chat_id)

    @staticmethod
    def _text_content(text: str) -> dict[str, Any]:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0] if text.strip() else text
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command)}
            ]
        return content

    def _photo_content(self, caption: str | None) -> dict[str, Any]:
        sizes = [(90, 67, 1234), (320, 240, 15678), (800, 600, 65432)]
        photo = [
            {**self._emulator.new_file("AgACAgQAAxkBAAE"), "width": w, "height": h, "file_size": s}
            for w, h, s in sizes
        ]
        content: dict[str, Any] = {"photo": photo}
        if caption is not None:
            content["caption"] = caption
        return content

    async def _send_text(self, user: FakeUser, text: str, reply_to: int | None = None) -> int:
        content = self._text_content(text)
        if reply_to is not None:
            content["reply_to_message"] = self._replied(reply_to)
        return await self._send(user, content)

    def replied_message(self, message_id: int) -> dict[str, Any] | None:
        """Message ``message_id`` of this chat (a user's or the bot's) as the Bot API nests it
        in ``reply_to_message``: without a ``reply_to_message`` of its own."""
        message = self.user_messages.get(message_id)
        if message is None:
            bot_message = self.bot_message(message_id)
            if bot_message is None:
                return None
            message = self._emulator.message_dict(bot_message)
        return {key: value for key, value in message.items() if key != "reply_to_message"}

    def _replied(self, message_id: int) -> dict[str, Any]:
        message = self.replied_message(message_id)
        if message is None:
            raise LookupError(f"no message {message_id} in chat {self.chat_id}")
        return message

    async def _edit_text(self, user: FakeUser, message_id: int, text: str) -> int:
        original = self.user_messages.get(message_id)
        if original is None or "text" not in original or original["from"]["id"] != user.id:
            raise LookupError(f"user {user.id} has no text message {message_id} in {self.chat_id}")
        edited = {key: value for key, value in original.items() if key != "entities"}
        edited.update(self._text_content(text))
        edited["edit_date"] = self._emulator.now()
        self.user_messages[message_id] = edited
        return await self._emulator.enqueue("edited_message", edited, self.chat_id)

    def _keyboard_message(self, message_id: int | None) -> BotMessage:
        if message_id is not None:
            message = self.bot_message(message_id)
            if message is None:
                raise LookupError(f"no bot message {message_id} in chat {self.chat_id}")
            return message
        for message in reversed(self.messages):
            if message.has_inline_keyboard:
                return message
        raise LookupError(f"no bot message with an inline keyboard in chat {self.chat_id}")

    async def _tap(self, user: FakeUser, label: str, message_id: int | None) -> int:
        message = self._keyboard_message(message_id)
        buttons = [b for row in message.buttons for b in row]
        matches = [b for b in buttons if b.text == label] or [b for b in buttons if label in b.text]
        if not matches:
            raise LookupError(
                f"no button {label!r} on message {message.message_id};"
                f" labels: {message.button_labels}"
            )
        if len(matches) > 1:
            raise ValueError(f"{label!r} matches several buttons: {[b.text for b in matches]}")
        button: InlineButton = matches[0]
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} has no callback_data (url={button.url!r})")
        return await self._callback_query(user, message, button.callback_data)

    async def _callback_query(self, user: FakeUser, message: BotMessage, data: str) -> int:
        query_id = self._emulator.new_callback_query(user)
        query = {
            "id": query_id,
            "from": user.user_dict(),
            "message": self._emulator.message_dict(message),
            "chat_instance": str((self.chat_id * 2654435761 + self._emulator.bot_user_id) % 10**18),
            "data": data,
        }
        return await self._emulator.enqueue("callback_query", query, self.chat_id)


class FakeUser(FakeChat):
    """A user and their private chat with the bot (chat id == user id)."""

    def __init__(
        self,
        emulator: BotApiEmulator,
        user_id: int,
        *,
        first_name: str,
        language_code: str | None,
        last_name: str | None,
        username: str | None,
    ) -> None:
        super().__init__(emulator, user_id)
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.blocked = False
        self.callback_answers: list[CallbackAnswer] = []

    def user_dict(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name is not None:
            user["last_name"] = self.last_name
        if self.username is not None:
            user["username"] = self.username
        if self.language_code is not None:
            user["language_code"] = self.language_code
        return user

    def chat_dict(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        if self.last_name is not None:
            chat["last_name"] = self.last_name
        if self.username is not None:
            chat["username"] = self.username
        return chat

    def block(self) -> int | None:
        """From now on every send to this chat fails with 403, like a user who blocked the bot.

        As on Telegram the bot is told with a ``my_chat_member`` update (delivered only if its
        ``allowed_updates`` lets it through); its id is returned, None if already blocked."""
        if self.blocked:
            return None
        self.blocked = True
        return self._member_changed("member", "kicked")

    def unblock(self) -> int | None:
        """The user restarts the bot: sending works again; ``my_chat_member`` back to member."""
        if not self.blocked:
            return None
        self.blocked = False
        return self._member_changed("kicked", "member")

    def _member_changed(self, old: str, new: str) -> int:
        def member(status: str) -> dict[str, Any]:
            member: dict[str, Any] = {"status": status, "user": self._emulator.bot_user()}
            if status == "kicked":
                member["until_date"] = 0  # forever
            return member

        update = {
            "chat": self.chat_dict(),
            "from": self.user_dict(),
            "date": self._emulator.now(),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return self._emulator.enqueue_nowait("my_chat_member", update, self.chat_id)

    async def send_text(self, text: str, *, reply_to: int | None = None) -> int:
        """A text; `reply_to`: the message it answers (a bot message or the user's own)."""
        return await self._send_text(self, text, reply_to)

    async def send_sticker(self) -> int:
        sticker = {
            **self._emulator.new_file("CAACAgIAAxkBAAE"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "\U0001f44d",
            "file_size": 23456,
        }
        return await self._send(self, {"sticker": sticker})

    async def send_photo(self, caption: str | None = None) -> int:
        return await self._send(self, self._photo_content(caption))

    async def send_voice(self) -> int:
        voice = {
            **self._emulator.new_file("AwACAgQAAxkBAAE"),
            "duration": 3,
            "mime_type": "audio/ogg",
            "file_size": 8192,
        }
        return await self._send(self, {"voice": voice})

    async def send_location(self, latitude: float = 48.85, longitude: float = 2.35) -> int:
        return await self._send(self, {"location": {"latitude": latitude, "longitude": longitude}})

    async def send_contact(self) -> int:
        contact = {
            "phone_number": f"+336{self.id % 10**8:08d}",
            "first_name": self.first_name,
            "user_id": self.id,
        }
        return await self._send(self, {"contact": contact})

    async def send_document(
        self, *, file_name: str = "document.pdf", mime_type: str = "application/pdf"
    ) -> int:
        document = {
            **self._emulator.new_file("BQACAgQAAxkBAAE"),
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": 4096,
        }
        return await self._send(self, {"document": document})

    async def edit_text(self, message_id: int, text: str) -> int:
        """The user edits one of their own text messages: an ``edited_message`` update."""
        return await self._edit_text(self, message_id, text)

    async def tap(self, label: str, *, message_id: int | None = None) -> int:
        """Press the inline button ``label`` (exact match, else a unique substring match)."""
        return await self._tap(self, label, message_id)

    async def tap_data(self, data: str, *, message_id: int | None = None) -> int:
        """Forge a callback query with arbitrary ``data`` on a bot message (security tests)."""
        try:
            message = self._keyboard_message(message_id)
        except LookupError:
            if message_id is not None:
                raise
            message = self.last_message
        return await self._callback_query(self, message, data)


class FakeGroup(FakeChat):
    """A basic group (negative chat id) where several fake users talk to the bot."""

    def __init__(self, emulator: BotApiEmulator, chat_id: int, *, title: str) -> None:
        super().__init__(emulator, chat_id)
        self.title = title

    def chat_dict(self) -> dict[str, Any]:
        return {"id": self.chat_id, "type": "group", "title": self.title}

    async def send_text(self, user: FakeUser, text: str) -> int:
        return await self._send_text(user, text)

    async def tap(self, user: FakeUser, label: str, *, message_id: int | None = None) -> int:
        return await self._tap(user, label, message_id)


class FakeSupergroup(FakeGroup):
    """A supergroup; a forum one (``is_forum``) has topics, where users and the bot write.

    As on Telegram, a topic's id is the id of the ``forum_topic_created`` service message that
    opened it, and every message in a topic carries ``message_thread_id`` and
    ``is_topic_message``, and, when it answers nothing else, a ``reply_to_message`` that is
    that service message. In a supergroup that is not a forum, replies form threads: they
    carry ``message_thread_id`` (the first message of the chain) but no ``is_topic_message``.
    """

    def __init__(
        self, emulator: BotApiEmulator, chat_id: int, *, title: str, is_forum: bool
    ) -> None:
        super().__init__(emulator, chat_id, title=title)
        self.is_forum = is_forum
        self.topics: dict[int, Topic] = {}
        self.service_messages: dict[int, dict[str, Any]] = {}  # forum_topic_created, by thread
        self._last_message_id = 1  # 1 is the chat's creation, and the "General" topic's id

    def chat_dict(self) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": self.chat_id, "type": "supergroup", "title": self.title}
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    # -- topics -----------------------------------------------------------------------------

    def add_topic(
        self,
        name: str,
        creator: dict[str, Any],
        *,
        icon_color: int = DEFAULT_TOPIC_COLOR,
        icon_custom_emoji_id: str | None = None,
    ) -> Topic:
        """A new topic opened by ``creator`` (a User object), with its service message."""
        if not self.is_forum:
            raise ValueError(f"chat {self.chat_id} is not a forum")
        thread_id = self.next_message_id()
        topic = Topic(thread_id, name, icon_color, icon_custom_emoji_id)
        self.topics[thread_id] = topic
        self.service_messages[thread_id] = {
            "message_id": thread_id,
            "from": creator,
            "chat": self.chat_dict(),
            "date": self._emulator.now(),
            "message_thread_id": thread_id,
            "forum_topic_created": topic.created(),
            "is_topic_message": True,
        }
        return topic

    async def create_topic(
        self, user: FakeUser, name: str, *, icon_color: int = DEFAULT_TOPIC_COLOR
    ) -> int:
        """An admin opens a topic: the bot gets its ``forum_topic_created`` service message
        (update id returned; the thread id is that message's id, see `topic`)."""
        topic = self.add_topic(name, user.user_dict(), icon_color=icon_color)
        message = self.service_messages[topic.message_thread_id]
        return await self._emulator.enqueue("message", message, self.chat_id)

    def topic(self, name: str) -> Topic:
        """The most recent topic of that name still there."""
        for topic in reversed(self.topics.values()):
            if topic.name == name and not topic.deleted:
                return topic
        raise LookupError(f"no topic {name!r} in chat {self.chat_id}")

    def live_topic(self, thread_id: int) -> Topic | None:
        topic = self.topics.get(thread_id)
        return topic if topic is not None and not topic.deleted else None

    def delete_topic(self, thread_id: int) -> None:
        """An admin deletes the topic (by mistake, say): it and all its messages are gone."""
        if self.live_topic(thread_id) is None:
            raise LookupError(f"no topic {thread_id} in chat {self.chat_id}")
        self.topics[thread_id].deleted = True
        for message in self.topic_messages(thread_id):
            self.messages.remove(message)
            message.deleted = True
            self.deleted_messages.append(message)
        for message_id, sent in list(self.user_messages.items()):
            if sent.get("message_thread_id") == thread_id:
                del self.user_messages[message_id]
        self.service_messages.pop(thread_id, None)

    def topic_messages(self, thread_id: int) -> list[BotMessage]:
        """The bot's messages in that topic, still there, in sending order."""
        return [m for m in self.messages if m.message_thread_id == thread_id]

    # -- what users do ----------------------------------------------------------------------

    def replied_message(self, message_id: int) -> dict[str, Any] | None:
        if message_id in self.service_messages:
            return self.service_messages[message_id]
        return super().replied_message(message_id)

    def _place(self, content: dict[str, Any], topic: int | None, reply_to: int | None) -> None:
        """Thread and reply fields of a user's message, as Telegram sets them."""
        replied = self._replied(reply_to) if reply_to is not None else None
        thread = topic
        if topic is not None:
            if not self.is_forum:
                raise ValueError(f"chat {self.chat_id} is not a forum")
            if self.live_topic(topic) is None:
                raise LookupError(f"no topic {topic} in chat {self.chat_id}")
            if replied is not None and replied.get("message_thread_id") != topic:
                raise ValueError(f"message {reply_to} is not in topic {topic}")
        elif replied is not None and self.is_forum:
            thread = replied.get("message_thread_id") if replied.get("is_topic_message") else None
        elif replied is not None:
            thread = replied.get("message_thread_id", replied["message_id"])
        if thread is not None:
            content["message_thread_id"] = thread
            if self.is_forum:
                content["is_topic_message"] = True
        if replied is not None:
            content["reply_to_message"] = replied
        elif thread is not None:
            content["reply_to_message"] = self.service_messages[thread]

    async def send_text(
        self, user: FakeUser, text: str, *, topic: int | None = None, reply_to: int | None = None
    ) -> int:
        """A text in the topic ``topic`` (None: "General"), or answering ``reply_to`` (in its
        topic, then)."""
        content = self._text_content(text)
        self._place(content, topic, reply_to)
        return await self._send(user, content)

    async def send_photo(
        self, user: FakeUser, *, topic: int | None = None, caption: str | None = None
    ) -> int:
        content = self._photo_content(caption)
        self._place(content, topic, None)
        return await self._send(user, content)

    async def edit_text(self, user: FakeUser, message_id: int, text: str) -> int:
        """``user`` edits their text ``message_id``: an ``edited_message``, in the same topic."""
        return await self._edit_text(user, message_id, text)
