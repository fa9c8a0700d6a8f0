"""Telegram's flood limits, shared between conversations and bulk messages.

Telegram lets a bot send about 30 messages a second in all, about one a second in one
chat (short bursts tolerated) and 20 a minute in one group; past that it answers 429
"retry after N". Python-telegram-bot's `AIORateLimiter` puts every call that names a
chat, replies included, through one 30-a-second queue, so a 9:00 wave of reminders made
every person wait behind it. This pacer serves two kinds of traffic instead:

- **conversation** (the default: a reply to the person's own tap) is never delayed: it
  is counted, so that bulk traffic leaves room for it, and a 429 is waited out and tried
  again a few times;
- **bulk** (`Traffic.BULK`, the outbox sender) waits for its turn: a free slot in the
  overall budget beyond a reserve kept for conversations, a free slot in the chat, and
  room in the group's minute. A 429 pauses every bulk send for the time Telegram asked
  and is handed back to the outbox, which records it and tries again.

The budgets are token buckets refilled continuously, the same model as the Bot API
emulator's (`emulator/limits.py`); a message created counts against the overall budget,
and a message created or edited counts against its chat's.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

# Calls that create a message (they count overall) and calls that change one in a chat.
CREATES = frozenset(
    {
        "sendMessage",
        "sendDocument",
        "sendPhoto",
        "sendAudio",
        "sendVideo",
        "sendVoice",
        "sendAnimation",
        "sendSticker",
        "sendLocation",
        "sendContact",
        "sendMediaGroup",
        "sendPoll",
        "copyMessage",
        "forwardMessage",
    }
)
EDITS = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "editMessageMedia"}
)
NETWORK_RETRY = (0.5, 1.0, 2.0)  # seconds before a reply is tried again after a failure
EPSILON = 1e-9  # tokens: what floating point leaves over is not a wait
MIN_WAIT = 0.001  # seconds: a wait always moves time on

# What a person waits for: tried again after a network failure (see `Pacer._converse`).
IN_CHAT = CREATES | EDITS | {"answerCallbackQuery", "deleteMessage"}


class Traffic(Enum):
    CONVERSATION = "conversation"
    BULK = "bulk"


@dataclass(frozen=True)
class Limits:
    """What Telegram documents, and what bulk traffic leaves for conversations."""

    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_chat_burst: int = 3
    per_group_per_minute: int = 20
    # Overall slots bulk never takes: room for the replies that come together (a
    # third of the second: 50 people tapping at once every few seconds sent 6 within a
    # tenth of a second with 5 kept, and Telegram refused one; see docs/benchmarks.md).
    conversation_reserve: float = 10.0
    chat_reserve: float = 1.0  # a slot in the chat left for the person's next answer
    conversation_retries: int = 3


@dataclass
class _Bucket:
    """Tokens refilled continuously up to `capacity`; spending may go below zero (a
    conversation is never refused), which bulk traffic then waits out."""

    rate: float
    capacity: float
    tokens: float
    at: float

    def level(self, now: float) -> float:
        self.tokens = min(self.capacity, self.tokens + (now - self.at) * self.rate)
        self.at = now
        return self.tokens

    def wait_for(self, needed: float, now: float) -> float:
        """Seconds until `needed` tokens are there (0: now)."""
        missing = needed - self.level(now)
        return 0.0 if missing <= EPSILON else max(missing / self.rate, MIN_WAIT)


@dataclass
class _Group:
    sent: deque[float] = field(default_factory=deque)

    def wait_for(self, per_minute: int, now: float) -> float:
        while self.sent and self.sent[0] <= now - 60.0:
            self.sent.popleft()
        return 0.0 if len(self.sent) < per_minute else max(self.sent[0] + 60.0 - now, MIN_WAIT)


class Pacer(BaseRateLimiter[Traffic]):
    """Conversations first, bulk within what they leave (see the module docstring)."""

    __slots__ = (
        "_bulk_turn",
        "_chats",
        "_clock",
        "_groups",
        "_limits",
        "_overall",
        "_paused",
        "_sleep",
    )

    def __init__(
        self,
        limits: Limits | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._limits = limits or Limits()
        self._clock = clock
        self._sleep = sleep
        now = clock()
        rate = self._limits.per_second
        self._overall = _Bucket(rate, rate, rate, now)
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Group] = {}
        self._paused = 0.0  # bulk waits until then (Telegram asked to)
        self._bulk_turn = asyncio.Lock()  # bulk sends take their slots one at a time

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Traffic | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        chat = _chat_id(data)
        counted = endpoint in CREATES or endpoint in EDITS
        if rate_limit_args is Traffic.BULK:
            if counted:
                await self._take_bulk_slot(chat, endpoint in CREATES)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                self._pause(retry_after_seconds(error))
                raise
        return await self._converse(callback, args, kwargs, endpoint, chat, counted)

    async def _converse(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        chat: int | None,
        counted: bool,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """A reply: at once; a 429 waited out, a network failure or 5xx tried again after
        a short pause (a person is waiting, and a lost answer is a dead end for them).

        A network failure can come after the call took effect (Telegram's answer was lost
        on the way): trying again can then send the message twice; that is the price of
        never leaving a person without an answer (docs/reliability.md). An edit or a
        button's acknowledgement tried again is refused as "not modified" or "query too
        old" when the first try had worked: that refusal is the success it proves."""
        retries = self._limits.conversation_retries
        retried_after_network = False
        for attempt in range(retries + 1):
            if counted:
                self._spend(chat, endpoint in CREATES, self._clock())
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                wait = retry_after_seconds(error)
                self._pause(wait)
                if attempt == retries:
                    raise
                log.warning("Telegram asked to wait %.0f s before answering", wait)
                await self._sleep(wait)
            except BadRequest as error:
                if retried_after_network and _already_done(endpoint, error):
                    return True
                raise
            except NetworkError:
                if attempt == retries or endpoint not in IN_CHAT:
                    raise  # getUpdates and the like have their own retries (the Updater's)
                log.warning("%s failed on the way; trying again", endpoint)
                retried_after_network = True
                await self._sleep(NETWORK_RETRY[min(attempt, len(NETWORK_RETRY) - 1)])
        raise AssertionError("unreachable")

    async def _take_bulk_slot(self, chat: int | None, creates: bool) -> None:
        """Wait until the message fits every budget, then spend it. A chat's wait is
        waited outside the turn, so that one busy chat does not hold up the others."""
        while True:
            wait = self._chat_wait(chat, creates, self._clock())
            if wait > 0:
                await self._sleep(wait)
                continue
            async with self._bulk_turn:
                while True:  # a pause Telegram asked for, or the overall budget
                    wait = self._overall_wait(creates, self._clock())
                    if wait <= 0:
                        break
                    await self._sleep(wait)
                now = self._clock()
                if self._chat_wait(chat, creates, now) <= 0:  # a reply may have taken it
                    self._spend(chat, creates, now)
                    return

    def _overall_wait(self, creates: bool, now: float) -> float:
        paused = self._paused - now
        if not creates:
            return paused
        return max(paused, self._overall.wait_for(1 + self._limits.conversation_reserve, now))

    def _chat_wait(self, chat: int | None, creates: bool, now: float) -> float:
        limits = self._limits
        if chat is not None and chat > 0:
            return self._chat(chat, now).wait_for(1 + limits.chat_reserve, now)
        if chat is not None and chat < 0 and creates:
            group = self._groups.setdefault(chat, _Group())
            return group.wait_for(limits.per_group_per_minute, now)
        return 0.0

    def _spend(self, chat: int | None, creates: bool, now: float) -> None:
        if creates:
            self._overall.level(now)
            self._overall.tokens -= 1
        if chat is not None and chat > 0:
            bucket = self._chat(chat, now)
            bucket.level(now)
            bucket.tokens -= 1
        if chat is not None and chat < 0 and creates:
            self._groups.setdefault(chat, _Group()).sent.append(now)

    def _chat(self, chat: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) > 10_000:
                self._forget_full_chats(now)
            burst = float(self._limits.per_chat_burst)
            bucket = self._chats[chat] = _Bucket(
                self._limits.per_chat_per_second, burst, burst, now
            )
        return bucket

    def _forget_full_chats(self, now: float) -> None:
        """A chat whose bucket has refilled is the same as one never seen."""
        for chat in [c for c, b in self._chats.items() if b.level(now) >= b.capacity]:
            del self._chats[chat]
        for group in [g for g, w in self._groups.items() if w.wait_for(1, now) == 0 and not w.sent]:
            del self._groups[group]

    def _pause(self, seconds: float) -> None:
        self._paused = max(self._paused, self._clock() + seconds)


def _chat_id(data: dict[str, Any]) -> int | None:
    chat = data.get("chat_id")
    if isinstance(chat, int):
        return chat
    if isinstance(chat, str) and chat.lstrip("-").isdigit():
        return int(chat)
    return None


def _already_done(endpoint: str, error: BadRequest) -> bool:
    """Telegram's refusal of a second try that shows the first one took effect."""
    message = str(error).lower()
    if endpoint in EDITS:
        return "message is not modified" in message
    if endpoint == "answerCallbackQuery":
        return "query is too old" in message or "query id is invalid" in message
    return False


def retry_after_seconds(error: RetryAfter) -> float:
    """Telegram's wait, whichever form python-telegram-bot gives it in (int or timedelta)."""
    wait = error.retry_after
    return float(wait) if isinstance(wait, int | float) else wait.total_seconds()
