"""Optional flood control: answer 429 to the calls Telegram would refuse for coming too fast.

A benchmark that enables it proves the bot paces itself; a bot that does not would be throttled in
production and its users would wait for answers. Telegram documents its limits only as rough
figures ("about 30 messages per second", "no more than one message per second in a chat", "no more
than 20 messages per minute in a group") and does not publish the exact algorithms, so this is a
*model* of them, deliberately simple and deterministic:

* **overall** - a token bucket refilled at ``messages_per_second`` tokens per second, holding at
  most ``messages_per_second`` tokens. Only calls that create a message take a token
  (:data:`MESSAGE_METHODS`); edits do not.
* **chat** - each private chat (``chat_id > 0``) has a token bucket refilled at
  ``per_chat_per_second`` tokens per second, holding at most ``per_chat_burst`` tokens, since
  Telegram tolerates short bursts in one chat. Message-creating calls *and* edits
  (:data:`EDIT_METHODS`) take a token.
* **group** - each group (``chat_id < 0``) accepts at most ``per_group_per_minute``
  message-creating calls in any sliding window of 60 seconds.

Every other method (``answerCallbackQuery``, ``getUpdates``, ``deleteMessage``,
``sendChatAction`` …) is never limited, nor is a chat given as ``"@username"`` limited per chat.
A call is accepted only if every scope that applies to it has room, and then it takes room in all
of them; a refused call takes nothing, so retrying after ``retry_after`` seconds succeeds unless
other calls came in between.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Literal

MESSAGE_METHODS: frozenset[str] = frozenset(
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
        "copyMessage",
        "forwardMessage",
        "sendPoll",
    }
)
"""Calls that create a message: they count in every scope."""

EDIT_METHODS: frozenset[str] = frozenset(
    {"editMessageText", "editMessageReplyMarkup", "editMessageCaption", "editMessageMedia"}
)
"""Edits: they count only per private chat (Telegram lets bots edit far more than they send)."""

Scope = Literal["overall", "chat", "group"]

_WINDOW = 60.0  # seconds of the group sliding window
# A microsecond: an epoch time in a float is only exact to about 0.24 µs, and that noise must
# not turn a token due now into a refusal (with a 1 s wait).
_EPSILON = 1e-6


@dataclass(frozen=True)
class TelegramLimits:
    """The rates enforced; the defaults are the figures Telegram documents for bots."""

    messages_per_second: float = 30
    per_chat_per_second: float = 1
    per_chat_burst: int = 3
    per_group_per_minute: int = 20

    def __post_init__(self) -> None:
        # a zero rate would make retry_after infinite: reject it here rather than mid-benchmark
        if self.messages_per_second <= 0 or self.per_chat_per_second <= 0:
            raise ValueError("rates must be positive")
        if self.per_chat_burst < 1 or self.per_group_per_minute < 1:
            raise ValueError("per_chat_burst and per_group_per_minute must be at least 1")


@dataclass(frozen=True)
class FloodRefusal:
    """One call refused with 429: which scope was full and how long the bot was told to wait."""

    method: str
    chat_id: int | str | None
    scope: Scope
    retry_after: int


def chat_key(chat_id: object) -> int | None:
    """The numeric chat id of a ``chat_id`` parameter, or None (``"@channel"``, missing …)."""
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        return chat_id
    if isinstance(chat_id, str) and chat_id.removeprefix("-").isdigit() and chat_id.isascii():
        return int(chat_id)
    return None


def _seconds(wait: float) -> int:
    """Telegram's ``retry_after``: whole seconds, rounded up, at least 1."""
    return max(1, math.ceil(wait - _EPSILON))


class _Bucket:
    """A token bucket, refilled lazily from the time of its last use."""

    def __init__(self, rate: float, capacity: float, now: float) -> None:
        self.rate = rate
        self.capacity = capacity
        self.tokens = capacity
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 if one is now); refills, takes nothing."""
        self.tokens = min(self.capacity, self.tokens + max(0.0, now - self.updated) * self.rate)
        self.updated = max(self.updated, now)  # a clock going back must not mint tokens later
        wait = (1 - self.tokens) / self.rate
        return 0.0 if wait <= _EPSILON else wait

    def take(self) -> None:
        self.tokens -= 1


class _Window:
    """The times of the calls accepted in the last 60 seconds of one group."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        """Seconds until the oldest call leaves the window (0 if there is room now)."""
        while self.times and self.times[0] + _WINDOW - now <= _EPSILON:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + _WINDOW - now

    def take(self, now: float) -> None:
        self.times.append(now)


class FloodControl:
    """The state of every scope; :meth:`check` decides each call against :class:`TelegramLimits`."""

    def __init__(self, limits: TelegramLimits | None = None) -> None:
        self.limits = limits if limits is not None else TelegramLimits()
        self.accepted_messages = 0
        """Message-creating calls accepted so far (the throughput a benchmark achieved)."""
        self._overall: _Bucket | None = None
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Window] = {}

    def check(self, method: str, chat_id: object, now: float) -> FloodRefusal | None:
        """None if ``method`` on ``chat_id`` may run at ``now`` (room is taken in every scope);
        otherwise the refusal with the wait, and nothing is taken anywhere.

        ``method`` is the documented spelling; ``chat_id`` the raw parameter (int or digits).
        When several scopes are full, the longest wait is reported: after it, all have room.
        """
        creates = method in MESSAGE_METHODS
        if not creates and method not in EDIT_METHODS:
            return None
        chat = chat_key(chat_id)
        overall = self._overall_bucket(now) if creates else None
        bucket = self._chat_bucket(chat, now) if chat is not None and chat > 0 else None
        window = self._group_window(chat) if creates and chat is not None and chat < 0 else None
        waits: list[tuple[float, Scope]] = []
        if overall is not None:
            waits.append((overall.wait(now), "overall"))
        if bucket is not None:
            waits.append((bucket.wait(now), "chat"))
        if window is not None:
            waits.append((window.wait(now), "group"))
        longest, scope = max(waits, key=lambda item: item[0], default=(0.0, "overall"))
        if longest > 0:
            shown = chat if chat is not None else chat_id if isinstance(chat_id, str) else None
            return FloodRefusal(method, shown, scope, _seconds(longest))
        if overall is not None:
            overall.take()
        if bucket is not None:
            bucket.take()
        if window is not None:
            window.take(now)
        if creates:
            self.accepted_messages += 1
        return None

    def _overall_bucket(self, now: float) -> _Bucket:
        if self._overall is None:
            rate = self.limits.messages_per_second
            self._overall = _Bucket(rate, max(1.0, rate), now)  # a bucket below 1 never opens
        return self._overall

    def _chat_bucket(self, chat: int, now: float) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            limits = self.limits
            bucket = self._chats[chat] = _Bucket(
                limits.per_chat_per_second, limits.per_chat_burst, now
            )
        return bucket

    def _group_window(self, chat: int) -> _Window:
        window = self._groups.get(chat)
        if window is None:
            window = self._groups[chat] = _Window(self.limits.per_group_per_minute)
        return window
